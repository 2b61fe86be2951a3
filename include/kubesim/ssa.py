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
from dataclasses import dataclass
from typing import Any

from kubesim import fieldsets as fs
from kubesim import managedfields as mfs
from kubesim import ssa_merge
from kubesim.schema import Schema
from kubesim.smp import PatchError, jcopy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
BEFORE_FIRST_APPLY = "before-first-apply"
_SYSTEM_META = frozenset(
    {
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "selfLink",
        "managedFields",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    }
)


@dataclass(frozen=True)
class Conflict:
    manager: str
    field: str  # as in a real API server's message, e.g. ".spec.replicas"
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
        return [
            {"type": "FieldManagerConflict", "message": f"conflict with {x.describe()}", "field": x.field}
            for x in self.conflicts
        ]


# --- Apply -----------------------------------------------------------------------------------------


def apply(
    live: dict | None,
    config: dict,
    *,
    manager: str,
    force: bool,
    schema: Schema,
    api_version: str,
    now: str,
    subresource: str = "",
) -> dict:
    """Merge ``config`` into ``live`` as ``manager`` (operation Apply); create when ``live`` is None.

    Returns a new object with metadata.managedFields updated. When nothing changes the result equals
    ``live`` (timestamps included), so the caller can skip the write. Raises ApplyConflict, or
    PatchError for a configuration that cannot be applied.
    """
    cmeta = config.get("metadata")
    if isinstance(cmeta, dict) and cmeta.get("managedFields") is not None:
        raise PatchError("metadata.managedFields must be nil", field="metadata.managedFields", code=400)
    clean = _without_system_meta(config)
    try:
        config_set = fs.object_set(clean, schema, strict=True)
    except PatchError as exc:
        group_version = api_version if "/" in api_version else "/" + api_version
        raise PatchError(
            f"failed to create typed patch object ({group_version}, Kind={config.get('kind', '')}): "
            f"{exc.message}",
            field=exc.field,
            code=500,
        ) from None
    live_body = mfs.body(live)
    original_mf = _meta(live).get("managedFields")
    entries = mfs.decode_entries(original_mf) if original_mf else []
    if entries is None:
        entries, original_mf = [], None
    if live is not None and not entries:
        before = fs.compare({}, live_body, schema)
        before_set = fs.union(before[0], before[1])
        if before_set:
            entries = [
                mfs.Entry(BEFORE_FIRST_APPLY, "Update", api_version, "", now, before_set, changed=True)
            ]

    me = mfs.Entry(manager, "Apply", api_version, subresource, None, config_set, changed=True)
    mine = next((e for e in entries if e.key == me.key), None)
    others = [e for e in entries if e.key != me.key]
    if mine is not None:
        me.time = mine.time
        me.raw = mine.raw
        me.changed = mine.fields != config_set or mine.api_version != api_version

    merged = ssa_merge.merge_map(live_body, clean, (), schema)
    if mine is not None and mine.fields and fs.difference(mine.fields, config_set):
        owned = config_set
        for e in others:
            owned = fs.union(owned, e.fields)
        ssa_merge.prune_map(merged, mine.fields, owned, (), schema)

    unchanged = live is not None and merged == live_body  # the common no-op: skip the walk
    added, modified, removed = ({}, {}, {}) if unchanged else fs.compare(live_body, merged, schema)
    changed = fs.union(added, modified)
    conflicts = _conflicts(others, changed)
    if conflicts and not force:
        allowed = _allowed_by_last_applied(live, manager, schema)
        blocking = [c for c in conflicts if c[1] not in allowed]
        if blocking:
            raise ApplyConflict([_conflict(e, p) for e, p in blocking])
    for e in others:
        lost = [p for c_e, p in conflicts if c_e is e]
        if not lost and not removed:
            continue
        new_fields = fs.difference(fs.difference(e.fields, fs.from_paths(lost)), removed)
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
    untouched = not any(e.changed for e in result_entries) and len(result_entries) == len(entries)
    if live is not None and not object_changed and untouched:
        # ``merged`` is already a fresh copy equal to the live body: give it the live entries back.
        return mfs.with_managed(merged, jcopy(original_mf) if original_mf else None)
    return mfs.with_managed(merged, mfs.encode(result_entries, original_mf))


