"""meta.k8s.io/v1 Table output: the columns and cells `kubectl get` prints, per kind.

Column sets follow the server-side printers of Kubernetes 1.3x
(https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables) and
CRD additionalPrinterColumns
(https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#additional-printer-columns).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import fails, ok
from tests.kubesim.test_registry import widget_crd

from kubesim.resources import Registry, ResourceType
from kubesim.tables import jsonpath, to_table
from kubesim.tables_builtin import human_duration

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC).timestamp()
CREATED = "2026-11-26T11:55:00Z"  # 5 minutes before NOW
REG = Registry()


def rt(group: str, version: str, plural: str) -> ResourceType:
    found = REG.lookup(group, version, plural)
    assert found is not None
    return found


def table(res: ResourceType, *objs: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return to_table(res, list(objs), {"resourceVersion": "42"}, now=NOW, **kw)


def meta(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": "default", "creationTimestamp": CREATED, **extra}


def header(t: dict[str, Any], wide: bool = False) -> list[str]:
    return [c["name"] for c in t["columnDefinitions"] if wide or c["priority"] == 0]


def cells(t: dict[str, Any], wide: bool = False) -> list[Any]:
    keep = [wide or c["priority"] == 0 for c in t["columnDefinitions"]]
    (row,) = t["rows"]
    return [cell for cell, k in zip(row["cells"], keep, strict=True) if k]


def test_table_envelope_and_include_object() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("cfg"), "data": {"a": "1"}}
    t = table(rt("", "v1", "configmaps"), cm)
    assert (t["kind"], t["apiVersion"], t["metadata"]) == ("Table", "meta.k8s.io/v1", {"resourceVersion": "42"})
    assert t["columnDefinitions"][0] == {
        "name": "Name", "type": "string", "format": "name", "priority": 0,
        "description": t["columnDefinitions"][0]["description"]}
    assert t["rows"][0]["object"] == {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                      "metadata": cm["metadata"]}
    assert table(rt("", "v1", "configmaps"), cm, include_object="Object")["rows"][0]["object"] == cm
    assert "object" not in table(rt("", "v1", "configmaps"), cm, include_object="None")["rows"][0]
    assert table(rt("", "v1", "configmaps"))["rows"] == []


def test_deployment_columns() -> None:
    dep = {"kind": "Deployment", "metadata": meta("web"),
           "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.25"},
                                                         {"name": "log", "image": "busybox"}]}}},
           "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    t = table(rt("apps", "v1", "deployments"), dep)
    assert header(t) == ["Name", "Ready", "Up-to-date", "Available", "Age"]
    assert cells(t) == ["web", "2/3", 3, 2, "5m"]
    assert cells(t, wide=True)[5:] == ["web,log", "nginx:1.25,busybox", "app=web"]
    fresh = {"kind": "Deployment", "metadata": meta("new"), "spec": {"replicas": 2}}
    assert cells(table(rt("apps", "v1", "deployments"), fresh)) == ["new", "0/2", 0, 0, "5m"]


def test_pod_columns() -> None:
    pod = {"kind": "Pod", "metadata": meta("web-1"),
           "spec": {"containers": [{"name": "a"}, {"name": "b"}], "nodeName": "node-1"},
           "status": {"phase": "Running", "podIP": "10.0.0.7", "containerStatuses": [
               {"name": "a", "ready": True, "restartCount": 1, "state": {"running": {}}},
               {"name": "b", "ready": False, "restartCount": 2, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
    t = table(rt("", "v1", "pods"), pod)
    assert header(t) == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert cells(t) == ["web-1", "1/2", "CrashLoopBackOff", "3", "5m"]
    assert cells(t, wide=True)[5:7] == ["10.0.0.7", "node-1"]
    pending = {"kind": "Pod", "metadata": meta("p", deletionTimestamp=CREATED), "spec": {"containers": [{"name": "a"}]}}
    assert cells(table(rt("", "v1", "pods"), pending))[1:3] == ["0/1", "Terminating"]


RUN: dict[str, Any] = {"running": {}}


@pytest.mark.parametrize(("spec", "status", "meta_extra", "expected"), [
    ({"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]},
     {"phase": "Pending", "initContainerStatuses": [
         {"name": "i1", "state": {"terminated": {"exitCode": 0}}, "restartCount": 0},
         {"name": "i2", "state": {"waiting": {"reason": "PodInitializing"}}, "restartCount": 0}]},
     {}, ["0/1", "Init:1/2", "0"]),
    ({"initContainers": [{"name": "i1"}], "containers": [{"name": "a"}]},
     {"phase": "Pending", "initContainerStatuses": [
         {"name": "i1", "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "restartCount": 4,
          "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-11-26T11:57:00Z"}}}]},
     {}, ["0/1", "Init:CrashLoopBackOff", "4 (3m ago)"]),
    ({"initContainers": [{"name": "proxy", "restartPolicy": "Always"}], "containers": [{"name": "a"}]},
     {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
      "initContainerStatuses": [{"name": "proxy", "started": True, "ready": True, "state": RUN, "restartCount": 0}],
      "containerStatuses": [{"name": "a", "ready": True, "state": RUN, "restartCount": 0}]},
     {}, ["2/2", "Running", "0"]),
    ({"containers": [{"name": "a"}, {"name": "b"}]},
     {"phase": "Running", "containerStatuses": [
         {"name": "a", "ready": False, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
         {"name": "b", "ready": True, "state": RUN}]},
     {}, ["1/2", "NotReady", "0"]),
    ({"containers": [{"name": "a"}]},
     {"phase": "Succeeded", "containerStatuses": [
         {"name": "a", "ready": False, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]},
     {"deletionTimestamp": CREATED}, ["0/1", "Completed", "0"]),
    ({"containers": [{"name": "a"}]},
     {"phase": "Running", "containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 137}}}]},
     {}, ["0/1", "ExitCode:137", "0"]),
    ({"containers": [{"name": "a"}]}, {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}, {}, ["0/1", "SchedulingGated", "0"]),
])
def test_pod_status_column_follows_the_real_printer(
    spec: dict[str, Any], status: dict[str, Any], meta_extra: dict[str, Any], expected: list[str]
) -> None:
    pod = {"kind": "Pod", "metadata": meta("p", **meta_extra), "spec": spec, "status": status}
    t = table(rt("", "v1", "pods"), pod)
    assert cells(t)[1:4] == expected
    if status["phase"] == "Succeeded":
        assert t["rows"][0]["conditions"][0]["type"] == "Completed"
    else:
        assert "conditions" not in t["rows"][0]


@pytest.mark.parametrize(("spec", "status", "expected"), [
    ({"type": "ClusterIP", "clusterIP": "10.96.0.10", "ports": [{"port": 80, "protocol": "TCP"},
                                                              {"port": 53, "protocol": "UDP"}]},
     {}, ["ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP"]),
    ({"type": "NodePort", "clusterIP": "10.96.0.11", "ports": [{"port": 80, "nodePort": 30080}]},
     {}, ["NodePort", "10.96.0.11", "<none>", "80:30080/TCP"]),
    ({"type": "LoadBalancer", "clusterIP": "10.96.0.12", "ports": [{"port": 443}]},
     {}, ["LoadBalancer", "10.96.0.12", "<pending>", "443/TCP"]),
    ({"type": "LoadBalancer", "clusterIP": "10.96.0.12", "ports": [{"port": 443}]},
     {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}}, ["LoadBalancer", "10.96.0.12", "203.0.113.9", "443/TCP"]),
    ({"type": "ExternalName", "externalName": "db.example.com"}, {}, ["ExternalName", "<none>", "db.example.com", "<none>"]),
])
def test_service_columns(spec: dict[str, Any], status: dict[str, Any], expected: list[Any]) -> None:
    svc = {"kind": "Service", "metadata": meta("svc"), "spec": spec, "status": status}
    t = table(rt("", "v1", "services"), svc)
    assert header(t) == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"]
    assert cells(t) == ["svc", *expected, "5m"]


def test_configmap_secret_namespace_and_serviceaccount_columns() -> None:
    cm = {"kind": "ConfigMap", "metadata": meta("c"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}}
    assert (header(t := table(rt("", "v1", "configmaps"), cm)), cells(t)) == (["Name", "Data", "Age"], ["c", 3, "5m"])
    sec = {"kind": "Secret", "metadata": meta("s"), "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}}
    t = table(rt("", "v1", "secrets"), sec)
    assert (header(t), cells(t)) == (["Name", "Type", "Data", "Age"], ["s", "kubernetes.io/tls", 2, "5m"])
    ns = {"kind": "Namespace", "metadata": meta("shop"), "status": {"phase": "Terminating"}}
    t = table(rt("", "v1", "namespaces"), ns)
    assert (header(t), cells(t)) == (["Name", "Status", "Age"], ["shop", "Terminating", "5m"])
    sa = {"kind": "ServiceAccount", "metadata": meta("default")}
    assert cells(table(rt("", "v1", "serviceaccounts"), sa)) == ["default", 0, "5m"]


def test_job_and_cronjob_columns() -> None:
    done = {"kind": "Job", "metadata": meta("migrate"), "spec": {"completions": 1},
            "status": {"succeeded": 1, "startTime": "2026-11-26T11:55:00Z", "completionTime": "2026-11-26T11:55:42Z",
                       "conditions": [{"type": "Complete", "status": "True"}]}}
    t = table(rt("batch", "v1", "jobs"), done)
    assert header(t) == ["Name", "Status", "Completions", "Duration", "Age"]
    assert cells(t) == ["migrate", "Complete", "1/1", "42s", "5m"]
    running = {"kind": "Job", "metadata": meta("r"), "spec": {"parallelism": 2},
               "status": {"startTime": "2026-11-26T11:59:00Z"}}
    assert cells(table(rt("batch", "v1", "jobs"), running)) == ["r", "Running", "0/1 of 2", "60s", "5m"]
    cj = {"kind": "CronJob", "metadata": meta("report"), "spec": {"schedule": "0 3 * * *"}}
    t = table(rt("batch", "v1", "cronjobs"), cj)
    assert header(t) == ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"]
    assert cells(t) == ["report", "0 3 * * *", "<none>", "False", 0, "<none>", "5m"]


def test_pvc_statefulset_ingress_and_crd_columns() -> None:
    pvc = {"kind": "PersistentVolumeClaim", "metadata": meta("data"),
           "spec": {"storageClassName": "standard", "volumeName": "pv-1"},
           "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}}
    t = table(rt("", "v1", "persistentvolumeclaims"), pvc)
    assert header(t) == ["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
                         "VolumeAttributesClass", "Age"]
    assert cells(t) == ["data", "Bound", "pv-1", "1Gi", "RWO", "standard", "<unset>", "5m"]
    sts = {"kind": "StatefulSet", "metadata": meta("db"), "spec": {"replicas": 3}, "status": {"readyReplicas": 3}}
    assert cells(table(rt("apps", "v1", "statefulsets"), sts)) == ["db", "3/3", "5m"]
    ing = {"kind": "Ingress", "metadata": meta("web"),
           "spec": {"ingressClassName": "nginx", "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}]}}
    assert cells(table(rt("networking.k8s.io", "v1", "ingresses"), ing)) == [
        "web", "nginx", "a.example.com,b.example.com", "", "80", "5m"]
    crd = {"kind": "CustomResourceDefinition", "metadata": meta("widgets.example.com")}
    t = table(rt("apiextensions.k8s.io", "v1", "customresourcedefinitions"), crd)
    assert (header(t), cells(t)) == (["Name", "Created At"], ["widgets.example.com", CREATED])
    assert t["columnDefinitions"][1]["type"] == "date"


def test_custom_resources_use_additional_printer_columns_or_name_and_age() -> None:
    reg = Registry()
    crd = widget_crd()
    crd["spec"]["versions"][1]["additionalPrinterColumns"] = [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
        {"name": "Ready", "type": "string", "jsonPath": '.status.conditions[?(@.type=="Ready")].status'},
        {"name": "Owner", "type": "string", "jsonPath": ".spec.owner", "priority": 1},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
    ]
    reg.register_crd(crd)
    v1, beta = reg.lookup("example.com", "v1", "widgets"), reg.lookup("example.com", "v1beta1", "widgets")
    assert v1 is not None and beta is not None
    w = {"kind": "Widget", "metadata": meta("w1"), "spec": {"size": 3},
         "status": {"conditions": [{"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}]}}
    t = to_table(v1, [w], {}, now=NOW)
    assert header(t, wide=True) == ["Name", "Size", "Ready", "Owner", "Age"]
    assert t["columnDefinitions"][3]["priority"] == 1
    assert t["rows"][0]["cells"] == ["w1", 3, "True", None, "5m"]
    t = to_table(beta, [w], {}, now=NOW)
    assert (header(t), t["rows"][0]["cells"]) == (["Name", "Age"], ["w1", "5m"])


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (0, "0s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (599, "9m59s"), (600, "10m"),
    (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60 * 5, "3h5m"), (8 * 3600, "8h"), (47 * 3600, "47h"),
    (48 * 3600, "2d"), (50 * 3600, "2d2h"), (8 * 86400, "8d"), (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
])
def test_ages_are_formatted_like_kubectl(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_jsonpath_subset() -> None:
    obj = {"spec": {"items": [{"name": "a"}, {"name": "b"}], "k": {"x.y": 1}}}
    assert jsonpath(obj, ".spec.items[1].name") == ["b"]
    assert jsonpath(obj, "{.spec.items[*].name}") == ["a", "b"]
    assert jsonpath(obj, '.spec.items[?(@.name=="a")].name') == ["a"]
    assert jsonpath(obj, ".spec.k['x.y']") == [1]
    assert jsonpath(obj, ".spec.missing.deeper") == []


# ---- the real kubectl -----------------------------------------------------------------------------
def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


SETUP = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: shop}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: default, labels: {tier: web}}
data: {k: v, l: w}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.25"}]}
"""


