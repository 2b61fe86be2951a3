"""Field sets in the FieldsV1 shape that managedFields carry, and the walks that produce them.

A set is a nested dict keyed by path elements as FieldsV1 writes them (``f:name``,
``k:{"name":"app"}``, ``v:"x"``, ``i:0``); the key ``"."`` marks that the node itself is a member.
Keeping this shape internally means managedFields decode and encode without a translation layer.
The walks mirror structured-merge-diff: ``object_set`` is ``ToFieldSet`` (what an applier owns),
``compare`` is ``Compare`` (what an update added, modified or removed).
"""

from __future__ import annotations

import json
from typing import Any

from kubesim.schema import Path, Schema
from kubesim.smp import PatchError

FieldSet = dict[str, Any]
MEMBER = "."

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


def _leaf() -> FieldSet:
    return {MEMBER: {}}


_GO_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _jv(value: Any) -> str:
    """JSON as structured-merge-diff writes it inside ``k:``/``v:`` (compact, sorted, HTML-safe)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        for raw, esc in _GO_ESCAPES:
            text = text.replace(raw, esc)
    return text


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
            return "v:" + _jv(item)
        vkey: Any = ("v", type(item), item)
        got = _PE_CACHE.get(vkey)
        if got is None:
            got = _cache_pe(vkey, "v:" + _jv(item))
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
        return "k:" + _jv(key)
    if got is None:
        got = _cache_pe(kkey, "k:" + _jv(key))
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
                out[pe] = _leaf()
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
                out[pe] = _leaf()
            elif v:
                child = {}
                for ipe, item in zip(list_pes(v, cpath, schema, strict=strict), v, strict=True):
                    node = _leaf()
                    if lt == "map" and type(item) is dict and not schema.items_atomic(cpath):
                        _os_map(item, cpath, schema, node, strict)
                    child[ipe] = node
                out[pe] = child
        else:
            out[pe] = _leaf()


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
        m[pe] = _leaf()


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
                sm[ipe] = _leaf()
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
        out[pe] = _leaf()
        return
    if type(v) is dict:
        if not v or (not item_of and schema.is_atomic_map(path)):
            out[pe] = _leaf()
            return
        node: FieldSet = {} if (typed and not item_of and schema.is_value_struct(path)) else _leaf()
        for k, cv in v.items():
            _whole(cv, (*path, k), "f:" + k, schema, node, typed and not item_of)
        if node:
            out[pe] = node
        return
    if type(v) is list:
        if not v or schema.list_type(path)[0] == "atomic":
            out[pe] = _leaf()
            return
        lt = schema.list_type(path)[0]
        node = {} if (typed and not item_of and schema.is_value_struct(path)) else _leaf()
        for ipe, item in zip(list_pes(v, path, schema, strict=False), v, strict=True):
            _whole(item, path, ipe, schema, node, False, item_of=lt)
        out[pe] = node
        return
    out[pe] = _leaf()


# --- set algebra -----------------------------------------------------------------------------------


def union(a: FieldSet, b: FieldSet) -> FieldSet:
    if not a:
        return b
    if not b:
        return a
    out = dict(a)
    for k, bv in b.items():
        if k == MEMBER:
            out[MEMBER] = {}
            continue
        av = out.get(k)
        out[k] = bv if av is None else union(av, bv)
    return out


def difference(a: FieldSet, b: FieldSet) -> FieldSet:
    """Members of ``a`` that are not members of ``b``."""
    if not b:
        return a
    out: FieldSet = {}
    for k, av in a.items():
        if k == MEMBER:
            if MEMBER not in b:
                out[MEMBER] = {}
            continue
        bv = b.get(k)
        if bv is None:
            out[k] = av
            continue
        d = difference(av, bv)
        if d:
            out[k] = d
    return out


def intersection_paths(a: FieldSet, b: FieldSet, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths that are members of both sets."""
    found: list[tuple[str, ...]] = []
    if MEMBER in a and MEMBER in b and prefix:
        found.append(prefix)
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    for k, sv in small.items():
        if k == MEMBER:
            continue
        bv = big.get(k)
        if bv is not None:
            found.extend(intersection_paths(sv, bv, (*prefix, k)))
    return found


def from_paths(paths: list[tuple[str, ...]]) -> FieldSet:
    out: FieldSet = {}
    for p in paths:
        node = out
        for pe in p:
            node = node.setdefault(pe, {})
        node[MEMBER] = {}
    return out


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


# --- FieldsV1 encoding -----------------------------------------------------------------------------


def decode(fields_v1: Any) -> FieldSet:
    """FieldsV1 JSON (``{}`` = member leaf) into the internal form (explicit ``"."`` members)."""
    if not isinstance(fields_v1, dict):
        raise ValueError("fieldsV1 must be an object")
    return _decode(fields_v1, top=True)


def _decode(node: dict[str, Any], *, top: bool = False) -> FieldSet:
    if not node:
        return {} if top else _leaf()
    out: FieldSet = {}
    for k, v in node.items():
        if k == MEMBER:
            out[MEMBER] = {}
        elif isinstance(v, dict):
            out[k] = _decode(v)
        else:
            raise ValueError(f"fieldsV1: {k} must map to an object")
    return out


_ORDER_RANK = {"f": 1, "k": 2, "v": 3, "i": 4}


def _sort_key(pe: str) -> tuple[int, str]:
    return (0, "") if pe == MEMBER else (_ORDER_RANK.get(pe[:1], 5), pe[2:])


def encode(s: FieldSet) -> dict[str, Any]:
    """Internal form into FieldsV1 JSON: ``"."`` first, then fields, keys, values, indexes, sorted."""
    out: dict[str, Any] = {}
    for k in sorted(s, key=_sort_key):
        v = s[k]
        if k == MEMBER:
            out[MEMBER] = {}
        elif len(v) == 1 and MEMBER in v:
            out[k] = {}
        else:
            out[k] = encode(v)
    return out


def pe_string(pe: str) -> str:
    """One path element as a real API server prints it in a conflict (``.name``, ``[name="x"]``)."""
    kind, _, raw = pe.partition(":")
    if kind == "f":
        return "." + raw
    if kind == "i":
        return f"[{raw}]"
    value = json.loads(raw)
    if kind == "v":
        return "[=" + _go_value(value) + "]"
    return "[" + ",".join(f"{k}={_go_value(value[k])}" for k in sorted(value)) + "]"


def _go_value(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return _jv(v)


def path_string(path: tuple[str, ...]) -> str:
    return "".join(pe_string(pe) for pe in path)
