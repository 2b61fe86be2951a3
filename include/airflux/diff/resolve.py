"""Match rendered objects to the API: which kinds are served, which wait for a CRD in the same set.

Also gives namespaced objects without a namespace the ``default`` one (what kubectl does) so the
identity we diff, apply and record in the inventory is the one the server will use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airflux.kube import KubeClient, NoKindMatch, ResourceInfo
from airflux.model import ObjRef
from airflux.ownership import with_owner_label


@dataclass(frozen=True)
class Resolved:
    """One rendered object ready for the API. ``info`` is None when its CRD is only in the set."""

    obj: dict[str, Any]
    ref: ObjRef
    info: ResourceInfo | None
    api_version: str


@dataclass(frozen=True)
class Unresolved:
    ref: ObjRef
    message: str


def crd_kinds(objects: list[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    """(apiVersion, kind) → namespaced, for every served version of the CRDs in the set."""
    out: dict[tuple[str, str], bool] = {}
    for obj in objects:
        if obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj.get("spec") or {}
        group, kind = spec.get("group", ""), (spec.get("names") or {}).get("kind", "")
        namespaced = spec.get("scope", "Namespaced") == "Namespaced"
        for v in spec.get("versions") or []:
            if v.get("served", True):
                out[(f"{group}/{v.get('name')}", kind)] = namespaced
    return out


def resolve(client: KubeClient, objects: list[dict[str, Any]], *, dag_id: str
            ) -> tuple[list[Resolved], list[Unresolved]]:
    """Label, default namespaces and find the resource of every object; unknown kinds are reported."""
    pending = crd_kinds(objects)
    resolved: list[Resolved] = []
    unresolved: list[Unresolved] = []
    for obj in with_owner_label(objects, dag_id):
        api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
        meta = obj.get("metadata") or {}
        if not api_version or not kind or not meta.get("name"):
            unresolved.append(Unresolved(ObjRef.of(obj), "apiVersion, kind and metadata.name are required"))
            continue
        info: ResourceInfo | None
        try:
            info = client.resource(api_version, kind)
            namespaced = info.namespaced
        except NoKindMatch as e:
            if (api_version, kind) not in pending:
                unresolved.append(Unresolved(ObjRef.of(obj), e.message))
                continue
            info, namespaced = None, pending[(api_version, kind)]
        # ``obj`` is already a fresh top level with its own metadata (with_owner_label).
        if namespaced and not meta.get("namespace"):
            obj["metadata"]["namespace"] = "default"
        elif not namespaced and meta.get("namespace"):
            del obj["metadata"]["namespace"]
        resolved.append(Resolved(obj, ObjRef.of(obj), info, api_version))
    return resolved, unresolved
