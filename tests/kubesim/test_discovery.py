"""/version and API discovery (legacy and aggregated), as kubectl and client libraries read them.

Shapes follow https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api and the
apidiscovery.k8s.io/v2 types (APIGroupDiscoveryList / APIResourceDiscovery).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import ok
from tests.kubesim.test_registry import widget_crd

from kubesim import discovery
from kubesim.resources import Registry

AGG_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
KUBECTL_ACCEPT = f"{AGG_V2},application/json"


def get(reg: Registry, path: str, accept: str = "application/json") -> tuple[int, str, Any]:
    found = discovery.handle(reg, path, accept)
    assert found is not None, path
    status, ctype, body = found
    return status, ctype, json.loads(body)


def resource(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in doc["resources"] if r["name"] == name)


def test_version_reports_a_current_minor() -> None:
    status, _, doc = get(Registry(), "/version")
    assert status == 200 and doc["major"] == "1" and int(doc["minor"].rstrip("+")) >= 33
    assert doc["gitVersion"].startswith(f"v1.{doc['minor'].rstrip('+')}.")


def test_legacy_core_discovery() -> None:
    reg = Registry()
    _, ctype, api = get(reg, "/api")
    assert ctype == "application/json" and api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    _, _, v1 = get(reg, "/api/v1")
    assert v1["kind"] == "APIResourceList" and v1["groupVersion"] == "v1"
    cm = resource(v1, "configmaps")
    assert cm == {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
                  "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                  "shortNames": ["cm"], "storageVersionHash": cm["storageVersionHash"]}
    assert resource(v1, "pods")["categories"] == ["all"]
    assert resource(v1, "pods/status") == {"name": "pods/status", "singularName": "", "namespaced": True,
                                           "kind": "Pod", "verbs": ["get", "patch", "update"]}
    assert resource(v1, "namespaces")["namespaced"] is False


def test_legacy_group_discovery() -> None:
    reg = Registry()
    _, _, apis = get(reg, "/apis")
    assert apis["kind"] == "APIGroupList" and apis["apiVersion"] == "v1"
    names = [g["name"] for g in apis["groups"]]
    assert names[0] == "apps" and "" not in names
    assert {"batch", "networking.k8s.io", "rbac.authorization.k8s.io", "policy", "autoscaling", "storage.k8s.io",
            "apiextensions.k8s.io", "admissionregistration.k8s.io", "coordination.k8s.io"} <= set(names)
    _, _, apps = get(reg, "/apis/apps")
    assert apps == {"kind": "APIGroup", "apiVersion": "v1", "name": "apps",
                    "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}
    _, _, apps_v1 = get(reg, "/apis/apps/v1")
    assert apps_v1["groupVersion"] == "apps/v1"
    assert resource(apps_v1, "deployments")["shortNames"] == ["deploy"]
    assert resource(apps_v1, "deployments/scale") == {
        "name": "deployments/scale", "singularName": "", "namespaced": True, "group": "autoscaling",
        "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}


def test_unknown_group_or_version_is_a_not_found_status_and_resource_paths_are_not_discovery() -> None:
    reg = Registry()
    for path in ("/apis/nope.example.com", "/apis/apps/v9", "/api/v2"):
        status, _, doc = get(reg, path)
        assert status == 404 and doc["kind"] == "Status" and doc["reason"] == "NotFound"
    for path in ("/api/v1/pods", "/apis/apps/v1/namespaces/default/deployments", "/healthz/x", "/metrics"):
        assert discovery.handle(reg, path, "application/json") is None


def test_aggregated_discovery_when_the_client_asks_for_it() -> None:
    reg = Registry()
    _, ctype, doc = get(reg, "/apis", KUBECTL_ACCEPT)
    assert ctype == AGG_V2
    assert doc["kind"] == "APIGroupDiscoveryList" and doc["apiVersion"] == "apidiscovery.k8s.io/v2"
    apps = next(i for i in doc["items"] if i["metadata"]["name"] == "apps")
    (v1,) = apps["versions"]
    assert v1["version"] == "v1" and v1["freshness"] == "Current"
    deploy = next(r for r in v1["resources"] if r["resource"] == "deployments")
    assert deploy["responseKind"] == {"group": "", "version": "", "kind": "Deployment"}
    assert (deploy["scope"], deploy["singularResource"], deploy["shortNames"], deploy["categories"]) == (
        "Namespaced", "deployment", ["deploy"], ["all"])
    scale = next(s for s in deploy["subresources"] if s["subresource"] == "scale")
    assert scale == {"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                     "verbs": ["get", "patch", "update"]}
    _, _, core = get(reg, "/api", KUBECTL_ACCEPT)
    (item,) = core["items"]
    assert "name" not in item["metadata"] and item["versions"][0]["version"] == "v1"
    assert any(r["resource"] == "namespaces" and r["scope"] == "Cluster" for r in item["versions"][0]["resources"])


def test_aggregated_v2beta1_and_plain_json_fallback() -> None:
    reg = Registry()
    beta = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
    _, ctype, doc = get(reg, "/apis", f"{beta},application/json")
    assert ctype == beta and doc["apiVersion"] == "apidiscovery.k8s.io/v2beta1"
    _, ctype, doc = get(reg, "/apis", "application/json, */*")
    assert ctype == "application/json" and doc["kind"] == "APIGroupList"
    _, ctype, _ = get(reg, "/apis", "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
    assert ctype == "application/json"


def test_crd_versions_appear_in_discovery_once_registered_and_vanish_after() -> None:
    reg = Registry()
    get(reg, "/apis", KUBECTL_ACCEPT)  # warm the cache
    reg.register_crd(widget_crd())
    _, _, group = get(reg, "/apis/example.com")
    assert [v["version"] for v in group["versions"]] == ["v1", "v1beta1"]
    assert group["preferredVersion"]["version"] == "v1"
    _, _, v1 = get(reg, "/apis/example.com/v1")
    widgets = resource(v1, "widgets")
    assert (widgets["kind"], widgets["shortNames"], widgets["categories"], widgets["singularName"]) == (
        "Widget", ["wd"], ["all", "gadgets"], "widget")
    assert {r["name"] for r in v1["resources"]} == {"widgets", "widgets/status", "widgets/scale"}
    _, _, agg = get(reg, "/apis", KUBECTL_ACCEPT)
    ex = next(i for i in agg["items"] if i["metadata"]["name"] == "example.com")
    assert [v["version"] for v in ex["versions"]] == ["v1", "v1beta1"]
    (res,) = ex["versions"][0]["resources"]
    assert res["responseKind"] == {"group": "example.com", "version": "v1", "kind": "Widget"}  # as apiextensions
    assert {s["subresource"]: s["responseKind"]["group"] for s in res["subresources"]} == {
        "scale": "autoscaling", "status": "example.com"}
    reg.unregister_crd(widget_crd())
    status, _, _ = get(reg, "/apis/example.com/v1")
    assert status == 404


# ---- the real kubectl -----------------------------------------------------------------------------
@pytest.mark.kubectl
def test_kubectl_version_api_resources_and_api_versions(kubesim: Any) -> None:
    version = ok(kubesim, "version", "-o", "json")
    server = json.loads(version)["serverVersion"]
    assert server["major"] == "1" and "kubesim" in server["gitVersion"]
    out = ok(kubesim, "api-resources")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["deployments"][1:] == ["deploy", "apps/v1", "true", "Deployment"]
    assert rows["namespaces"][1:] == ["ns", "v1", "false", "Namespace"]
    assert rows["customresourcedefinitions"][1:] == ["crd,crds", "apiextensions.k8s.io/v1", "false",
                                                      "CustomResourceDefinition"]
    assert rows["secrets"][1:] == ["v1", "true", "Secret"]
    wide = ok(kubesim, "api-resources", "--api-group=apps", "-o", "wide")
    assert "create,delete,deletecollection,get,list,patch,update,watch" in wide and "all" in wide
    cluster = ok(kubesim, "api-resources", "--namespaced=false", "-o", "name").split()
    assert "namespaces" in cluster and "clusterroles.rbac.authorization.k8s.io" in cluster
    versions = ok(kubesim, "api-versions").split()
    assert {"v1", "apps/v1", "batch/v1", "autoscaling/v2", "apiextensions.k8s.io/v1"} <= set(versions)
    # kubectl 1.37 uses aggregated discovery: two requests instead of one per group-version
    paths = [r.path.split("?")[0] for r in kubesim.requests(method="GET")]
    assert "/apis/apps/v1" not in paths and "/apis" in paths


@pytest.mark.kubectl
def test_kubectl_learns_a_new_crd_and_its_short_name(kubesim: Any) -> None:
    crd = widget_crd()
    ok(kubesim, "apply", "-f", "-", input=json.dumps(crd))
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    out = ok(kubesim, "api-resources", "--api-group=example.com")
    assert "widgets" in out and "wd" in out and "example.com/v1" in out
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}}
    ok(kubesim, "apply", "-f", "-", input=json.dumps(widget))
    got = ok(kubesim, "get", "wd", "w1", "-o", "json")
    assert json.loads(got)["spec"] == {"size": 3}
    assert "w1" in ok(kubesim, "get", "gadgets")


def test_documents_are_cached_per_registry_not_shared_between_servers() -> None:
    first, second = Registry(), Registry()
    first.register_crd(widget_crd())
    gadget = widget_crd(group="gadgets.example.org")
    gadget["metadata"]["name"] = "widgets.gadgets.example.org"
    second.register_crd(gadget)
    assert first.generation == second.generation
    _, _, a = get(first, "/apis")
    _, _, b = get(second, "/apis")
    assert "example.com" in [g["name"] for g in a["groups"]] and "gadgets.example.org" not in [g["name"] for g in a["groups"]]
    assert "gadgets.example.org" in [g["name"] for g in b["groups"]] and "example.com" not in [g["name"] for g in b["groups"]]


def test_python_kubernetes_client_reads_version_and_discovery(kubesim: Any) -> None:
    from kubernetes import client

    api = kubesim.api_client()
    assert client.VersionApi(api).get_code().major == "1"
    assert client.CoreApi(api).get_api_versions().versions == ["v1"]
    groups = {g.name: g.preferred_version.group_version for g in client.ApisApi(api).get_api_versions().groups}
    assert groups["apps"] == "apps/v1" and groups["autoscaling"] == "autoscaling/v2"
    resources = {r.name: r for r in client.AppsV1Api(api).get_api_resources().resources}
    assert resources["deployments"].short_names == ["deploy"] and resources["deployments"].namespaced
    assert resources["deployments/scale"].kind == "Scale" and resources["deployments/scale"].group == "autoscaling"
    dyn = kubesim.dynamic_client()
    deploy = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    assert (deploy.name, deploy.namespaced, deploy.short_names) == ("deployments", True, ["deploy"])
    assert dyn.resources.get(api_version="v1", kind="Namespace").namespaced is False
    ok(kubesim, "apply", "-f", "-", input=json.dumps(widget_crd()))
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    dyn.resources.invalidate_cache()
    widgets = dyn.resources.get(api_version="example.com/v1", kind="Widget")
    assert (widgets.name, widgets.short_names, widgets.categories) == ("widgets", ["wd"], ["all", "gadgets"])
    created = widgets.create(body={"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
                                   "spec": {"size": 1}}, namespace="default")
    assert created.spec.size == 1
