"""kubesim server-side defaults and Service IP/port allocation, as ``kubectl get -o yaml`` shows them
on a real cluster.

Each test names the Kubernetes API reference field (whose documented default it checks) or the
concept page rule.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from kubesim.defaults import Allocator, apply_defaults
from kubesim.errors import ApiError


def test_deployment_defaults() -> None:
    """Deployment v1 API reference: replicas defaults to 1, strategy to RollingUpdate with 25%
    maxUnavailable/maxSurge, revisionHistoryLimit to 10, progressDeadlineSeconds to 600."""
    obj: dict[str, Any] = {"spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
        "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}
    apply_defaults("apps", "Deployment", obj)
    spec = obj["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)


def test_recreate_strategy_gets_no_rolling_update_block() -> None:
    """Deployments, "Recreate Deployment": rollingUpdate is only defaulted for RollingUpdate."""
    obj: dict[str, Any] = {"spec": {"strategy": {"type": "Recreate"}, "template": {"spec": {"containers": []}}}}
    apply_defaults("apps", "Deployment", obj)
    assert obj["spec"]["strategy"] == {"type": "Recreate"}


def test_pod_template_and_container_defaults() -> None:
    """Pod v1 API reference: restartPolicy Always, dnsPolicy ClusterFirst, schedulerName
    default-scheduler, terminationGracePeriodSeconds 30; Container terminationMessagePath
    /dev/termination-log, terminationMessagePolicy File, ports protocol TCP."""
    obj: dict[str, Any] = {"spec": {"template": {"spec": {"containers": [
        {"name": "c", "image": "registry.example.com:5000/app:2.1", "ports": [{"containerPort": 8080}],
         "readinessProbe": {"httpGet": {"port": 8080}}}]}}}}
    apply_defaults("apps", "Deployment", obj)
    pod = obj["spec"]["template"]["spec"]
    assert {k: pod[k] for k in ("dnsPolicy", "restartPolicy", "schedulerName", "securityContext",
                                "terminationGracePeriodSeconds")} == {
        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
        "securityContext": {}, "terminationGracePeriodSeconds": 30}
    ctr = pod["containers"][0]
    assert ctr["imagePullPolicy"] == "IfNotPresent"
    assert (ctr["terminationMessagePath"], ctr["terminationMessagePolicy"], ctr["resources"]) == (
        "/dev/termination-log", "File", {})
    assert ctr["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert ctr["readinessProbe"] == {"httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                     "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}


@pytest.mark.parametrize(("image", "policy"), [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
    ("localhost:5000/app", "Always"), ("ghcr.io/org/app@sha256:" + "a" * 64, "IfNotPresent"),
])
def test_image_pull_policy_depends_on_the_tag(image: str, policy: str) -> None:
    """Images, "Default image pull policy": Always when the tag is :latest or omitted (and no
    digest), otherwise IfNotPresent."""
    obj: dict[str, Any] = {"spec": {"containers": [{"name": "c", "image": image}]}}
    apply_defaults("", "Pod", obj)
    assert obj["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_service_defaults() -> None:
    """Service v1 API reference: type ClusterIP, sessionAffinity None, port protocol TCP,
    targetPort defaults to port, internalTrafficPolicy Cluster, ipFamilyPolicy SingleStack."""
    svc: dict[str, Any] = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    apply_defaults("", "Service", svc)
    assert svc["spec"] == {"selector": {"app": "web"}, "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
                           "type": "ClusterIP", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                           "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}
    assert svc["status"] == {"loadBalancer": {}}


def test_job_defaults_and_generated_selector() -> None:
    """Jobs: completions and parallelism default to 1, backoffLimit to 6, completionMode
    NonIndexed; "Specifying your own Pod selector": normally the system generates the selector
    (batch.kubernetes.io/controller-uid) and adds the controller-uid/job-name labels to the pods."""
    job: dict[str, Any] = {"metadata": {"name": "pi", "uid": "7f3e"}, "spec": {"template": {
        "spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl"}]}}}}
    apply_defaults("batch", "Job", job)
    spec = job["spec"]
    assert {k: spec[k] for k in ("completions", "parallelism", "backoffLimit", "completionMode", "suspend",
                                 "podReplacementPolicy")} == {
        "completions": 1, "parallelism": 1, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed"}
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "7f3e"}}
    assert spec["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": "7f3e", "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "7f3e", "job-name": "pi"}
    assert job["metadata"]["labels"] == spec["template"]["metadata"]["labels"]  # Jobs "kubectl get job -o yaml"


def test_cronjob_statefulset_and_daemonset_defaults() -> None:
    """CronJob v1 API reference (concurrencyPolicy Allow, history limits 3/1), StatefulSet
    (podManagementPolicy OrderedReady, RollingUpdate partition 0, PVC retention Retain) and
    DaemonSet (RollingUpdate maxUnavailable 1, maxSurge 0)."""
    cron: dict[str, Any] = {"spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}
    apply_defaults("batch", "CronJob", cron)
    assert {k: cron["spec"][k] for k in ("concurrencyPolicy", "suspend", "successfulJobsHistoryLimit",
                                         "failedJobsHistoryLimit")} == {
        "concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1}
    assert cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    sts: dict[str, Any] = {"spec": {"template": {"spec": {"containers": []}},
                                    "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {}}]}}
    apply_defaults("apps", "StatefulSet", sts)
    assert sts["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert sts["spec"]["podManagementPolicy"] == "OrderedReady"
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert sts["spec"]["volumeClaimTemplates"][0] == {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}
    ds: dict[str, Any] = {"spec": {"template": {"spec": {"containers": []}}}}
    apply_defaults("apps", "DaemonSet", ds)
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}


def test_namespace_secret_and_pvc_defaults() -> None:
    """Namespaces: the kubernetes.io/metadata.name label and the 'kubernetes' finalizer, phase
    Active; Secrets: type defaults to Opaque and stringData is merged into data (write-only);
    PersistentVolumeClaim: volumeMode Filesystem."""
    ns: dict[str, Any] = {"metadata": {"name": "shop"}}
    apply_defaults("", "Namespace", ns)
    assert ns == {"metadata": {"name": "shop", "labels": {"kubernetes.io/metadata.name": "shop"}},
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
    secret: dict[str, Any] = {"metadata": {"name": "s"}, "data": {"a": "eA=="}, "stringData": {"password": "hunter2"}}
    apply_defaults("", "Secret", secret)
    assert secret == {"metadata": {"name": "s"}, "type": "Opaque",
                      "data": {"a": "eA==", "password": base64.b64encode(b"hunter2").decode()}}
    pvc: dict[str, Any] = {"spec": {"accessModes": ["ReadWriteOnce"]}}
    apply_defaults("", "PersistentVolumeClaim", pvc)
    assert pvc["spec"]["volumeMode"] == "Filesystem"


def test_defaulting_is_idempotent_and_never_overrides() -> None:
    """API conventions, "Defaulting": defaults apply only to unset fields, so applying them twice
    changes nothing and user values win."""
    obj: dict[str, Any] = {"spec": {"replicas": 0, "template": {"spec": {"restartPolicy": "Always",
                                                                           "dnsPolicy": "None", "containers": []}}}}
    apply_defaults("apps", "Deployment", obj)
    once = copy.deepcopy(obj)
    apply_defaults("apps", "Deployment", obj)
    assert obj == once
    assert (obj["spec"]["replicas"], obj["spec"]["template"]["spec"]["dnsPolicy"]) == (0, "None")


def test_crd_schema_defaults_apply_to_custom_resources() -> None:
    """CustomResourceDefinitions, "Defaulting": defaults in the structural schema are applied
    to absent fields of custom objects."""
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "replicas": {"type": "integer", "default": 1},
        "ports": {"type": "array", "items": {"type": "object", "properties": {
            "protocol": {"type": "string", "default": "TCP"}}}}}}}}
    obj: dict[str, Any] = {"apiVersion": "example.com/v1", "kind": "W", "spec": {"ports": [{}, {"protocol": "UDP"}]}}
    apply_defaults("example.com", "W", obj, openapi_schema=schema)
    assert obj["spec"] == {"ports": [{"protocol": "TCP"}, {"protocol": "UDP"}], "replicas": 1}


def _svc(name: str, **spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": name}, "spec": {"ports": [{"port": 80}], **spec}}
    apply_defaults("", "Service", obj)
    return obj


def test_allocator_assigns_cluster_ips_from_the_service_cidr() -> None:
    """Service ClusterIP allocation: the control plane assigns a virtual IP from the configured
    service-cluster-ip-range (10.96.0.0/12 in kubeadm/kind clusters) — not to headless Services
    (clusterIP None) nor to ExternalName Services."""
    alloc = Allocator()
    a, b = _svc("a"), _svc("b")
    alloc.admit_create("", "Service", a)
    alloc.admit_create("", "Service", b)
    assert a["spec"]["clusterIP"] != b["spec"]["clusterIP"]
    assert a["spec"]["clusterIPs"] == [a["spec"]["clusterIP"]]
    assert a["spec"]["clusterIP"].startswith("10.9") and a["spec"]["clusterIP"] != "10.96.0.1"
    headless = _svc("h", clusterIP="None")
    alloc.admit_create("", "Service", headless)
    assert headless["spec"]["clusterIPs"] == ["None"]
    ext: dict[str, Any] = {"metadata": {"name": "e"}, "spec": {"type": "ExternalName", "externalName": "x.example.com"}}
    apply_defaults("", "Service", ext)
    alloc.admit_create("", "Service", ext)
    assert "clusterIP" not in ext["spec"] and "ipFamilies" not in ext["spec"]


def test_allocator_rejects_taken_or_out_of_range_ips_and_reuses_released_ones() -> None:
    """Service ClusterIP allocation, "Choosing your own IP address": a requested IP must be inside
    the service CIDR and not in use; a deleted Service frees its IP."""
    alloc = Allocator()
    first = _svc("a", clusterIP="10.96.0.10")
    alloc.admit_create("", "Service", first)
    with pytest.raises(ApiError) as taken:
        alloc.admit_create("", "Service", _svc("b", clusterIP="10.96.0.10"))
    assert taken.value.code == 422
    assert taken.value.details["causes"] == [{  # type: ignore[index]
        "reason": "FieldValueInvalid", "field": "spec.clusterIPs",
        "message": 'Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated'}]
    with pytest.raises(ApiError) as outside:
        alloc.admit_create("", "Service", _svc("c", clusterIP="192.168.0.1"))
    assert "The range of valid IPs is 10.96.0.0/12" in outside.value.details["causes"][0]["message"]  # type: ignore[index]
    alloc.release("", "Service", first)
    again = _svc("d", clusterIP="10.96.0.10")
    alloc.admit_create("", "Service", again)
    assert again["spec"]["clusterIP"] == "10.96.0.10"


def test_allocator_assigns_node_ports_for_nodeport_and_loadbalancer() -> None:
    """Service, "type: NodePort": the control plane allocates a port from the range 30000-32767
    for each Service port; a requested port already in use is rejected."""
    alloc = Allocator()
    np = _svc("np", type="NodePort")
    lb = _svc("lb", type="LoadBalancer")
    alloc.admit_create("", "Service", np)
    alloc.admit_create("", "Service", lb)
    ports = [np["spec"]["ports"][0]["nodePort"], lb["spec"]["ports"][0]["nodePort"]]
    assert all(30000 <= p <= 32767 for p in ports) and ports[0] != ports[1]
    assert lb["spec"]["externalTrafficPolicy"] == "Cluster" and lb["spec"]["allocateLoadBalancerNodePorts"] is True
    clash = _svc("clash", type="NodePort")
    clash["spec"]["ports"][0]["nodePort"] = ports[0]
    with pytest.raises(ApiError) as err:
        alloc.admit_create("", "Service", clash)
    assert err.value.details["causes"][0] == {  # type: ignore[index]
        "reason": "FieldValueInvalid", "field": "spec.ports[0].nodePort",
        "message": f"Invalid value: {ports[0]}: provided port is already allocated"}


def test_update_without_cluster_ip_keeps_the_allocated_one() -> None:
    """Service v1 API reference, spec.clusterIP: an update that omits the field keeps the
    allocated address (the server carries it over)."""
    alloc = Allocator()
    old = _svc("web")
    alloc.admit_create("", "Service", old)
    new = _svc("web")
    alloc.admit_update("", "Service", new, old)
    assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]
    assert new["spec"]["clusterIPs"] == old["spec"]["clusterIPs"]


def test_allocator_is_safe_under_parallel_creates_and_type_changes() -> None:
    """kubesim issue, "Safe under parallel clients": concurrent Service creates never get the same
    clusterIP; Service, "type: NodePort": switching a ClusterIP Service to NodePort allocates a
    node port and switching back releases it."""
    import threading

    alloc = Allocator()
    got: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(50):
            svc = _svc(f"s{n}-{i}")
            alloc.admit_create("", "Service", svc)
            with lock:
                got.append(svc["spec"]["clusterIP"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 400 and len(set(got)) == 400
    old = _svc("web")
    alloc.admit_create("", "Service", old)
    as_nodeport = _svc("web", type="NodePort")
    alloc.admit_update("", "Service", as_nodeport, old)
    port = as_nodeport["spec"]["ports"][0]["nodePort"]
    assert 30000 <= port <= 32767 and as_nodeport["spec"]["clusterIP"] == old["spec"]["clusterIP"]
    alloc.commit_update("", "Service", as_nodeport, old)
    back = _svc("web")
    back["spec"]["ports"][0]["nodePort"] = port
    alloc.admit_update("", "Service", back, as_nodeport)
    assert "nodePort" not in back["spec"]["ports"][0]
    clash = _svc("other", type="NodePort")
    clash["spec"]["ports"][0]["nodePort"] = port
    with pytest.raises(ApiError):  # not freed before the update is stored
        alloc.admit_create("", "Service", clash)
    alloc.commit_update("", "Service", back, as_nodeport)
    alloc.admit_create("", "Service", clash)  # the released port is free again


def test_a_dry_run_type_change_gives_its_node_port_back() -> None:
    """API concepts, "Dry-run": nothing is persisted, so a dry-run update that would allocate a
    node port leaves it free again once the core calls release_update."""
    alloc = Allocator()
    old = _svc("web")
    alloc.admit_create("", "Service", old)
    trial = _svc("web", type="NodePort")
    alloc.admit_update("", "Service", trial, old)
    port = trial["spec"]["ports"][0]["nodePort"]
    alloc.release_update("", "Service", trial, old)
    reuse = _svc("other", type="NodePort")
    reuse["spec"]["ports"][0]["nodePort"] = port
    alloc.admit_create("", "Service", reuse)
    assert reuse["spec"]["ports"][0]["nodePort"] == port
