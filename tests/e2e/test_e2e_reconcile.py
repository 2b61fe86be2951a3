"""A commit becomes cluster state: the app DAG runs end to end (``dag.test()``) against kubesim.

Each test commits to its own local Git repository, runs the DAG ``fetch_source → render → diff →
apply → notify`` in a real Airflow, and checks what a user would check: objects through the real
``kubectl`` and the emulator's state, the run and task states, XCom summaries and the task logs.
"""

from __future__ import annotations

import pytest
from e2e_stack import App

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

TASKS = ["fetch_source", "render", "diff", "apply", "notify"]
APP_CONF = "port=80\nworkers=2\nlog=info\n"


def manifests(*, conf: str = APP_CONF, service: bool = True, replicas: int = 2) -> dict[str, str | None]:
    resources = ["namespace.yaml", "config.yaml", "web.yaml"] + (["service.yaml"] if service else [])
    indented = "".join(f"    {line}\n" for line in conf.splitlines())
    return {
        "deploy/kustomization.yaml": f"resources: [{', '.join(resources)}]\n",
        "deploy/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        "deploy/config.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\n"
                               f"data:\n  mode: prod\n  app.conf: |\n{indented}"),
        "deploy/web.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n"
            f"  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n"
            "  template:\n    metadata: {labels: {app: web}}\n"
            "    spec: {containers: [{name: web, image: nginx:1.27}]}\n"),
        "deploy/service.yaml": (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
            "spec: {selector: {app: web}, ports: [{port: 80, targetPort: 80}]}\n") if service else None,
    }


def states(run) -> dict[str, str]:
    return {task: run.tasks[task][0] for task in TASKS if task in run.tasks}


def test_first_run_creates_every_object_and_the_inventory(app: App) -> None:
    commit = app.repo.commit(manifests(), "shop v1")
    app.define()

    run = app.run()

    assert run.state == "success", run.log[-3000:]
    assert states(run) == dict.fromkeys(TASKS, "success")
    # Through the real kubectl: every object exists and carries the owner label.
    for kind in ("configmap/cfg", "deployment/web", "service/web"):
        obj = app.kubectl_json("get", kind, "-n", "shop")
        assert obj["metadata"]["labels"]["airflux.io/app"] == app.dag_id
    assert app.kubectl_json("get", "namespace", "shop")["metadata"]["labels"]["airflux.io/app"] == app.dag_id
    # The inventory lives in the cluster and lists the four objects in Flux's id form.
    inventory = app.kubectl_json("get", "configmap", "-n", "airflux-system", app.dag_id)
    assert sorted(row["id"] for row in __import__("json").loads(inventory["data"]["entries"])) == [
        "_shop__Namespace", "shop_cfg__ConfigMap", "shop_web__Service", "shop_web_apps_Deployment"]
    # What the UI shows: the applied revision and counts in XCom, the change lines in the task log.
    applied = run.xcom["apply"]
    assert applied["revision"] == f"main@sha1:{commit}"
    assert applied["counts"]["created"] == 4
    assert sorted(applied["names"]["created"]) == ["ConfigMap/shop/cfg", "Deployment/shop/web",
                                                   "Namespace/shop", "Service/shop/web"]
    assert run.xcom["diff"]["counts"]["created"] == 4
    assert "► Deployment/shop/web created" in run.log
    assert f"{app.dag_id}: applied at revision main@sha1:{commit}" in run.log
    assert "nginx" not in __import__("json").dumps(run.xcom)  # manifests stay on disk
