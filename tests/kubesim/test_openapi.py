"""OpenAPI v3 (and v2) documents: what kubectl needs for apply with default validation, diff and explain.

kubectl checks the PATCH operation of a kind (`x-kubernetes-group-version-kind`) for the
`fieldValidation` query parameter to leave validation to the server, and computes strategic merge
patches from `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`
(https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3,
https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import fails, ok
from tests.kubesim.test_registry import widget_crd

from kubesim import discovery
from kubesim.resources import BUILTIN_TYPES, Registry

SMP = "application/strategic-merge-patch+json"
REF = "#/components/schemas/"


def fetch(reg: Registry, path: str) -> Any:
    found = discovery.handle(reg, path, "application/json")
    assert found is not None and found[0] == 200, path
    return json.loads(found[2])


def gv_doc(reg: Registry, gv: str) -> dict[str, Any]:
    index = fetch(reg, "/openapi/v3")
    key = f"apis/{gv}" if "/" in gv else f"api/{gv}"
    return fetch(reg, index["paths"][key]["serverRelativeURL"])


def patch_ops(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [item["patch"] for item in doc["paths"].values()
            if "patch" in item and item["patch"]["x-kubernetes-group-version-kind"]["kind"] == kind]


def schema_of(doc: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    for name, schema in doc["components"]["schemas"].items():
        if any(g["kind"] == kind for g in schema.get("x-kubernetes-group-version-kind", [])):
            return name, schema
    raise AssertionError(f"no schema for {kind}")


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "allOf" in schema:
        schema = schema["allOf"][0]
    if "$ref" in schema:
        return doc["components"]["schemas"][schema["$ref"][len(REF):]]
    return schema


def field(doc: dict[str, Any], kind: str, *path: str) -> dict[str, Any]:
    _, node = schema_of(doc, kind)
    for i, name in enumerate(path):
        node = resolve(doc, node)
        if node.get("type") == "array":
            node = resolve(doc, node["items"])
        node = node["properties"][name]
        if i < len(path) - 1:
            node = resolve(doc, node) if node.get("type") != "array" else node
    return node


def test_index_points_at_every_served_group_version_with_a_content_hash() -> None:
    reg = Registry()
    index = fetch(reg, "/openapi/v3")
    expected = {f"apis/{rt.group}/{rt.version}" if rt.group else f"api/{rt.version}" for rt in BUILTIN_TYPES}
    assert set(index["paths"]) == expected
    for key, entry in index["paths"].items():
        url = entry["serverRelativeURL"]
        assert url.startswith(f"/openapi/v3/{key}?hash=")
        doc = fetch(reg, url)
        assert doc["openapi"].startswith("3.") and doc["paths"] and doc["components"]["schemas"]


@pytest.mark.parametrize("rt", BUILTIN_TYPES, ids=lambda rt: f"{rt.api_version}/{rt.kind}")
def test_every_builtin_kind_has_a_schema_and_patch_operations_kubectl_accepts(rt: Any) -> None:
    doc = gv_doc(Registry(), rt.api_version)
    name, schema = schema_of(doc, rt.kind)
    assert schema["x-kubernetes-group-version-kind"] == [{"group": rt.group, "kind": rt.kind, "version": rt.version}]
    assert {"apiVersion", "kind", "metadata"} <= set(schema["properties"])
    list_name, _ = schema_of(doc, rt.list_kind)
    assert list_name == name + "List"
    ops = patch_ops(doc, rt.kind)
    assert len(ops) == 1 + ("status" in rt.subresources)
    for op in ops:
        assert any(p["name"] == "fieldValidation" and p["in"] == "query" for p in op["parameters"])
        assert SMP in op["requestBody"]["content"]
        assert "application/apply-patch+yaml" in op["requestBody"]["content"]


def test_patch_merge_keys_for_the_lists_kubectl_diffs() -> None:
    apps = gv_doc(Registry(), "apps/v1")
    tmpl = ("spec", "template", "spec")
    containers = field(apps, "Deployment", *tmpl, "containers")
    assert (containers["x-kubernetes-patch-merge-key"], containers["x-kubernetes-patch-strategy"]) == ("name", "merge")
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    ports = field(apps, "Deployment", *tmpl, "containers", "ports")
    assert ports["x-kubernetes-patch-merge-key"] == "containerPort"
    assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]
    assert field(apps, "Deployment", *tmpl, "containers", "env")["x-kubernetes-patch-merge-key"] == "name"
    mounts = field(apps, "Deployment", *tmpl, "containers", "volumeMounts")
    assert mounts["x-kubernetes-patch-merge-key"] == "mountPath"
    volumes = field(apps, "Deployment", *tmpl, "volumes")
    assert (volumes["x-kubernetes-patch-merge-key"], volumes["x-kubernetes-patch-strategy"]) == ("name", "merge,retainKeys")
    assert field(apps, "Deployment", *tmpl, "initContainers")["x-kubernetes-patch-merge-key"] == "name"
    assert field(apps, "Deployment", "spec", "strategy")["x-kubernetes-patch-strategy"] == "retainKeys"
    assert field(apps, "Deployment", "status", "conditions")["x-kubernetes-patch-merge-key"] == "type"
    assert field(apps, "Deployment", *tmpl, "tolerations")["x-kubernetes-list-type"] == "atomic"
    core = gv_doc(Registry(), "v1")
    svc_ports = field(core, "Service", "spec", "ports")
    assert (svc_ports["x-kubernetes-patch-merge-key"], svc_ports["x-kubernetes-list-map-keys"]) == ("port", ["port", "protocol"])
    assert field(core, "Pod", "metadata", "finalizers")["x-kubernetes-patch-strategy"] == "merge"
    assert field(core, "Pod", "metadata", "ownerReferences")["x-kubernetes-patch-merge-key"] == "uid"


def test_crd_versions_publish_their_schema_and_accept_no_strategic_merge_patch() -> None:
    reg = Registry()
    before = fetch(reg, "/openapi/v3")["paths"]
    reg.register_crd(widget_crd())
    index = fetch(reg, "/openapi/v3")["paths"]
    assert {"apis/example.com/v1", "apis/example.com/v1beta1"} <= set(index)
    assert index["apis/apps/v1"] == before["apis/apps/v1"]
    doc = gv_doc(reg, "example.com/v1")
    name, schema = schema_of(doc, "Widget")
    assert name == "com.example.v1.Widget"
    assert schema["properties"]["spec"] == {"type": "object", "properties": {"size": {"type": "integer"}}}
    assert schema["properties"]["metadata"]["allOf"] == [{"$ref": f"{REF}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in doc["components"]["schemas"]
    ops = patch_ops(doc, "Widget")
    assert len(ops) == 2 and all(SMP not in op["requestBody"]["content"] for op in ops)
    assert all(any(p["name"] == "fieldValidation" for p in op["parameters"]) for op in ops)
    assert patch_ops(doc, "Scale"), "the /scale subresource is published"
    old_url = index["apis/example.com/v1"]["serverRelativeURL"]
    crd = widget_crd()
    crd["spec"]["versions"][1]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["color"] = {"type": "string"}
    reg.register_crd(crd)
    assert fetch(reg, "/openapi/v3")["paths"]["apis/example.com/v1"]["serverRelativeURL"] != old_url
    assert "color" in schema_of(gv_doc(reg, "example.com/v1"), "Widget")[1]["properties"]["spec"]["properties"]


def test_documents_are_small_and_built_in_milliseconds() -> None:
    reg = Registry()
    reg.register_crd(widget_crd())
    start = time.perf_counter()
    index = fetch(reg, "/openapi/v3")  # builds every group-version document (cold)
    cold = time.perf_counter() - start
    sizes = [len(discovery.handle(reg, e["serverRelativeURL"], "application/json")[2])  # type: ignore[index]
             for e in index["paths"].values()]
    assert cold < 0.5, f"cold build of all OpenAPI v3 documents took {cold * 1000:.0f} ms"
    assert max(sizes) < 400_000
    start = time.perf_counter()
    for _ in range(100):
        fetch(reg, "/openapi/v3/apis/apps/v1")
    assert (time.perf_counter() - start) / 100 < 0.01


def test_openapi_v2_json_and_protobuf_requests() -> None:
    reg = Registry()
    doc = fetch(reg, "/openapi/v2")
    assert doc["swagger"] == "2.0"
    deploy = doc["definitions"]["io.k8s.api.apps.v1.Deployment"]
    assert deploy["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert "#/definitions/" in json.dumps(deploy) and REF not in json.dumps(doc)
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert SMP in patch["consumes"] and any(p["name"] == "fieldValidation" for p in patch["parameters"])
    status, ctype, body = discovery.handle(reg, "/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")  # type: ignore[misc]
    assert status == 200 and "protobuf" in ctype and body == b""


def test_unknown_openapi_paths_are_not_found() -> None:
    reg = Registry()
    for path in ("/openapi/v3/apis/nope.io/v1", "/openapi/v3/api/v2", "/openapi/v4"):
        found = discovery.handle(reg, path, "application/json")
        assert found is not None and found[0] == 404 and json.loads(found[2])["reason"] == "NotFound"


# ---- the real kubectl -----------------------------------------------------------------------------
MANIFEST = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {mode: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {password: hunter2}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80, name: http}]
        env: [{name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode}}}, {name: LEVEL, value: "1"}]
        readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
        volumeMounts: [{name: data, mountPath: /data}]
      - name: sidecar
        image: busybox:1.36
        command: [sleep, infinity]
      volumes: [{name: data, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: busybox:1.36}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
"""


