"""The walks that turn objects into field sets: what an applier owns and what an update changed.

Sets are FieldsV1-shaped dicts (see ``kubesim.fieldsv1``, whose algebra and encoding this module
re-exports for its callers). The walks mirror structured-merge-diff: ``object_set`` is ``ToFieldSet`` (what an applier owns),
``compare`` is ``Compare`` (what an update added, modified or removed).
"""

from __future__ import annotations

from typing import Any

from kubesim.fieldsv1 import (
    MEMBER,
    FieldSet,
    decode,
    difference,
    encode,
    from_paths,
    intersection_paths,
    jv,
    leaf,
    path_sort_key,
    path_string,
    pe_string,
    union,
)
from kubesim.schema import Path, Schema
from kubesim.smp import PatchError

__all__ = [
    "MEMBER",
    "FieldSet",
    "compare",
    "decode",
    "difference",
    "encode",
    "from_paths",
    "intersection_paths",
    "item_pe",
    "list_pes",
    "object_set",
    "path_sort_key",
    "path_string",
    "pe_string",
    "strip",
    "union",
]

# Paths a manager never owns (structured-merge-diff's stripMeta set).
_STRIP_TOP = ("f:apiVersion", "f:kind")
_STRIP_META = frozenset(
    {
        "f:name",
        "f:namespace",
        "f:creationTimestamp",
        "f:selfLink",
        "f:uid",
        "f:clusterName",
        "f:generation",
        "f:managedFields",
        "f:resourceVersion",
    }
)


def item_pe(
    item: Any,
    lt: str,
    keys: tuple[str, ...],
    defaults: dict[str, Any],
    index: int,
    *,
    strict: bool,
    path: Path,
) -> str:
    """The path element of a list item: ``k:{...}`` for list-maps, ``v:...`` for sets."""
    if lt == "set":
        if isinstance(item, (dict, list)):
            if strict:
                raise PatchError(f".{'.'.join(path)}: sets may only contain scalars", field=".".join(path))
            return "v:" + jv(item)
        vkey: Any = ("v", type(item), item)
        got = _PE_CACHE.get(vkey)
        if got is None:
            got = _cache_pe(vkey, "v:" + jv(item))
        return got
    if not isinstance(item, dict):
        if strict:
            raise PatchError(f".{'.'.join(path)}: element {index}: expected a map", field=".".join(path))
        return f"i:{index}"
    key: dict[str, Any] = {}
    for k in keys:
        if k in item and item[k] is not None:
            key[k] = item[k]
        elif k in defaults:
            key[k] = defaults[k]
        elif strict:
            raise PatchError(
                f".{'.'.join(path)}: element {index}: associative list with keys has an element that omits "
                f'key field "{k}" (and doesn\'t have default value)',
                field=".".join(path),
            )
    if not key:
        return f"i:{index}"
    try:
        kkey: Any = (tuple(key), tuple((type(v), v) for v in key.values()))
        got = _PE_CACHE.get(kkey)
    except TypeError:  # unhashable key values (invalid, but keep going)
        return "k:" + jv(key)
    if got is None:
        got = _cache_pe(kkey, "k:" + jv(key))
    return got


_PE_CACHE: dict[Any, str] = {}


def _cache_pe(key: Any, pe: str) -> str:
    if len(_PE_CACHE) > 20000:
        _PE_CACHE.clear()
    _PE_CACHE[key] = pe
    return pe


def list_pes(items: list[Any], path: Path, schema: Schema, *, strict: bool) -> list[str]:
    lt, keys = schema.list_type(path)
    defaults = schema.key_defaults(path) if lt == "map" else {}
    pes = [item_pe(x, lt, keys, defaults, i, strict=strict, path=path) for i, x in enumerate(items)]
    if strict and len(set(pes)) != len(pes):
        seen: set[str] = set()
        for pe in pes:
            if pe in seen:
                raise PatchError(
                    f".{'.'.join(path)}: duplicate entries for key {pe_string(pe)}", field=".".join(path)
                )
            seen.add(pe)
    return pes


# --- ToFieldSet ------------------------------------------------------------------------------------


def object_set(obj: dict[str, Any], schema: Schema, *, strict: bool = False) -> FieldSet:
    """Every field path of ``obj`` an applier of it would own (metadata identity stripped)."""
    out: FieldSet = {}
    _os_map(obj, (), schema, out, strict)
    return strip(out)


def _os_map(obj: dict[str, Any], path: Path, schema: Schema, out: FieldSet, strict: bool) -> None:
    for k, v in obj.items():
        pe = "f:" + k
        cpath = (*path, k)
        if type(v) is dict:
            # Declared struct fields are never members themselves (an empty one owns nothing); entries
            # of free-form maps are (structured-merge-diff's visitMapItems).
            if schema.is_atomic_map(cpath):
                out[pe] = leaf()
            else:
                child: FieldSet = {}
                _os_map(v, cpath, schema, child, strict)
                if schema.is_map_entry(cpath):
                    child[MEMBER] = {}
                if child:
                    out[pe] = child
        elif type(v) is list:
            lt = schema.list_type(cpath)[0]
            if lt == "atomic":
                out[pe] = leaf()
            elif v:
                child = {}
                for ipe, item in zip(list_pes(v, cpath, schema, strict=strict), v, strict=True):
                    node = leaf()
                    if lt == "map" and type(item) is dict and not schema.items_atomic(cpath):
                        _os_map(item, cpath, schema, node, strict)
                    child[ipe] = node
                out[pe] = child
        else:
            out[pe] = leaf()


