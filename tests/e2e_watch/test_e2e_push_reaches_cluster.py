"""End to end on a real ``airflow standalone`` started by the test: a commit pushed to a local
repository reaches the kubesim cluster through the git watcher (asset event → DAG run → apply),
without any manual trigger, and the run pins exactly the pushed commit; a signed call to the
plugin's webhook route records an asset event for the Receiver's GitRepository, a badly signed one
is refused."""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
from pathlib import Path
from typing import Any

import pytest
from standalone import Remote, Standalone

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

DAG_ID = "ks.demo.web"
HOOK_TOKEN = "e2e-hook-token"


def config_map(color: str) -> dict[str, str]:
    return {
        "deploy/kustomization.yaml": "resources: [cm.yaml]\n",
        "deploy/cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web, namespace: default}}\n"
                          f"data: {{color: {color}}}\n",
    }


def apps_yaml(url: str) -> str:
    return f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: web, namespace: demo}}
spec: {{url: "{url}", interval: 1m, ref: {{branch: main}}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: web, namespace: demo}}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  path: ./deploy
  sourceRef: {{kind: GitRepository, name: web}}
---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {{name: push, namespace: demo}}
spec:
  type: github
  events: [push]
  secretRef: {{name: e2e-hook-token}}
  resources: [{{kind: GitRepository, name: web}}]
"""


def color(kubesim: Any) -> str | None:
    obj = kubesim.get("v1", "ConfigMap", "web", "default")
    return (obj or {}).get("data", {}).get("color")


def test_pushed_commit_is_applied_by_the_watcher(tmp_path: Path, kubesim: Any) -> None:
    remote = Remote(tmp_path / "git")
    remote.push(config_map("blue"), "blue")
    apps = tmp_path / "apps"
    apps.mkdir()
    (apps / "web.yaml").write_text(apps_yaml(remote.url))
    token_conn = {"AIRFLOW_CONN_E2E_HOOK_TOKEN": f'{{"conn_type": "generic", "password": "{HOOK_TOKEN}"}}'}
    stack = Standalone(tmp_path / "stack", apps=apps, kubeconfig=kubesim.kubeconfig, poll_seconds=1,
                       extra_env=token_conn)
    try:
        stack.start()
        # The first run comes from the interval schedule (new DAG, unpaused on creation).
        stack.wait(lambda: color(kubesim) == "blue", 120, "the first reconcile")
        first_runs = {run["dag_run_id"] for run in stack.runs(DAG_ID)}
        time.sleep(3)  # let the watcher take its first look (it records, it does not fire)

        pushed_at = time.monotonic()
        green = remote.push(config_map("green"), "green")
        stack.wait(lambda: color(kubesim) == "green", 60, "the pushed commit to reach the cluster")
        latency = time.monotonic() - pushed_at

        new_runs = [run for run in stack.runs(DAG_ID) if run["dag_run_id"] not in first_runs]
        assert [run["run_type"] for run in new_runs] == ["asset_triggered"], new_runs
        run = stack.wait(lambda: next((r for r in stack.runs(DAG_ID) if r["dag_run_id"] == new_runs[0]["dag_run_id"]
                                       and r["state"] == "success"), None), 60, "the triggered run to finish")
        assert stack.xcom(DAG_ID, run["dag_run_id"], "fetch_source")["commit"] == green
        print(f"push → applied in {latency:.1f} s")

        hook = "/airflux/hook/" + hashlib.sha256(f"{HOOK_TOKEN}pushdemo".encode()).hexdigest()
        body = b'{"ref": "refs/heads/main"}'
        signature = "sha256=" + hmac.new(HOOK_TOKEN.encode(), body, hashlib.sha256).hexdigest()
        stack.token = ""  # the hook needs no Airflow login
        with pytest.raises(urllib.error.HTTPError) as refused:
            stack.http("POST", hook, raw=body, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64,
                                                        "X-GitHub-Event": "push"})
        assert refused.value.code == 403
        answer = stack.http("POST", hook, raw=body, headers={"X-Hub-Signature-256": signature,
                                                             "X-GitHub-Event": "push"})
        assert answer["reconciling"] == ["GitRepository/demo/web"]
        stack.start_session()
        events = stack.http("GET", "/api/v2/assets/events?order_by=-timestamp&limit=5")["asset_events"]
        assert any((e.get("extra") or {}).get("receiver") == "Receiver/demo/push" for e in events), events
    finally:
        stack.stop()