@pytest.mark.kubectl
def test_kubectl_get_default_tables_all_namespaces_labels_and_formats(kubesim: Any) -> None:
    ok(kubesim, "apply", "-f", "-", input=SETUP)
    rows = _lines(ok(kubesim, "get", "configmaps", "-A"))
    assert rows[0] == ["NAMESPACE", "NAME", "DATA", "AGE"]
    assert [r[:3] for r in rows[1:]] == [["default", "b", "2"], ["shop", "a", "1"]]
    rows = _lines(ok(kubesim, "get", "cm", "-A", "-l", "tier=web"))
    assert [r[:2] for r in rows[1:]] == [["default", "b"]]
    rows = _lines(ok(kubesim, "get", "deploy", "-n", "shop"))
    assert rows[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] and rows[1][0] == "web"
    wide = _lines(ok(kubesim, "get", "deploy", "-n", "shop", "-o", "wide"))
    assert wide[0][-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"] and wide[1][-2:] == ["nginx:1.25", "app=web"]
    assert _lines(ok(kubesim, "get", "ns", "shop"))[0] == ["NAME", "STATUS", "AGE"]
    as_json = json.loads(ok(kubesim, "get", "cm", "-n", "shop", "-o", "json"))
    assert as_json["kind"] == "List" and [i["metadata"]["name"] for i in as_json["items"]] == ["a"]
    as_yaml = ok(kubesim, "get", "cm", "a", "-n", "shop", "-o", "yaml")
    assert "kind: ConfigMap" in as_yaml and "k: v" in as_yaml
    assert ok(kubesim, "get", "cm", "-n", "shop", "-o", "name") == "configmap/a\n"
    assert "No resources found in empty namespace." in kubesim.kubectl("get", "cm", "-n", "empty").stderr
    rows = _lines(ok(kubesim, "get", "cm", "-n", "shop", "--show-labels"))
    assert rows[0][-1] == "LABELS"


@pytest.mark.kubectl
def test_kubectl_get_custom_resources_with_printer_columns(kubesim: Any) -> None:
    crd = widget_crd()
    crd["spec"]["versions"][1]["additionalPrinterColumns"] = [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]
    ok(kubesim, "apply", "-f", "-", input=json.dumps(crd))
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    rows = _lines(ok(kubesim, "get", "crd"))
    assert rows[0] == ["NAME", "CREATED", "AT"] and rows[1][0] == "widgets.example.com"
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "labels": {"x": "y"}},
              "spec": {"size": 7}}
    ok(kubesim, "apply", "-f", "-", input=json.dumps(widget))
    rows = _lines(ok(kubesim, "get", "widgets"))
    assert rows[0] == ["NAME", "SIZE", "AGE"] and rows[1][:2] == ["w1", "7"]
    rows = _lines(ok(kubesim, "get", "widgets.v1beta1.example.com", "-A", "-l", "x=y"))
    assert rows[0] == ["NAMESPACE", "NAME", "AGE"] and rows[1][:2] == ["default", "w1"]