def logged(kubesim: Any, method: str, before: int, count: int = 1) -> list[Any]:
    """Requests logged after the first `before` (the server logs a request once its response is sent)."""
    return kubesim.wait_for(
        lambda: (found := kubesim.requests(method=method)[before:]) and len(found) >= count and found, timeout=5)


@pytest.mark.kubectl
def test_client_side_apply_with_default_validation_then_diff_and_reapply(kubesim: Any) -> None:
    out = ok(kubesim, "apply", "-f", "-", input=MANIFEST)
    assert "deployment.apps/web created" in out and "horizontalpodautoscaler.autoscaling/web created" in out
    assert any("/openapi/v3/apis/apps/v1" in r.path for r in kubesim.requests(method="GET"))
    assert ok(kubesim, "diff", "-f", "-", input=MANIFEST) == ""
    # change one list item by merge key, drop another, add a port: a strategic merge patch from OpenAPI v3
    changed = (MANIFEST.replace('{name: LEVEL, value: "1"}', '{name: LEVEL, value: "2"}')
               .replace("      - name: sidecar\n        image: busybox:1.36\n        command: [sleep, infinity]\n", "")
               .replace("ports: [{containerPort: 80, name: http}]",
                        "ports: [{containerPort: 80, name: http}, {containerPort: 9090, name: metrics}]"))
    diff = kubesim.kubectl("diff", "-f", "-", input=changed)
    assert diff.returncode == 1, diff.stderr
    assert '-          value: "1"' in diff.stdout and '+          value: "2"' in diff.stdout
    assert "-      - command:" in diff.stdout and "+        - containerPort: 9090" in diff.stdout
    assert "warning" not in diff.stderr.lower()
    before = len(kubesim.requests(method="PATCH"))
    out = ok(kubesim, "apply", "-f", "-", input=changed)
    assert "deployment.apps/web configured" in out and "configmap/cfg unchanged" in out
    patches = logged(kubesim, "PATCH", before, count=3)
    # (a Secret with stringData and a PDB, whose selector has patch strategy "replace", are re-patched
    # on every apply, exactly as against a real cluster)
    sent = {r.path.rsplit("/", 2)[1]: r.content_type.split(";")[0] for r in patches}
    assert sent == {"deployments": SMP, "secrets": SMP, "poddisruptionbudgets": SMP}
    live = json.loads(ok(kubesim, "get", "deploy", "web", "-n", "shop", "-o", "json"))
    (container,) = live["spec"]["template"]["spec"]["containers"]
    assert container["env"][1] == {"name": "LEVEL", "value": "2"}
    assert [p["containerPort"] for p in container["ports"]] == [80, 9090]
    assert ok(kubesim, "diff", "-f", "-", input=changed) == ""


