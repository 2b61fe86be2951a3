"""Whether a stale Namespace may be deleted: only when nothing meant to survive still lives in it.

Deleting a Namespace deletes everything in it, so this is the check that keeps other people's objects
alive. Prune decides with it right before deleting; diff reports with it, so the change set announces
only deletions prune will make. Kept apart from ``prune.plan`` and ``prune.stage`` because diff imports
it and those import the apply package, which imports diff.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from airflux.kube import KubeApiError, KubeClient, ResourceInfo
from airflux.model import ObjRef

# Objects Kubernetes puts into every namespace by itself: they do not make a namespace "in use".
AUTOMATIC_OBJECTS: frozenset[tuple[str, str]] = frozenset({
    ("ConfigMap", "kube-root-ca.crt"),
    ("ServiceAccount", "default"),
})
IGNORED_KINDS = frozenset({"Event"})


def blocking_objects(objects: Iterable[dict[str, Any]], *, deleting: frozenset[ObjRef]) -> list[ObjRef]:
    """Objects that keep a namespace alive: everything not pruned now, not created by Kubernetes.

    Deleting a Namespace deletes everything in it, so anything that is meant to survive (another
    app's or a person's objects, ours that opt out of prune or are still rendered) blocks it.
    """
    out = []
    for obj in objects:
        ref = ObjRef.of(obj)
        meta = obj.get("metadata") or {}
        if ref in deleting or ref.kind in IGNORED_KINDS:
            continue
        if (ref.kind, ref.name) in AUTOMATIC_OBJECTS or meta.get("ownerReferences"):
            # Owned objects (ReplicaSets, Pods, EndpointSlices) go with their owner.
            continue
        out.append(ref)
    return sorted(out)


def namespace_contents(client: KubeClient, kinds: list[ResourceInfo], namespace: str) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for info in kinds:
        try:
            objects += client.list_objects(info.api_version, info.kind, namespace=namespace)
        except KubeApiError as e:
            if e.status not in (403, 404, 405):
                raise
    return objects


def namespaces_in_use(client: KubeClient, namespaces: Sequence[ObjRef], *, deleting: frozenset[ObjRef],
                      surviving: Sequence[ObjRef] = ()) -> dict[ObjRef, str]:
    """Why each of ``namespaces`` that still holds objects not being pruned must stay.

    ``surviving`` names objects known to outlive this run that a listing may not show yet (diff asks
    before apply has created what is still rendered). Prune decides with this; diff reports with it.
    """
    if not namespaces:
        return {}
    kinds = client.namespaced_kinds()  # discovery once for every namespace, not once per namespace
    in_use: dict[ObjRef, str] = {}
    for ns in namespaces:
        listed = blocking_objects(namespace_contents(client, kinds, ns.name), deleting=deleting)
        blocking = sorted(set(listed) | {r for r in surviving if r.namespace == ns.name and r not in deleting})
        if blocking:
            shown = ", ".join(str(r) for r in blocking[:5]) + (" ..." if len(blocking) > 5 else "")
            in_use[ns] = f"namespace still holds {len(blocking)} object(s) that are not being pruned: {shown}"
    return in_use
