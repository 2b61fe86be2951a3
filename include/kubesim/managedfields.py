"""managedFields entries: decoding, encoding and the bookkeeping a real API server does on them.

Entries are keyed like the apiserver's manager identifiers (manager, operation, subresource, and the
apiVersion for Update entries only); they are sorted on write, capped at ten Update managers (older
ones merge into ``ancient-changes``), and reused verbatim when unchanged so a no-op write produces
an identical object.
"""

from __future__ import annotations

from typing import Any

from kubesim import fieldsets as fs
from kubesim.smp import jcopy

MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"


class Entry:
    """One manager's entry; its field set is decoded from FieldsV1 only when first needed."""

    __slots__ = (
        "_fields",
        "_v1",
        "api_version",
        "changed",
        "manager",
        "operation",
        "raw",
        "subresource",
        "time",
    )

    def __init__(
        self,
        manager: str,
        operation: str,
        api_version: str,
        subresource: str,
        time: str | None,
        fields: fs.FieldSet | None,
        raw: dict[str, Any] | None = None,
        *,
        changed: bool = False,
        v1: Any = None,
    ) -> None:
        self.manager = manager
        self.operation = operation
        self.api_version = api_version
        self.subresource = subresource
        self.time = time
        self._fields = fields
        self._v1 = v1
        self.raw = raw  # the stored entry, reused verbatim when unchanged
        self.changed = changed

    @property
    def fields(self) -> fs.FieldSet:
        if self._fields is None:
            try:
                self._fields = fs.decode(self._v1 or {})
            except ValueError:  # a malformed entry owns nothing
                self._fields = {}
        return self._fields

    @fields.setter
    def fields(self, value: fs.FieldSet) -> None:
        self._fields = value

    def has_fields(self) -> bool:
        """Whether the entry owns anything, without decoding an untouched FieldsV1."""
        return bool(self._v1) if self._fields is None else bool(self._fields)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (
            self.manager,
            self.operation,
            self.subresource,
            self.api_version if self.operation == "Update" else "",
        )


def decode_entries(entries: Any) -> list[Entry] | None:
    """The managers of a managedFields list, or None when it cannot be decoded."""
    if not isinstance(entries, list):
        return None
    out: dict[tuple[str, str, str, str], Entry] = {}
    for raw in entries:
        if not isinstance(raw, dict) or raw.get("fieldsType", "FieldsV1") != "FieldsV1":
            return None
        if not all(
            isinstance(raw.get(k) or "", str)
            for k in ("manager", "operation", "apiVersion", "subresource", "time")
        ):
            return None
        v1 = raw.get("fieldsV1")
        if v1 is not None and not isinstance(v1, dict):
            return None
        e = Entry(
            str(raw.get("manager", "")),
            str(raw.get("operation", "")),
            str(raw.get("apiVersion", "")),
            str(raw.get("subresource", "")),
            raw.get("time"),
            None,
            raw,
            v1=v1,
        )
        if not e.manager and not e.operation and not v1:
            continue
        prev = out.get(e.key)
        if prev is not None:
            prev.fields = fs.union(prev.fields, e.fields)
            prev.changed = True
        else:
            out[e.key] = e
    return list(out.values())


def encode_entry(e: Entry) -> dict[str, Any]:
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


def encode(entries: list[Entry], original: list[Any] | None) -> list[dict[str, Any]] | None:
    """managedFields for ``entries`` (None when no manager owns anything), sorted like the apiserver."""
    live = cap_update_managers([e for e in entries if e.has_fields()])
    if not live:
        return None
    if original is not None and not any(e.changed for e in live) and len(live) == len(original):
        return [jcopy(x) for x in original]
    live.sort(key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource))
    return [encode_entry(e) for e in live]


def is_reset(mf: Any) -> bool:
    """``managedFields: [{}]``: the documented way to clear managedFields (an empty list is not)."""
    return isinstance(mf, list) and len(mf) > 0 and all(isinstance(x, dict) and not x for x in mf)


def body(obj: dict[str, Any] | None) -> dict[str, Any]:
    """The object without metadata.managedFields (shallow: shares everything else)."""
    if not obj:
        return {}
    md = obj.get("metadata")
    if not isinstance(md, dict) or "managedFields" not in md:
        return obj
    out = dict(obj)
    out["metadata"] = {k: v for k, v in md.items() if k != "managedFields"}
    return out


def with_managed(obj: dict[str, Any], mf: list[dict[str, Any]] | None) -> dict[str, Any]:
    md = obj.get("metadata")
    if md is None:
        md = obj["metadata"] = {}
    elif not isinstance(md, dict):
        return obj  # invalid object: validation reports it
    md.pop("managedFields", None)
    if mf:
        md["managedFields"] = mf
    return obj


def cap_update_managers(entries: list[Entry]) -> list[Entry]:
    """Beyond ten Update managers, merge the oldest into per-version ``ancient-changes`` buckets."""
    updaters = [e for e in entries if e.operation != "Apply"]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return entries
    updaters.sort(key=lambda e: (e.time or "", e.manager, e.api_version, e.subresource))
    by_key = {e.key: e for e in entries}
    first: dict[str, Entry] = {}
    length = len(updaters)
    for e in updaters:
        if length <= MAX_UPDATE_MANAGERS:
            break
        version = e.api_version
        if version not in first:
            first[version] = e
            continue
        bkey = (ANCIENT_CHANGES, "Update", "", version)
        bucket = by_key.get(bkey)
        if bucket is e:
            continue
        if bucket is None:
            head = first[version]
            by_key.pop(head.key, None)
            bucket = Entry(ANCIENT_CHANGES, "Update", version, "", head.time, head.fields, changed=True)
            by_key[bkey] = bucket
        bucket.fields = fs.union(e.fields, bucket.fields)
        bucket.time = e.time
        bucket.changed = True
        by_key.pop(e.key, None)
        length -= 1
    return list(by_key.values())