@pytest.mark.kubectl
def test_apply_of_a_crd_then_its_custom_resource_uses_merge_patch(kubesim: Any) -> None:
    ok(kubesim, "apply", "-f", "-", input=json.dumps(widget_crd()))
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "default"},
              "spec": {"size": 3}}
    assert "widget.example.com/w1 created" in ok(kubesim, "apply", "-f", "-", input=json.dumps(widget))
    widget["spec"]["size"] = 4  # type: ignore[index]
    before = len(kubesim.requests(method="PATCH"))
    assert "widget.example.com/w1 configured" in ok(kubesim, "apply", "-f", "-", input=json.dumps(widget))
    (patch,) = logged(kubesim, "PATCH", before)
    assert patch.content_type.split(";")[0] == "application/merge-patch+json"
    assert json.loads(ok(kubesim, "get", "widget", "w1", "-o", "json"))["spec"] == {"size": 4}
    typo = {**widget, "metadata": {"name": "w2", "namespace": "default"}, "spec": {"size": 1, "colour": "red"}}
    err = fails(kubesim, "apply", "-f", "-", input=json.dumps(typo))
    assert 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"' in err
    # re-applying the CRD itself (a built-in kind) is a no-op
    assert "unchanged" in ok(kubesim, "apply", "-f", "-", input=json.dumps(widget_crd()))


