"""PATCH in its four content types, server-side apply, and the autoscaling/v1 ``/scale`` subresource.

JSON patch (RFC 6902) uses the ``jsonpatch`` library, merge and strategic merge patches the ``smp``
module, apply the ``ssa`` module; this module decodes bodies, picks the right one, turns their errors
into the Status a real server returns and hands the result to the shared update pipeline.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonpatch

from kubesim import bodies, errors, smp, ssa, writes
from kubesim.bodies import decode_yaml
from kubesim.store import Obj, Store, clone, meta, now_rfc3339

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
CR_PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH)


def decode_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(f"error decoding patch: {exc}") from None


def _patched(store: Store, rt: ResourceType, current: Obj, raw: bytes, content_type: str) -> Obj:
    if content_type == JSON_PATCH:
        ops = decode_json(raw)
        if not isinstance(ops, list):
            raise errors.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        try:
            result = jsonpatch.apply_patch(current, ops)
        except (
            jsonpatch.JsonPatchException,
            jsonpatch.JsonPointerException,
            KeyError,
            TypeError,
            IndexError,
            ValueError,
        ) as exc:
            raise errors.ApiError(
                422, "Invalid", str(exc) or "the server rejected our request due to an error in our request"
            ) from None
    elif content_type == MERGE_PATCH:
        doc = decode_json(raw)
        if not isinstance(doc, dict):
            raise errors.bad_request("json: cannot unmarshal into Go value of type map[string]interface {}")
        result = smp.json_merge_patch(current, doc)
    elif content_type == STRATEGIC_PATCH:
        doc = decode_json(raw)
        if not isinstance(doc, dict):
            raise errors.bad_request("json: cannot unmarshal into Go value of type map[string]interface {}")
        try:
            result = smp.strategic_merge_patch(current, doc, writes.schema_of(store, rt))
        except smp.PatchError as exc:
            raise patch_error(exc) from None
    else:
        raise errors.unsupported_media_type(CR_PATCH_TYPES if rt.is_custom else errors.PATCH_TYPES)
    if not isinstance(result, dict):
        raise errors.ApiError(422, "Invalid", "the patch did not result in an object")
    return result


def patch(
    store: Store,
    rt: ResourceType,
    namespace: str,
    name: str,
    raw: bytes,
    content_type: str,
    *,
    subresource: str,
    dry_run: bool,
    manager: str,
    force: bool,
    fields: writes.FieldCheck | None = None,
) -> tuple[Obj, int]:
    """PATCH of an object, its /status or /finalize; returns (object, HTTP status)."""
    if content_type == STRATEGIC_PATCH and rt.is_custom:
        raise errors.unsupported_media_type(CR_PATCH_TYPES)
    if content_type not in errors.PATCH_TYPES:
        raise errors.unsupported_media_type(CR_PATCH_TYPES if rt.is_custom else errors.PATCH_TYPES)
    if content_type == APPLY_PATCH:
        return apply(
            store,
            rt,
            namespace,
            name,
            raw,
            subresource=subresource,
            dry_run=dry_run,
            manager=manager,
            force=force,
            fields=fields,
        )
    with store.lock:
        old = store.require(rt, namespace, name)
        result = _patched(store, rt, clone(old), raw, content_type)
        if not isinstance(result.get("metadata"), dict):
            raise errors.bad_request("metadata must be an object")
        bodies.check_meta_types(rt, result["metadata"])
        if fields is not None:
            fields.check(store, rt, result)
        writes.check_identity(rt, name, namespace, result)
        check_patched_rv(rt, old, result)
        new = writes.mask(rt, old, result, subresource)
        obj = writes.finish_update(
            store, rt, old, new, subresource=subresource, dry_run=dry_run, manager=manager, tracked=True
        )
        return obj, 200


def check_patched_rv(rt: ResourceType, old: Obj, result: Obj) -> None:
    rv = meta(result).get("resourceVersion")
    if rv != old["metadata"].get("resourceVersion"):
        if rv:
            raise errors.conflict(rt.group, rt.plural, old["metadata"]["name"], errors.STALE)
        result["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]


def patch_error(exc: smp.PatchError) -> errors.ApiError:
    """The Status a real server answers a merge error with, by ``exc.code``.

    400 is ``NewBadRequest(err)``; 422 is ``NewGenericServerResponse(422, ...)``, whose generic message
    replaces the merge library's text; anything else is the plain error passed through: a 500 Status
    without reason or details.
    """
    if exc.code == 400:
        return errors.bad_request(exc.message)
    if exc.code == 422:
        return errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our request",
                               details={})
    return errors.ApiError(exc.code, "", exc.message)


def _merge_apply(live: Obj | None, config: Obj, kwargs: dict[str, Any]) -> Obj:
    """``ssa.apply`` with its errors as the real 409 (conflicts, never with a time) or 400/422/500."""
    try:
        return ssa.apply(live, config, **kwargs)
    except ssa.ApplyConflict as exc:
        raise errors.apply_conflict(exc.message, list(exc.causes)) from None
    except smp.PatchError as exc:
        raise patch_error(exc) from None


def apply(
    store: Store,
    rt: ResourceType,
    namespace: str,
    name: str,
    raw: bytes,
    *,
    subresource: str,
    dry_run: bool,
    manager: str,
    force: bool,
    fields: writes.FieldCheck | None = None,
) -> tuple[Obj, int]:
    """Server-side apply: creates when absent (201), else merges the applier's configuration."""
    if not manager:
        raise errors.bad_request("PATCH /apply requires a fieldManager")
    config = decode_yaml(raw)
    if not isinstance(config, dict):
        raise errors.bad_request("error decoding YAML: the apply configuration is not an object")
    if not config.get("apiVersion") or not config.get("kind"):
        raise errors.bad_request("invalid object type: apply configurations need apiVersion and kind")
    config = bodies.check_type(rt, config)
    if fields is not None:
        fields.check(store, rt, config)
    writes.check_identity(rt, name, namespace, config)
    if not meta(config).get("name"):
        meta(config)["name"] = name
    if subresource == "status":
        config = {k: v for k, v in config.items() if k in ("apiVersion", "kind", "metadata", "status")}
    elif "status" in rt.subresources:
        config.pop("status", None)
    kwargs: dict[str, Any] = {
        "manager": manager,
        "force": force,
        "schema": writes.schema_of(store, rt),
        "api_version": rt.api_version,
        "now": now_rfc3339(),
        "subresource": subresource,
    }
    with store.lock:
        live = store.get(rt, namespace, name)
        if live is None:
            if subresource:
                raise errors.not_found(rt.group, rt.plural, name)
            if meta(config).get("resourceVersion"):
                raise errors.not_found(rt.group, rt.plural, name)
            merged = _merge_apply(None, config, kwargs)
            if rt.namespaced:
                meta(merged)["namespace"] = namespace
            return writes.create(
                store, rt, namespace, merged, dry_run=dry_run, manager=manager, tracked=False
            ), 201
        writes.check_fresh(rt, live, config)
        merged = _merge_apply(clone(live), config, kwargs)
        meta(merged)["resourceVersion"] = live["metadata"]["resourceVersion"]
        new = writes.mask(rt, live, merged, subresource)
        obj = writes.finish_update(
            store, rt, live, new, subresource=subresource, dry_run=dry_run, manager=manager, tracked=False
        )
        return obj, 200