# --- Compare ---------------------------------------------------------------------------------------


def compare(old: dict[str, Any], new: dict[str, Any], schema: Schema) -> tuple[FieldSet, FieldSet, FieldSet]:
    """(added, modified, removed) between two objects, stripped of identity metadata."""
    added: FieldSet = {}
    modified: FieldSet = {}
    removed: FieldSet = {}
    _cmp_map(old, new, (), schema, added, modified, removed, True)
    return strip(added), strip(modified), strip(removed)


def _cmp_map(
    old: dict[str, Any],
    new: dict[str, Any],
    path: Path,
    schema: Schema,
    a: FieldSet,
    m: FieldSet,
    r: FieldSet,
    typed: bool,
) -> None:
    for k, nv in new.items():
        cpath = (*path, k)
        if k in old:
            _cmp_value(old[k], nv, cpath, "f:" + k, schema, a, m, r, typed)
        else:
            _whole(nv, cpath, "f:" + k, schema, a, typed)
    for k, ov in old.items():
        if k not in new:
            _whole(ov, (*path, k), "f:" + k, schema, r, typed)


def _cmp_value(
    ov: Any, nv: Any, path: Path, pe: str, schema: Schema, a: FieldSet, m: FieldSet, r: FieldSet, typed: bool
) -> None:
    to, tn = type(ov), type(nv)
    if to is dict and tn is dict and not schema.is_atomic_map(path):
        sa: FieldSet = {}
        sm: FieldSet = {}
        sr: FieldSet = {}
        _cmp_map(ov, nv, path, schema, sa, sm, sr, typed)
        _attach(a, pe, sa)
        _attach(m, pe, sm)
        _attach(r, pe, sr)
        return
    if to is list and tn is list:
        lt = schema.list_type(path)[0]
        if lt != "atomic":
            _cmp_list(ov, nv, path, pe, schema, a, m, r)
            return
    if ov != nv or to is not tn:
        m[pe] = leaf()


def _cmp_list(
    ov: list[Any], nv: list[Any], path: Path, pe: str, schema: Schema, a: FieldSet, m: FieldSet, r: FieldSet
) -> None:
    lt = schema.list_type(path)[0]
    ope = list_pes(ov, path, schema, strict=False)
    npe = list_pes(nv, path, schema, strict=False)
    old_items = dict(zip(ope, ov, strict=True))
    new_items = dict(zip(npe, nv, strict=True))
    sa: FieldSet = {}
    sm: FieldSet = {}
    sr: FieldSet = {}
    for ipe, item in new_items.items():
        if ipe in old_items:
            if lt == "map" and not schema.items_atomic(path):
                _cmp_value(old_items[ipe], item, path, ipe, schema, sa, sm, sr, False)
            elif old_items[ipe] != item:
                sm[ipe] = leaf()
        else:
            _whole(item, path, ipe, schema, sa, False, item_of=lt)
    for ipe, item in old_items.items():
        if ipe not in new_items:
            _whole(item, path, ipe, schema, sr, False, item_of=lt)
    _attach(a, pe, sa)
    _attach(m, pe, sm)
    _attach(r, pe, sr)


def _attach(parent: FieldSet, pe: str, child: FieldSet) -> None:
    if child:
        existing = parent.get(pe)
        if existing is None:
            parent[pe] = child
        else:
            parent[pe] = union(existing, child)


def _whole(
    v: Any, path: Path, pe: str, schema: Schema, out: FieldSet, typed: bool, item_of: str = ""
) -> None:
    """Every path of a value that exists on one side only (structured-merge-diff marks each node)."""
    if item_of == "set" or (item_of and (type(v) is not dict or schema.items_atomic(path))):
        out[pe] = leaf()
        return
    if type(v) is dict:
        if not v or (not item_of and schema.is_atomic_map(path)):
            out[pe] = leaf()
            return
        node: FieldSet = {} if (typed and not item_of and schema.is_value_struct(path)) else leaf()
        for k, cv in v.items():
            _whole(cv, (*path, k), "f:" + k, schema, node, typed and not item_of)
        if node:
            out[pe] = node
        return
    if type(v) is list:
        if not v or schema.list_type(path)[0] == "atomic":
            out[pe] = leaf()
            return
        lt = schema.list_type(path)[0]
        node = {} if (typed and not item_of and schema.is_value_struct(path)) else leaf()
        for ipe, item in zip(list_pes(v, path, schema, strict=False), v, strict=True):
            _whole(item, path, ipe, schema, node, False, item_of=lt)
        out[pe] = node
        return
    out[pe] = leaf()


def strip(s: FieldSet) -> FieldSet:
    """Remove the identity paths no manager owns (apiVersion, kind, metadata.name, ...)."""
    if not s:
        return s
    if not any(k in s for k in _STRIP_TOP) and "f:metadata" not in s:
        return s
    out = {k: v for k, v in s.items() if k not in _STRIP_TOP}
    md = out.get("f:metadata")
    if md is not None:
        md2 = {k: v for k, v in md.items() if k not in _STRIP_META and k != MEMBER}
        if md2:
            out["f:metadata"] = md2
        else:
            del out["f:metadata"]
    return out
