"""Simulated controllers: the status a real cluster's controllers would write, as pure functions.

Health checks (kstatus, ``kubectl wait``, ``kubectl rollout status``, Argo CD/Flux health and
Airflux's own) read ``observedGeneration``, replica counters and conditions; kubesim has no
kubelet or controller-manager, so :func:`reconcile` computes that status from the object and the
time its current generation was written. The core calls it after writes and again after the
returned delay, and stores a non-None result through the ``/status`` path.

Per-object annotations (documented in docs/kubesim.md, "Validation, defaults and controllers"):

``kubesim.io/ready-after: 3s``
    How long after the write the rollout becomes ready / the Job completes / the Pod runs / the
    PVC binds / the LoadBalancer gets an address (Go duration or seconds). Default
    :data:`DEFAULT_READY_AFTER`, which the server may change with :func:`set_default_ready_after`.
``kubesim.io/fail: "true"``
    The rollout never becomes ready and says why: Deployment ``Progressing=False``
    ``ProgressDeadlineExceeded`` (after ``spec.progressDeadlineSeconds``), Job ``Failed``
    ``BackoffLimitExceeded``, Pod waiting in ``ImagePullBackOff``, PVC stays ``Pending``,
    LoadBalancer Service/Ingress get no address.
``kubesim.io/fail-after: 5s``
    When the failure is reported (default: ``progressDeadlineSeconds`` for Deployments, the
    ready-after delay for everything else).
``kubesim.io/fail-message: "..."``
    Replaces the message of the failure condition (Deployment ``Progressing``, Job ``Failed``,
    Pod container ``waiting``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from kubesim import controllers_workloads as workloads
from kubesim.controller_util import (
    Obj,
    condition,
    fail_after,
    fail_message,
    failing,
    generation,
    keep_times,
    ready_after,
    rfc3339,
)
from kubesim.controllers_workloads import Timeline
from kubesim.quantity import parse_quantity

__all__ = ["DEFAULT_READY_AFTER", "reconcile", "set_default_ready_after"]

DEFAULT_READY_AFTER = 0.0
NODE_IP = "172.18.0.2"
NODE_NAME = "kubesim-control-plane"


def set_default_ready_after(seconds: float) -> None:
    """Server-wide default delay before objects without ``kubesim.io/ready-after`` become ready."""
    global DEFAULT_READY_AFTER
    DEFAULT_READY_AFTER = max(0.0, float(seconds))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _host_octet(name: str, base: int, span: int) -> int:
    return base + int(_digest(name)[:8], 16) % span


def _image_ref(image: str) -> str:
    """``nginx`` -> ``docker.io/library/nginx:latest`` as the container runtime reports it."""
    name, digest = ([*image.split("@", 1), ""])[:2]
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = f"docker.io/library/{name}"
    elif "." not in first and ":" not in first and first != "localhost":
        name = f"docker.io/{name}"
    if digest:
        return f"{name}@{digest}"
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


def _qos(spec: Obj) -> str:
    containers = [c for c in (spec.get("containers") or []) + (spec.get("initContainers") or []) if isinstance(c, dict)]
    requests_or_limits = False
    guaranteed = bool(containers)
    for ctr in containers:
        res = ctr.get("resources") or {}
        limits, requests = res.get("limits") or {}, res.get("requests") or {}
        if limits or requests:
            requests_or_limits = True
        for name in ("cpu", "memory"):
            if name not in limits or parse_quantity(requests.get(name, limits.get(name))) != parse_quantity(limits[name]):
                guaranteed = False
    if guaranteed:
        return "Guaranteed"
    return "Burstable" if requests_or_limits else "BestEffort"


def _pod(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    name = f"{(obj.get('metadata') or {}).get('namespace', '')}/{(obj.get('metadata') or {}).get('name', '')}"
    containers = [c for c in spec.get("containers") or [] if isinstance(c, dict)]
    names = " ".join(str(c.get("name")) for c in containers)
    started = rfc3339(t.since)
    statuses = []
    for ctr in containers:
        ref = _image_ref(str(ctr.get("image") or ""))
        entry: Obj = {"image": ref, "imageID": "", "lastState": {}, "name": ctr.get("name"), "ready": t.ready,
                      "restartCount": 0, "started": t.ready}
        if t.ready:
            repo = ref.split("@", 1)[0].rsplit(":", 1)[0] if "@" not in ref else ref.split("@", 1)[0]
            entry["containerID"] = "containerd://" + _digest(name + str(ctr.get("name")))
            entry["imageID"] = f"{repo}@sha256:{_digest(ref)}"
            entry["state"] = {"running": {"startedAt": rfc3339(t.ready_at)}}
        elif t.failed:
            entry["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                          "message": fail_message(obj, f'Back-off pulling image "{ctr.get("image")}"')}}
        else:
            entry["state"] = {"waiting": {"reason": "ContainerCreating"}}
        statuses.append({k: entry[k] for k in sorted(entry)})
    unready = f"containers with unready status: [{names}]"
    at = t.ready_at if t.ready else t.since
    conditions = [
        condition("PodReadyToStartContainers", "True" if t.ready or t.failed else "False", "", "", at, probe_time=True),
        condition("Initialized", "True", "", "", t.since, probe_time=True),
        condition("Ready", "True" if t.ready else "False", "" if t.ready else "ContainersNotReady",
                  "" if t.ready else unready, at, probe_time=True),
        condition("ContainersReady", "True" if t.ready else "False", "" if t.ready else "ContainersNotReady",
                  "" if t.ready else unready, at, probe_time=True),
        condition("PodScheduled", "True", "", "", t.since, probe_time=True),
    ]
    for cond in conditions:
        cond["lastProbeTime"] = None
        if not cond["message"]:
            del cond["message"]
    pod_ip = f"10.244.0.{_host_octet(name, 2, 250)}"
    status: Obj = {"conditions": keep_times(conditions, old.get("conditions")), "containerStatuses": statuses,
                   "hostIP": NODE_IP, "hostIPs": [{"ip": NODE_IP}], "phase": "Running" if t.ready else "Pending",
                   "qosClass": _qos(spec), "startTime": started}
    if t.ready:
        status["podIP"] = pod_ip
        status["podIPs"] = [{"ip": pod_ip}]
    return {k: status[k] for k in sorted(status)}, t.wait()


def _pvc(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    spec = obj.get("spec") or {}
    if not t.ready:
        return {"phase": "Pending"}, t.wait()
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    status: Obj = {"accessModes": list(spec.get("accessModes") or [])}
    if storage is not None:
        status["capacity"] = {"storage": storage}
    status["phase"] = "Bound"
    return status, None


def _lb_ip(obj: Obj) -> str:
    meta = obj.get("metadata") or {}
    return f"172.18.255.{_host_octet(str(meta.get('namespace')) + '/' + str(meta.get('name')), 200, 50)}"


def _service(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    spec = obj.get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return {"loadBalancer": {}}, None
    if not t.ready:
        return {"loadBalancer": {}}, t.wait()
    return {"loadBalancer": {"ingress": [{"ip": _lb_ip(obj), "ipMode": "VIP"}]}}, None


def _ingress(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    if not t.ready:
        return {"loadBalancer": {}}, t.wait()
    return {"loadBalancer": {"ingress": [{"ip": _lb_ip(obj)}]}}, None


def _namespace(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    terminating = bool((obj.get("metadata") or {}).get("deletionTimestamp"))
    return {"phase": "Terminating" if terminating else "Active"}, None


def _crd(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    names = dict(spec.get("names") or {})
    if names.get("kind"):
        names.setdefault("singular", str(names["kind"]).lower())
        names.setdefault("listKind", f"{names['kind']}List")
    conditions = [
        condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", t.since),
        condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", t.since),
    ]
    stored = list(old.get("storedVersions") or [])
    for version in spec.get("versions") or []:
        if isinstance(version, dict) and version.get("storage") and version.get("name") not in stored:
            stored.append(version["name"])
    return {"acceptedNames": {k: names[k] for k in sorted(names)},
            "conditions": keep_times(conditions, old.get("conditions")), "storedVersions": stored}, None


def _pdb(obj: Obj, t: Timeline) -> tuple[Obj, float | None]:
    spec = obj.get("spec") or {}
    old = obj.get("status") or {}
    desired = spec.get("minAvailable") if isinstance(spec.get("minAvailable"), int) else 0
    conditions = [condition("DisruptionAllowed", "False", "InsufficientPods", "", t.since)]
    conditions[0]["observedGeneration"] = generation(obj)
    return {"conditions": keep_times(conditions, old.get("conditions")), "currentHealthy": 0,
            "desiredHealthy": desired, "disruptionsAllowed": 0, "expectedPods": 0,
            "observedGeneration": generation(obj)}, None


Controller = Callable[[Obj, Timeline], tuple[Obj, float | None]]

_CONTROLLERS: dict[tuple[str, str], Controller] = {
    ("apps", "Deployment"): workloads.deployment,
    ("apps", "ReplicaSet"): workloads.replicaset,
    ("apps", "StatefulSet"): workloads.statefulset,
    ("apps", "DaemonSet"): workloads.daemonset,
    ("batch", "Job"): workloads.job,
    ("", "Pod"): _pod,
    ("", "PersistentVolumeClaim"): _pvc,
    ("", "Service"): _service,
    ("", "Namespace"): _namespace,
    ("networking.k8s.io", "Ingress"): _ingress,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): _crd,
    ("policy", "PodDisruptionBudget"): _pdb,
}


def reconcile(group: str, kind: str, obj: dict[str, Any], *, since: float,
              now: float) -> tuple[dict[str, Any] | None, float | None]:
    """``(new status or None when unchanged, seconds until the next call or None)``.

    ``since`` is when the current generation (or, for kinds without one, the object) was written.
    """
    fn = _CONTROLLERS.get((group, kind))
    if fn is None:
        return None, None
    try:
        return _reconcile(fn, group, kind, obj, since=since, now=now)
    except (AttributeError, TypeError, ValueError, KeyError):
        return None, None  # a malformed stored object gets no simulated status


def _reconcile(fn: Controller, group: str, kind: str, obj: dict[str, Any], *, since: float,
               now: float) -> tuple[dict[str, Any] | None, float | None]:
    if (obj.get("metadata") or {}).get("deletionTimestamp") and kind != "Namespace":
        return None, None
    delay = ready_after(obj, DEFAULT_READY_AFTER)
    is_failing = failing(obj)
    default_fail = delay
    if (group, kind) == ("apps", "Deployment"):
        pds = (obj.get("spec") or {}).get("progressDeadlineSeconds")
        default_fail = float(pds) if isinstance(pds, int) else 600.0
    timeline = Timeline(since=since, now=now, ready_at=since + delay, failing=is_failing,
                        fail_at=since + fail_after(obj, default_fail))
    status, wait = fn(obj, timeline)
    if wait is not None:
        wait = max(wait, 0.0)
    if status == obj.get("status"):
        return None, wait
    return status, wait
