"""End to end on a real ``airflow standalone``: one pushed commit reaches three apps of one repository:
``db`` (watcher), ``web`` (``dependsOn: db``: its stages start only after db applied that commit) and
``cache`` (``airflux.io/trigger: sensor``: its deferred ``wait_for_commit`` resumes on the commit)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from standalone import Remote, Standalone

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

APPS = ("db", "web", "cache")


def manifests(value: str) -> dict[str, str]:
    out = {}
    for app in APPS:
        out[f"{app}/kustomization.yaml"] = "resources: [cm.yaml]\n"
        out[f"{app}/cm.yaml"] = (f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {app}, namespace: default}}\n"
                                 f"data: {{value: \"{value}\"}}\n")
    return out


def kustomization(name: str, extra_meta: str = "", extra_spec: str = "") -> str:
    return f"""\
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: demo{extra_meta}}}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  path: ./{name}
  sourceRef: {{kind: GitRepository, name: src}}{extra_spec}
"""


def apps_yaml(url: str) -> str:
    return (f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: src, namespace: demo}}
spec: {{url: "{url}", interval: 1m, ref: {{branch: main}}}}
""" + kustomization("db") + kustomization("web", extra_spec="\n  dependsOn: [{name: db}]")
            + kustomization("cache", extra_meta=", annotations: {airflux.io/trigger: sensor}"))


def values(kubesim: Any) -> dict[str, str | None]:
    return {app: ((kubesim.get("v1", "ConfigMap", app, "default") or {}).get("data") or {}).get("value")
            for app in APPS}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_dependent_waits_for_its_dependency_and_sensor_app_resumes_on_the_commit(tmp_path: Path, kubesim: Any) -> None:
    remote = Remote(tmp_path / "git")
    remote.push(manifests("v1"), "v1")
    apps = tmp_path / "apps"
    apps.mkdir()
    (apps / "apps.yaml").write_text(apps_yaml(remote.url))
    stack = Standalone(tmp_path / "stack", apps=apps, kubeconfig=kubesim.kubeconfig, poll_seconds=1)
    try:
        stack.start()
        stack.wait(lambda: set(values(kubesim).values()) == {"v1"}, 150, "the first reconcile of the three apps")
        # The sensor app's next run is deferred in wait_for_commit (no worker slot).
        stack.wait(lambda: any(t["task_id"] == "wait_for_commit" and t["state"] == "deferred"
                               for r in stack.runs("ks.demo.cache") if r["state"] == "running"
                               for t in stack.http("GET", f"/api/v2/dags/ks.demo.cache/dagRuns/{r['dag_run_id']}"
                                                          "/taskInstances")["task_instances"]),
                   60, "the sensor to defer")
        stack.wait(lambda: all(r["state"] == "success" for app in ("db", "web") for r in stack.runs(f"ks.demo.{app}")),
                   60, "the first runs of db and web to finish")
        known = {app: {r["dag_run_id"] for r in stack.runs(f"ks.demo.{app}")} for app in ("db", "web")}

        sha = remote.push(manifests("v2"), "v2")
        stack.wait(lambda: set(values(kubesim).values()) == {"v2"}, 90, "the commit to reach the three apps")

        def finished_run(app: str) -> dict[str, Any] | None:
            return next((r for r in stack.runs(f"ks.demo.{app}") if r["dag_run_id"] not in known[app]
                         and r["state"] == "success"), None)

        db_run = stack.wait(lambda: finished_run("db"), 60, "db's run")
        web_run = stack.wait(lambda: finished_run("web"), 60, "web's run")

        def task(app: str, run: dict[str, Any], task_id: str) -> dict[str, Any]:
            return stack.http("GET", f"/api/v2/dags/ks.demo.{app}/dagRuns/{run['dag_run_id']}/taskInstances/{task_id}")

        # web's own stages started only after db had applied the same commit.
        assert when(task("web", web_run, "fetch_source")["start_date"]) >= when(task("db", db_run, "apply")["end_date"])
        assert stack.xcom("ks.demo.db", db_run["dag_run_id"], "fetch_source")["commit"] == sha
        assert stack.xcom("ks.demo.web", web_run["dag_run_id"], "fetch_source")["commit"] == sha
        cache_runs = [r for r in stack.runs("ks.demo.cache") if r["state"] == "success"]
        assert any(stack.xcom("ks.demo.cache", r["dag_run_id"], "wait_for_commit") == f"main@sha1:{sha}"
                   for r in cache_runs)
    finally:
        stack.stop()
