"""List and map semantics per kind, the part of the OpenAPI schema that merging needs.

Server-side apply, strategic merge patch and managedFields tracking all depend on how a list is
identified: a list-map merged by key fields, a set of scalars, or an atomic value replaced whole.
A real API server reads this from the Go types (``+listType``/``+listMapKey``/``patchStrategy``
tags) and from CRD schemas (``x-kubernetes-list-type`` ...). kubesim has no Go types, so this
module carries a table of the built-in kinds' lists as the real OpenAPI has them, and reads the
``x-kubernetes-*`` extensions of CRD schemas. Lookups are cached per path: they sit on the hot path
of every apply and patch.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

Path = tuple[str, ...]
ListType = tuple[str, tuple[str, ...]]

ATOMIC: ListType = ("atomic", ())
SET: ListType = ("set", ())

_CONTAINER_LISTS = frozenset({"containers", "initContainers", "ephemeralContainers"})


@dataclass(frozen=True)
class PatchMeta:
    """Strategic-merge-patch metadata of one field (the ``patchStrategy``/``patchMergeKey`` tags)."""

    strategy: str = ""  # "merge" | "replace" | "" (= replace for lists, merge for maps)
    merge_key: str = ""
    retain_keys: bool = False


_NO_META = PatchMeta()
_MERGE = PatchMeta("merge")


def _mk(*keys: str) -> ListType:
    return ("map", keys)


# --- built-in tables -------------------------------------------------------------------------------
# Keyed by the last one or two field names of the path (list items omitted); kind-specific entries
# win over generic ones. Values: (SSA list type, SMP metadata).

_BY_NAME = _mk("name")

# (parent, field) -> ...
_PAIR_RULES: dict[tuple[str, str], tuple[ListType, PatchMeta]] = {
    ("metadata", "finalizers"): (SET, _MERGE),
    ("metadata", "ownerReferences"): (_mk("uid"), PatchMeta("merge", "uid")),
    ("metadata", "managedFields"): (ATOMIC, _NO_META),
    ("status", "conditions"): (_mk("type"), PatchMeta("merge", "type")),
    ("resources", "claims"): (_BY_NAME, _NO_META),
}
for _c in _CONTAINER_LISTS:
    _PAIR_RULES[(_c, "ports")] = (_mk("containerPort", "protocol"), PatchMeta("merge", "containerPort"))
    _PAIR_RULES[(_c, "env")] = (_BY_NAME, PatchMeta("merge", "name"))
    _PAIR_RULES[(_c, "volumeMounts")] = (_mk("mountPath"), PatchMeta("merge", "mountPath"))
    _PAIR_RULES[(_c, "volumeDevices")] = (_mk("devicePath"), PatchMeta("merge", "devicePath"))
    _PAIR_RULES[(_c, "resizePolicy")] = (ATOMIC, _NO_META)
    _PAIR_RULES[(_c, "envFrom")] = (ATOMIC, _NO_META)

# field -> ... (anywhere inside a pod spec / generic)
_FIELD_RULES: dict[str, tuple[ListType, PatchMeta]] = {
    "containers": (_BY_NAME, PatchMeta("merge", "name")),
    "initContainers": (_BY_NAME, PatchMeta("merge", "name")),
    "ephemeralContainers": (_BY_NAME, PatchMeta("merge", "name")),
    "volumes": (_BY_NAME, PatchMeta("merge", "name", retain_keys=True)),
    "imagePullSecrets": (_BY_NAME, PatchMeta("merge", "name")),
    "hostAliases": (_mk("ip"), PatchMeta("merge", "ip")),
    "topologySpreadConstraints": (_mk("topologyKey", "whenUnsatisfiable"), PatchMeta("merge", "topologyKey")),
    "schedulingGates": (_BY_NAME, PatchMeta("merge", "name")),
    "resourceClaims": (_BY_NAME, PatchMeta("merge", "name", retain_keys=True)),
    "tolerations": (ATOMIC, _NO_META),
    "readinessGates": (ATOMIC, _NO_META),
    "podIPs": (_mk("ip"), PatchMeta("merge", "ip")),
    "hostIPs": (_mk("ip"), PatchMeta("merge", "ip")),
    "webhooks": (_BY_NAME, PatchMeta("merge", "name")),
}

# Kind-specific full paths: (group, kind) -> {path: ...}
_KIND_RULES: dict[tuple[str, str], dict[Path, tuple[ListType, PatchMeta]]] = {
    ("", "Service"): {
        ("spec", "ports"): (_mk("port", "protocol"), PatchMeta("merge", "port")),
    },
    ("batch", "Job"): {
        ("status", "conditions"): (ATOMIC, PatchMeta("merge", "type")),
    },
    ("", "Namespace"): {
        ("spec", "finalizers"): (ATOMIC, _NO_META),
    },
}

# Defaults of key fields that a list-map key uses when an item omits them (the real schema defaults).
_KEY_DEFAULTS: dict[tuple[str, ...], dict[str, Any]] = {
    ("containerPort", "protocol"): {"protocol": "TCP"},
    ("port", "protocol"): {"protocol": "TCP"},
}

# Maps that are atomic in SSA (+structType=atomic / +mapType=atomic on the Go types).
_ATOMIC_MAP_FIELDS = frozenset(
    {
        "selector",
        "labelSelector",
        "namespaceSelector",
        "podSelector",
        "nodeSelector",
        "configMapKeyRef",
        "secretKeyRef",
        "fieldRef",
        "resourceFieldRef",
        "configMapRef",
        "secretRef",
        "nodeSelectorTerms",
        "matchLabelKeys",
        "mismatchLabelKeys",
        "requiredDuringSchedulingIgnoredDuringExecution",  # NodeSelector (the pod-affinity one is a list)
        "involvedObject",  # Event: ObjectReference
        "related",
        "dataSource",  # PVC: TypedLocalObjectReference
        "roleRef",
    }
)

# List-maps whose items are atomic structs (OwnerReference, LocalObjectReference).
_ATOMIC_ITEM_LISTS = frozenset({"ownerReferences", "imagePullSecrets"})

# Struct fields that a Go object always carries (value, not pointer): they never get a "." marker
# of their own in Update managedFields because the "before" object always had them.
_VALUE_STRUCTS_TAIL = frozenset(
    {
        ("metadata",),
        ("spec",),
        ("status",),
        ("template",),
        ("template", "metadata"),
        ("template", "spec"),
        ("spec", "strategy"),
        ("spec", "updateStrategy"),
        ("jobTemplate",),
        ("jobTemplate", "spec"),
        ("jobTemplate", "metadata"),
        ("containers", "resources"),
        ("initContainers", "resources"),
    }
)


class Schema:
    """Merge semantics of one kind: list types, atomic maps, SMP strategies, key defaults."""

    __slots__ = ("_atomic_maps", "_cache_lt", "_cache_pm", "_crd", "group", "kind")

    def __init__(self, group: str, kind: str, crd: dict[str, Any] | None = None) -> None:
        self.group = group
        self.kind = kind
        self._crd = crd
        self._cache_lt: dict[Path, ListType] = {}
        self._cache_pm: dict[Path, PatchMeta] = {}
        self._atomic_maps: dict[Path, bool] = {}

    @property
    def supports_strategic_merge(self) -> bool:
        """False for custom resources: a real API server answers 415 to strategic merge patches of CRs."""
        return self._crd is None

    # -- SSA -----------------------------------------------------------------------------------
    def list_type(self, path: Path) -> ListType:
        """("map", keys) | ("set", ()) | ("atomic", ()) for the list at ``path``."""
        got = self._cache_lt.get(path)
        if got is None:
            got = self._resolve_list(path)
            self._cache_lt[path] = got
        return got

    def items_atomic(self, path: Path) -> bool:
        """True when the items of the list-map at ``path`` are atomic structs (``+structType=atomic``:
        ownerReferences, imagePullSecrets): each item is owned and replaced whole."""
        return self._crd is None and bool(path) and path[-1] in _ATOMIC_ITEM_LISTS

    def is_atomic_map(self, path: Path) -> bool:
        got = self._atomic_maps.get(path)
        if got is None:
            got = self._resolve_atomic_map(path)
            self._atomic_maps[path] = got
        return got

    def key_defaults(self, path: Path) -> dict[str, Any]:
        """Values assumed for list-map key fields an item omits (container port protocol → TCP)."""
        lt, keys = self.list_type(path)
        if lt != "map":
            return {}
        if self._crd is not None and not _is_meta(path):
            node = _crd_node(self._crd, path)
            items = (node or {}).get("items") or {}
            props = items.get("properties") or {}
            return {
                k: props[k]["default"]
                for k in keys
                if isinstance(props.get(k), dict) and "default" in props[k]
            }
        return _KEY_DEFAULTS.get(keys, {})

    def is_value_struct(self, path: Path) -> bool:
        """Struct fields a typed Go object always has (cosmetic: decides "." markers of Update sets).

        Custom resources are unstructured: only ``metadata`` is always there."""
        if self._crd is not None:
            return path == ("metadata",)
        return path[-1:] in _VALUE_STRUCTS_TAIL or path[-2:] in _VALUE_STRUCTS_TAIL

    def is_map_entry(self, path: Path) -> bool:
        """True for an entry of a free-form map, not a declared field of a struct.

        Only CRD schemas say so (``additionalProperties``, ``x-kubernetes-preserve-unknown-fields``);
        such entries are members of an applier's set even when they hold objects."""
        if self._crd is None or not path or _is_meta(path):
            return False
        parent = _crd_node(self._crd, path[:-1])
        if parent is None:
            return True  # below preserved unknown fields: everything is deduced, nothing declared
        while parent.get("type") == "array" and isinstance(parent.get("items"), dict):
            parent = parent["items"]
        props = parent.get("properties")
        return not (isinstance(props, dict) and path[-1] in props)

    # -- SMP -----------------------------------------------------------------------------------
    def patch_meta(self, path: Path) -> PatchMeta:
        """``patchStrategy``/``patchMergeKey`` of the field at ``path`` (lists and maps)."""
        got = self._cache_pm.get(path)
        if got is None:
            got = self._resolve_patch_meta(path)
            self._cache_pm[path] = got
        return got

    # -- resolution ----------------------------------------------------------------------------
    def _builtin_rule(self, path: Path) -> tuple[ListType, PatchMeta] | None:
        kind_rules = _KIND_RULES.get((self.group, self.kind))
        if kind_rules and path in kind_rules:
            return kind_rules[path]
        if len(path) >= 2:
            rule = _PAIR_RULES.get((path[-2], path[-1]))
            if rule is not None:
                return rule
            return _FIELD_RULES.get(path[-1])
        return None

    def _resolve_list(self, path: Path) -> ListType:
        if self._crd is not None and not _is_meta(path):
            node = _crd_node(self._crd, path)
            if node is None:
                return ATOMIC
            lt = node.get("x-kubernetes-list-type")
            if lt == "map":
                return ("map", tuple(node.get("x-kubernetes-list-map-keys") or ()))
            if lt == "set":
                return SET
            return ATOMIC
        rule = self._builtin_rule(path)
        return rule[0] if rule is not None else ATOMIC

    def _resolve_atomic_map(self, path: Path) -> bool:
        if not path:
            return False
        if self._crd is not None and not _is_meta(path):
            node = _crd_node(self._crd, path)
            if node is None:
                return False
            return node.get("x-kubernetes-map-type") == "atomic"
        return path[-1] in _ATOMIC_MAP_FIELDS

    def _resolve_patch_meta(self, path: Path) -> PatchMeta:
        if self._crd is not None:
            return _NO_META
        if path[-2:] == ("spec", "strategy") and self.kind == "Deployment":
            return PatchMeta(retain_keys=True)
        rule = self._builtin_rule(path)
        return rule[1] if rule is not None else _NO_META


