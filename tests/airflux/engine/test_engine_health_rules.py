"""Readiness rules per kind over sample status documents, as kstatus judges them."""

from __future__ import annotations

from airflux.health.rules import Status, assess
from airflux.model import ObjRef


def _health(kind: str, spec: dict | None = None, status: dict | None = None, generation: int = 1,
            api: str = "apps/v1") -> tuple[Status, str]:
    obj = {"apiVersion": api, "kind": kind, "metadata": {"name": "x", "namespace": "ns", "generation": generation},
           "spec": spec or {}, "status": status or {}}
    h = assess(obj, ObjRef.of(obj))
    return h.status, h.message


def test_deployment_progress_is_counted_in_available_replicas() -> None:
    st = {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 2}
    assert _health("Deployment", {"replicas": 3}, st) == (Status.IN_PROGRESS, "2/3 replicas available")
    st["availableReplicas"] = 3
    assert _health("Deployment", {"replicas": 3}, st) == (Status.CURRENT, "3/3 replicas available")


def test_deployment_waits_for_the_controller_to_see_the_new_generation() -> None:
    st = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    status, message = _health("Deployment", {"replicas": 1}, st, generation=2)
    assert status is Status.IN_PROGRESS and "generation 2" in message


def test_deployment_past_its_progress_deadline_has_failed_with_the_reason() -> None:
    st = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 0,
          "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                          "message": 'ReplicaSet "web-1" has timed out progressing.'}]}
    status, message = _health("Deployment", {"replicas": 1}, st)
    assert status is Status.FAILED and "ProgressDeadlineExceeded" in message and "0/1 replicas ready" in message


def test_statefulset_daemonset_and_replicaset_count_their_own_fields() -> None:
    assert _health("StatefulSet", {"replicas": 2}, {"observedGeneration": 1, "updatedReplicas": 2,
                                                    "readyReplicas": 1})[1] == "1/2 replicas ready"
    ds = {"observedGeneration": 1, "desiredNumberScheduled": 4, "updatedNumberScheduled": 4, "numberReady": 4,
          "numberAvailable": 4}
    assert _health("DaemonSet", {}, ds)[0] is Status.CURRENT
    assert _health("ReplicaSet", {"replicas": 1}, {"observedGeneration": 1})[1] == "0/1 replicas ready"


def test_job_is_ready_when_complete_and_failed_when_failed() -> None:
    assert _health("Job", {}, {"conditions": [{"type": "Complete", "status": "True"}]}, api="batch/v1")[0] \
        is Status.CURRENT
    status, message = _health("Job", {}, {"conditions": [{"type": "Failed", "status": "True",
                                                          "reason": "BackoffLimitExceeded"}]}, api="batch/v1")
    assert status is Status.FAILED and "BackoffLimitExceeded" in message
    assert _health("Job", {"completions": 3}, {"succeeded": 1}, api="batch/v1")[1] == "1/3 completions"


def test_pods_pvcs_namespaces_services_and_crds() -> None:
    assert _health("Pod", {}, {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
                   api="v1")[0] is Status.CURRENT
    crash = {"phase": "Running", "containerStatuses": [{"name": "app", "state": {"waiting": {
        "reason": "CrashLoopBackOff"}}}]}
    assert _health("Pod", {}, crash, api="v1") == (Status.FAILED, "container app: CrashLoopBackOff")
    assert _health("PersistentVolumeClaim", {}, {"phase": "Pending"}, api="v1")[0] is Status.IN_PROGRESS
    assert _health("PersistentVolumeClaim", {}, {"phase": "Bound"}, api="v1")[0] is Status.CURRENT
    assert _health("Namespace", {}, {"phase": "Active"}, api="v1")[0] is Status.CURRENT
    assert _health("Service", {"type": "LoadBalancer"}, {}, api="v1")[0] is Status.IN_PROGRESS
    assert _health("Service", {"type": "ClusterIP"}, {}, api="v1")[0] is Status.CURRENT
    crd = {"conditions": [{"type": "Established", "status": "True"}, {"type": "NamesAccepted", "status": "True"}]}
    assert _health("CustomResourceDefinition", {}, crd, api="apiextensions.k8s.io/v1")[0] is Status.CURRENT


def test_other_kinds_use_ready_or_available_conditions_and_otherwise_just_exist() -> None:
    not_ready = {"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "False", "reason": "Pulling"}]}
    assert _health("Widget", {}, not_ready, api="example.com/v1") == (Status.IN_PROGRESS, "not Ready: Pulling")
    assert _health("Widget", {}, {}, api="example.com/v1")[0] is Status.CURRENT
    assert assess(None, ObjRef("", "ConfigMap", "ns", "x")).status is Status.NOT_FOUND
