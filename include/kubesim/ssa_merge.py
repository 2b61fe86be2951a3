"""The structured merge of an apply configuration into a live object, and pruning what was dropped.

Follows sigs.k8s.io/structured-merge-diff: maps merge key by key, list-maps by their key fields and
sets by value, keeping live-only items where they were and the configuration's order for the rest;
atomic lists and maps are replaced whole. Pruning removes what the applier applied last time, no
longer applies, and no manager owns any more.
"""

from __future__ import annotations

from typing import Any

from kubesim import fieldsets as fs
from kubesim.schema import Path, Schema
from kubesim.smp import jcopy


def merge_map(live: dict[str, Any], config: dict[str, Any], path: Path, schema: Schema) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, lv in live.items():
        if k not in config:
            out[k] = jcopy(lv)
            continue
        cv = config[k]
        if cv is None:
            continue
        out[k] = _merge_value(lv, cv, (*path, k), schema)
    for k, cv in config.items():
        if k not in live and cv is not None:
            out[k] = _drop_nulls(cv)
    return out


def _merge_value(lv: Any, cv: Any, path: Path, schema: Schema) -> Any:
    if type(lv) is dict and type(cv) is dict and not schema.is_atomic_map(path):
        return merge_map(lv, cv, path, schema)
    if type(lv) is list and type(cv) is list:
        lt = schema.list_type(path)[0]
        if lt != "atomic":
            return _merge_list(lv, cv, path, schema, lt)
    return _drop_nulls(cv)


def _drop_nulls(v: Any) -> Any:
    if type(v) is dict:
        return {k: _drop_nulls(x) for k, x in v.items() if x is not None}
    if type(v) is list:
        return [_drop_nulls(x) for x in v]
    return v


def _merge_list(lhs: list[Any], rhs: list[Any], path: Path, schema: Schema, lt: str) -> list[Any]:
    """Merge list-maps/sets keeping live-only items in place and the config's order for the rest."""
    rpes = fs.list_pes(rhs, path, schema, strict=True)
    lpes = fs.list_pes(lhs, path, schema, strict=False)
    robs = dict(zip(rpes, rhs, strict=True))
    lobs: dict[str, Any] = {}
    for pe, item in zip(lpes, lhs, strict=True):
        lobs.setdefault(pe, item)

    def merged_item(pe: str) -> Any:
        r = robs[pe]
        lv = lobs.get(pe)
        if lt == "map" and type(lv) is dict and type(r) is dict and not schema.items_atomic(path):
            return merge_map(lv, r, path, schema)
        return _drop_nulls(r)

    shared = [pe for pe in rpes if pe in lobs]
    si = 0
    next_shared = shared[0] if shared else None
    merged_r: set[str] = set()
    out: list[Any] = []
    li = ri = 0
    while li < len(lpes) or ri < len(rpes):
        if li < len(lpes) and ri < len(rpes):
            pe = lpes[li]
            if pe == rpes[ri]:
                merged_r.add(pe)
                out.append(merged_item(pe))
                li += 1
                ri += 1
                si += 1
                next_shared = shared[si] if si < len(shared) else None
                continue
            if pe in robs and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < len(lpes):
            pe = lpes[li]
            if pe not in robs:
                out.append(jcopy(lhs[li]))
                li += 1
                continue
            if pe in merged_r:
                li += 1
                continue
        if ri < len(rpes):
            pe = rpes[ri]
            merged_r.add(pe)
            out.append(merged_item(pe))
            ri += 1
            if next_shared is not None and next_shared == pe:
                si += 1
                next_shared = shared[si] if si < len(shared) else None
    return out


# --- prune -----------------------------------------------------------------------------------------


def prune_map(
    node: dict[str, Any], last: fs.FieldSet, owned: fs.FieldSet, path: Path, schema: Schema
) -> None:
    """Remove what the applier owned last time, no longer applies, and nobody else owns."""
    for k in list(node):
        pe = "f:" + k
        lnode = last.get(pe)
        if lnode is None:
            continue
        onode = owned.get(pe)
        if onode is None:
            del node[k]
            continue
        v = node[k]
        cpath = (*path, k)
        if type(v) is dict and not schema.is_atomic_map(cpath):
            prune_map(v, lnode, onode, cpath, schema)
        elif type(v) is list and schema.list_type(cpath)[0] != "atomic":
            _prune_list(v, lnode, onode, cpath, schema)


def _prune_list(items: list[Any], last: fs.FieldSet, owned: fs.FieldSet, path: Path, schema: Schema) -> None:
    lt = schema.list_type(path)[0]
    pes = fs.list_pes(items, path, schema, strict=False)
    keep: list[Any] = []
    for pe, item in zip(pes, items, strict=True):
        lnode = last.get(pe)
        if lnode is not None:
            onode = owned.get(pe)
            if onode is None:
                continue
            if lt == "map" and type(item) is dict and not schema.items_atomic(path):
                prune_map(item, lnode, onode, path, schema)
        keep.append(item)
    items[:] = keep
