"""The reconcile steps a DAG run takes after render, one function per Airflow task.

``diff_app`` decides (dry-run, nothing written) and stores the change set of the run;
``apply_app`` writes it: staged apply of what changed, the inventory after apply and before prune,
prune when ``spec.prune``, the inventory again after prune, then health when ``spec.wait`` or
``healthChecks`` ask for it. Both take plain values (a client, the app definition, paths) and
return a small frozen summary, so a script, the CLI or an Airflow operator can drive them alike.
The order here is the contract that keeps inventories right: an object that was written is
recorded even when a later object fails, and an object prune could not delete stays recorded.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from airflux.apply import ApplyFailed, ApplyOptions, ApplyResult, apply
from airflux.diff import DiffOptions, diff
from airflux.health import HealthOptions, HealthResult, Target, wait_healthy
from airflux.inventory import (
    Inventory,
    InventoryOptions,
    inventory_after_apply,
    read_inventory,
    write_inventory,
)
from airflux.kube import KubeClient
from airflux.model import ObjRef
from airflux.ownership import ALLOW_EMPTY_ANNOTATION, with_owner_label
from airflux.prune import PruneFailed, PruneOptions, PruneResult, prune
from airflux.reconcile.runs import (
    APPLIED_FILE,
    change_to_dict,
    load_rendered,
    read_changes,
    write_changes,
    write_json,
)
from airflux.reconcile.summaries import ApplySummary, DiffSummary, HealthSummary, limited, names_by_action
from airflux.redact import Redactor
from airflux.specs.types import CrossRef, Kustomization

log = logging.getLogger(__name__)


def _labelled(app: Kustomization, rendered: Path) -> list[dict[str, Any]]:
    return with_owner_label(load_rendered(rendered), app.dag_id)


def diff_app(client: KubeClient, app: Kustomization, *, rendered: Path, rendered_digest: str, revision: str,
             run_dir: Path, force: bool = False, logger: logging.Logger | None = None,
             redactor: Redactor | None = None) -> DiffSummary:
    """Dry-run the rendered set against the cluster; log it like ``flux diff``; store the change set.

    Raises ``DryRunFailed`` (every failing object named, nothing written) when the set cannot apply.
    """
    logger = logger or log
    objects = _labelled(app, rendered)
    old = read_inventory(client, options=InventoryOptions(dag_id=app.dag_id))
    changes = diff(client, objects, options=DiffOptions(dag_id=app.dag_id, inventory=old, prune=app.prune,
                                                        force=force, recreate=app.force, logger=logger,
                                                        redactor=redactor))
    path = write_changes(run_dir, changes, revision=revision, rendered_digest=rendered_digest)
    return DiffSummary(dag_id=app.dag_id, revision=revision, rendered_digest=rendered_digest,
                       object_count=len(objects), counts=changes.counts(), names=_names(names_by_action(changes)),
                       change_set=str(path), forced=force)


def _names(names: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in names.items()}


def health_targets(app: Kustomization, applied: Inventory, objects: list[dict[str, Any]]) -> list[Target]:
    """What to wait for: every applied object with ``spec.wait`` (healthChecks are then ignored, as in
    Flux), else the listed ``healthChecks``; none when neither is set."""
    if app.wait:
        return [Target(e.ref, e.api_version) for e in applied.entries]
    return [_check_target(check, objects, default_namespace=app.meta.namespace) for check in app.health_checks]


def _check_target(check: CrossRef, objects: list[dict[str, Any]], *, default_namespace: str) -> Target:
    namespace = check.namespace or default_namespace
    if check.api_version:
        group = check.api_version.rpartition("/")[0] if "/" in check.api_version else ""
        return Target(ObjRef(group, check.kind, namespace, check.name), check.api_version)
    # Without apiVersion the group comes from the rendered object of that kind and name, if any.
    for obj in objects:
        ref = ObjRef.of(obj)
        if (ref.kind, ref.name) == (check.kind, check.name) and ref.namespace in (namespace, ""):
            return Target(ObjRef(ref.group, check.kind, namespace, check.name), str(obj.get("apiVersion")))
    return Target(ObjRef("", check.kind, namespace, check.name))


def apply_app(client: KubeClient, app: Kustomization, *, rendered: Path, rendered_digest: str, revision: str,
              run_dir: Path, force: bool = False, health_interval: float = 0.5,
              logger: logging.Logger | None = None) -> ApplySummary:
    """Apply the change set ``diff_app`` stored for this run, keep the inventory, prune, wait for health.

    Raises ``ApplyFailed``, ``PruneFailed``/``PruneError`` or ``HealthCheckFailed``; in every case the
    inventory in the cluster already lists each object this run wrote (and each it could not delete).
    """
    logger = logger or log
    objects = _labelled(app, rendered)
    changes = read_changes(run_dir, rendered_digest=rendered_digest)
    inv_opts = InventoryOptions(dag_id=app.dag_id)
    old = read_inventory(client, options=inv_opts)

    try:
        applied = apply(client, objects, changes, options=ApplyOptions(dag_id=app.dag_id, force=force,
                                                                       recreate=app.force, logger=logger))
    except ApplyFailed as e:
        # What was written before the failure must not be forgotten, nor what was recorded before.
        write_inventory(client, (old or Inventory()).with_entries(e.applied.entries), options=inv_opts,
                        previous=old)
        raise
    inventory = inventory_after_apply(old, applied.inventory, prune=app.prune)
    write_inventory(client, inventory, options=inv_opts, previous=old)
    stored = inventory

    pruned: PruneResult | None = None
    if app.prune and old is not None:
        allow_empty = (app.meta.annotation(ALLOW_EMPTY_ANNOTATION) or "").strip().lower() == "true"
        try:
            pruned = prune(client, old.stale(applied.inventory),
                           options=PruneOptions(dag_id=app.dag_id, rendered=len(objects), allow_empty=allow_empty,
                                                logger=logger))
        except PruneFailed as e:
            write_inventory(client, applied.inventory.with_entries(e.result.remaining), options=inv_opts,
                            previous=stored)
            raise
        inventory = applied.inventory.with_entries(pruned.remaining)
        write_inventory(client, inventory, options=inv_opts, previous=stored)

    health: HealthResult | None = None
    targets = health_targets(app, applied.inventory, objects)
    if targets:
        logger.info("waiting up to %gs (spec.timeout) for %d object(s) to be ready",
                    app.timeout.total_seconds(), len(targets))
        health = wait_healthy(client, targets, options=HealthOptions(
            timeout=app.timeout.total_seconds(), interval=health_interval, logger=logger))

    result_path = _write_result(run_dir, applied, pruned, health, inventory, revision=revision)
    return ApplySummary(
        dag_id=app.dag_id, revision=revision, rendered_digest=rendered_digest, counts=_counts(applied, pruned),
        names=_applied_names(applied, pruned),
        pruned=limited(str(ref) for ref in (pruned.deleted if pruned else ())),
        kept=limited(f"{ref} ({why})" for ref, why in (pruned.kept if pruned else ())),
        inventory_size=len(inventory),
        health=(HealthSummary(checked=len(health.objects), ready=health.counts()["ready"], elapsed=health.elapsed)
                if health else None),
        result_file=str(result_path), forced=force)


def _applied_names(applied: ApplyResult, pruned: PruneResult | None) -> dict[str, tuple[str, ...]]:
    names = _names(names_by_action(applied.changes))
    if pruned and pruned.deleted:
        names["deleted"] = limited(str(ref) for ref in pruned.deleted)
    return names


def _counts(applied: ApplyResult, pruned: PruneResult | None) -> dict[str, int]:
    counts = dict(applied.counts())
    counts["deleted"] = len(pruned.deleted) if pruned else 0
    return counts


def _write_result(directory: Path, applied: ApplyResult, pruned: PruneResult | None, health: HealthResult | None,
                  inventory: Inventory, *, revision: str) -> Path:
    return write_json(directory / APPLIED_FILE, {
        "revision": revision,
        "finishedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "changes": [change_to_dict(ch) for ch in applied.changes.changes],
        "recreated": [str(ref) for ref in applied.recreated],
        "pruned": {"deleted": [str(r) for r in pruned.deleted] if pruned else [],
                   "kept": [[str(r), why] for r, why in pruned.kept] if pruned else []},
        "health": [{"object": str(h.ref), "status": h.status.value, "message": h.message}
                   for h in (health.objects if health else ())],
        "inventory": [e.id for e in inventory.entries],
    })
