"""Simulated workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job): the status
the real kube-controller-manager writes, as a function of how long ago the current generation was
written. No Pods or ReplicaSets are created; the counters and conditions say what they would.

Each function takes the object and a :class:`Timeline` and returns ``(status, seconds until the
status changes next or None)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubesim.controller_util import (
    Obj,
    condition,
    condition_true,
    fail_message,
    generation,
    keep_times,
    rfc3339,
    template_hash,
)

Result = tuple[Obj, float | None]


@dataclass(frozen=True)
class Timeline:
    """When the written generation becomes ready (or fails) on the simulated cluster."""

    since: float          # when the current generation was written
    now: float
    ready_at: float       # absolute time the pods become ready (when not failing)
    failing: bool         # kubesim.io/fail: never becomes ready
    fail_at: float        # absolute time the failure is reported

    @property
    def ready(self) -> bool:
        return not self.failing and self.now >= self.ready_at

    @property
    def failed(self) -> bool:
        return self.failing and self.now >= self.fail_at

    def wait(self) -> float | None:
        """Seconds until the next change, None when nothing more will happen."""
        if self.failing:
            return self.fail_at - self.now if self.now < self.fail_at else None
        return self.ready_at - self.now if self.now < self.ready_at else None


def _replicas(spec: Obj, default: int = 1) -> int:
    value = spec.get("replicas", default)
    return value if isinstance(value, int) and value >= 0 else default


def _name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def deployment(obj: Obj, t: Timeline) -> Result:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    replicas = _replicas(spec)
    rs_name = f"{_name(obj)}-{template_hash(spec.get('template'))}"
    status: Obj = {"observedGeneration": generation(obj)}
    was_available = condition_true(old, "Available")
    if replicas == 0 or t.ready:
        at = t.since if replicas == 0 else t.ready_at
        if replicas:
            status.update(replicas=replicas, updatedReplicas=replicas, readyReplicas=replicas,
                          availableReplicas=replicas)
        conditions = [
            condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", at,
                      update_time=True),
            condition("Progressing", "True", "NewReplicaSetAvailable",
                      f'ReplicaSet "{rs_name}" has successfully progressed.', at, update_time=True),
        ]
        wait = None
    else:
        if was_available:
            # a rolling update: the old ReplicaSet keeps serving while one surge pod starts
            surge = 1
            status.update(replicas=replicas + surge, updatedReplicas=surge, readyReplicas=replicas,
                          availableReplicas=replicas, unavailableReplicas=surge)
            available = condition("Available", "True", "MinimumReplicasAvailable",
                                  "Deployment has minimum availability.", t.since, update_time=True)
        else:
            status.update(replicas=replicas, updatedReplicas=replicas, unavailableReplicas=replicas)
            available = condition("Available", "False", "MinimumReplicasUnavailable",
                                  "Deployment does not have minimum availability.", t.since, update_time=True)
        if t.failed:
            progressing = condition("Progressing", "False", "ProgressDeadlineExceeded",
                                    fail_message(obj, f'ReplicaSet "{rs_name}" has timed out progressing.'),
                                    t.fail_at, update_time=True)
        else:
            progressing = condition("Progressing", "True", "ReplicaSetUpdated",
                                    f'ReplicaSet "{rs_name}" is progressing.', t.since, update_time=True)
        conditions = [available, progressing]
        wait = t.wait()
    if spec.get("paused"):
        conditions[1] = condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", t.since,
                                  update_time=True)
        wait = None if t.ready else wait
    status["conditions"] = keep_times(conditions, old.get("conditions"))
    return status, wait


def replicaset(obj: Obj, t: Timeline) -> Result:
    spec = obj.get("spec") or {}
    replicas = _replicas(spec)
    status: Obj = {"replicas": replicas}
    if replicas:
        status["fullyLabeledReplicas"] = replicas
        if t.ready:
            status.update(readyReplicas=replicas, availableReplicas=replicas)
    status["observedGeneration"] = generation(obj)
    return status, (None if replicas == 0 else t.wait())


def statefulset(obj: Obj, t: Timeline) -> Result:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    replicas = _replicas(spec)
    revision = f"{_name(obj)}-{template_hash(spec.get('template'))}"
    current = old.get("currentRevision") or revision
    status: Obj = {"observedGeneration": generation(obj), "replicas": replicas}
    if t.ready or replicas == 0:
        status.update(availableReplicas=replicas, currentReplicas=replicas, readyReplicas=replicas,
                      updatedReplicas=replicas, currentRevision=revision, updateRevision=revision)
        wait = None
    elif current != revision and old.get("readyReplicas"):
        status.update(availableReplicas=replicas, currentReplicas=replicas, readyReplicas=replicas,
                      updatedReplicas=0, currentRevision=current, updateRevision=revision)
        wait = t.wait()
    else:
        status.update(availableReplicas=0, currentReplicas=replicas, updatedReplicas=replicas,
                      currentRevision=revision, updateRevision=revision)
        wait = t.wait()
    status["collisionCount"] = old.get("collisionCount", 0)
    status = {k: v for k, v in status.items() if v != 0 or k in ("replicas", "availableReplicas", "collisionCount")}
    return status, wait


NODES = 1  # the simulated cluster's node count (DaemonSets schedule one pod per node)


def daemonset(obj: Obj, t: Timeline) -> Result:
    old = obj.get("status") or {}
    n = NODES
    status: Obj = {"currentNumberScheduled": n, "desiredNumberScheduled": n}
    if t.ready:
        status.update(numberAvailable=n, numberMisscheduled=0, numberReady=n,
                      observedGeneration=generation(obj), updatedNumberScheduled=n)
    elif old.get("numberReady"):
        status.update(numberAvailable=n, numberMisscheduled=0, numberReady=n,
                      observedGeneration=generation(obj), updatedNumberScheduled=0)
    else:
        status.update(numberMisscheduled=0, numberReady=0, numberUnavailable=n,
                      observedGeneration=generation(obj), updatedNumberScheduled=n)
    return status, t.wait()


def _indexes(n: int) -> str:
    if n <= 0:
        return ""
    if n == 1:
        return "0"
    if n == 2:
        return "0,1"
    return f"0-{n - 1}"


def job(obj: Obj, t: Timeline) -> Result:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    completions = spec.get("completions")
    parallelism = spec.get("parallelism", 1)
    if not isinstance(parallelism, int):
        parallelism = 1
    succeeded_goal = completions if isinstance(completions, int) else 1
    if spec.get("suspend"):
        conditions = [condition("Suspended", "True", "JobSuspended", "Job suspended", t.since, probe_time=True)]
        status: Obj = {"conditions": keep_times(conditions, old.get("conditions"))}
        if old.get("startTime"):
            status["startTime"] = old["startTime"]
        return status, None
    start = old.get("startTime") or rfc3339(t.since)
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not t.failing and t.ready_at - t.since > deadline:
        # the pods would outlive activeDeadlineSeconds: the Job fails at the deadline instead
        t = Timeline(since=t.since, now=t.now, ready_at=t.ready_at, failing=True, fail_at=t.since + deadline)
        reason, message = "DeadlineExceeded", "Job was active longer than specified deadline"
    else:
        reason, message = "BackoffLimitExceeded", fail_message(obj, "Job has reached the specified backoff limit")
    status = {"startTime": start}
    if t.failed:
        backoff = spec.get("backoffLimit", 6)
        conditions = [condition("FailureTarget", "True", reason, message, t.fail_at, probe_time=True),
                      condition("Failed", "True", reason, message, t.fail_at, probe_time=True)]
        status.update(conditions=keep_times(conditions, old.get("conditions")),
                      failed=(backoff + 1) if reason == "BackoffLimitExceeded" and isinstance(backoff, int) else 1,
                      ready=0, terminating=0, uncountedTerminatedPods={})
        return status, None
    if t.ready:
        done = "Reached expected number of succeeded pods"
        conditions = [condition("SuccessCriteriaMet", "True", "CompletionsReached", done, t.ready_at, probe_time=True),
                      condition("Complete", "True", "CompletionsReached", done, t.ready_at, probe_time=True)]
        status.update(completionTime=rfc3339(t.ready_at), conditions=keep_times(conditions, old.get("conditions")),
                      ready=0, succeeded=succeeded_goal, terminating=0, uncountedTerminatedPods={})
        if spec.get("completionMode") == "Indexed":
            status["completedIndexes"] = _indexes(succeeded_goal)
        return status, None
    active = min(parallelism, succeeded_goal)
    if active > 0:
        status["active"] = active
    status.update(ready=0, terminating=0, uncountedTerminatedPods={})
    return status, t.wait()

