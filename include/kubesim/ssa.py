"""Server-side apply and managedFields tracking, as a real API server does them.

Every write records who owns which field in ``metadata.managedFields`` (FieldsV1 per manager,
operation Apply or Update). ``apply`` merges an applier's configuration into the live object:
list-maps by key, sets as unions, atomic values whole; fields the applier stopped sending are
removed unless another manager still owns them; changing a field another manager owns is an
``ApplyConflict`` unless ``force``, which moves only those fields. ``track_update`` gives an
Update manager (POST/PUT/non-apply PATCH) the fields it changed and takes them from everyone else.
The algorithm follows sigs.k8s.io/structured-merge-diff (``Updater.Apply``/``Updater.Update``) and
the apiserver's fieldmanager wrappers (managedFields reset, before-first-apply, kubectl's
last-applied-configuration upgrade, timestamps only on change).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kubesim import fieldsets as fs
from kubesim.schema import Path, Schema
from kubesim.smp import PatchError, jcopy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
BEFORE_FIRST_APPLY = "before-first-apply"
_SYSTEM_META = frozenset({
    "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "managedFields",
    "deletionTimestamp", "deletionGracePeriodSeconds",
})


@dataclass(frozen=True)
class Conflict:
    manager: str
    field: str                 # as in a real API server's message, e.g. ".spec.replicas"
    operation: str = "Apply"
    api_version: str = ""
    subresource: str = ""

    def describe(self) -> str:
        """The manager as a real API server prints it: ``"kubectl" using apps/v1`` for Update."""
        text = json.dumps(self.manager)
        if self.subresource:
            text += f' with subresource "{self.subresource}"'
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text


class ApplyConflict(Exception):
    """409 Conflict of an apply: ``conflicts`` name each field and manager."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(self.message)

    @property
    def message(self) -> str:
        c = self.conflicts
        if len(c) == 1:
            return f"Apply failed with 1 conflict: conflict with {c[0].describe()}: {c[0].field}"
        lines: list[str] = []
        for who in sorted({x.describe() for x in c}):
            lines.append(f"conflicts with {who}:")
            lines.extend(f"- {x.field}" for x in c if x.describe() == who)
        return f"Apply failed with {len(c)} conflicts: " + "\n".join(lines)

    @property
    def causes(self) -> list[dict[str, str]]:
        return [{"type": "FieldManagerConflict", "message": f"conflict with {x.describe()}", "field": x.field}
                for x in self.conflicts]


@dataclass
class _Entry:
    manager: str
    operation: str
    api_version: str
    subresource: str
    time: str | None
    fields: fs.FieldSet
    raw: dict[str, Any] | None = field(default=None)   # the stored entry, reused when unchanged
    changed: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.manager, self.operation, self.subresource,
                self.api_version if self.operation == "Update" else "")


# --- managedFields (de)serialisation ---------------------------------------------------------------


def _decode_entries(entries: Any) -> list[_Entry] | None:
    """The managers of a managedFields list, or None when it cannot be decoded."""
    if not isinstance(entries, list):
        return None
    out: dict[tuple[str, str, str, str], _Entry] = {}
    for raw in entries:
        if not isinstance(raw, dict) or raw.get("fieldsType", "FieldsV1") != "FieldsV1":
            return None
        try:
            fields = fs.decode(raw.get("fieldsV1") or {})
        except ValueError:
            return None
        e = _Entry(str(raw.get("manager", "")), str(raw.get("operation", "")), str(raw.get("apiVersion", "")),
                   str(raw.get("subresource", "")), raw.get("time"), fields, raw)
        if not e.manager and not e.operation and not fields:
            continue
        prev = out.get(e.key)
        if prev is not None:
            prev.fields = fs.union(prev.fields, e.fields)
            prev.changed = True
        else:
            out[e.key] = e
    return list(out.values())


def _encode_entry(e: _Entry) -> dict[str, Any]:
    if not e.changed and e.raw is not None:
        return jcopy(e.raw)
    out: dict[str, Any] = {"manager": e.manager, "operation": e.operation, "apiVersion": e.api_version}
    if e.time:
        out["time"] = e.time
    out["fieldsType"] = "FieldsV1"
    out["fieldsV1"] = fs.encode(e.fields)
    if e.subresource:
        out["subresource"] = e.subresource
    return out


def _encode(entries: list[_Entry], original: list[Any] | None) -> list[dict[str, Any]] | None:
    live = [e for e in entries if e.fields]
    if not live:
        return None
    if original is not None and not any(e.changed for e in live) and len(live) == len(original):
        return [jcopy(x) for x in original]
    live.sort(key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource))
    return [_encode_entry(e) for e in live]


