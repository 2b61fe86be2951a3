"""Deciding what prune may delete: pure functions over inventory entries and live objects.

Prune is the one place where Airflux destroys things, so the rules are spelled out here and tested
without a cluster: only objects that left the render, still carry our owner label, do not opt out
with ``kustomize.toolkit.fluxcd.io/prune: disabled``; and never everything because a render came out
empty by mistake. Whether a Namespace may go is ``prune.namespaces``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airflux.apply.kinds import prune_order
from airflux.inventory.model import Entry
from airflux.model import ObjRef, PruneError
from airflux.ownership import owned_by, prune_disabled


@dataclass(frozen=True)
class PrunePlan:
    delete: tuple[Entry, ...]  # in reverse kind order
    keep: tuple[tuple[Entry, str], ...]  # not ours to delete: dropped from the inventory
    gone: tuple[Entry, ...]  # already deleted by someone


def check_empty_render(*, rendered: int, stale: int, allow_empty: bool) -> None:
    """Refuse to prune everything because a render yielded nothing (a wrong path, an empty commit)."""
    if rendered == 0 and stale > 0 and not allow_empty:
        raise PruneError(
            f"the render has no objects; refusing to prune all {stale} objects of the app "
            'unless the Kustomization is annotated airflux.io/allow-empty: "true"')


def plan_prune(stale: Iterable[Entry], live: Mapping[ObjRef, dict[str, Any] | None], *,
               dag_id: str) -> PrunePlan:
    entries = {e.ref: e for e in stale}
    delete, keep, gone = [], [], []
    for ref in prune_order(entries):
        entry, obj = entries[ref], live.get(ref)
        if obj is None:
            gone.append(entry)
        elif not owned_by(obj, dag_id):
            keep.append((entry, "not owned by this app (owner label missing or different)"))
        elif prune_disabled(obj):
            keep.append((entry, "prune disabled by annotation"))
        elif (obj.get("metadata") or {}).get("deletionTimestamp"):
            gone.append(entry)
        else:
            delete.append(entry)
    return PrunePlan(tuple(delete), tuple(keep), tuple(gone))
