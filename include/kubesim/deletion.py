"""Deletion: propagation policies, finalizers, ownerReference garbage collection, namespace termination.

Follows "Garbage Collection" and "Finalizers" in the Kubernetes documentation: an object with
finalizers is only marked (``deletionTimestamp``) and disappears when its last finalizer is removed;
``Foreground`` adds the ``foregroundDeletion`` finalizer and the owner waits for its blocking
dependents, ``Orphan`` adds ``orphan`` and strips the owner reference from dependents, ``Background``
removes the owner at once and the collector deletes dependents whose owners are all gone. A deleted
namespace goes ``Terminating`` until its content is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubesim import crds, errors, writes
from kubesim.store import Obj, Store, meta, now_rfc3339

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")
POLICIES = ("Background", "Foreground", "Orphan")


def remove_now(store: Store, rt: ResourceType, obj: Obj) -> Obj:
    final = store.remove(rt, obj)
    if crds.is_crd(rt):
        crds.remove_resources(store, obj)
    writes.allocator(store).release(rt.group, rt.kind, obj)
    return final


def _success(rt: ResourceType, obj: Obj) -> dict[str, Any]:
    m = obj.get("metadata") or {}
    details: dict[str, Any] = {"name": m.get("name", "")}
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.plural
    details["uid"] = m.get("uid", "")
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def _marked(obj: Obj, finalizers: list[str]) -> Obj:
    new = dict(obj)
    new["metadata"] = dict(obj["metadata"])
    new["metadata"]["deletionTimestamp"] = now_rfc3339()
    new["metadata"]["deletionGracePeriodSeconds"] = 0
    if finalizers:
        new["metadata"]["finalizers"] = finalizers
    return new


def default_policy(rt: ResourceType) -> str:
    # batch/v1 Jobs keep the pre-GC default of orphaning their pods (see the Job REST strategy)
    return "Orphan" if (rt.group, rt.kind) == ("batch", "Job") else "Background"


def delete(
    store: Store,
    rt: ResourceType,
    namespace: str,
    name: str,
    *,
    policy: str | None,
    preconditions: dict[str, Any] | None,
    dry_run: bool,
    removed: list[Obj] | None = None,
) -> tuple[Obj, int]:
    """DELETE of one object; returns (response body, HTTP status)."""
    if policy is not None and policy not in POLICIES:
        raise errors.invalid(
            "meta.k8s.io",
            "DeleteOptions",
            "",
            [
                errors.field_cause(
                    "propagationPolicy",
                    f'Unsupported value: "{policy}": supported values: "Foreground", "Background", '
                    '"Orphan", "nil"',
                    "FieldValueNotSupported",
                )
            ],
        )
    with store.lock:
        obj = store.require(rt, namespace, name)
        m = obj["metadata"]
        pre = preconditions or {}
        if pre.get("uid") and pre["uid"] != m.get("uid"):
            raise errors.conflict(
                rt.group,
                rt.plural,
                name,
                f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: {m.get('uid')}",
            )
        if pre.get("resourceVersion") and pre["resourceVersion"] != m.get("resourceVersion"):
            raise errors.conflict(
                rt.group,
                rt.plural,
                name,
                "Precondition failed: ResourceVersion in precondition: "
                f"{pre['resourceVersion']}, ResourceVersion in object meta: {m.get('resourceVersion')}",
            )
        if (rt.group, rt.kind) == ("", "Namespace"):
            return _delete_namespace(store, rt, obj, dry_run=dry_run)
        if m.get("deletionTimestamp"):
            return obj, 200
        finalizers = list(m.get("finalizers") or [])
        policy = policy or default_policy(rt)
        extra = {"Foreground": "foregroundDeletion", "Orphan": "orphan"}.get(policy)
        if (
            extra
            and extra not in finalizers
            and (extra == "foregroundDeletion" or store.dependents(m["uid"]))
        ):
            finalizers.append(extra)
        if finalizers:
            return store.commit(rt, _marked(obj, finalizers), obj, dry_run=dry_run), 200
        if dry_run:
            if removed is not None:
                removed.append(obj)
            return _success(rt, obj), 200
        final = remove_now(store, rt, obj)
        if removed is not None:
            removed.append(final)
        return _success(rt, obj), 200


def _delete_namespace(store: Store, rt: ResourceType, obj: Obj, *, dry_run: bool) -> tuple[Obj, int]:
    name = obj["metadata"]["name"]
    if name in PROTECTED_NAMESPACES:
        raise errors.forbidden("", "namespaces", name, "this namespace may not be deleted")
    if obj["metadata"].get("deletionTimestamp"):
        raise errors.conflict(
            "",
            "namespaces",
            name,
            "The system is ensuring all content is removed from this "
            "namespace.  Upon completion, this namespace will automatically be purged by the system.",
        )
    new = _marked(obj, list(obj["metadata"].get("finalizers") or []))
    new["spec"] = {
        **(obj.get("spec") or {}),
        "finalizers": list((obj.get("spec") or {}).get("finalizers") or ["kubernetes"]),
    }
    new["status"] = {**(obj.get("status") or {}), "phase": "Terminating"}
    return store.commit(rt, new, obj, dry_run=dry_run), 200


def delete_collection(
    store: Store, rt: ResourceType, items: list[Obj], *, policy: str | None, dry_run: bool
) -> list[Obj]:
    out: list[Obj] = []
    with store.lock:
        for obj in items:
            m = obj["metadata"]
            try:
                body, _ = delete(
                    store,
                    rt,
                    m.get("namespace", ""),
                    m["name"],
                    policy=policy,
                    preconditions=None,
                    dry_run=dry_run,
                    removed=out,
                )
            except errors.ApiError:
                continue
            if body.get("kind") != "Status":
                out.append(body)
    return out


# ---- the garbage collector and namespace controller (run by the background loop) ----------------
def _without_finalizer(store: Store, rt: ResourceType, obj: Obj, finalizer: str) -> None:
    new = dict(obj)
    new["metadata"] = dict(obj["metadata"])
    new["metadata"]["finalizers"] = [f for f in obj["metadata"].get("finalizers") or [] if f != finalizer]
    if not new["metadata"]["finalizers"]:
        del new["metadata"]["finalizers"]
    result = store.commit(rt, new, obj)
    if not result["metadata"].get("finalizers"):
        remove_now(store, rt, result)


def _strip_owner(store: Store, rt: ResourceType, obj: Obj, uids: set[str]) -> None:
    new = dict(obj)
    new["metadata"] = dict(obj["metadata"])
    refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("uid") not in uids]
    if refs:
        new["metadata"]["ownerReferences"] = refs
    else:
        new["metadata"].pop("ownerReferences", None)
    store.commit(rt, new, obj)


def _finish_namespace(store: Store, rt: ResourceType, ns: Obj) -> None:
    name = ns["metadata"]["name"]
    content = store.in_namespace(name)
    for crt, obj in content:
        if not obj["metadata"].get("deletionTimestamp"):
            delete(
                store,
                crt,
                name,
                obj["metadata"]["name"],
                policy="Background",
                preconditions=None,
                dry_run=False,
            )
    if store.in_namespace(name):
        return
    new = dict(ns)
    new["spec"] = {
        **(ns.get("spec") or {}),
        "finalizers": [f for f in (ns.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"],
    }
    if not new["spec"]["finalizers"]:
        new["spec"].pop("finalizers")
    result = store.commit(rt, new, ns)
    if not (result.get("spec") or {}).get("finalizers") and not result["metadata"].get("finalizers"):
        remove_now(store, rt, result)


def collect(store: Store) -> None:
    """One pass of the garbage collector and the namespace controller (caller holds the lock)."""
    for key in list(store.pending):
        found = store.at(key)
        if found is None:
            store.pending.discard(key)
            continue
        rt, obj = found
        m = obj["metadata"]
        finalizers = m.get("finalizers") or []
        if (rt.group, rt.kind) == ("", "Namespace"):
            _finish_namespace(store, rt, obj)
        elif "orphan" in finalizers:
            for drt, dep in store.dependents(m["uid"]):
                _strip_owner(store, drt, dep, {m["uid"]})
            _without_finalizer(store, rt, obj, "orphan")
        elif "foregroundDeletion" in finalizers:
            blocking = False
            for drt, dep in store.dependents(m["uid"]):
                if not dep["metadata"].get("deletionTimestamp"):
                    delete(
                        store,
                        drt,
                        dep["metadata"].get("namespace", ""),
                        dep["metadata"]["name"],
                        policy="Foreground",
                        preconditions=None,
                        dry_run=False,
                    )
                refs = (store.at(_key(drt, dep)) or (None, {"metadata": {}}))[1]["metadata"].get(
                    "ownerReferences"
                )
                if any(r.get("uid") == m["uid"] and r.get("blockOwnerDeletion") for r in refs or []):
                    blocking = True
            if not blocking:
                current = store.at(key)
                if current is not None:
                    _without_finalizer(store, rt, current[1], "foregroundDeletion")
        elif not finalizers:
            remove_now(store, rt, obj)
    for key in list(store.orphan_check):
        store.orphan_check.discard(key)
        found = store.at(key)
        if found is None:
            continue
        rt, obj = found
        refs = [r for r in obj["metadata"].get("ownerReferences") or [] if isinstance(r, dict)]
        if not refs:
            continue
        gone = {r.get("uid") for r in refs if store.by_uid(r.get("uid", "")) is None}
        if not gone:
            continue
        if len(gone) == len(refs):
            if not obj["metadata"].get("deletionTimestamp"):
                delete(
                    store,
                    rt,
                    obj["metadata"].get("namespace", ""),
                    obj["metadata"]["name"],
                    policy="Background",
                    preconditions=None,
                    dry_run=False,
                )
        else:
            _strip_owner(store, rt, obj, {u for u in gone if u})


def _key(rt: ResourceType, obj: Obj) -> tuple[str, str, str, str]:
    m = meta(obj)
    return (rt.group, rt.plural, m.get("namespace", "") if rt.namespaced else "", m["name"])
