"""The ``/scale`` subresource: an ``autoscaling/v1 Scale`` view of a workload's replica count.

Built-in Deployments, StatefulSets and ReplicaSets use ``.spec.replicas``/``.status.replicas`` and their
label selector; custom resources use the paths their CRD declares. Writing a Scale changes only the
replica count of the main object (an Update by the field manager, subresource ``scale``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonpatch

from kubesim import errors, patches, smp, writes
from kubesim.store import Obj, Store, clone

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

_BUILTIN = {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
            "labelSelectorPath": ".status.selector"}


def _paths(store: Store, rt: ResourceType) -> dict[str, str]:
    return (store.registry.scale_paths(rt) if rt.is_custom else None) or dict(_BUILTIN)


def _get(obj: Obj, path: str) -> Any:
    cur: Any = obj
    for piece in path.strip(".").split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(piece)
    return cur


def _set(obj: Obj, path: str, value: Any) -> None:
    pieces = path.strip(".").split(".")
    cur = obj
    for piece in pieces[:-1]:
        nxt = cur.get(piece)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[piece] = nxt
        cur = nxt
    cur[pieces[-1]] = value


def _selector_string(obj: Obj) -> str:
    sel = (obj.get("spec") or {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def scale_of(store: Store, rt: ResourceType, obj: Obj) -> Obj:
    paths = _paths(store, rt)
    m = obj["metadata"]
    status: dict[str, Any] = {"replicas": int(_get(obj, paths["statusReplicasPath"]) or 0)}
    if rt.is_custom:
        selector = _get(obj, paths.get("labelSelectorPath", "")) if paths.get("labelSelectorPath") else None
    else:
        selector = _selector_string(obj)
    if selector:
        status["selector"] = selector
    meta = {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in m}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta,
            "spec": {"replicas": int(_get(obj, paths["specReplicasPath"]) or 0)}, "status": status}


def _write(store: Store, rt: ResourceType, old: Obj, scale: Any, *, dry_run: bool, manager: str) -> Obj:
    if not isinstance(scale, dict):
        raise errors.bad_request("the object provided is not a Scale")
    replicas = (scale.get("spec") or {}).get("replicas")
    name = old["metadata"]["name"]
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise errors.invalid("autoscaling", "Scale", name, [errors.field_cause(
            "spec.replicas", f"Invalid value: {json.dumps(replicas)}: must be greater than or equal to 0")])
    writes.check_fresh(rt, old, scale)
    new = clone(old)
    _set(new, _paths(store, rt)["specReplicasPath"], replicas)
    result = writes.finish_update(store, rt, old, new, subresource="scale", dry_run=dry_run, manager=manager,
                                  tracked=True)
    return scale_of(store, rt, result)


def update(store: Store, rt: ResourceType, namespace: str, name: str, body: Any, *, dry_run: bool,
           manager: str) -> Obj:
    with store.lock:
        old = store.require(rt, namespace, name)
        return _write(store, rt, old, body, dry_run=dry_run, manager=manager)


def patch(store: Store, rt: ResourceType, namespace: str, name: str, raw: bytes, content_type: str, *,
          dry_run: bool, manager: str) -> Obj:
    with store.lock:
        old = store.require(rt, namespace, name)
        current = scale_of(store, rt, old)
        if content_type == patches.JSON_PATCH:
            ops = patches.decode_json(raw)
            try:
                result = jsonpatch.apply_patch(current, ops)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError) as exc:
                raise errors.ApiError(422, "Invalid", str(exc)) from None
        elif content_type in (patches.MERGE_PATCH, patches.STRATEGIC_PATCH):
            doc = patches.decode_json(raw)
            if not isinstance(doc, dict):
                raise errors.bad_request("the patch is not a JSON object")
            result = smp.json_merge_patch(current, doc)
        elif content_type == patches.APPLY_PATCH:
            doc = patches.decode_yaml(raw)
            if not isinstance(doc, dict):
                raise errors.bad_request("the apply configuration is not an object")
            result = smp.json_merge_patch(current, {"spec": doc.get("spec") or {}})
        else:
            raise errors.unsupported_media_type(errors.PATCH_TYPES)
        patches.check_patched_rv(rt, old, result)
        result["metadata"]["resourceVersion"] = ""
        return _write(store, rt, old, result, dry_run=dry_run, manager=manager or "unknown")
