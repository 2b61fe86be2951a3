"""CustomResourceDefinition lifecycle on the storage side.

A created CRD is registered with the ``Registry`` (its served versions become routable) and gets the
``NamesAccepted`` and ``Established`` conditions in a separate status write, as the apiextensions
controllers do right after creation; deleting it removes every custom resource it defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubesim import schema, ssa
from kubesim.store import Obj, Store, now_rfc3339

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

GROUP = "apiextensions.k8s.io"


def is_crd(rt: ResourceType) -> bool:
    return rt.group == GROUP and rt.kind == "CustomResourceDefinition"


def _accepted_names(spec: dict[str, Any]) -> dict[str, Any]:
    names = dict(spec.get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    return names


def established(store: Store, rt: ResourceType, crd: Obj) -> Obj:
    """Register a freshly stored CRD and write its Established status (a second write, like the controller's)."""
    store.registry.register_crd(crd)
    spec = crd.get("spec") or {}
    now = now_rfc3339()
    storage = [v["name"] for v in spec.get("versions") or [] if isinstance(v, dict) and v.get("storage")]
    status = {
        "conditions": [
            {
                "type": "NamesAccepted",
                "status": "True",
                "lastTransitionTime": now,
                "reason": "NoConflicts",
                "message": "no conflicts found",
            },
            {
                "type": "Established",
                "status": "True",
                "lastTransitionTime": now,
                "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted",
            },
        ],
        "acceptedNames": _accepted_names(spec),
        "storedVersions": storage,
    }
    new = dict(crd)
    new["metadata"] = dict(crd["metadata"])
    new["status"] = status
    new = ssa.track_update(
        crd,
        new,
        manager="kube-apiserver",
        schema=schema.schema_for(rt.group, rt.kind, None),
        api_version=rt.api_version,
        now=now,
        subresource="status",
    )
    return store.commit(rt, new, crd)


def reregister(store: Store, crd: Obj) -> None:
    """A CRD update may add or drop served versions, names or subresources."""
    if (crd.get("metadata") or {}).get("deletionTimestamp"):
        return
    store.registry.register_crd(crd)
    status = crd.get("status") or {}
    accepted = _accepted_names(crd.get("spec") or {})
    if status.get("acceptedNames") != accepted:
        rt = store.registry.lookup(GROUP, "v1", "customresourcedefinitions")
        if rt is not None:
            new = dict(crd)
            new["status"] = {**status, "acceptedNames": accepted}
            store.commit(rt, new, crd)


def remove_resources(store: Store, crd: Obj) -> None:
    """Delete every custom resource of the CRD (DELETED events), then stop serving it."""
    from kubesim import deletion

    spec = crd.get("spec") or {}
    group = spec.get("group", "")
    plural = (spec.get("names") or {}).get("plural", "")
    types = store.registry.types_for_crd(crd)
    for obj in store.items(group, plural):
        if types:
            deletion.remove_now(store, types[0], obj)
    store.registry.unregister_crd(crd)
    store.drop_bucket(group, plural)


def prune(value: Any, schema: dict[str, Any], *, root: bool = True) -> None:
    """Drop fields a structural schema does not declare, in place, as the apiextensions server does
    ("Field pruning"); ``x-kubernetes-preserve-unknown-fields`` keeps a subtree as it is."""
    if not isinstance(schema, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        embedded = schema.get("x-kubernetes-embedded-resource")
        for key in list(value):
            if root and key in ("apiVersion", "kind", "metadata"):
                continue
            if embedded and key in ("apiVersion", "kind", "metadata"):
                continue
            if isinstance(props, dict) and key in props:
                prune(value[key], props[key], root=False)
            elif isinstance(extra, dict):
                prune(value[key], extra, root=False)
            elif extra is not True and (props is not None or schema.get("type") == "object"):
                del value[key]
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            prune(item, schema["items"], root=False)
