"""Create, update (PUT) and the shared update pipeline every write verb goes through.

The order follows the real API server's request pipeline: decode and identity checks, optimistic
concurrency (a stale resourceVersion is 409), subresource masking (writes to the main resource ignore
``status`` and vice versa), defaulting, admission (cluster IP allocation), validation (422 with causes),
managedFields tracking (POST/PUT/non-apply PATCH are Update operations), then one storage write that
is skipped when nothing changed. ``dryRun`` runs all of it and persists nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubesim import crds, decoding, defaults, errors, openapi, schema, ssa, strict, validation
from kubesim.bodies import check_type
from kubesim.openapi_types import definition_name
from kubesim.store import Obj, Store, clone, meta, now_rfc3339

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

_GEN_CHARS = "bcdfghjklmnpqrstvwxz2456789"


FIELD_VALIDATION = ("Strict", "Warn", "Ignore")


@dataclass
class FieldCheck:
    """``fieldValidation`` of one request; Warn collects ``Warning`` header texts in ``warnings``."""

    mode: str = "Warn"
    warnings: list[str] = field(default_factory=list)

    def check(self, store: Store, rt: ResourceType, obj: Obj) -> None:
        unknown = strict.unknown_fields(store.registry, rt, obj)
        if not unknown:
            return
        if self.mode == "Strict":
            raise errors.bad_request(strict.strict_error_message(rt, unknown))
        if self.mode == "Warn":
            self.warnings.extend(strict.warning_texts(unknown))
        if not rt.is_custom:  # Go's decoder drops unknown fields of built-in kinds; CRs are pruned later
            defs = openapi.definitions_for(store.registry, rt)
            root = defs.get(definition_name(rt.api_version, rt.kind))
            if root is not None:
                _drop_unknown(defs, root, obj)


def _drop_unknown(defs: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    schema = strict._resolve(defs, schema)
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key in list(value):
            if props is not None and key in props:
                _drop_unknown(defs, props[key], value[key])
            elif isinstance(extra, dict):
                _drop_unknown(defs, extra, value[key])
            elif props is not None and extra is not True:
                del value[key]
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _drop_unknown(defs, schema["items"], item)


def prune_custom(store: Store, rt: ResourceType, obj: Obj) -> None:
    if rt.is_custom:
        openapi = store.registry.openapi_schema(rt)
        if openapi is not None:
            crds.prune(obj, openapi)


def schema_of(store: Store, rt: ResourceType) -> Any:
    cache = store.schema_cache
    key = (rt, store.registry.generation)
    found = cache.get(key)
    if found is None:
        found = schema.schema_for(rt.group, rt.kind, store.registry.openapi_schema(rt))
        cache[key] = found
    return found


def _invalid(rt: ResourceType, name: str, causes: list[dict[str, Any]]) -> errors.ApiError:
    return errors.invalid(rt.group, rt.kind, name, causes)


def create(
    store: Store,
    rt: ResourceType,
    namespace: str,
    body: Any,
    *,
    dry_run: bool,
    manager: str,
    tracked: bool = True,
    fields: FieldCheck | None = None,
) -> Obj:
    """POST to a collection (also the create branch of an apply patch, then ``tracked=False``)."""
    obj = check_type(rt, body)
    if fields is not None:
        fields.check(store, rt, obj)
    m = meta(obj)
    if rt.namespaced:
        if m.get("namespace") and m["namespace"] != namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        m["namespace"] = namespace
    else:
        m.pop("namespace", None)
    if m.get("resourceVersion"):
        raise errors.internal("resourceVersion should not be set on objects to be created")
    with store.lock:
        if not m.get("name") and m.get("generateName"):
            base = str(m["generateName"])[:58]
            while True:
                m["name"] = base + "".join(random.choice(_GEN_CHARS) for _ in range(5))
                if store.get(rt, namespace, m["name"]) is None:
                    break
        name = str(m.get("name") or "")
        if rt.namespaced:
            phase = store.namespace_phase(namespace)
            if phase is None:
                raise errors.not_found("", "namespaces", namespace)
            if phase == "Terminating":
                why = f"unable to create new content in namespace {namespace} because it is being terminated"
                raise errors.forbidden(
                    rt.group,
                    rt.plural,
                    name,
                    why,
                    [{"reason": "NamespaceTerminating", "message": why, "field": "metadata.namespace"}],
                )
        store.new_identity(obj, rt)
        if "status" in rt.subresources:
            obj.pop("status", None)
        if (rt.group, rt.kind) == ("", "Namespace"):  # the namespace strategy's PrepareForCreate
            obj["status"] = {"phase": "Active"}
            obj["spec"] = {**(obj.get("spec") or {}), "finalizers": ["kubernetes"]}
            m["labels"] = {**(m.get("labels") or {}), "kubernetes.io/metadata.name": name}
        openapi = store.registry.openapi_schema(rt)
        decode_problem = decoding.decode_error(rt.group, rt.kind, obj, version=rt.version)
        if decode_problem:
            raise errors.bad_request(decode_problem)
        prune_custom(store, rt, obj)
        defaults.apply_defaults(rt.group, rt.kind, obj, openapi_schema=openapi)
        causes = validation.validate(rt.group, rt.kind, obj, None, openapi_schema=openapi)
        if causes:
            raise _invalid(rt, name, causes)
        if store.get(rt, namespace, name) is not None:
            raise errors.already_exists(rt.group, rt.plural, name)
        store_alloc = allocator(store)
        store_alloc.admit_create(rt.group, rt.kind, obj)
        try:
            if tracked:
                obj = ssa.track_update(None, obj, manager=manager, schema=schema_of(store, rt),
                                       api_version=rt.api_version, now=now_rfc3339())
            result = store.commit(rt, obj, None, dry_run=dry_run)
        except BaseException:
            store_alloc.release(rt.group, rt.kind, obj)
            raise
        if dry_run:
            store_alloc.release(rt.group, rt.kind, obj)
        elif crds.is_crd(rt):
            result = crds.established(store, rt, result)
        return result


def allocator(store: Store) -> Any:
    if store.allocator is None:
        store.allocator = defaults.Allocator()
    return store.allocator


def check_identity(rt: ResourceType, name: str, namespace: str, obj: Obj) -> None:
    m = meta(obj)
    if m.get("name") and m["name"] != name:
        raise errors.bad_request(
            f"the name of the object ({m['name']}) does not match the name on the URL ({name})"
        )
    if rt.namespaced and m.get("namespace") and m["namespace"] != namespace:
        raise errors.bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
        )


def check_fresh(rt: ResourceType, old: Obj, obj: Obj) -> None:
    """Optimistic concurrency: a resourceVersion in the body must be the stored one."""
    rv = meta(obj).get("resourceVersion")
    if rv and str(rv) != old["metadata"]["resourceVersion"]:
        raise errors.conflict(rt.group, rt.plural, old["metadata"]["name"], errors.STALE)


def mask(rt: ResourceType, old: Obj, new: Obj, subresource: str) -> Obj:
    """What an endpoint may change: /status only status, the main resource everything but status."""
    if subresource in ("status", "finalize"):
        result = {k: v for k, v in old.items() if k not in ("status", "spec")}
        result["metadata"] = dict(old["metadata"])
        if isinstance(meta(new).get("managedFields"), list):
            result["metadata"]["managedFields"] = new["metadata"]["managedFields"]
        if subresource == "status":
            if "spec" in old:
                result["spec"] = old["spec"]
            if new.get("status") is not None:
                result["status"] = new["status"]
        else:
            spec = dict(old.get("spec") or {})
            spec["finalizers"] = list((new.get("spec") or {}).get("finalizers") or [])
            result["spec"] = spec
            if "status" in old:
                result["status"] = old["status"]
        return result
    if "status" in rt.subresources:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    return new


def keep_identity(rt: ResourceType, old: Obj, new: Obj) -> list[dict[str, Any]]:
    """Server-owned metadata comes from the stored object; returns causes for illegal changes."""
    m, om = meta(new), old["metadata"]
    causes = []
    if m.get("uid") and m["uid"] != om.get("uid"):
        causes.append(errors.field_cause("metadata.uid", f'Invalid value: "{m["uid"]}": field is immutable'))
    for k in (
        "uid",
        "creationTimestamp",
        "name",
        "namespace",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
    ):
        if k in om:
            m[k] = om[k]
        else:
            m.pop(k, None)
    if om.get("deletionTimestamp"):
        added = [f for f in (m.get("finalizers") or []) if f not in (om.get("finalizers") or [])]
        if added:
            causes.append(
                errors.field_cause(
                    "metadata.finalizers",
                    "Forbidden: no new finalizers can be added if the object is being deleted",
                    "FieldValueForbidden",
                )
            )
    return causes


def finish_update(
    store: Store,
    rt: ResourceType,
    old: Obj,
    new: Obj,
    *,
    subresource: str,
    dry_run: bool,
    manager: str,
    tracked: bool,
) -> Obj:
    """Defaults, validation, managedFields, then the write (or the deletion when the last finalizer went)."""
    new = clone(new)  # never let in-place defaulting reach structures shared with the stored object
    causes = keep_identity(rt, old, new)
    name = old["metadata"]["name"]
    if causes:
        raise _invalid(rt, name, causes)
    openapi = store.registry.openapi_schema(rt)
    if subresource == "":
        decode_problem = decoding.decode_error(rt.group, rt.kind, new, version=rt.version)
        if decode_problem:
            raise errors.bad_request(decode_problem)
    prune_custom(store, rt, new)
    defaults.apply_defaults(rt.group, rt.kind, new, openapi_schema=openapi)
    alloc = allocator(store)
    alloc.admit_update(rt.group, rt.kind, new, old)
    try:
        causes = validation.validate(rt.group, rt.kind, new, old, openapi_schema=openapi)
        if causes:
            raise _invalid(rt, name, causes)
        if tracked:
            new = ssa.track_update(old, new, manager=manager, schema=schema_of(store, rt),
                                   api_version=rt.api_version, now=now_rfc3339(), subresource=subresource)
        result = store.commit(rt, new, old, dry_run=dry_run)
    except BaseException:
        alloc.release_update(rt.group, rt.kind, new, old)  # the trial clusterIP/nodePorts of this update
        raise
    if dry_run:
        alloc.release_update(rt.group, rt.kind, new, old)
        return result
    alloc.commit_update(rt.group, rt.kind, result, old)  # what the old object held and the new one dropped
    if result is old:
        return result
    rm = result["metadata"]
    if (
        rm.get("deletionTimestamp")
        and not rm.get("finalizers")
        and not (rt.kind == "Namespace" and (result.get("spec") or {}).get("finalizers"))
    ):
        from kubesim import deletion

        deletion.remove_now(store, rt, result)
        return result
    if crds.is_crd(rt):
        crds.reregister(store, result)
    return result


def update(
    store: Store,
    rt: ResourceType,
    namespace: str,
    name: str,
    body: Any,
    *,
    subresource: str,
    dry_run: bool,
    manager: str,
    fields: FieldCheck | None = None,
) -> Obj:
    """PUT of a whole object (or of its /status or /finalize)."""
    obj = check_type(rt, body)
    if fields is not None:
        fields.check(store, rt, obj)
    check_identity(rt, name, namespace, obj)
    with store.lock:
        old = store.require(rt, namespace, name)
        check_fresh(rt, old, obj)
        new = mask(rt, old, clone(obj), subresource)
        return finish_update(
            store, rt, old, new, subresource=subresource, dry_run=dry_run, manager=manager, tracked=True
        )
