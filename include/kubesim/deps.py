"""TEMPORARY: guarded access to the modules other people are still writing (replaced by direct imports)."""

from __future__ import annotations

from typing import Any

try:
    from kubesim import schema as _schema
except ImportError:  # pragma: no cover
    _schema = None  # type: ignore[assignment]
try:
    from kubesim import smp as _smp
except ImportError:  # pragma: no cover
    _smp = None  # type: ignore[assignment]
try:
    from kubesim import ssa as _ssa
except ImportError:  # pragma: no cover
    _ssa = None  # type: ignore[assignment]
try:
    from kubesim import validation as _validation
except ImportError:  # pragma: no cover
    _validation = None  # type: ignore[assignment]
try:
    from kubesim import defaults as _defaults
except ImportError:  # pragma: no cover
    _defaults = None  # type: ignore[assignment]
try:
    from kubesim import controllers as _controllers
except ImportError:  # pragma: no cover
    _controllers = None  # type: ignore[assignment]
try:
    from kubesim import tables as _tables
except ImportError:  # pragma: no cover
    _tables = None  # type: ignore[assignment]


class PatchError(ValueError):
    pass


class ApplyConflict(Exception):
    conflicts: list[Any]


if _smp is not None:
    PatchError = _smp.PatchError  # type: ignore[misc]
if _ssa is not None:
    ApplyConflict = _ssa.ApplyConflict  # type: ignore[misc]


def schema_for(group: str, kind: str, openapi: dict | None) -> Any:
    return _schema.schema_for(group, kind, openapi) if _schema else None


def _merge(orig: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    out = dict(orig) if isinstance(orig, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge(out.get(k), v)
    return out


def json_merge_patch(orig: dict, patch: dict) -> dict:
    return _smp.json_merge_patch(orig, patch) if _smp else _merge(orig, patch)


def strategic_merge_patch(orig: dict, patch: dict, schema: Any) -> dict:
    return _smp.strategic_merge_patch(orig, patch, schema) if _smp else _merge(orig, patch)


def apply(live: dict | None, config: dict, **kw: Any) -> dict:
    if _ssa:
        return _ssa.apply(live, config, **kw)
    return _merge(live or {}, config)


def track_update(old: dict | None, new: dict, **kw: Any) -> dict:
    return _ssa.track_update(old, new, **kw) if _ssa else new


def validate(group: str, kind: str, obj: dict, old: dict | None, openapi: dict | None = None) -> list[dict]:
    return _validation.validate(group, kind, obj, old, openapi_schema=openapi) if _validation else []


def apply_defaults(group: str, kind: str, obj: dict, openapi: dict | None = None) -> None:
    if _defaults:
        _defaults.apply_defaults(group, kind, obj, openapi_schema=openapi)


class _NoAllocator:
    def admit_create(self, group: str, kind: str, obj: dict) -> None:
        return None

    def release(self, group: str, kind: str, obj: dict) -> None:
        return None


def allocator() -> Any:
    return _defaults.Allocator() if _defaults else _NoAllocator()


def reconcile(
    group: str, kind: str, obj: dict, *, since: float, now: float
) -> tuple[dict | None, float | None]:
    return _controllers.reconcile(group, kind, obj, since=since, now=now) if _controllers else (None, None)


def to_table(rt: Any, objects: list[dict], list_metadata: dict, *, include_object: str, now: float) -> dict:
    if _tables:
        return _tables.to_table(rt, objects, list_metadata, include_object=include_object, now=now)
    rows = [
        {
            "cells": [o["metadata"]["name"], ""],
            "object": {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": o["metadata"],
            },
        }
        for o in objects
    ]
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_metadata,
        "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
            {"name": "Age", "type": "string", "format": "", "description": "", "priority": 0},
        ],
        "rows": rows,
    }
