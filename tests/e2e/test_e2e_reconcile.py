"""A commit becomes cluster state: the app DAG runs end to end (``dag.test()``) against kubesim.

Each test commits to its own local Git repository, runs the DAG ``fetch_source → render → diff →
apply → notify`` in a real Airflow, and checks what a user would check: objects through the real
``kubectl`` and the emulator's state, the run and task states, XCom summaries and the task logs.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from e2e_stack import App, Run

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


def states(run: Run) -> dict[str, str]:
    return {task: run.tasks[task][0] for task in TASKS if task in run.tasks}


def settled(kubesim: Any) -> dict[str, Any]:
    """The cluster state once the simulated controllers stopped writing status (two equal snapshots)."""
    before = kubesim.snapshot()
    while True:
        time.sleep(0.3)
        after = kubesim.snapshot()
        if after == before:
            return after
        before = after


def writes(kubesim: Any, since: float) -> list[str]:
    """Requests after ``since`` that changed (or tried to change) the cluster: not GETs, not dry-runs."""
    return [f"{r.method} {r.path}" for r in kubesim.requests() if r.time >= since
            and r.method in ("POST", "PUT", "PATCH", "DELETE") and "dryRun" not in r.query]


def inventory_ids(app: App) -> list[str]:
    inventory = app.kubectl_json("get", "configmap", "-n", "airflux-system", app.dag_id)
    return sorted(row["id"] for row in json.loads(inventory["data"]["entries"]))


def test_first_run_creates_every_object_and_the_inventory(app: App) -> None:
    commit = app.repo.commit(manifests(), "shop v1")
    app.define()

    run = app.run()

    assert run.state == "success", run.errors()
    assert states(run) == dict.fromkeys(TASKS, "success")
    # Through the real kubectl: every object exists and carries the owner label.
    for kind in ("configmap/cfg", "deployment/web", "service/web"):
        obj = app.kubectl_json("get", kind, "-n", "shop")
        assert obj["metadata"]["labels"]["airflux.io/app"] == app.dag_id
    assert app.kubectl_json("get", "namespace", "shop")["metadata"]["labels"]["airflux.io/app"] == app.dag_id
    # The inventory lives in the cluster and lists the four objects in Flux's id form.
    assert inventory_ids(app) == [
        "_shop__Namespace", "shop_cfg__ConfigMap", "shop_web__Service", "shop_web_apps_Deployment"]
    # What the UI shows: the applied revision and counts in XCom, the change lines in the task log.
    applied = run.xcom["apply"]
    assert applied["revision"] == f"main@sha1:{commit}"
    assert applied["rendered_digest"] == run.xcom["render"]["digest"] == run.xcom["diff"]["rendered_digest"]
    assert applied["counts"]["created"] == 4
    assert sorted(applied["names"]["created"]) == ["ConfigMap/shop/cfg", "Deployment/shop/web",
                                                   "Namespace/shop", "Service/shop/web"]
    assert run.xcom["diff"]["counts"]["created"] == 4
    assert "► Deployment/shop/web created" in run.log
    assert f"{app.dag_id}: applied at revision main@sha1:{commit}" in run.log
    assert "nginx" not in json.dumps(run.xcom)  # manifests stay on disk


def test_second_run_of_the_same_revision_writes_nothing(app: App) -> None:
    app.repo.commit(manifests(), "shop v1")
    app.define()
    first = app.run()
    assert first.state == "success", first.errors()
    before, started = settled(app.kubesim), time.time()

    run = app.run()

    assert run.state == "success", run.errors()
    assert app.kubesim.diff(before, app.kubesim.snapshot()) == []  # every resourceVersion unchanged
    assert writes(app.kubesim, started) == []
    assert run.xcom["apply"]["counts"]["unchanged"] == 4
    assert run.xcom["apply"]["counts"]["created"] == run.xcom["apply"]["counts"]["configured"] == 0
    assert f"{app.dag_id}: no changes at revision" in run.log

    # conf {"force": true} re-applies the unchanged objects (a no-op apply leaves them as they are)
    started = time.time()
    forced = app.run(conf={"force": True})
    assert forced.state == "success", forced.errors()
    assert forced.xcom["apply"]["forced"] is True
    assert len([w for w in writes(app.kubesim, started) if w.startswith("PATCH /api")]) >= 4


def test_commit_that_changes_a_value_and_removes_a_service_configures_and_prunes(app: App) -> None:
    app.repo.commit(manifests(), "shop v1")
    app.define()
    first = app.run()
    assert first.state == "success", first.errors()
    deployment_rv = app.kubectl_json("get", "deployment", "web", "-n", "shop")["metadata"]["resourceVersion"]
    commit = app.repo.commit(manifests(conf=APP_CONF.replace("workers=2", "workers=4"), service=False), "v2")

    run = app.run()

    assert run.state == "success", run.errors()
    applied = run.xcom["apply"]
    assert applied["revision"] == f"main@sha1:{commit}"
    assert (applied["counts"]["configured"], applied["counts"]["deleted"]) == (1, 1)
    assert applied["names"]["configured"] == ["ConfigMap/shop/cfg"]
    assert applied["pruned"] == ["Service/shop/web"]
    # the diff in the diff task's log shows the changed line of the multi-line value, not a blob
    assert "► ConfigMap/shop/cfg configured" in run.log
    assert "-    workers=2" in run.log and "+    workers=4" in run.log
    assert "► Service/shop/web deleted" in run.log
    # the real kubectl agrees: the Service is gone, the value changed, the Deployment was not written
    gone = app.kubectl("get", "service", "web", "-n", "shop")
    assert gone.returncode != 0 and "NotFound" in gone.stderr
    assert "workers=4" in app.kubectl_json("get", "configmap", "cfg", "-n", "shop")["data"]["app.conf"]
    assert app.kubectl_json("get", "deployment", "web", "-n", "shop")["metadata"]["resourceVersion"] == deployment_rv
    assert "shop_web__Service" not in inventory_ids(app)


def test_bad_commits_fail_before_anything_is_written_and_name_the_culprit(app: App) -> None:
    app.repo.commit(manifests(), "shop v1")
    app.define()
    assert app.run().state == "success"
    before = settled(app.kubesim)

    # 1. invalid YAML: render fails, naming the file
    broken = manifests(conf=APP_CONF.replace("workers=2", "workers=3"))
    broken["deploy/web.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web\n"
    app.repo.commit(broken, "broken yaml")
    run = app.run()
    assert run.state == "failed"
    # notify is a teardown: it reports the failure, the run stays failed
    assert states(run) == {"fetch_source": "success", "render": "failed", "diff": "upstream_failed",
                           "apply": "upstream_failed", "notify": "success"}
    assert run.tasks["render"][1] == 1  # terminal: no retries
    assert "AirflowFailException: [render]" in run.log and "web.yaml" in run.errors()
    assert run.xcom["notify"]["failed"] == "render" and "web.yaml" in run.xcom["notify"]["summary"]
    assert f"{app.dag_id}: FAILED at render at revision" in run.log
    assert app.kubesim.diff(before, app.kubesim.snapshot()) == []

    # 2. valid YAML the API rejects (port out of range), next to a valid change: diff fails, nothing applied
    rejected = manifests(conf=APP_CONF.replace("workers=2", "workers=3"))
    rejected["deploy/service.yaml"] = str(rejected["deploy/service.yaml"]).replace("port: 80,", "port: 80000,")
    app.repo.commit(rejected, "port out of range")
    run = app.run()
    assert run.state == "failed"
    assert states(run)["diff"] == "failed" and states(run)["apply"] == "upstream_failed"
    assert run.tasks["diff"][1] == 1
    errors = run.errors()
    assert "dry-run failed for 1 object(s), nothing was applied" in errors
    assert "Service/shop/web" in errors and "80000" in errors
    assert run.xcom["notify"]["failed"] == "diff"
    assert app.kubesim.diff(before, app.kubesim.snapshot()) == []
    assert "workers=2" in app.kubectl_json("get", "configmap", "cfg", "-n", "shop")["data"]["app.conf"]


def test_manual_changes_with_kubectl_are_reverted_by_the_next_run(app: App) -> None:
    app.repo.commit(manifests(replicas=2), "shop v1")
    app.define()
    assert app.run().state == "success"
    assert app.kubectl("scale", "deployment/web", "-n", "shop", "--replicas=5").returncode == 0
    assert app.kubectl("label", "configmap/cfg", "-n", "shop", "edited-by=hand").returncode == 0
    assert app.kubectl_json("get", "deployment", "web", "-n", "shop")["spec"]["replicas"] == 5

    run = app.run()

    assert run.state == "success", run.errors()
    assert sorted(run.xcom["apply"]["names"]["configured"]) == ["ConfigMap/shop/cfg", "Deployment/shop/web"]
    assert "► Deployment/shop/web configured" in run.log
    assert app.kubectl_json("get", "deployment", "web", "-n", "shop")["spec"]["replicas"] == 2
    labels = app.kubectl_json("get", "configmap", "cfg", "-n", "shop")["metadata"]["labels"]
    assert labels == {"airflux.io/app": app.dag_id}


def test_objects_the_app_does_not_own_or_may_not_prune_survive_pruning(app: App) -> None:
    files = manifests()
    files["deploy/kustomization.yaml"] = ("resources: [namespace.yaml, config.yaml, web.yaml, service.yaml, "
                                          "keep.yaml, handed-over.yaml]\n")
    files["deploy/keep.yaml"] = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  namespace: shop\n"
                                 "  annotations: {kustomize.toolkit.fluxcd.io/prune: disabled}\ndata: {k: v}\n")
    files["deploy/handed-over.yaml"] = ("apiVersion: v1\nkind: ConfigMap\n"
                                        "metadata: {name: handed-over, namespace: shop}\ndata: {k: v}\n")
    app.repo.commit(files, "shop v1")
    app.define()
    assert app.run().state == "success"
    # someone else's object in the same namespace, and one of ours that a person took over
    # (create -f: kubesim does not take the protobuf bodies of `kubectl create configmap`, see docs/kubesim.md)
    foreign = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: foreign, namespace: shop}\ndata: {k: v}\n"
    assert app.kubectl("create", "-f", "-", input=foreign).returncode == 0
    assert app.kubectl("label", "configmap/handed-over", "-n", "shop", "airflux.io/app-").returncode == 0
    # the next commit drops keep, handed-over and the Service from the app
    app.repo.commit({"deploy/kustomization.yaml": "resources: [namespace.yaml, config.yaml, web.yaml]\n",
                     "deploy/keep.yaml": None, "deploy/handed-over.yaml": None, "deploy/service.yaml": None})

    run = app.run()

    assert run.state == "success", run.errors()
    assert run.xcom["apply"]["pruned"] == ["Service/shop/web"]
    kept = run.xcom["apply"]["kept"]
    assert any(k.startswith("ConfigMap/shop/keep (prune disabled") for k in kept), kept
    assert any(k.startswith("ConfigMap/shop/handed-over (not owned") for k in kept), kept
    names = app.kubectl("get", "configmaps", "-n", "shop", "-o", "name").stdout.split()
    assert {"configmap/keep", "configmap/handed-over", "configmap/foreign", "configmap/cfg"} <= set(names)
    assert app.kubectl("get", "service", "web", "-n", "shop").returncode != 0
    # objects we no longer manage leave the inventory
    assert inventory_ids(app) == ["_shop__Namespace", "shop_cfg__ConfigMap", "shop_web_apps_Deployment"]


def test_rollout_that_never_becomes_ready_fails_the_health_check_after_the_timeout(app: App) -> None:
    files = manifests()
    files["deploy/web.yaml"] = str(files["deploy/web.yaml"]).replace(
        "metadata: {name: web, namespace: shop}", 'metadata: {name: web, namespace: shop, annotations: '
        '{kubesim.io/fail: "true", kubesim.io/fail-after: "1s", kubesim.io/fail-message: "image nginx:1.27 not found"}}')
    app.repo.commit(files, "a rollout that fails")
    app.define(wait=True, timeout="5s")

    run = app.run()

    assert run.state == "failed"
    assert states(run)["apply"] == "failed" and states(run)["notify"] == "success"
    errors = run.errors()
    assert "[health]" in errors and "timeout after 5s" in errors
    assert "Deployment/shop/web" in errors and "image nginx:1.27 not found" in errors
    for ready in ("ConfigMap/shop/cfg", "Service/shop/web", "Namespace/shop"):
        assert f"  {ready}:" not in errors  # only what is not ready is named
    apply_log = run.log[run.log.index("starting task_id=apply"):]
    assert "waiting up to 5s (spec.timeout)" in apply_log and "ready" in apply_log
    summary = run.xcom["notify"]["summary"]
    assert summary.startswith(f"{app.dag_id}: FAILED at apply") and "Deployment/shop/web" in summary
    # the objects were applied and recorded, so the next run knows them
    assert "shop_web_apps_Deployment" in inventory_ids(app)


def test_a_retried_apply_plans_again_from_the_live_cluster(app: App) -> None:
    files = manifests()
    files["deploy/web.yaml"] = str(files["deploy/web.yaml"]).replace(
        "metadata: {name: web, namespace: shop}",
        'metadata: {name: web, namespace: shop, annotations: {kubesim.io/ready-after: "4s"}}')
    app.repo.commit(files, "a slow rollout")
    # interval 6s / retryInterval 1s: five retries, one second apart; health gives up after 2s
    app.define(wait=True, timeout="2s", interval="6s", retry_interval="1s")

    run = app.run()

    assert run.state == "success", run.errors()
    assert run.tasks["apply"] == ("success", 2)  # the first try timed out waiting, the retry saw it ready
    assert "timeout after 2s waiting for 1 object(s)" in run.log
    assert "Try 2: the cluster changed since diff ran, diffing again" in run.log
    # the retry wrote nothing again: the first try had applied everything
    assert run.xcom["apply"]["counts"]["unchanged"] == 4
    assert run.xcom["apply"]["counts"]["created"] == 0
    assert app.kubectl_json("get", "deployment", "web", "-n", "shop")["status"]["availableReplicas"] == 2


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
"""


def test_crd_and_its_custom_resource_apply_in_one_run(app: App) -> None:
    app.repo.commit({
        "deploy/kustomization.yaml": "resources: [namespace.yaml, crd.yaml, widget.yaml]\n",
        "deploy/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        "deploy/crd.yaml": CRD,
        "deploy/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: shop}\n"
                              "spec: {size: 3}\n",
    }, "widgets")
    app.define(wait=True, timeout="20s")

    run = app.run()

    assert run.state == "success", run.errors()
    assert sorted(run.xcom["apply"]["names"]["created"]) == [
        "CustomResourceDefinition/widgets.example.com", "Namespace/shop", "Widget/shop/w1"]
    assert run.xcom["apply"]["health"]["ready"] == 3
    assert "Widget/shop/w1 created (kind defined in this set)" in run.log
    assert app.kubectl_json("get", "widgets", "w1", "-n", "shop")["spec"] == {"size": 3}
    assert "shop_w1_example.com_Widget" in inventory_ids(app)
    # and the next run of the same revision finds nothing to do
    again = app.run()
    assert again.state == "success", again.errors()
    assert again.xcom["apply"]["counts"]["unchanged"] == 3
