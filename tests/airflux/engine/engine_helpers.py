"""One reconcile of a rendered set through the engine stages, chained the way the DAG chains them.

Tests use it to drive diff → apply → inventory → prune → health against kubesim; it also shows
the order the orchestration must keep (inventory written after apply and before prune, and again
after prune with whatever could not be deleted).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from airflux.apply import ApplyFailed, ApplyOptions, ApplyResult, apply
from airflux.diff import ChangeSet, DiffOptions, diff
from airflux.health import HealthOptions, HealthResult, Target, wait_healthy
from airflux.inventory import (
    Inventory,
    InventoryOptions,
    inventory_after_apply,
    read_inventory,
    write_inventory,
)
from airflux.kube import KubeClient
from airflux.prune import PruneFailed, PruneOptions, PruneResult, prune


@dataclass(frozen=True)
class Reconciled:
    changes: ChangeSet
    applied: ApplyResult
    pruned: PruneResult | None
    health: HealthResult | None
    inventory: Inventory


def reconcile(client: KubeClient, objects: list[dict[str, Any]], *, dag_id: str, prune_enabled: bool = True,
              force: bool = False, recreate: bool = False, wait: bool = False, timeout: float = 5.0,
              allow_empty: bool = False, logger: logging.Logger | None = None) -> Reconciled:
    inv_opts = InventoryOptions(dag_id=dag_id)
    old = read_inventory(client, options=inv_opts)
    changes = diff(client, objects, options=DiffOptions(dag_id=dag_id, inventory=old, prune=prune_enabled,
                                                        force=force, recreate=recreate, logger=logger))
    try:
        applied = apply(client, objects, changes, options=ApplyOptions(dag_id=dag_id, force=force,
                                                                       recreate=recreate, logger=logger))
    except ApplyFailed as e:
        # What was written before the failure must not be forgotten.
        write_inventory(client, (old or Inventory()).with_entries(e.applied.entries), options=inv_opts)
        raise
    inventory = inventory_after_apply(old, applied.inventory, prune=prune_enabled)
    write_inventory(client, inventory, options=inv_opts, previous=old)
    pruned = None
    if prune_enabled and old is not None:
        try:
            pruned = prune(client, old.stale(applied.inventory),
                           options=PruneOptions(dag_id=dag_id, rendered=len(objects), allow_empty=allow_empty,
                                                logger=logger))
        except PruneFailed as e:
            write_inventory(client, applied.inventory.with_entries(e.result.remaining), options=inv_opts)
            raise
        inventory = applied.inventory.with_entries(pruned.remaining)
        write_inventory(client, inventory, options=inv_opts)
    health = None
    if wait:
        health = wait_healthy(client, [Target.of(o) for o in objects],
                              options=HealthOptions(timeout=timeout, interval=0.1, logger=logger))
    return Reconciled(changes, applied, pruned, health, inventory)
