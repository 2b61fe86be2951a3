"""Parse time of the Airflux DAG factory for 1,000 app definitions (target: at most 2 s).

Writes 1,000 GitRepository + Kustomization pairs into a temporary apps directory, then has Airflow's
own DagBag process ``dags/airflux_apps.py`` the way the DAG processor does (read the definitions,
build every DAG, validate and bag them) and, separately, serialize them as the DAG processor then
does. Airflow itself is imported before the clock starts: that cost is per process, not per parse.
Last line: ``RESULT parse_seconds=... apps=1000 target_seconds=2``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = 1000
TARGET_SECONDS = 2.0

APP = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: app-{i}
  namespace: team-{team}
spec:
  url: https://git.example.com/team-{team}/app-{i}.git
  ref:
    branch: main
  interval: 1m
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: app-{i}
  namespace: team-{team}
spec:
  sourceRef:
    kind: GitRepository
    name: app-{i}
  path: ./deploy/prod
  interval: 10m
  retryInterval: 2m
  prune: true
  wait: true
  targetNamespace: app-{i}
  images:
    - name: ghcr.io/example/app
      newTag: v1.{i}.0
  postBuild:
    substitute:
      cluster: prod
"""


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="airflux-parse-bench-"))
    try:
        apps = work / "apps"
        for i in range(APPS):
            folder = apps / f"team-{i % 20}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"app-{i}.yaml").write_text(APP.format(i=i, team=i % 20))
        dags = work / "dags"
        dags.mkdir()
        shutil.copy(ROOT / "dags" / "airflux_apps.py", dags)
        errors_only = work / "errors-dag"
        errors_only.mkdir()
        shutil.copy(ROOT / "dags" / "airflux_app_errors.py", errors_only)
        os.environ.update({
            "AIRFLOW_HOME": str(work / "airflow"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "0",
            "AIRFLUX_APPS_DIR": str(apps),
        })
        sys.path[:0] = [str(ROOT / "include"), str(ROOT / "plugins")]

        from airflow.dag_processing.dagbag import DagBag
        from airflow.serialization.serialized_objects import DagSerialization

        started = time.perf_counter()
        bag = DagBag(dag_folder=str(dags))
        parse_seconds = time.perf_counter() - started
        assert not bag.import_errors, bag.import_errors
        assert bag.size() == APPS, bag.size()

        started = time.perf_counter()
        for dag in bag.dags.values():
            DagSerialization.to_dict(dag)
        serialize_seconds = time.perf_counter() - started

        started = time.perf_counter()
        errors_bag = DagBag(dag_folder=str(errors_only))
        errors_seconds = time.perf_counter() - started
        assert not errors_bag.import_errors and errors_bag.size() == 0

        print(f"parsed {bag.size()} app DAGs ({APPS} files, {2 * APPS} documents) in {parse_seconds:.2f} s")
        print(f"serialized them (as the DAG processor does next) in {serialize_seconds:.2f} s")
        print(f"the sibling airflux_app_errors.py (validation only, no DAGs) parsed in {errors_seconds:.2f} s")
        print(f"RESULT parse_seconds={parse_seconds:.3f} apps={APPS} target_seconds={TARGET_SECONDS:g}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
