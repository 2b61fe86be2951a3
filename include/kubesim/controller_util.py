"""Shared pieces of kubesim's simulated controllers: the ``kubesim.io/*`` annotations, Go-style
durations, RFC 3339 times, pod-template hashes named like the real controllers' and condition
bookkeeping (a condition keeps its ``lastTransitionTime`` while its status does not change).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

Obj = dict[str, Any]

ANNOTATION_READY_AFTER = "kubesim.io/ready-after"
ANNOTATION_FAIL = "kubesim.io/fail"
ANNOTATION_FAIL_AFTER = "kubesim.io/fail-after"
ANNOTATION_FAIL_MESSAGE = "kubesim.io/fail-message"

_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: Any) -> float | None:
    """Seconds of a Go duration (``3s``, ``1m30s``, ``500ms``) or a bare number of seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text) if text >= 0 else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return value if value >= 0 else None
    pos, total = 0, 0.0
    for m in _DURATION_PART.finditer(text):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return total if pos == len(text) and pos > 0 else None


def annotations_of(obj: Obj) -> dict[str, Any]:
    return ((obj.get("metadata") or {}).get("annotations") or {})


def ready_after(obj: Obj, default: float) -> float:
    value = parse_duration(annotations_of(obj).get(ANNOTATION_READY_AFTER))
    return default if value is None else value


def failing(obj: Obj) -> bool:
    return str(annotations_of(obj).get(ANNOTATION_FAIL, "")).lower() == "true"


def fail_after(obj: Obj, default: float) -> float:
    value = parse_duration(annotations_of(obj).get(ANNOTATION_FAIL_AFTER))
    return default if value is None else value


def fail_message(obj: Obj, default: str) -> str:
    value = annotations_of(obj).get(ANNOTATION_FAIL_MESSAGE)
    return str(value) if value else default


def rfc3339(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


_SAFE = "bcdfghjklmnpqrstvwxz2456789"


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: the alphabet the controllers use for hashes in names."""
    return "".join(_SAFE[ord(c) % len(_SAFE)] for c in text)


def template_hash(template: Any, collision_count: int = 0) -> str:
    """A pod-template-hash in the real format (fnv32a of the template, safe-encoded)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode(str(fnv32a(data)))


def generation(obj: Obj) -> int:
    value = (obj.get("metadata") or {}).get("generation")
    return value if isinstance(value, int) else 1


def condition(ctype: str, status: str, reason: str, message: str, at: float, *,
              update_time: bool = False, probe_time: bool = False) -> Obj:
    """One condition with the field order and timestamps of the kind's real controller."""
    cond: Obj = {"type": ctype, "status": status}
    stamp = rfc3339(at)
    if update_time:
        cond["lastUpdateTime"] = stamp
    if probe_time:
        cond["lastProbeTime"] = stamp
    cond["lastTransitionTime"] = stamp
    if reason:
        cond["reason"] = reason
    cond["message"] = message
    return cond


def keep_times(new: list[Obj], old: Any) -> list[Obj]:
    """A condition whose status did not change keeps its old ``lastTransitionTime`` (and its
    ``lastUpdateTime``/``lastProbeTime`` while reason and message are unchanged too)."""
    previous = {c.get("type"): c for c in old or [] if isinstance(c, dict)}
    for cond in new:
        before = previous.get(cond["type"])
        if not before or before.get("status") != cond["status"]:
            continue
        if "lastTransitionTime" in before:
            cond["lastTransitionTime"] = before["lastTransitionTime"]
        if before.get("reason") == cond.get("reason") and before.get("message") == cond.get("message"):
            for key in ("lastUpdateTime", "lastProbeTime"):
                if key in cond and key in before:
                    cond[key] = before[key]
    return new


def condition_true(status: Any, ctype: str) -> bool:
    for cond in (status or {}).get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == ctype:
            return cond.get("status") == "True"
    return False