def _is_reset(mf: Any) -> bool:
    return isinstance(mf, list) and len(mf) > 0 and all(isinstance(x, dict) and not x for x in mf)


def _body(obj: dict[str, Any] | None) -> dict[str, Any]:
    """The object without metadata.managedFields (shallow: shares everything else)."""
    if not obj:
        return {}
    md = obj.get("metadata")
    if not isinstance(md, dict) or "managedFields" not in md:
        return obj
    out = dict(obj)
    out["metadata"] = {k: v for k, v in md.items() if k != "managedFields"}
    return out


def _with_managed(obj: dict[str, Any], mf: list[dict[str, Any]] | None) -> dict[str, Any]:
    md = obj.get("metadata")
    if not isinstance(md, dict):
        md = obj["metadata"] = {}
    md.pop("managedFields", None)
    if mf:
        md["managedFields"] = mf
    return obj


# --- merge (structured-merge-diff Merge) -----------------------------------------------------------


def _merge_map(live: dict[str, Any], config: dict[str, Any], path: Path, schema: Schema) -> dict[str, Any]:
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
        return _merge_map(lv, cv, path, schema)
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
        if lt == "map" and type(lv) is dict and type(r) is dict:
            return _merge_map(lv, r, path, schema)
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


def _prune_map(node: dict[str, Any], last: fs.FieldSet, owned: fs.FieldSet, path: Path, schema: Schema) -> None:
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
            _prune_map(v, lnode, onode, cpath, schema)
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
            if lt == "map" and type(item) is dict:
                _prune_map(item, lnode, onode, path, schema)
        keep.append(item)
    items[:] = keep


# --- Apply -----------------------------------------------------------------------------------------


def apply(live: dict | None, config: dict, *, manager: str, force: bool, schema: Schema,
          api_version: str, now: str, subresource: str = "") -> dict:
    """Merge ``config`` into ``live`` as ``manager`` (operation Apply); create when ``live`` is None.

    Returns a new object with metadata.managedFields updated. When nothing changes the result equals
    ``live`` (timestamps included), so the caller can skip the write. Raises ApplyConflict, or
    PatchError for a configuration that cannot be applied.
    """
    cmeta = config.get("metadata")
    if isinstance(cmeta, dict) and cmeta.get("managedFields") is not None:
        raise PatchError("metadata.managedFields must be nil", field="metadata.managedFields")
    clean = _without_system_meta(config)
    config_set = fs.object_set(clean, schema, strict=True)
    live_body = _body(live)
    original_mf = (live or {}).get("metadata", {}).get("managedFields") if live else None
    entries = _decode_entries(original_mf) if original_mf else []
    if entries is None:
        entries, original_mf = [], None
    if live is not None and not entries:
        before = fs.compare({}, live_body, schema)
        before_set = fs.union(before[0], before[1])
        if before_set:
            entries = [_Entry(BEFORE_FIRST_APPLY, "Update", api_version, "", None, before_set, changed=True)]

    me = _Entry(manager, "Apply", api_version, subresource, None, config_set, changed=True)
    mine = next((e for e in entries if e.key == me.key), None)
    others = [e for e in entries if e.key != me.key]
    if mine is not None:
        me.time = mine.time
        me.raw = mine.raw
        me.changed = mine.fields != config_set or mine.api_version != api_version

    merged = _merge_map(live_body, clean, (), schema)
    if mine is not None and mine.fields:
        owned = config_set
        for e in others:
            owned = fs.union(owned, e.fields)
        _prune_map(merged, mine.fields, owned, (), schema)

    added, modified, removed = fs.compare(live_body, merged, schema)
    changed = fs.union(added, modified)
    conflicts = _conflicts(others, changed)
    if conflicts and not force:
        allowed = _allowed_by_last_applied(live, manager, schema)
        blocking = [c for c in conflicts if c[1] not in allowed]
        if blocking:
            raise ApplyConflict([_conflict(e, p) for e, p in blocking])
    for e in others:
        lost = fs.from_paths([p for c_e, p in conflicts if c_e is e])
        new_fields = fs.difference(fs.difference(e.fields, lost), removed)
        if new_fields != e.fields:
            e.fields = new_fields
            e.changed = True

    if manager == "kubectl" and live is not None and _last_applied(live) is not None:
        _set_last_applied(merged, config)
    object_changed = merged != live_body
    if object_changed or mine is None:
        me.changed = True
    if object_changed:
        me.time = now
    result_entries = [*others, me] if config_set else others
    mf = _encode(result_entries if result_entries else [], original_mf)
    if live is not None and not object_changed and mf == original_mf:
        return jcopy(live)
    return _with_managed(merged, mf)