@pytest.mark.kubectl
def test_kubectl_get_all_lists_the_all_category_across_namespaces(kubesim: Any) -> None:
    ok(kubesim, "apply", "-f", "-", input=SETUP)
    out = ok(kubesim, "get", "all", "-A")
    assert "deployment.apps/web" in out and "configmap" not in out
    names = ok(kubesim, "get", "all", "-n", "shop", "-o", "name").split()
    assert "deployment.apps/web" in names and not [n for n in names if n.startswith("configmap")]


def test_event_columns_put_the_name_last_and_wide_only() -> None:
    ev = {"kind": "Event", "metadata": meta("web.17a"), "type": "Warning", "reason": "BackOff",
          "involvedObject": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{web}"},
          "source": {"component": "kubelet", "host": "node-1"}, "message": "Back-off restarting\n",
          "firstTimestamp": "2026-11-26T11:00:00Z", "lastTimestamp": "2026-11-26T11:58:00Z", "count": 7}
    t = table(rt("", "v1", "events"), ev)
    assert header(t) == ["Last Seen", "Type", "Reason", "Object", "Message"]
    assert cells(t) == ["2m", "Warning", "BackOff", "pod/web-1", "Back-off restarting"]
    assert cells(t, wide=True)[4:] == ["spec.containers{web}", "kubelet, node-1", "Back-off restarting", "60m", 7,
                                       "web.17a"]