def _meta(obj: Any) -> dict[str, Any]:
    md = obj.get("metadata") if isinstance(obj, dict) else None
    return md if isinstance(md, dict) else {}


def _without_system_meta(config: dict[str, Any]) -> dict[str, Any]:
    md = config.get("metadata")
    if not isinstance(md, dict) or not any(k in md for k in _SYSTEM_META):
        return config
    out = dict(config)
    out["metadata"] = {k: v for k, v in md.items() if k not in _SYSTEM_META}
    return out


def _conflicts(others: list[mfs.Entry], changed: fs.FieldSet) -> list[tuple[mfs.Entry, tuple[str, ...]]]:
    found: list[tuple[mfs.Entry, tuple[str, ...]]] = []
    if not changed:
        return found
    for e in others:
        found.extend((e, p) for p in fs.intersection_paths(e.fields, changed))
    found.sort(key=lambda c: (c[0].manager, c[0].operation, c[0].subresource, fs.path_sort_key(c[1])))
    return found


def _conflict(e: mfs.Entry, path: tuple[str, ...]) -> Conflict:
    return Conflict(e.manager, fs.path_string(path), e.operation, e.api_version, e.subresource)


def _last_applied(obj: dict[str, Any] | None) -> str | None:
    ann = _meta(obj).get("annotations") or {}
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
        changed_since = fs.compare(mfs.body(live), last, schema)[1]
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
    ann = _meta(cfg).get("annotations")
    if isinstance(ann, dict):
        ann.pop(LAST_APPLIED, None)
        if not ann:
            del cfg["metadata"]["annotations"]
    text = json.dumps(cfg, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    # Go's encoder escapes HTML-significant characters and the JS line separators.
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    md = merged.get("metadata")
    if isinstance(md, dict):
        ann = md.get("annotations")
        if not isinstance(ann, dict):
            ann = md["annotations"] = {}
        ann[LAST_APPLIED] = text


# --- Update ----------------------------------------------------------------------------------------


def track_update(
    old: dict | None,
    new: dict,
    *,
    manager: str,
    schema: Schema,
    api_version: str,
    now: str,
    subresource: str = "",
) -> dict:
    """Record a POST/PUT/non-apply PATCH by ``manager`` (operation Update) in ``new``'s managedFields.

    The manager takes every field it added or changed, from whoever owned it; fields it removed are
    dropped from every manager. ``managedFields: [{}]`` in ``new`` clears managedFields first; the
    manager then owns only what this same request changed.
    """
    new_mf = _meta(new).get("managedFields")
    result = jcopy(new)
    reset = mfs.is_reset(new_mf)
    old_mf = _meta(old).get("managedFields") if not reset else None
    entries: list[mfs.Entry] | None = None
    original_mf = old_mf
    if new_mf and not subresource and not reset:
        entries = mfs.decode_entries(new_mf)
        original_mf = new_mf
    if entries is None:
        entries = mfs.decode_entries(old_mf) if old_mf else []
        original_mf = old_mf
    if entries is None:
        entries, original_mf = [], None
    old_body, new_body = mfs.body(old), mfs.body(new)
    if old is not None and old_body == new_body:  # nothing changed: skip the walk
        added: fs.FieldSet = {}
        modified: fs.FieldSet = {}
        removed: fs.FieldSet = {}
    else:
        added, modified, removed = fs.compare(old_body, new_body, schema)
    current = fs.union(added, modified)
    key = (manager, "Update", subresource, api_version)
    if current or removed:
        for e in entries:
            nf = fs.difference(fs.difference(e.fields, current), removed)
            if nf != e.fields:
                e.fields = nf
                e.changed = True
    if current:
        mine = next((e for e in entries if e.key == key), None)
        if mine is None:
            mine = mfs.Entry(manager, "Update", api_version, subresource, now, {}, changed=True)
            entries.append(mine)
        mine.fields = fs.union(mine.fields, current)
        mine.time = now
        mine.changed = True
    return mfs.with_managed(result, mfs.encode(entries, original_mf))