def _without_system_meta(config: dict[str, Any]) -> dict[str, Any]:
    md = config.get("metadata")
    if not isinstance(md, dict) or not any(k in md for k in _SYSTEM_META):
        return config
    out = dict(config)
    out["metadata"] = {k: v for k, v in md.items() if k not in _SYSTEM_META}
    return out


def _conflicts(others: list[_Entry], changed: fs.FieldSet) -> list[tuple[_Entry, tuple[str, ...]]]:
    found: list[tuple[_Entry, tuple[str, ...]]] = []
    if not changed:
        return found
    for e in others:
        found.extend((e, p) for p in fs.intersection_paths(e.fields, changed))
    return found


def _conflict(e: _Entry, path: tuple[str, ...]) -> Conflict:
    return Conflict(e.manager, fs.path_string(path), e.operation, e.api_version, e.subresource)


def _last_applied(obj: dict[str, Any] | None) -> str | None:
    ann = ((obj or {}).get("metadata") or {}).get("annotations") or {}
    value = ann.get(LAST_APPLIED) if isinstance(ann, dict) else None
    return value if isinstance(value, str) else None


def _allowed_by_last_applied(live: dict | None, manager: str, schema: Schema) -> set[tuple[str, ...]]:
    """Fields kubectl may take over from client-side apply (its last-applied-configuration)."""
    text = _last_applied(live) if manager == "kubectl" else None
    if not text:
        return set()
    try:
        last = json.loads(text)
    except ValueError:
        return set()
    if not isinstance(last, dict):
        return set()
    try:
        owned = fs.object_set(last, schema)
        changed_since = fs.compare(_body(live), last, schema)[1]
    except PatchError:
        return set()
    # Only fields still holding their last-applied value: `kubectl scale` after a client-side apply
    # leaves .spec.replicas to conflict.
    return set(_all_members(fs.difference(owned, changed_since), ()))


def _all_members(s: fs.FieldSet, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    out = [prefix] if fs.MEMBER in s and prefix else []
    for k, v in s.items():
        if k != fs.MEMBER:
            out.extend(_all_members(v, (*prefix, k)))
    return out


def _set_last_applied(merged: dict[str, Any], config: dict[str, Any]) -> None:
    cfg = jcopy(config)
    ann = (cfg.get("metadata") or {}).get("annotations")
    if isinstance(ann, dict):
        ann.pop(LAST_APPLIED, None)
        if not ann:
            del cfg["metadata"]["annotations"]
    text = json.dumps(cfg, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    merged.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = text


# --- Update ----------------------------------------------------------------------------------------


def track_update(old: dict | None, new: dict, *, manager: str, schema: Schema,
                 api_version: str, now: str, subresource: str = "") -> dict:
    """Record a POST/PUT/non-apply PATCH by ``manager`` (operation Update) in ``new``'s managedFields.

    The manager takes every field it added or changed, from whoever owned it; fields it removed are
    dropped from every manager. ``managedFields: [{}]`` in ``new`` clears managedFields first; the
    manager then owns only what this same request changed.
    """
    new_mf = (new.get("metadata") or {}).get("managedFields")
    result = jcopy(new)
    reset = _is_reset(new_mf)
    old_mf = (old or {}).get("metadata", {}).get("managedFields") if old and not reset else None
    entries: list[_Entry] | None = None
    original_mf = old_mf
    if new_mf and not subresource and not reset:
        entries = _decode_entries(new_mf)
        original_mf = new_mf
    if entries is None:
        entries = _decode_entries(old_mf) if old_mf else []
        original_mf = old_mf
    if entries is None:
        entries, original_mf = [], None
    added, modified, removed = fs.compare(_body(old), _body(new), schema)
    current = fs.union(added, modified)
    key = (manager, "Update", subresource, api_version)
    for e in entries:
        nf = fs.difference(fs.difference(e.fields, current), removed)
        if nf != e.fields:
            e.fields = nf
            e.changed = True
    if current:
        mine = next((e for e in entries if e.key == key), None)
        if mine is None:
            mine = _Entry(manager, "Update", api_version, subresource, now, {}, changed=True)
            entries.append(mine)
        mine.fields = fs.union(mine.fields, current)
        mine.time = now
        mine.changed = True
    return _with_managed(result, _encode(entries, original_mf))
