"""The Pod row of `kubectl get pods`: READY, STATUS, RESTARTS as the real server printer derives them.

STATUS is the most intricate cell kubectl shows: phase or pod reason, then init-container progress
(`Init:0/2`, `Init:CrashLoopBackOff`), then the first container's waiting/terminated reason,
`NotReady` for a completed pod with a container still running but not ready, and `Terminating`
for a deleted, non-terminal pod. RESTARTS carries "(5m ago)" after the last restart.
"""

from __future__ import annotations

from typing import Any

from kubesim.tables_cells import NONE, age, dig, since

COMPLETED_ROW = [
    {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    }
]
FAILED_ROW = [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]


def _restartable(container: dict[str, Any] | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _terminated_reason(term: dict[str, Any], prefix: str = "") -> str:
    if term.get("reason"):
        return prefix + str(term["reason"])
    if term.get("signal"):
        return f"{prefix}Signal:{term['signal']}"
    return f"{prefix}ExitCode:{term.get('exitCode', 0)}"


def _finished(cs: dict[str, Any]) -> str:
    return str(dig(cs, "lastState", "terminated", "finishedAt", default=""))


def pod_status(obj: dict[str, Any]) -> tuple[str, int, int, int, str]:
    """(STATUS, ready containers, total containers, restarts, last restart timestamp or "")."""
    st = obj.get("status") or {}
    spec = obj.get("spec") or {}
    phase = st.get("phase") or ""
    reason = st.get("reason") or phase
    for cond in st.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    inits = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(1 for c in inits.values() if _restartable(c))
    ready = restarts = sidecar_restarts = 0
    last = sidecar_last = ""
    initializing = False
    init_statuses = st.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += int(cs.get("restartCount") or 0)
        last = max(last, _finished(cs))
        sidecar = _restartable(inits.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            sidecar_last = max(sidecar_last, _finished(cs))
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting") or {}
        if term is not None and int(term.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if term is not None:
            reason = _terminated_reason(term, "Init:")
        elif waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + str(waiting["reason"])
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    initialized = any(
        c.get("type") == "Initialized" and c.get("status") == "True" for c in st.get("conditions") or []
    )
    if not initializing or initialized:
        restarts, last = sidecar_restarts, sidecar_last
        running = False
        for cs in reversed(st.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last = max(last, _finished(cs))
            state = cs.get("state") or {}
            if (state.get("waiting") or {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif state.get("terminated") is not None:
                reason = _terminated_reason(state["terminated"])
            elif cs.get("ready") and "running" in state:
                running = True
                ready += 1
        if reason == "Completed" and running:
            has_ready = any(
                c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or []
            )
            reason = "Running" if has_ready else "NotReady"
    deleted = dig(obj, "metadata", "deletionTimestamp")
    if deleted and st.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleted and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason, ready, total, restarts, last


def pod_row(obj: dict[str, Any], now: float) -> list[Any]:
    reason, ready, total, restarts, last = pod_status(obj)
    st = obj.get("status") or {}
    gates = dig(obj, "spec", "readinessGates", default=[])
    gate_types = {g.get("conditionType") for g in gates}
    gates_ok = sum(
        1 for c in st.get("conditions") or [] if c.get("type") in gate_types and c.get("status") == "True"
    )
    return [
        f"{ready}/{total}",
        reason,
        f"{restarts} ({since(last, now)} ago)" if restarts and last else str(restarts),
        age(obj, now),
        st.get("podIP") or NONE,
        dig(obj, "spec", "nodeName") or NONE,
        st.get("nominatedNodeName") or NONE,
        f"{gates_ok}/{len(gates)}" if gates else NONE,
    ]


def row_conditions(obj: dict[str, Any]) -> list[dict[str, str]] | None:
    """Table row conditions a real server sets for finished pods (kubectl uses them to dim rows)."""
    phase = dig(obj, "status", "phase")
    return COMPLETED_ROW if phase == "Succeeded" else FAILED_ROW if phase == "Failed" else None
