"""The apply stage: write what the diff found created or configured, staged, in kind order.

Stage 1 (CRDs, Namespaces, ClusterRoles) is applied first and CRDs are awaited until Established,
then discovery is refreshed so the custom resources of the same set resolve; then ``*Class`` kinds;
then the rest. Inside a stage kinds go one after the other (``kinds.py``) and objects of one kind
in parallel. Unchanged objects are not written, so their resourceVersion stays put, unless
``force`` asks to re-apply everything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from airflux.apply import kinds
from airflux.apply.write import Written, poll, write_object
from airflux.diff.changes import Change, ChangeSet
from airflux.diff.resolve import Resolved, resolve
from airflux.inventory.model import Entry, Inventory, config_digest
from airflux.kube import KubeApiError, KubeClient, parallel_map
from airflux.model import Action, ApplyError, ObjRef
from airflux.ownership import SsaPolicy, ssa_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class ApplyOptions:
    dag_id: str
    force: bool = False  # re-apply unchanged objects too (a run with conf force)
    recreate: bool = False  # Kustomization spec.force: recreate objects on immutable-field errors
    workers: int = 8
    crd_timeout: float = 60.0
    logger: logging.Logger | None = None


@dataclass(frozen=True)
class ApplyResult:
    changes: ChangeSet
    inventory: Inventory  # every object of the set we manage, as left by this apply
    recreated: tuple[ObjRef, ...] = ()

    def counts(self) -> dict[str, int]:
        return self.changes.counts()


class ApplyFailed(ApplyError):
    """Some objects could not be written; ``applied`` is what was written before, for the inventory."""

    def __init__(self, failures: Sequence[tuple[ObjRef, str]], *, applied: Inventory,
                 retryable: bool) -> None:
        lines = "\n".join(f"  {ref}: {msg}" for ref, msg in failures)
        super().__init__(f"apply failed for {len(failures)} object(s):\n{lines}",
                         obj=failures[0][0] if len(failures) == 1 else None, retryable=retryable)
        self.failures = tuple(failures)
        self.applied = applied


def _established(live: dict[str, Any] | None) -> bool:
    conds = ((live or {}).get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conds)


def _wait_established(client: KubeClient, crds: list[dict[str, Any]], *, timeout: float) -> None:
    waiting = list(crds)

    def all_established() -> bool:
        nonlocal waiting
        waiting = [crd for crd in waiting if not _established(client.get(crd))]
        return not waiting

    if not poll(all_established, timeout=timeout):
        names = ", ".join(str(ObjRef.of(c)) for c in waiting)
        raise ApplyError(f"CRDs not Established after {timeout:.0f}s: {names}", retryable=True)
    client.refresh_discovery()


def apply(client: KubeClient, objects: Sequence[dict[str, Any]], changes: ChangeSet, *,
          options: ApplyOptions) -> ApplyResult:
    """Apply the rendered set according to ``changes`` (from the diff stage of the same set)."""
    logger = options.logger or log
    resolved, unresolved = resolve(client, list(objects), dag_id=options.dag_id)
    if unresolved:
        raise ApplyError("unknown kinds: " + ", ".join(f"{u.ref} ({u.message})" for u in unresolved))
    by_ref = {r.ref: r for r in resolved}
    planned: dict[ObjRef, Change] = {c.ref: c for c in changes.changes}
    entries: dict[ObjRef, Entry] = {}
    result: dict[ObjRef, Change] = {}
    recreated: list[ObjRef] = []

    to_write: list[Resolved] = []
    for r in resolved:
        ch = planned.get(r.ref) or Change(r.ref, Action.CREATED, r.api_version)
        policy = ssa_policy(r.obj)
        version = r.api_version.rpartition("/")[2]
        if policy is SsaPolicy.IGNORE:
            result[r.ref] = Change(r.ref, Action.SKIPPED, r.api_version, reason="ssa: Ignore")
            # Still part of the app: kept in the inventory so prune never treats it as gone.
            entries[r.ref] = Entry(r.ref, version)
            continue
        if ch.action is Action.SKIPPED or (ch.action is Action.UNCHANGED and not options.force):
            result[r.ref] = ch
            entries[r.ref] = Entry(r.ref, version, ch.live_fingerprint, ch.digest or config_digest(r.obj))
            continue
        to_write.append(r)

    failures: list[tuple[ObjRef, str]] = []
    retryable = True
    objs = [r.obj for r in to_write]
    for stage in kinds.stages(objs):
        for _kind, group in groupby(stage, key=lambda o: (o.get("kind"), o.get("apiVersion"))):
            batch = [by_ref[ObjRef.of(o)] for o in group]

            def write(r: Resolved) -> Written:
                prev = planned[r.ref].action if r.ref in planned else Action.CREATED
                return write_object(client, r.obj, previous=prev, recreate=options.recreate)

            for outcome in parallel_map(write, batch, workers=options.workers):
                r = outcome.item
                if outcome.error is not None or outcome.value is None:
                    err = outcome.error
                    msg = err.message if isinstance(err, KubeApiError) else str(err)
                    retryable = retryable and bool(getattr(err, "retryable", False))
                    failures.append((r.ref, msg))
                    continue
                w = outcome.value
                if w.recreated:
                    recreated.append(r.ref)
                reason = "recreated: immutable field changed" if w.recreated else ""
                prior = planned.get(r.ref)
                digest = config_digest(r.obj)
                result[r.ref] = Change(r.ref, w.action, r.api_version, diff=prior.diff if prior else "",
                                       reason=reason, live_fingerprint=w.fingerprint, digest=digest)
                entries[r.ref] = Entry(r.ref, r.api_version.rpartition("/")[2], w.fingerprint, digest)
                logger.info("%s", result[r.ref].line())
        if failures:
            raise ApplyFailed(sorted(failures), applied=Inventory.of(entries.values()), retryable=retryable)
        crds = [o for o in stage if o.get("kind") == "CustomResourceDefinition"]
        if crds:
            _wait_established(client, crds, timeout=options.crd_timeout)
            if any(r.info is None for r in to_write):
                # The custom resources of this set resolve now that their CRDs are served.
                fresh, missing = resolve(client, [r.obj for r in to_write if r.info is None], dag_id=options.dag_id)
                if missing:
                    raise ApplyError("kinds still unknown after their CRDs were applied: "
                                     + ", ".join(str(m.ref) for m in missing), retryable=True)
                by_ref.update({f.ref: f for f in fresh})

    final = ChangeSet.of(sorted(result.values(), key=lambda c: c.ref))
    logger.info("apply: %s", final.summary())
    return ApplyResult(final, Inventory.of(entries.values()), tuple(recreated))
