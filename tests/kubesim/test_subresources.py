"""/status and /scale (issue item 11), CRD registration (item 2) and the controller loop's status writes."""

from __future__ import annotations

from tests.kubesim.conftest import deployment

DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"
MERGE = "application/merge-patch+json"

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
             "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]},
}
WIDGETS = "/apis/example.com/v1/namespaces/default/widgets"


def test_main_resource_ignores_status_and_status_ignores_spec(api, kubesim):
    api("POST", DEPLOYS, deployment("web"))
    ignored = api("PATCH", f"{DEPLOYS}/web", {"status": {"replicas": 99}}, ctype=MERGE)
    assert ignored.body.get("status", {}).get("replicas") != 99
    via_status = api("PATCH", f"{DEPLOYS}/web/status", {"spec": {"replicas": 7}, "status": {"replicas": 5}}, ctype=MERGE)
    assert via_status.code == 200
    assert via_status.body["status"]["replicas"] == 5 and via_status.body["spec"]["replicas"] == 1


def test_scale_subresource(api):
    api("POST", DEPLOYS, deployment("web", replicas=2))
    scale = api("GET", f"{DEPLOYS}/web/scale").body
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 2} and scale["status"]["selector"] == "app=web"
    scale["spec"]["replicas"] = 4
    assert api("PUT", f"{DEPLOYS}/web/scale", scale).body["spec"]["replicas"] == 4
    assert api("GET", f"{DEPLOYS}/web").body["spec"]["replicas"] == 4
    patched = api("PATCH", f"{DEPLOYS}/web/scale", {"spec": {"replicas": 1}}, ctype=MERGE)
    assert patched.body["spec"]["replicas"] == 1
    assert api("PUT", f"{DEPLOYS}/web/scale", scale).code == 409


def test_controller_status_is_a_separate_write(api, kubesim):
    created = api("POST", DEPLOYS, deployment("web", replicas=2)).body
    ready = kubesim.wait_for(lambda: (api("GET", f"{DEPLOYS}/web").body.get("status") or {}).get("readyReplicas") == 2
                             and api("GET", f"{DEPLOYS}/web").body)
    assert int(ready["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    assert ready["status"]["observedGeneration"] == 1
    managers = {(m["manager"], m.get("subresource", "")) for m in ready["metadata"]["managedFields"]}
    assert ("kube-controller-manager", "status") in managers


def test_crd_registers_kind_and_delete_removes_resources(api, kubesim):
    created = api("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD)
    assert created.code == 201
    crd = api("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").body
    conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
    assert conditions == {"NamesAccepted": "True", "Established": "True"}
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}
    assert api("POST", WIDGETS, widget).code == 201
    assert api("PATCH", f"{WIDGETS}/w/status", {"status": {"ok": True}}, ctype=MERGE).body["status"] == {"ok": True}
    assert api("PATCH", f"{WIDGETS}/w", {"spec": {"size": 2}}, ctype="application/strategic-merge-patch+json").code == 415
    listed = api("GET", WIDGETS).body
    assert listed["kind"] == "WidgetList" and listed["items"][0]["kind"] == "Widget"
    assert api("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").code == 200
    assert api("GET", WIDGETS).code == 404
    assert not any(k.startswith("example.com/") for k in kubesim.snapshot()["objects"])