@pytest.mark.kubectl
def test_kubectl_get_events(kubesim: Any) -> None:
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
             "involvedObject": {"kind": "Deployment", "name": "web", "namespace": "default"},
             "reason": "ScalingReplicaSet", "message": "Scaled up", "type": "Normal", "count": 1,
             "source": {"component": "deployment-controller"}}
    ok(kubesim, "apply", "-f", "-", input=json.dumps(event))
    rows = _lines(ok(kubesim, "get", "events"))
    assert rows[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert rows[1][1:] == ["Normal", "ScalingReplicaSet", "deployment/web", "Scaled", "up"]
    assert "web.1" in ok(kubesim, "get", "events", "-o", "wide")


def test_watch_events_carry_one_row_tables_with_headers_only_first() -> None:
    from kubesim.tables import watch_table

    cm = {"kind": "ConfigMap", "metadata": {**meta("c"), "resourceVersion": "7"}, "data": {"a": "1"}}
    first = watch_table(rt("", "v1", "configmaps"), cm, now=NOW, headers=True)
    later = watch_table(rt("", "v1", "configmaps"), cm, now=NOW, headers=False)
    assert header(first) == ["Name", "Data", "Age"] and later["columnDefinitions"] == []
    assert first["rows"] == later["rows"] and later["rows"][0]["cells"] == ["c", 1, "5m"]
    assert later["metadata"] == {"resourceVersion": "7"}


def test_quota_limitrange_pv_priorityclass_and_endpoint_columns() -> None:
    quota = {"kind": "ResourceQuota", "metadata": meta("q"), "spec": {"hard": {"pods": "10"}},
             "status": {"hard": {"pods": "10", "requests.cpu": "2", "limits.memory": "4Gi"},
                        "used": {"pods": "3", "limits.memory": "1Gi"}}}
    t = table(rt("", "v1", "resourcequotas"), quota)
    assert header(t) == ["Name", "Age", "Request", "Limit"]
    assert cells(t) == ["q", "5m", "pods: 3/10, requests.cpu: 0/2", "limits.memory: 1Gi/4Gi"]
    lr = {"kind": "LimitRange", "metadata": meta("lr"), "spec": {"limits": [{"type": "Container"}]}}
    assert (header(t := table(rt("", "v1", "limitranges"), lr)), cells(t)) == (["Name", "Created At"], ["lr", CREATED])
    pv = {"kind": "PersistentVolume", "metadata": meta("pv1"),
          "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "manual",
                   "claimRef": {"namespace": "shop", "name": "data"}},
          "status": {"phase": "Bound"}}
    t = table(rt("", "v1", "persistentvolumes"), pv)
    assert header(t) == ["Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
                         "VolumeAttributesClass", "Reason", "Age"]
    assert cells(t) == ["pv1", "5Gi", "RWO,RWX", "Retain", "Bound", "shop/data", "manual", "<unset>", "", "5m"]
    pc = {"kind": "PriorityClass", "metadata": meta("high"), "value": 1000, "globalDefault": False}
    assert cells(table(rt("scheduling.k8s.io", "v1", "priorityclasses"), pc)) == ["high", 1000, False, "5m", "<unset>"]
    ep = {"kind": "Endpoints", "metadata": meta("web"), "subsets": [
        {"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 6)], "ports": [{"port": 80}]}]}
    assert cells(table(rt("", "v1", "endpoints"), ep)) == ["web", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...", "5m"]
    assert cells(table(rt("", "v1", "endpoints"), {"kind": "Endpoints", "metadata": meta("e")}))[1] == "<none>"
    eps = {"kind": "EndpointSlice", "metadata": meta("web-abc"), "addressType": "IPv4", "ports": [{"port": 80}],
           "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]}
    assert cells(table(rt("discovery.k8s.io", "v1", "endpointslices"), eps)) == [
        "web-abc", "IPv4", "80", "10.0.0.1,10.0.0.2", "5m"]


TENANT = """
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team-a}
spec: {hard: {requests.cpu: "4", limits.memory: 8Gi, pods: "20"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team-a}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: team-a-high}
value: 100000
globalDefault: false
description: High priority for team A
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: team-a-data}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: manual
  hostPath: {path: /srv/team-a}
"""


@pytest.mark.kubectl
def test_kubectl_applies_and_lists_a_tenant_bundle(kubesim: Any) -> None:
    out = ok(kubesim, "apply", "-f", "-", input=TENANT)
    assert "resourcequota/compute created" in out and "priorityclass.scheduling.k8s.io/team-a-high created" in out
    assert ok(kubesim, "diff", "-f", "-", input=TENANT) == ""
    assert "unchanged" in ok(kubesim, "apply", "-f", "-", input=TENANT.replace("8Gi", "8Gi"))
    assert _lines(ok(kubesim, "get", "quota", "-n", "team-a"))[0] == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert _lines(ok(kubesim, "get", "limits", "-n", "team-a"))[0] == ["NAME", "CREATED", "AT"]
    rows = _lines(ok(kubesim, "get", "pc"))
    assert rows[0] == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    assert rows[1][:3] == ["team-a-high", "100000", "false"]
    rows = _lines(ok(kubesim, "get", "pv"))
    assert rows[0][:3] == ["NAME", "CAPACITY", "ACCESS"] and rows[1][:3] == ["team-a-data", "10Gi", "RWO"]
    typo = TENANT.replace("defaultRequest:", "defaultRequests:")
    assert 'unknown field "spec.limits[0].defaultRequests"' in fails(kubesim, "apply", "-f", "-", input=typo)
