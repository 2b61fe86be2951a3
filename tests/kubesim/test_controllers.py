"""kubesim's simulated controllers: the status the real controllers write, over time.

Each test names the Kubernetes documentation that describes the status it checks (Deployment
status and conditions, Job termination, Pod lifecycle, PersistentVolumeClaim binding, ...).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubesim import controllers
from kubesim.controllers import reconcile
from kubesim.defaults import apply_defaults

T0 = 1_780_000_000.0  # a fixed "since" so statuses are deterministic


def deployment(replicas: int = 3, annotations: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "metadata": {"name": "web", "namespace": "shop", "generation": 1, "annotations": annotations or {}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}, **spec},
    }
    apply_defaults("apps", "Deployment", obj)
    return obj


def step(group: str, kind: str, obj: dict[str, Any], at: float) -> float | None:
    """One controller pass at ``T0 + at``, storing the status like the core does."""
    status, wait = reconcile(group, kind, obj, since=T0, now=T0 + at)
    if status is not None:
        obj["status"] = status
    return wait


def cond(obj: dict[str, Any], ctype: str) -> dict[str, Any]:
    return next(c for c in obj["status"]["conditions"] if c["type"] == ctype)


def test_deployment_becomes_available_after_the_ready_delay() -> None:
    """Deployments, "Deployment status" / "Complete Deployment": while progressing the Deployment
    reports Progressing=True (ReplicaSetUpdated) and Available=False (MinimumReplicasUnavailable);
    when complete, Available=True (MinimumReplicasAvailable), Progressing=True
    (NewReplicaSetAvailable), and all replicas updated and available."""
    obj = deployment(annotations={"kubesim.io/ready-after": "3s"})
    assert step("apps", "Deployment", obj, 0) == 3.0
    assert obj["status"]["observedGeneration"] == 1
    assert (obj["status"]["updatedReplicas"], obj["status"].get("readyReplicas"), obj["status"]["unavailableReplicas"]) == (3, None, 3)
    assert (cond(obj, "Available")["status"], cond(obj, "Available")["reason"]) == ("False", "MinimumReplicasUnavailable")
    assert cond(obj, "Progressing")["reason"] == "ReplicaSetUpdated"
    assert cond(obj, "Progressing")["message"].startswith('ReplicaSet "web-') and "is progressing." in cond(obj, "Progressing")["message"]
    assert step("apps", "Deployment", obj, 3.0) is None
    status = obj["status"]
    assert {k: status[k] for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")} == {
        "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3}
    assert (cond(obj, "Available")["status"], cond(obj, "Available")["reason"]) == ("True", "MinimumReplicasAvailable")
    assert cond(obj, "Available")["message"] == "Deployment has minimum availability."
    assert (cond(obj, "Progressing")["status"], cond(obj, "Progressing")["reason"]) == ("True", "NewReplicaSetAvailable")
    assert cond(obj, "Progressing")["message"].endswith("has successfully progressed.")
    assert reconcile("apps", "Deployment", obj, since=T0, now=T0 + 10) == (None, None)


def test_a_new_generation_is_observed_and_rolls_out() -> None:
    """Deployments, "Updating a Deployment" and API conventions (observedGeneration): after a
    template change the controller observes the new generation, keeps the old pods available and
    reports updatedReplicas < replicas until the rollout completes."""
    obj = deployment(annotations={"kubesim.io/ready-after": "2s"})
    step("apps", "Deployment", obj, 5)
    available_since = cond(obj, "Available")["lastTransitionTime"]
    obj["metadata"]["generation"] = 2
    obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    status, wait = reconcile("apps", "Deployment", obj, since=T0 + 100, now=T0 + 100)
    assert status is not None and wait == 2.0
    assert status["observedGeneration"] == 2 and status["updatedReplicas"] < obj["spec"]["replicas"]
    available = next(c for c in status["conditions"] if c["type"] == "Available")
    assert available["status"] == "True" and available["lastTransitionTime"] == available_since
    obj["status"] = status
    status, wait = reconcile("apps", "Deployment", obj, since=T0 + 100, now=T0 + 102)
    assert status is not None and status["updatedReplicas"] == 3 and wait is None


def test_failing_deployment_reports_progress_deadline_exceeded() -> None:
    """Deployments, "Failed Deployment": after progressDeadlineSeconds without progress the
    controller sets Progressing=False with reason ProgressDeadlineExceeded."""
    obj = deployment(annotations={"kubesim.io/fail": "true"}, progressDeadlineSeconds=30)
    assert step("apps", "Deployment", obj, 0) == 30.0
    assert cond(obj, "Progressing")["status"] == "True"
    assert step("apps", "Deployment", obj, 30) is None
    progressing = cond(obj, "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert progressing["message"].endswith("has timed out progressing.")
    assert cond(obj, "Available")["status"] == "False"
    assert "readyReplicas" not in obj["status"]


def test_fail_after_and_fail_message_annotations() -> None:
    """kubesim annotations (docs/kubesim.md): kubesim.io/fail-after reports the failure
    earlier than the deadline and kubesim.io/fail-message says why."""
    obj = deployment(annotations={"kubesim.io/fail": "true", "kubesim.io/fail-after": "2s",
                                  "kubesim.io/fail-message": "image nginx:bogus not found"})
    step("apps", "Deployment", obj, 2)
    assert cond(obj, "Progressing")["message"] == "image nginx:bogus not found"


def test_default_ready_delay_is_configurable() -> None:
    """kubesim annotations: without kubesim.io/ready-after the server-wide default applies."""
    before = controllers.DEFAULT_READY_AFTER
    try:
        controllers.set_default_ready_after(1.5)
        obj = deployment()
        assert step("apps", "Deployment", obj, 0) == 1.5
    finally:
        controllers.set_default_ready_after(before)


def test_statefulset_revisions_converge() -> None:
    """StatefulSets, "Rolling Updates": the controller reports currentRevision/updateRevision and
    ready replicas; the update is complete when currentRevision equals updateRevision."""
    sts: dict[str, Any] = {"metadata": {"name": "db", "generation": 1, "annotations": {"kubesim.io/ready-after": "1s"}},
                           "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "db", "image": "pg:16"}]}}}}
    apply_defaults("apps", "StatefulSet", sts)
    step("apps", "StatefulSet", sts, 0)
    assert sts["status"].get("readyReplicas") is None and sts["status"]["replicas"] == 2
    step("apps", "StatefulSet", sts, 1)
    status = sts["status"]
    assert status["readyReplicas"] == 2 and status["currentRevision"] == status["updateRevision"]
    assert status["currentRevision"].startswith("db-")


def test_daemonset_schedules_on_the_one_simulated_node() -> None:
    """DaemonSet: desiredNumberScheduled counts the nodes that should run the pod; kubesim has one."""
    ds: dict[str, Any] = {"metadata": {"name": "agent", "generation": 1},
                          "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "agent"}]}}}}
    step("apps", "DaemonSet", ds, 0)
    assert {k: ds["status"][k] for k in ("desiredNumberScheduled", "numberReady", "updatedNumberScheduled",
                                         "numberAvailable", "observedGeneration")} == {
        "desiredNumberScheduled": 1, "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1,
        "observedGeneration": 1}


def test_job_completes() -> None:
    """Jobs, "Job termination and cleanup": a successful Job gets the SuccessCriteriaMet and
    Complete conditions (reason CompletionsReached), succeeded and completionTime."""
    job: dict[str, Any] = {"metadata": {"name": "pi", "uid": "u", "annotations": {"kubesim.io/ready-after": "4s"}},
                           "spec": {"template": {"spec": {"restartPolicy": "Never",
                                                          "containers": [{"name": "pi", "image": "perl"}]}}}}
    apply_defaults("batch", "Job", job)
    assert step("batch", "Job", job, 1) == 3.0
    assert job["status"]["active"] == 1 and "conditions" not in job["status"]
    step("batch", "Job", job, 4)
    status = job["status"]
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
        ("SuccessCriteriaMet", "True", "CompletionsReached"), ("Complete", "True", "CompletionsReached")]
    assert status["succeeded"] == 1 and "active" not in status
    assert status["startTime"] < status["completionTime"]


def test_failing_job_exceeds_its_backoff_limit() -> None:
    """Jobs, "Pod backoff failure policy": after backoffLimit retries the Job is marked Failed
    with reason BackoffLimitExceeded."""
    job: dict[str, Any] = {"metadata": {"name": "bad", "annotations": {"kubesim.io/fail": "true"}},
                           "spec": {"backoffLimit": 2, "template": {"spec": {"containers": []}}}}
    step("batch", "Job", job, 0)
    failed = cond(job, "Failed")
    assert (failed["status"], failed["reason"], failed["message"]) == (
        "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
    assert job["status"]["failed"] == 3 and "completionTime" not in job["status"]


def test_job_over_its_active_deadline_fails_with_deadline_exceeded() -> None:
    """Jobs, "Job termination and cleanup": once activeDeadlineSeconds is reached the Job is
    Failed with reason DeadlineExceeded."""
    job: dict[str, Any] = {"metadata": {"name": "slow", "annotations": {"kubesim.io/ready-after": "1m"}},
                           "spec": {"activeDeadlineSeconds": 10, "template": {"spec": {"containers": []}}}}
    assert step("batch", "Job", job, 0) == 10.0
    step("batch", "Job", job, 10)
    assert cond(job, "Failed")["reason"] == "DeadlineExceeded"


def test_pod_becomes_running_and_ready() -> None:
    """Pod Lifecycle, "Pod phase" and "Pod conditions": a scheduled pod is Pending until its
    containers start, then Running with Ready and ContainersReady True."""
    pod: dict[str, Any] = {"metadata": {"name": "p", "namespace": "shop", "annotations": {"kubesim.io/ready-after": "2s"}},
                           "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    apply_defaults("", "Pod", pod)
    step("", "Pod", pod, 0)
    assert pod["status"]["phase"] == "Pending"
    assert cond(pod, "Ready")["reason"] == "ContainersNotReady"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    step("", "Pod", pod, 2)
    status = pod["status"]
    assert status["phase"] == "Running" and status["podIP"].startswith("10.244.")
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True", "ContainersReady": "True",
        "PodScheduled": "True"}
    ctr = status["containerStatuses"][0]
    assert ctr["ready"] is True and ctr["image"] == "docker.io/library/nginx:latest" and "running" in ctr["state"]
    assert status["qosClass"] == "BestEffort"


def test_failing_pod_waits_in_image_pull_backoff() -> None:
    """Pod Lifecycle, "Container states": a container that cannot start stays Waiting with a
    reason such as ImagePullBackOff."""
    pod: dict[str, Any] = {"metadata": {"name": "p", "annotations": {"kubesim.io/fail": "true"}},
                           "spec": {"containers": [{"name": "app", "image": "nginx:nope"}]}}
    step("", "Pod", pod, 0)
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nginx:nope"'}
    assert pod["status"]["phase"] == "Pending"


def test_pvc_binds_and_reports_capacity() -> None:
    """Persistent Volumes, "Binding": a claim is Pending until bound, then Bound with the
    capacity and access modes of its volume."""
    pvc: dict[str, Any] = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                                  "resources": {"requests": {"storage": "1Gi"}}}}
    apply_defaults("", "PersistentVolumeClaim", pvc)
    step("", "PersistentVolumeClaim", pvc, 0)
    assert pvc["status"] == {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "phase": "Bound"}
    stuck = copy.deepcopy(pvc)
    stuck["metadata"]["annotations"] = {"kubesim.io/fail": "true"}
    stuck["status"] = {"phase": "Pending"}
    assert reconcile("", "PersistentVolumeClaim", stuck, since=T0, now=T0 + 60) == (None, None)


def test_loadbalancer_service_gets_an_ingress_address() -> None:
    """Service, "type: LoadBalancer": the provisioned load balancer is published in
    .status.loadBalancer.ingress."""
    svc: dict[str, Any] = {"metadata": {"name": "web", "namespace": "shop"},
                           "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    step("", "Service", svc, 0)
    ingress = svc["status"]["loadBalancer"]["ingress"]
    assert len(ingress) == 1 and ingress[0]["ip"].startswith("172.18.255.") and ingress[0]["ipMode"] == "VIP"
    plain: dict[str, Any] = {"metadata": {"name": "api"}, "spec": {"type": "ClusterIP"}, "status": {"loadBalancer": {}}}
    assert reconcile("", "Service", plain, since=T0, now=T0) == (None, None)


def test_namespace_and_crd_status() -> None:
    """Namespaces (phase Active, Terminating while deleted) and CustomResourceDefinitions
    ("Create a CustomResourceDefinition": the CRD becomes Established once its names are accepted)."""
    ns: dict[str, Any] = {"metadata": {"name": "shop"}}
    step("", "Namespace", ns, 0)
    assert ns["status"] == {"phase": "Active"}
    ns["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    step("", "Namespace", ns, 1)
    assert ns["status"] == {"phase": "Terminating"}
    crd: dict[str, Any] = {"metadata": {"name": "widgets.example.com"}, "spec": {
        "group": "example.com", "names": {"plural": "widgets", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True}]}}
    step("apiextensions.k8s.io", "CustomResourceDefinition", crd, 0)
    assert {c["type"]: (c["status"], c["reason"]) for c in crd["status"]["conditions"]} == {
        "NamesAccepted": ("True", "NoConflicts"), "Established": ("True", "InitialNamesAccepted")}
    assert crd["status"]["acceptedNames"]["listKind"] == "WidgetList"
    assert crd["status"]["storedVersions"] == ["v1"]


def test_kinds_without_a_controller_are_left_alone() -> None:
    """ConfigMaps have no status and no controller: nothing to reconcile."""
    assert reconcile("", "ConfigMap", {"metadata": {"name": "c"}}, since=T0, now=T0) == (None, None)


DEPLOYMENT_YAML = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations:
    kubesim.io/ready-after: 1s
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


@pytest.mark.kubectl
def test_kubectl_rollout_status_and_wait_follow_the_simulated_rollout(kubesim: Any) -> None:
    """kubectl rollout status / kubectl wait reference: rollout status waits until the new
    replicas are updated and available; wait --for=condition=Available returns once the
    Deployment's Available condition is True."""
    assert kubesim.kubectl("apply", "-f", "-", input=DEPLOYMENT_YAML).returncode == 0
    rollout = kubesim.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    assert rollout.returncode == 0 and 'deployment "web" successfully rolled out' in rollout.stdout
    wait = kubesim.kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=20s")
    assert wait.returncode == 0 and "condition met" in wait.stdout


@pytest.mark.kubectl
def test_kubectl_rollout_status_reports_a_failed_rollout(kubesim: Any) -> None:
    """Deployments, "Failed Deployment": kubectl rollout status exits with a non-zero code once
    the Deployment exceeded its progress deadline."""
    failing = DEPLOYMENT_YAML.replace("kubesim.io/ready-after: 1s", 'kubesim.io/fail: "true"').replace(
        "replicas: 2", "replicas: 2\n  progressDeadlineSeconds: 1")
    assert kubesim.kubectl("apply", "-f", "-", input=failing).returncode == 0
    rollout = kubesim.kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    assert rollout.returncode == 1
    assert 'deployment "web" exceeded its progress deadline' in rollout.stderr
