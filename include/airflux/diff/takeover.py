"""Taking over fields that ``kubectl`` set, so manual edits are reverted (drift correction).

Server-side apply only removes fields that the applier alone owns. A label added with
``kubectl label`` or a field changed with ``kubectl edit`` is owned by a ``kubectl`` manager, so a
plain forced apply keeps it. Like fluxcd/pkg/ssa we rewrite managedFields so those fields become
ours (then our apply drops whatever our config no longer sets) and drop the client-side apply
annotation. These functions are pure: apply sends ``takeover_patch`` and diff uses
``predict_takeover`` to show what that apply will remove.
"""

from __future__ import annotations

import copy
from typing import Any

from airflux.ownership import LAST_APPLIED_ANNOTATION, TAKEOVER_MANAGERS

FieldSet = dict[str, Any]


def _is_takeover(entry: dict[str, Any]) -> bool:
    if entry.get("subresource"):
        return False
    manager, op = str(entry.get("manager", "")), str(entry.get("operation", ""))
    return any(manager.startswith(name) and op == kind for name, kind in TAKEOVER_MANAGERS)


def needs_takeover(live: dict[str, Any] | None) -> bool:
    if not live:
        return False
    meta = live.get("metadata") or {}
    if LAST_APPLIED_ANNOTATION in (meta.get("annotations") or {}):
        return True
    return any(_is_takeover(e) for e in meta.get("managedFields") or [])


def _merge_fields(a: FieldSet, b: FieldSet) -> FieldSet:
    out = copy.deepcopy(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_fields(out[key], value)
        else:
            out.setdefault(key, copy.deepcopy(value))
    return out


def takeover_patch(live: dict[str, Any], *, manager: str) -> list[dict[str, Any]]:
    """RFC 6902 ops moving kubectl-owned fields to ``manager`` (operation Apply); [] when none."""
    meta = live.get("metadata") or {}
    entries = list(meta.get("managedFields") or [])
    taken = [e for e in entries if _is_takeover(e)]
    ops: list[dict[str, Any]] = []
    if taken:
        kept = [copy.deepcopy(e) for e in entries if not _is_takeover(e)]
        ours = next((e for e in kept if e.get("manager") == manager and e.get("operation") == "Apply"
                     and not e.get("subresource")), None)
        if ours is None:
            ours = {"manager": manager, "operation": "Apply", "apiVersion": taken[0].get("apiVersion", ""),
                    "fieldsType": "FieldsV1", "fieldsV1": {}}
            if taken[0].get("time"):
                ours["time"] = taken[0]["time"]
            kept.append(ours)
        for e in taken:
            ours["fieldsV1"] = _merge_fields(ours.get("fieldsV1") or {}, e.get("fieldsV1") or {})
        ops.append({"op": "replace", "path": "/metadata/managedFields", "value": kept})
    if LAST_APPLIED_ANNOTATION in (meta.get("annotations") or {}):
        ops.append({"op": "remove",
                    "path": "/metadata/annotations/" + LAST_APPLIED_ANNOTATION.replace("~", "~0").replace("/", "~1")})
    return ops


def _leaf_paths(fields: FieldSet, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Map-field paths (``f:`` keys) owned in a FieldsV1 set; list items (``k:``/``v:``) stop the walk."""
    out: list[tuple[str, ...]] = []
    for key, value in fields.items():
        if not key.startswith("f:"):
            continue
        path = (*prefix, key[2:])
        children = {k: v for k, v in (value or {}).items() if k.startswith("f:")}
        if children:
            out.extend(_leaf_paths(children, path))
        else:
            out.append(path)
    return out


def _has(obj: Any, path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return False
        obj = obj[part]
    return True


def _remove(obj: Any, path: tuple[str, ...]) -> None:
    for part in path[:-1]:
        if not isinstance(obj, dict) or part not in obj:
            return
        obj = obj[part]
    if isinstance(obj, dict):
        obj.pop(path[-1], None)


def predict_takeover(merged: dict[str, Any], live: dict[str, Any], desired: dict[str, Any],
                     *, manager: str) -> dict[str, Any]:
    """The object after takeover + apply: fields only kubectl owned and our config lacks are gone."""
    out = copy.deepcopy(merged)
    entries = (live.get("metadata") or {}).get("managedFields") or []
    others: list[tuple[str, ...]] = []
    for e in entries:
        if not _is_takeover(e) and e.get("manager") != manager:
            others.extend(_leaf_paths(e.get("fieldsV1") or {}))
    other_set = set(others)
    for e in entries:
        if not _is_takeover(e):
            continue
        for path in _leaf_paths(e.get("fieldsV1") or {}):
            if path in other_set or _has(desired, path):
                continue
            _remove(out, path)
    ann = (out.get("metadata") or {}).get("annotations")
    if isinstance(ann, dict):
        ann.pop(LAST_APPLIED_ANNOTATION, None)
        if not ann:
            out["metadata"].pop("annotations")
    return out
