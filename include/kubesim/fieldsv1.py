"""Field sets in the FieldsV1 shape that managedFields carry: set algebra and (de)serialisation.

A set is a nested dict keyed by path elements as FieldsV1 writes them (``f:name``,
``k:{"name":"app"}``, ``v:"x"``, ``i:0``); the key ``"."`` marks that the node itself is a member.
Keeping this shape internally means managedFields decode and encode without a translation layer.
Sets are never mutated once built, so operations may share subtrees.
"""

from __future__ import annotations

import json
from typing import Any

FieldSet = dict[str, Any]
MEMBER = "."


def leaf() -> FieldSet:
    return {MEMBER: {}}


_GO_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def jv(value: Any) -> str:
    """JSON as structured-merge-diff writes it inside ``k:``/``v:`` (compact, sorted, HTML-safe)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        for raw, esc in _GO_ESCAPES:
            text = text.replace(raw, esc)
    return text


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


def decode(fields_v1: Any) -> FieldSet:
    """FieldsV1 JSON (``{}`` = member leaf) into the internal form (explicit ``"."`` members)."""
    if not isinstance(fields_v1, dict):
        raise ValueError("fieldsV1 must be an object")
    return _decode(fields_v1, top=True)


def _decode(node: dict[str, Any], *, top: bool = False) -> FieldSet:
    if not node:
        return {} if top else leaf()
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


def path_sort_key(path: tuple[str, ...]) -> list[tuple[int, str]]:
    """Order of paths as a field set iterates them (fields, then keys, values, indexes)."""
    return [_sort_key(pe) for pe in path]


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
    return jv(v)


def path_string(path: tuple[str, ...]) -> str:
    return "".join(pe_string(pe) for pe in path)
