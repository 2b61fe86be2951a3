"""End to end on a real ``airflow standalone``: a chart version published to a HelmRepository reaches the
cluster through the chart watcher (the triggerer polls ``index.yaml``; the asset-triggered run reads the
index afresh although the repository's interval is an hour), and a Receiver naming the HelmRelease itself
starts one more run of exactly that DAG."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from standalone import Standalone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "airflux" / "helm"))
from charts import package, serve, write_chart  # the Helm tests' chart, packaged and indexed by the engine

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

DAG_ID = "hr.demo.shop"
HOOK_TOKEN = "e2e-helm-hook-token"

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {{name: charts, namespace: demo}}
spec: {{url: "{url}", interval: 1h}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: shop, namespace: demo}}
spec:
  interval: 1h
  timeout: 1m
  chart: {{spec: {{chart: shop, version: "1.x", sourceRef: {{kind: HelmRepository, name: charts}}}}}}
  install: {{createNamespace: true}}
---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {{name: release, namespace: demo}}
spec:
  type: generic
  secretRef: {{name: e2e-helm-hook-token}}
  resources: [{{kind: HelmRelease, name: shop}}]
"""


def chart_label(kubesim: Any) -> str | None:
    obj = kubesim.get("apps/v1", "Deployment", "shop", "demo") or {}
    return ((obj.get("metadata") or {}).get("labels") or {}).get("helm.sh/chart")


def test_new_chart_version_is_deployed_by_the_watcher_and_a_hook_naming_the_release_starts_it(
        tmp_path: Path, kubesim: Any) -> None:
    chart, repo = write_chart(tmp_path / "src", hooks=False), tmp_path / "repo"
    package(chart, repo, version="1.0.0")
    seen: list[str] = []
    with serve(repo, seen=seen) as url:
        apps = tmp_path / "apps"
        apps.mkdir()
        (apps / "apps.yaml").write_text(APPS.format(url=url))
        env = {"AIRFLOW__AIRFLUX__HELM_POLL_INTERVAL": "1",
               "AIRFLOW_CONN_E2E_HELM_HOOK_TOKEN": json.dumps({"conn_type": "generic", "password": HOOK_TOKEN})}
        stack = Standalone(tmp_path / "stack", apps=apps, kubeconfig=kubesim.kubeconfig, extra_env=env)
        try:
            stack.start()
            stack.wait(lambda: chart_label(kubesim) == "shop-1.0.0", 150, "the first install (interval run)")
            first = {run["dag_run_id"] for run in stack.runs(DAG_ID)}
            # The fetch read the index once; more reads are the watcher's polls (its first look records 1.0.0).
            stack.wait(lambda: sum(path.endswith("index.yaml") for path in seen) >= 3, 60, "the watcher to poll")

            published = time.monotonic()
            package(chart, repo, version="1.1.0")
            stack.wait(lambda: chart_label(kubesim) == "shop-1.1.0", 90, "the new chart version to be deployed")
            print(f"chart published → deployed in {time.monotonic() - published:.1f} s (1 s poll)")
            new = [run for run in stack.runs(DAG_ID) if run["dag_run_id"] not in first]
            assert [run["run_type"] for run in new] == ["asset_triggered"], new
            done = stack.wait(lambda: next((r for r in stack.runs(DAG_ID) if r["dag_run_id"] == new[0]["dag_run_id"]
                                            and r["state"] == "success"), None), 60, "the triggered run to finish")
            assert stack.xcom(DAG_ID, done["dag_run_id"], "fetch_source")["version"] == "1.1.0"

            before = {run["dag_run_id"] for run in stack.runs(DAG_ID)}
            stack.token = ""  # the hook needs no Airflow login
            hook = "/airflux/hook/" + hashlib.sha256(f"{HOOK_TOKEN}releasedemo".encode()).hexdigest()
            answer = stack.http("POST", hook, raw=b"{}")
            assert answer["reconciling"] == ["HelmRelease/demo/shop"]
            stack.start_session()
            hooked = stack.wait(lambda: [r for r in stack.runs(DAG_ID) if r["dag_run_id"] not in before], 60,
                                "the hook's run")
            assert [run["run_type"] for run in hooked] == ["asset_triggered"]
        finally:
            stack.stop()
