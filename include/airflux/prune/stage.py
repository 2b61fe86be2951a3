"""The prune stage: delete what left the render, in reverse kind order, with Background propagation.

Every candidate is re-read from the cluster right before deciding (ownership can change between
diff and prune). A delete that fails does not stop the others; the stage fails afterwards and the
failed objects stay in the inventory so the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from airflux.inventory.model import Entry
from airflux.kube import KubeApiError, KubeClient, parallel_map
from airflux.model import ObjRef, PruneError
from airflux.prune.namespaces import namespaces_in_use
from airflux.prune.plan import check_empty_render, plan_prune

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class PruneOptions:
    dag_id: str
    rendered: int  # objects in this run's render (0 → refuse unless allow_empty)
    allow_empty: bool = False  # annotation airflux.io/allow-empty: "true" on the Kustomization
    workers: int = 8
    logger: logging.Logger | None = None


@dataclass(frozen=True)
class PruneResult:
    deleted: tuple[ObjRef, ...] = ()
    kept: tuple[tuple[ObjRef, str], ...] = ()  # left alone on purpose (not ours, opted out, namespace in use)
    failed: tuple[tuple[ObjRef, str], ...] = ()
    remaining: tuple[Entry, ...] = ()  # must stay in the inventory (failed, namespaces still in use)

    def counts(self) -> dict[str, int]:
        return {"deleted": len(self.deleted), "kept": len(self.kept), "failed": len(self.failed)}


class PruneFailed(PruneError):
    def __init__(self, result: PruneResult) -> None:
        lines = "\n".join(f"  {ref}: {msg}" for ref, msg in result.failed)
        super().__init__(f"could not delete {len(result.failed)} object(s) (kept in the inventory):\n{lines}",
                         retryable=True)
        self.result = result


def prune(client: KubeClient, stale: Sequence[Entry], *, options: PruneOptions) -> PruneResult:
    """Delete the ``stale`` entries (old inventory minus new) that are still ours to delete."""
    logger = options.logger or log
    check_empty_render(rendered=options.rendered, stale=len(stale), allow_empty=options.allow_empty)
    if not stale:
        return PruneResult()

    def read(entry: Entry) -> dict[str, Any] | None:
        try:
            return client.get_ref(entry.ref, api_version=entry.api_version)
        except KubeApiError as e:
            if e.reason == "NoKindMatch":  # its CRD is gone, so is the object
                return None
            raise

    live: dict[ObjRef, dict[str, Any] | None] = {}
    for outcome in parallel_map(read, list(stale), workers=options.workers):
        if outcome.error is not None:
            raise outcome.error
        live[outcome.item.ref] = outcome.value
    plan = plan_prune(stale, live, dag_id=options.dag_id)
    kept = [(e.ref, why) for e, why in plan.keep]
    remaining: list[Entry] = []
    deleting = frozenset(e.ref for e in plan.delete)
    deleted: list[ObjRef] = [e.ref for e in plan.gone]
    failed: list[tuple[ObjRef, str]] = []

    def delete(entry: Entry) -> bool:
        return client.delete(entry.ref, api_version=entry.api_version, propagation="Background")

    for _kind, group in groupby(plan.delete, key=lambda e: e.ref.kind):
        batch = list(group)
        if batch[0].ref.kind == "Namespace":
            in_use = namespaces_in_use(client, [e.ref for e in batch], deleting=deleting)
            for entry in batch:
                if entry.ref in in_use:
                    kept.append((entry.ref, in_use[entry.ref]))
                    remaining.append(entry)
                    logger.warning("%s not deleted: %s", entry.ref, in_use[entry.ref])
            batch = [e for e in batch if e.ref not in in_use]
        for done in parallel_map(delete, batch, workers=options.workers):
            if done.error is None:
                deleted.append(done.item.ref)
                logger.info("► %s deleted", done.item.ref)
            else:
                err = done.error
                failed.append((done.item.ref, err.message if isinstance(err, KubeApiError) else str(err)))
                remaining.append(done.item)
    for ref, why in kept:
        logger.info("► %s kept (%s)", ref, why)
    result = PruneResult(tuple(sorted(deleted)), tuple(sorted(kept)), tuple(sorted(failed)),
                         tuple(sorted(remaining)))
    if failed:
        raise PruneFailed(result)
    return result
