"""Is this object ready? kstatus-style rules per kind, kept as data where the kinds allow it.

Pure functions over one object (as read from the API): ``assess(obj)`` says Current, InProgress or
Failed with a short human message (``2/3 replicas available``) that ends up in the task log and in
a HealthTimeout. Kinds with replica counts, phases or a defining condition are tables; kinds with
their own logic (Job, Pod, Service) are small functions; anything else falls back to the generic
``observedGeneration`` + ``Ready``/``Available`` condition rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from airflux.model import ObjRef


class Status(enum.StrEnum):
    CURRENT = "Current"
    IN_PROGRESS = "InProgress"
    FAILED = "Failed"
    NOT_FOUND = "NotFound"


@dataclass(frozen=True)
class Health:
    ref: ObjRef
    status: Status
    message: str
    detail: str = ""  # the conditions behind a not-ready verdict, for the timeout report

    @property
    def ready(self) -> bool:
        return self.status is Status.CURRENT


@dataclass(frozen=True)
class ReplicaRule:
    """Ready when every counter in ``counters`` reached the desired count."""

    desired: tuple[str, ...]  # path to the desired count
    default: int
    counters: tuple[tuple[str, str], ...]  # (status field, word for the message); the last one is shown


REPLICA_RULES: dict[str, ReplicaRule] = {
    "Deployment": ReplicaRule(("spec", "replicas"), 1, (("updatedReplicas", "updated"),
                                                        ("readyReplicas", "ready"),
                                                        ("availableReplicas", "available"))),
    "StatefulSet": ReplicaRule(("spec", "replicas"), 1, (("updatedReplicas", "updated"),
                                                         ("readyReplicas", "ready"))),
    "ReplicaSet": ReplicaRule(("spec", "replicas"), 1, (("readyReplicas", "ready"),
                                                        ("availableReplicas", "available"))),
    "DaemonSet": ReplicaRule(("status", "desiredNumberScheduled"), 0, (("updatedNumberScheduled", "updated"),
                                                                       ("numberReady", "ready"),
                                                                       ("numberAvailable", "available"))),
}

# status.phase → verdict; phases not listed are InProgress.
PHASE_RULES: dict[str, dict[str, Status]] = {
    "Namespace": {"Active": Status.CURRENT},
    "PersistentVolumeClaim": {"Bound": Status.CURRENT, "Lost": Status.FAILED},
    "PersistentVolume": {"Bound": Status.CURRENT, "Available": Status.CURRENT, "Failed": Status.FAILED},
}

# Kinds ready when all of these conditions are True.
CONDITION_RULES: dict[str, tuple[str, ...]] = {
    "CustomResourceDefinition": ("Established", "NamesAccepted"),
}

# Condition (type, status, reason) that means the rollout gave up: Failed rather than InProgress.
FAILURE_CONDITIONS: tuple[tuple[str, str, str | None], ...] = (
    ("Progressing", "False", "ProgressDeadlineExceeded"),
    ("Stalled", "True", None),
    ("ReplicaFailure", "True", None),
)

# Kinds with no status worth waiting for: ready as soon as they exist.
ALWAYS_READY = frozenset({"ConfigMap", "Secret", "ServiceAccount", "Role", "ClusterRole", "RoleBinding",
                          "ClusterRoleBinding", "NetworkPolicy", "LimitRange", "ResourceQuota",
                          "PodDisruptionBudget", "Endpoints", "EndpointSlice", "StorageClass",
                          "PriorityClass", "IngressClass"})


def _get(obj: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = obj
    for part in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _conditions(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c.get("type")): c for c in (_get(obj, ("status", "conditions")) or []) if isinstance(c, dict)}


def _why(cond: dict[str, Any]) -> str:
    return "; ".join(str(x) for x in (cond.get("reason"), cond.get("message")) if x)


def _false_conditions(obj: dict[str, Any]) -> str:
    """``Available=False: MinimumReplicasUnavailable; ...``: why a workload is not there yet."""
    parts = []
    for ctype, c in _conditions(obj).items():
        if c.get("status") == "False" and ctype in ("Available", "Ready", "Progressing"):
            parts.append(f"{ctype}=False: {_why(c)}" if _why(c) else f"{ctype}=False")
    return "; ".join(parts)


def _generation(obj: dict[str, Any]) -> str | None:
    """InProgress message when the controller has not seen the latest spec yet."""
    gen = _get(obj, ("metadata", "generation"))
    observed = _get(obj, ("status", "observedGeneration"))
    if gen is not None and observed is not None and int(observed) < int(gen):
        return f"waiting for the controller to observe generation {gen} (at {observed})"
    return None


def _failure(obj: dict[str, Any]) -> str | None:
    conds = _conditions(obj)
    for ctype, cstatus, reason in FAILURE_CONDITIONS:
        c = conds.get(ctype)
        if c and c.get("status") == cstatus and (reason is None or c.get("reason") == reason):
            return f"{ctype}: {_why(c) or cstatus}"
    return None


def _replicas(obj: dict[str, Any], rule: ReplicaRule) -> tuple[Status, str]:
    desired = _get(obj, rule.desired)
    want = int(desired if desired is not None else rule.default)
    status = obj.get("status") or {}
    for field, word in rule.counters:
        have = int(status.get(field) or 0)
        if have < want:
            return Status.IN_PROGRESS, f"{have}/{want} replicas {word}"
    total = status.get("replicas")
    if total is not None and int(total) > want:
        return Status.IN_PROGRESS, f"{int(total) - want} old replicas terminating"
    word = rule.counters[-1][1]
    return Status.CURRENT, f"{want}/{want} replicas {word}"


def _job(obj: dict[str, Any]) -> tuple[Status, str]:
    conds = _conditions(obj)
    if (conds.get("Complete") or {}).get("status") == "True":
        return Status.CURRENT, "job complete"
    if (conds.get("Failed") or {}).get("status") == "True":
        return Status.FAILED, f"job failed: {_why(conds['Failed'])}"
    succeeded = int(_get(obj, ("status", "succeeded")) or 0)
    want = int(_get(obj, ("spec", "completions")) or 1)
    return Status.IN_PROGRESS, f"{succeeded}/{want} completions"


def _pod(obj: dict[str, Any]) -> tuple[Status, str]:
    phase = _get(obj, ("status", "phase")) or "Pending"
    if phase == "Succeeded":
        return Status.CURRENT, "pod succeeded"
    if phase == "Failed":
        return Status.FAILED, f"pod failed: {_get(obj, ('status', 'reason')) or ''}".rstrip(": ")
    for cs in _get(obj, ("status", "containerStatuses")) or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
                                     "CreateContainerConfigError", "InvalidImageName"):
            return Status.FAILED, f"container {cs.get('name')}: {waiting['reason']}"
    ready = _conditions(obj).get("Ready") or {}
    if phase == "Running" and ready.get("status") == "True":
        return Status.CURRENT, "pod ready"
    return Status.IN_PROGRESS, f"pod {phase.lower()}" + (f": {_why(ready)}" if _why(ready) else "")


def _service(obj: dict[str, Any]) -> tuple[Status, str]:
    if _get(obj, ("spec", "type")) == "LoadBalancer" and not _get(obj, ("status", "loadBalancer", "ingress")):
        return Status.IN_PROGRESS, "waiting for a load balancer address"
    return Status.CURRENT, "service ready"


def _generic(obj: dict[str, Any]) -> tuple[Status, str]:
    conds = _conditions(obj)
    for ctype in ("Ready", "Available"):
        c = conds.get(ctype)
        if c is not None:
            if c.get("status") == "True":
                return Status.CURRENT, f"{ctype}"
            return Status.IN_PROGRESS, f"not {ctype}" + (f": {_why(c)}" if _why(c) else "")
    return Status.CURRENT, "exists"


def assess(obj: dict[str, Any] | None, ref: ObjRef) -> Health:
    """The readiness of one object as read from the API (None: it does not exist)."""
    if obj is None:
        return Health(ref, Status.NOT_FOUND, "not found")
    meta = obj.get("metadata") or {}
    if meta.get("deletionTimestamp"):
        return Health(ref, Status.IN_PROGRESS, "being deleted")
    kind = ref.kind
    if kind in ALWAYS_READY:
        return Health(ref, Status.CURRENT, "exists")
    waiting = _generation(obj)
    if waiting:
        return Health(ref, Status.IN_PROGRESS, waiting)
    failure = _failure(obj)
    if kind in REPLICA_RULES:
        status, message = _replicas(obj, REPLICA_RULES[kind])
        if failure and status is not Status.CURRENT:
            return Health(ref, Status.FAILED, f"{message}, {failure}")
        return Health(ref, status, message, "" if status is Status.CURRENT else _false_conditions(obj))
    if failure:
        return Health(ref, Status.FAILED, failure)
    if kind in PHASE_RULES:
        phase = str(_get(obj, ("status", "phase")) or "")
        verdict = PHASE_RULES[kind].get(phase, Status.IN_PROGRESS)
        return Health(ref, verdict, f"phase {phase or 'unknown'}")
    if kind in CONDITION_RULES:
        conds = _conditions(obj)
        for ctype in CONDITION_RULES[kind]:
            c = conds.get(ctype) or {}
            if c.get("status") != "True":
                return Health(ref, Status.IN_PROGRESS, f"not {ctype}" + (f": {_why(c)}" if _why(c) else ""))
        return Health(ref, Status.CURRENT, " and ".join(CONDITION_RULES[kind]))
    special = {"Job": _job, "Pod": _pod, "Service": _service}.get(kind, _generic)
    status, message = special(obj)
    return Health(ref, status, message)