def _is_meta(path: Path) -> bool:
    return bool(path) and path[0] == "metadata"


def _crd_node(schema: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The schema node of ``path`` (list items transparent), or None when the schema does not say."""
    node: Any = schema
    for seg in path:
        while isinstance(node, dict) and node.get("type") == "array":
            node = node.get("items")
        if not isinstance(node, dict):
            return None
        props = node.get("properties")
        if isinstance(props, dict) and seg in props:
            node = props[seg]
            continue
        addl = node.get("additionalProperties")
        if isinstance(addl, dict):
            node = addl
            continue
        return None
    return node if isinstance(node, dict) else None


_BUILTIN_CACHE: dict[tuple[str, str], Schema] = {}
_CRD_CACHE: dict[tuple[str, str], tuple[dict[str, Any], Schema]] = {}


_BUILTIN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "policy",
        "autoscaling",
        "storage.k8s.io",
        "apiextensions.k8s.io",
        "admissionregistration.k8s.io",
        "coordination.k8s.io",
        "events.k8s.io",
        "discovery.k8s.io",
        "scheduling.k8s.io",
        "node.k8s.io",
        "certificates.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "apiregistration.k8s.io",
        "resource.k8s.io",
    }
)


def schema_for(group: str, kind: str, openapi_schema: dict[str, Any] | None = None) -> Schema:
    """The merge schema of a kind: built-in table, or the CRD's ``openAPIV3Schema`` when given.

    A kind of a non-built-in group without a schema is a custom resource treated as unstructured
    (every list atomic), as a real server does."""
    if openapi_schema is None and group not in _BUILTIN_GROUPS:
        openapi_schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    if openapi_schema is None:
        key = (group, kind)
        got = _BUILTIN_CACHE.get(key)
        if got is None:
            got = _BUILTIN_CACHE[key] = Schema(group, kind)
        return got
    cached = _CRD_CACHE.get((group, kind))
    if cached is not None and cached[0] == openapi_schema:  # dict equality runs in C: cheap
        return cached[1]
    snapshot = copy.deepcopy(openapi_schema)
    schema = Schema(group, kind, snapshot)
    if len(_CRD_CACHE) > 512:
        _CRD_CACHE.clear()
    _CRD_CACHE[(group, kind)] = (snapshot, schema)
    return schema
