"""The inventory: which objects an app applied, in Flux's id form, plus what we last saw of them.

Entries use Flux's ``<namespace>_<name>_<group>_<kind>`` id and the API version, so an inventory
reads the same as a Flux Kustomization's ``status.inventory``. Each entry may also remember a fingerprint
of the live object as we left it and a digest of the config we applied: when both still match,
the object cannot have drifted and a no-op reconcile skips its dry-run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from airflux.model import ObjRef


def object_id(ref: ObjRef) -> str:
    return f"{ref.namespace}_{ref.name}_{ref.group}_{ref.kind}"


def parse_id(value: str) -> ObjRef:
    """Inverse of ``object_id``; names, namespaces, groups and kinds never contain ``_``."""
    parts = value.split("_")
    if len(parts) != 4 or not parts[1] or not parts[3]:
        raise ValueError(f"not an inventory id: {value!r}")
    namespace, name, group, kind = parts
    return ObjRef(group, kind, namespace, name)


def live_fingerprint(obj: dict[str, Any] | None) -> str:
    """What must stay the same for a live object to still match the config we applied.

    A digest of the object without status and server bookkeeping, with ``spec`` stood in for by
    ``metadata.generation`` where the kind has one (the server bumps it on every spec change), plus
    which managers own fields outside status. Controllers' status updates then leave it unchanged,
    so a no-op reconcile needs no dry-run; any edit of spec, data, labels or annotations, and any
    new field manager (``kubectl edit``), changes it.
    """
    if not obj:
        return ""
    meta = obj.get("metadata") or {}
    body = {k: v for k, v in obj.items() if k not in ("status", "metadata")}
    generation = meta.get("generation")
    if generation is not None and "spec" in body:
        body["spec"] = f"generation {generation}"
    kept = {k: meta.get(k) for k in ("labels", "annotations", "ownerReferences", "finalizers", "deletionTimestamp")}
    managers = sorted((str(e.get("manager", "")), str(e.get("operation", "")), str(e.get("subresource", "")))
                      for e in meta.get("managedFields") or [] if e.get("subresource") != "status")
    data = json.dumps([body, kept, managers], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def config_digest(obj: dict[str, Any]) -> str:
    """Digest of the config we send for an object (after labelling): same digest, same apply."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:32]


@dataclass(frozen=True, order=True)
class Entry:
    ref: ObjRef
    version: str
    fingerprint: str = field(default="", compare=False)  # live_fingerprint() when we last left it
    digest: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        return object_id(self.ref)

    @property
    def api_version(self) -> str:
        return f"{self.ref.group}/{self.version}" if self.ref.group else self.version


@dataclass(frozen=True)
class Inventory:
    entries: tuple[Entry, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Inventory:
        by_ref: dict[ObjRef, Entry] = {}
        for e in entries:
            by_ref[e.ref] = e
        return cls(tuple(sorted(by_ref.values())))

    @property
    def refs(self) -> frozenset[ObjRef]:
        return frozenset(e.ref for e in self.entries)

    def get(self, ref: ObjRef) -> Entry | None:
        for e in self.entries:
            if e.ref == ref:
                return e
        return None

    def as_map(self) -> dict[ObjRef, Entry]:
        return {e.ref: e for e in self.entries}

    def stale(self, new: Inventory) -> tuple[Entry, ...]:
        """Entries of this (old) inventory that ``new`` no longer has: prune candidates."""
        keep = new.refs
        return tuple(e for e in self.entries if e.ref not in keep)

    def with_entries(self, extra: Iterable[Entry]) -> Inventory:
        return Inventory.of([*self.entries, *(e for e in extra if e.ref not in self.refs)])

    def without(self, refs: Iterable[ObjRef]) -> Inventory:
        drop = set(refs)
        return Inventory(tuple(e for e in self.entries if e.ref not in drop))

    def __len__(self) -> int:
        return len(self.entries)


def inventory_after_apply(old: Inventory | None, applied: Inventory, *, prune: bool) -> Inventory:
    """What to store after apply, before prune: with prune, stale entries stay until deleted."""
    if not prune or old is None:
        return applied
    return applied.with_entries(old.stale(applied))
