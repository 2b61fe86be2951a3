"""A HelmRelease is a DAG ``hr.<namespace>.<name>`` with the Kustomization chain, and it really runs:
``dag.test()`` fetches the chart from a local Helm repository, renders, diffs, applies and notifies.

Same set-up as tests/plugins/airflux_ops/test_ops_dag_runs.py: a fresh Airflow metadata database, the
real dags/ files, a kubesim cluster named by ``KUBECONFIG``; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from charts import package, serve, write_chart

from kubesim.testing import start

ROOT = Path(__file__).resolve().parents[3]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
pytestmark = [pytest.mark.airflow, pytest.mark.slow]

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {{name: charts, namespace: flux-system}}
spec: {{url: "{url}", interval: 10m}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: shop, namespace: shop}}
spec:
  interval: 5m
  timeout: 30s
  chart:
    spec:
      chart: shop
      version: "1.x"
      sourceRef: {{kind: HelmRepository, name: charts, namespace: flux-system}}
  install: {{createNamespace: true}}
  values: {{replicaCount: 2}}
"""

RUN = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
dag = bag.dags["hr.shop.shop"]
print("CHAIN " + json.dumps([t.task_id for t in dag.topological_sort()]))
print("RESULT " + json.dumps(str(dag.test().state)))
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    work = tmp_path_factory.mktemp("helm-dag")
    cluster = start(work / "kubesim")
    repo = work / "repo"
    package(write_chart(work / "src", version="1.1.0"), repo, version="1.1.0")
    with serve(repo) as url:
        apps, dags = work / "apps", work / "dags"
        apps.mkdir()
        (apps / "shop.yaml").write_text(APPS.format(url=url))
        dags.mkdir()
        for name in ("airflux_apps.py", "airflux_app_errors.py"):
            shutil.copy(ROOT / "dags" / name, dags)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "KUBECONFIG"))}
        env.update({
            "AIRFLOW_HOME": str(work / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLUX_APPS_DIR": str(apps), "AIRFLUX_HOME": str(work / "store"),
            "KUBECONFIG": str(cluster.kubeconfig),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), env.get("PYTHONPATH", "")]),
        })
        done = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        done = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in done.stdout.splitlines()
             if line.startswith(("CHAIN ", "RESULT "))}
    yield {"cluster": cluster, "db": work / "airflow" / "airflow.db", "log": done.stdout + done.stderr,
           "chain": json.loads(lines["CHAIN"]), "state": json.loads(lines["RESULT"])}
    cluster.sim.stop()


def _xcoms(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select task_id, value from xcom where dag_id = 'hr.shop.shop' and key = 'return_value'")
        return {task_id: json.loads(value) for task_id, value in rows}


def test_helm_release_dag_has_the_same_chain_and_installs_the_chart(run: Any) -> None:
    assert run["chain"] == ["fetch_source", "render", "diff", "apply", "notify"]
    assert run["state"] == "success", run["log"][-3000:]
    deploy = run["cluster"].get("apps/v1", "Deployment", "shop", "shop")
    assert deploy is not None and deploy["spec"]["replicas"] == 2
    summaries = _xcoms(run["db"])
    assert summaries["fetch_source"]["version"] == "1.1.0"
    assert summaries["render"]["release"] == {"name": "shop", "namespace": "shop", "revision": 1,
                                              "is_install": True}
    assert summaries["apply"]["release_revision"] == 1
    assert summaries["apply"]["hooks"] == ["Job/shop-migrate", "Job/shop-seed", "Job/shop-notify"]
    assert "revision 1: shop 1.1.0 (app 2.0.0)" in summaries["notify"]["summary"]
