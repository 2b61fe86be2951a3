"""The resource registry: which kinds kubesim serves, under which names, scopes and verbs.

A real API server learns its built-in kinds from compiled-in Go types and its custom kinds from
CustomResourceDefinitions. kubesim needs the same single source of truth so that discovery,
routing, OpenAPI and Table output all agree on plurals, short names, categories, verbs, scope and
subresources. The built-in table (`resources_builtin`) mirrors what a Kubernetes 1.36 API server
reports in discovery; CRDs add their served versions at runtime.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from kubesim.resource_type import ALL_VERBS, NO_COLLECTION_VERBS, ResourceType
from kubesim.resources_builtin import BUILTIN_GROUP_ORDER, BUILTIN_TYPES

T = TypeVar("T")

# The apiextensions server lists custom resource verbs in this order (kubectl api-resources -o wide).
CRD_VERBS: tuple[str, ...] = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")

_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority_key(version: str) -> tuple[int, int, int, str]:
    """Sort key giving Kubernetes version priority: GA > beta > alpha, higher numbers first,
    then non-Kubernetes-style versions alphabetically (as the apiextensions server orders them)."""
    m = _KUBE_VERSION.match(version)
    if not m:
        return (3, 0, 0, version)
    major = int(m.group(1))
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor, "")


def _printer_columns(cols: Any) -> tuple[tuple[str, str, str, str, int, str], ...]:
    out = []
    for c in cols if isinstance(cols, list) else []:
        if isinstance(c, dict) and c.get("name") and c.get("jsonPath"):
            priority = c.get("priority")
            out.append(
                (
                    str(c["name"]),
                    str(c.get("type") or "string"),
                    str(c.get("format") or ""),
                    str(c.get("description") or ""),
                    priority if isinstance(priority, int) else 0,
                    str(c["jsonPath"]),
                )
            )
    return tuple(out)


class Registry:
    """Thread-safe map of served resource types; built-ins are registered at construction."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_gvr: dict[tuple[str, str, str], ResourceType] = {}
        self._crds: dict[str, dict[str, Any]] = {}  # CRD name -> CRD object as registered
        self._crd_types: dict[str, list[ResourceType]] = {}
        self.generation: int = 0
        self._docs: dict[Any, Any] = {}  # derived documents (discovery, OpenAPI) of this generation
        for rt in BUILTIN_TYPES:
            self._by_gvr[(rt.group, rt.version, rt.plural)] = rt

    def cached(self, key: Any, build: Callable[[], T]) -> T:
        """A document derived from the registry, built once per generation (per registry)."""
        with self._lock:
            generation = self.generation
            if key in self._docs:
                hit: T = self._docs[key]
                return hit
        value = build()
        with self._lock:
            if self.generation == generation:
                self._docs[key] = value
        return value

    # ---- lookups -------------------------------------------------------------------------
    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._by_gvr.get((group, version, plural))

    def by_kind(self, group: str, kind: str) -> list[ResourceType]:
        """Every served version of a kind, preferred version first."""
        with self._lock:
            found = [rt for rt in self._by_gvr.values() if rt.group == group and rt.kind == kind]
        return sorted(found, key=lambda rt: version_priority_key(rt.version))

    def all(self) -> list[ResourceType]:
        with self._lock:
            return list(self._by_gvr.values())

    def groups(self) -> list[tuple[str, list[str]]]:
        """(group, served versions in priority order) in the order a real server lists them."""
        with self._lock:
            versions: dict[str, set[str]] = {}
            for rt in self._by_gvr.values():
                versions.setdefault(rt.group, set()).add(rt.version)
        order = [g for g in BUILTIN_GROUP_ORDER if g in versions]
        order += sorted(g for g in versions if g not in BUILTIN_GROUP_ORDER)
        return [(g, sorted(versions[g], key=version_priority_key)) for g in order]

    def resources_in(self, group: str, version: str) -> list[ResourceType]:
        with self._lock:
            found = [rt for rt in self._by_gvr.values() if rt.group == group and rt.version == version]
        return sorted(found, key=lambda rt: rt.plural)

    def crd_for(self, rt: ResourceType) -> dict[str, Any] | None:
        """The CRD object that registered `rt` (None for built-in kinds)."""
        return self._crds.get(rt.crd_name) if rt.crd_name else None

    def crd_version(self, rt: ResourceType) -> dict[str, Any] | None:
        """The CRD's spec.versions[] entry for `rt`'s version."""
        crd = self.crd_for(rt)
        if crd is None:
            return None
        for v in crd.get("spec", {}).get("versions") or []:
            if v.get("name") == rt.version:
                return dict(v)
        return None

    def openapi_schema(self, rt: ResourceType) -> dict[str, Any] | None:
        """The CRD's openAPIV3Schema for that version (None for built-ins or schema-less CRDs)."""
        ver = self.crd_version(rt)
        if ver is None:
            return None
        schema = (ver.get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            schema = ((self.crd_for(rt) or {}).get("spec", {}).get("validation") or {}).get("openAPIV3Schema")
        return schema if isinstance(schema, dict) else None

    def printer_columns(self, rt: ResourceType) -> list[dict[str, Any]]:
        """additionalPrinterColumns declared for this CRD version ([] when none or built-in)."""
        ver = self.crd_version(rt)
        cols = (ver or {}).get("additionalPrinterColumns") or []
        return [c for c in cols if isinstance(c, dict) and c.get("name") and c.get("jsonPath")]

    def scale_paths(self, rt: ResourceType) -> dict[str, str] | None:
        """CRD /scale subresource paths (specReplicasPath, statusReplicasPath, labelSelectorPath)."""
        ver = self.crd_version(rt)
        scale = ((ver or {}).get("subresources") or {}).get("scale")
        return dict(scale) if isinstance(scale, dict) else None

    # ---- CRDs ----------------------------------------------------------------------------
    @staticmethod
    def types_for_crd(crd: dict[str, Any]) -> list[ResourceType]:
        """The resource types a CRD object defines (served versions only), without registering."""
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        group = spec.get("group") or ""
        kind = names.get("kind") or ""
        plural = names.get("plural") or ""
        if not (group and kind and plural):
            return []
        singular = names.get("singular") or kind.lower()
        list_kind = names.get("listKind") or ""
        if list_kind == f"{kind}List":
            list_kind = ""
        namespaced = spec.get("scope", "Namespaced") != "Cluster"
        short = tuple(names.get("shortNames") or ())
        cats = tuple(names.get("categories") or ())
        crd_name = (crd.get("metadata") or {}).get("name") or f"{plural}.{group}"
        out: list[ResourceType] = []
        storage = next(
            (v.get("name") for v in spec.get("versions") or [] if isinstance(v, dict) and v.get("storage")),
            "",
        )
        for v in spec.get("versions") or []:
            if not isinstance(v, dict) or not v.get("name") or v.get("served") is False:
                continue
            subs = v.get("subresources") or spec.get("subresources") or {}
            out.append(
                ResourceType(
                    group=group,
                    version=v["name"],
                    kind=kind,
                    plural=plural,
                    singular=singular,
                    namespaced=namespaced,
                    short_names=short,
                    categories=cats,
                    verbs=CRD_VERBS,
                    subresources=frozenset(s for s in ("status", "scale") if s in subs),
                    has_generation=True,
                    list_kind_name=list_kind,
                    crd_name=crd_name,
                    printer_columns=_printer_columns(v.get("additionalPrinterColumns")),
                    storage_version=str(storage or "") if storage != v["name"] else "",
                )
            )
        return sorted(out, key=lambda rt: version_priority_key(rt.version))

    def register_crd(self, crd: dict[str, Any]) -> list[ResourceType]:
        """Serve the CRD's served versions (replacing what an earlier version of it registered)."""
        types = self.types_for_crd(crd)
        with self._lock:
            name = (crd.get("metadata") or {}).get("name") or (types[0].crd_name if types else "")
            self._drop(name)
            if types:
                self._crds[types[0].crd_name] = crd
                self._crd_types[types[0].crd_name] = types
                for rt in types:
                    self._by_gvr[(rt.group, rt.version, rt.plural)] = rt
            self.generation += 1
            self._docs.clear()
        return types

    def unregister_crd(self, crd: dict[str, Any]) -> list[ResourceType]:
        with self._lock:
            name = (crd.get("metadata") or {}).get("name") or ""
            removed = self._drop(name)
            self.generation += 1
            self._docs.clear()
        return removed

    def _drop(self, crd_name: str) -> list[ResourceType]:
        removed = self._crd_types.pop(crd_name, [])
        self._crds.pop(crd_name, None)
        for rt in removed:
            key = (rt.group, rt.version, rt.plural)
            if self._by_gvr.get(key) == rt:
                del self._by_gvr[key]
        return removed

    def crds(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._crds.values())


__all__ = [
    "ALL_VERBS",
    "BUILTIN_GROUP_ORDER",
    "BUILTIN_TYPES",
    "NO_COLLECTION_VERBS",
    "Registry",
    "ResourceType",
    "version_priority_key",
]