@pytest.mark.kubectl
def test_kubectl_explain_reads_openapi_v3(kubesim: Any) -> None:
    out = ok(kubesim, "explain", "deployment.spec.template.spec.containers.ports")
    assert "KIND:       Deployment" in out and "containerPort\t<integer> -required-" in out
    assert "Specification of the desired behavior of the Deployment." in ok(kubesim, "explain", "deploy")
    out = ok(kubesim, "explain", "svc.spec")
    assert "ports\t<[]ServicePort>" in out and "clusterIP\t<string>" in out
    ok(kubesim, "apply", "-f", "-", input=json.dumps(widget_crd()))
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    out = ok(kubesim, "explain", "widgets.spec")
    assert "size\t<integer>" in out
    assert "doesn't have a resource type" in fails(kubesim, "explain", "nosuchthings")


@pytest.mark.kubectl
def test_edits_deep_inside_affinity_spread_constraints_volumes_and_hpa_behavior_patch_cleanly(kubesim: Any) -> None:
    import copy

    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "template": {
               "metadata": {"labels": {"app": "web"}},
               "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                   "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}},
                   "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone",
                                                  "whenUnsatisfiable": "DoNotSchedule",
                                                  "labelSelector": {"matchLabels": {"app": "web"}}}],
                   "containers": [{"name": "c", "image": "nginx"}],
                   "volumes": [{"name": "t", "projected": {"sources": [
                       {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}}]}}}}
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "minReplicas": 1, "maxReplicas": 3,
                    "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}}}
    ok(kubesim, "apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [dep, hpa]}))
    dep2, hpa2 = copy.deepcopy(dep), copy.deepcopy(hpa)
    pod = dep2["spec"]["template"]["spec"]  # type: ignore[index]
    pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0][
        "matchExpressions"][0]["values"] = ["b"]
    pod["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"]["tier"] = "front"
    pod["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"] = 7200
    hpa2["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] = 60  # type: ignore[index]
    # ok() also fails on "warning: error calculating patch from openapi v3 spec"
    out = ok(kubesim, "apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [dep2, hpa2]}))
    assert "deployment.apps/web configured" in out and "horizontalpodautoscaler.autoscaling/web configured" in out
    live = kubesim.get("apps/v1", "Deployment", "web", "default")["spec"]["template"]["spec"]
    assert live["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"] == {"app": "web", "tier": "front"}
    assert kubesim.get("autoscaling/v2", "HorizontalPodAutoscaler", "web", "default")["spec"]["behavior"][
        "scaleDown"]["stabilizationWindowSeconds"] == 60
