"""meta.k8s.io/v1 Table output: the columns and cells `kubectl get` prints, per kind.

Column sets follow the server-side printers of Kubernetes 1.3x
(https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables) and
CRD additionalPrinterColumns
(https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#additional-printer-columns).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
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


def test_scale_subresource_table() -> None:
    from kubesim.tables import SCALE_TYPE

    scale = {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta("web"),
             "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": "app=web"}}
    t = to_table(SCALE_TYPE, [scale], {}, now=NOW)
    assert (header(t), cells(t)) == (["Name", "Desired", "Available"], ["web", 3, 2])
