"""The diff stage: what would applying this render change? Nothing is written.

Every rendered object is dry-run applied (server-side, in parallel) and compared with the live
object after normalisation. Any dry-run failure fails the whole stage with every failing object
listed, so a bad set is never half-applied. Objects whose kind comes from a CRD in the same set
are "created" without a dry-run (the server cannot validate them yet), and so are objects in a
Namespace the set creates. An object whose live fingerprint (generation, metadata, field managers)
and config digest match what the inventory recorded after our last apply cannot have drifted and
skips its dry-run: that keeps a no-op reconcile cheap.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from airflux.diff.changes import Change, ChangeSet
from airflux.diff.normalize import normalize
from airflux.diff.render import unified_diff
from airflux.diff.resolve import Resolved, resolve
from airflux.diff.takeover import needs_takeover, predict_takeover
from airflux.inventory.model import Inventory, config_digest, live_fingerprint
from airflux.kube import KubeApiError, KubeClient, ResourceInfo, parallel_map
from airflux.model import Action, DryRunError, ObjRef
from airflux.ownership import OWNER_LABEL, SsaPolicy, force_enabled, prunable, ssa_policy
from airflux.prune.namespaces import namespaces_in_use
from airflux.redact import Redactor

log = logging.getLogger(__name__)


class DryRunFailed(DryRunError):
    """The set cannot be applied; ``failures`` lists every failing object and the API's message."""

    def __init__(self, failures: Sequence[tuple[ObjRef, str]], *, retryable: bool = False) -> None:
        lines = "\n".join(f"  {ref}: {msg}" for ref, msg in failures)
        super().__init__(f"dry-run failed for {len(failures)} object(s), nothing was applied:\n{lines}",
                         obj=failures[0][0] if len(failures) == 1 else None, retryable=retryable)
        self.failures = tuple(failures)


@dataclass(frozen=True, kw_only=True)
class DiffOptions:
    dag_id: str
    inventory: Inventory | None = None  # the app's inventory before this run
    prune: bool = False
    force: bool = False  # no shortcut: dry-run every object
    recreate: bool = False  # Kustomization spec.force: immutable-field changes recreate the object
    workers: int = 8
    with_diffs: bool = True
    logger: logging.Logger | None = None
    redactor: Redactor | None = None  # values read from Secrets into the render: masked in the diffs


def _live_by_ref(client: KubeClient, resolved: list[Resolved], *, dag_id: str,
                 workers: int) -> dict[ObjRef, dict[str, Any]]:
    """Live objects carrying our label, one labelled LIST per kind instead of a GET per object."""
    kinds: dict[tuple[str, str], ResourceInfo] = {}
    namespaces: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in resolved:
        if r.info is not None:
            kinds[(r.api_version, r.info.kind)] = r.info
            namespaces[(r.api_version, r.info.kind)].add(r.ref.namespace)
    selector = f"{OWNER_LABEL}={dag_id}"

    def list_kind(key: tuple[str, str]) -> list[dict[str, Any]]:
        # The listing only saves requests: a kind we may not list goes through GET + dry-run instead.
        try:
            return client.list_objects(key[0], key[1], label_selector=selector)
        except KubeApiError as e:
            if _server_trouble(e):
                raise
            if e.status != 403:
                return []
        try:  # without cluster-wide list rights, ask each namespace we deploy to
            return [o for ns in sorted(namespaces[key]) for o in
                    client.list_objects(key[0], key[1], namespace=ns or None, label_selector=selector)]
        except KubeApiError as e:
            if _server_trouble(e):
                raise
            return []

    out: dict[ObjRef, dict[str, Any]] = {}
    for outcome in parallel_map(list_kind, list(kinds), workers=workers):
        if outcome.error is not None:
            raise outcome.error
        for obj in outcome.value or []:
            out[ObjRef.of(obj)] = obj
    return out


def _server_trouble(e: KubeApiError) -> bool:
    """No answer, throttled or a server error: the listing cannot be skipped, the run must retry."""
    return e.status is None or e.status >= 500 or e.status == 429


def _ignored_live(r: Resolved, live: dict[str, Any], *, digest: str) -> Change:
    # Someone marked the live object as not ours to change (Flux honours it on either side).
    return Change(r.ref, Action.SKIPPED, r.api_version, reason="ssa: Ignore on the live object",
                  live_fingerprint=live_fingerprint(live), digest=digest)


def _compare(r: Resolved, live: dict[str, Any] | None, dry: dict[str, Any], *, digest: str,
             manager: str, with_diffs: bool, redactor: Redactor | None = None) -> Change:
    if live is None:
        return Change(r.ref, Action.CREATED, r.api_version, digest=digest)
    takeover = ssa_policy(r.obj) is not SsaPolicy.MERGE and needs_takeover(live)
    merged = predict_takeover(dry, live, r.obj, manager=manager) if takeover else dry
    if not takeover and normalize(live) == normalize(merged):
        return Change(r.ref, Action.UNCHANGED, r.api_version,
                      live_fingerprint=live_fingerprint(live), digest=digest)
    text = unified_diff(live, merged, label=str(r.ref), redactor=redactor) if with_diffs else ""
    reason = "" if text or not takeover else "takes over fields set by kubectl"
    return Change(r.ref, Action.CONFIGURED, r.api_version, diff=text, reason=reason,
                  live_fingerprint=live_fingerprint(live), digest=digest)


def diff(client: KubeClient, objects: Sequence[dict[str, Any]], *, options: DiffOptions) -> ChangeSet:
    """Dry-run the whole rendered set and say, per object, what applying it would do."""
    logger = options.logger or log
    resolved, unresolved = resolve(client, list(objects), dag_id=options.dag_id)
    failures: list[tuple[ObjRef, str]] = [(u.ref, u.message) for u in unresolved]
    seen: dict[ObjRef, int] = defaultdict(int)
    for r in resolved:
        seen[r.ref] += 1
    failures += [(ref, "defined more than once in the render") for ref, n in seen.items() if n > 1]

    live = _live_by_ref(client, resolved, dag_id=options.dag_id, workers=options.workers)
    # Objects in a Namespace this set creates cannot be dry-run yet (the server rejects them until the
    # Namespace exists); like custom resources of a CRD in the set, they are created in stage order.
    new_namespaces = {r.ref.name for r in resolved if r.ref.kind == "Namespace" and r.ref.group == ""
                      and r.ref not in live and client.get(r.obj) is None}
    recorded = options.inventory.as_map() if options.inventory else {}
    manager = client.options.field_manager

    def one(r: Resolved) -> Change:
        digest = config_digest(r.obj)
        if r.info is None:
            return Change(r.ref, Action.CREATED, r.api_version, reason="kind defined in this set", digest=digest)
        policy = ssa_policy(r.obj)
        if r.ref.namespace in new_namespaces and policy is not SsaPolicy.IGNORE:
            return Change(r.ref, Action.CREATED, r.api_version, reason="namespace created by this set",
                          digest=digest)
        if policy is SsaPolicy.IGNORE:
            return Change(r.ref, Action.SKIPPED, r.api_version, reason="ssa: Ignore", digest=digest)
        current = live.get(r.ref)
        if current is None and policy is SsaPolicy.IF_NOT_PRESENT:
            current = client.get(r.obj)
        if current is not None and ssa_policy(current) is SsaPolicy.IGNORE:
            return _ignored_live(r, current, digest=digest)
        if current is not None and policy is SsaPolicy.IF_NOT_PRESENT:
            return Change(r.ref, Action.SKIPPED, r.api_version, reason="ssa: IfNotPresent, exists",
                          live_fingerprint=live_fingerprint(current),
                          digest=digest)
        entry = recorded.get(r.ref)
        current_fp = live_fingerprint(current) if current is not None else ""
        if (not options.force and current is not None and entry is not None and entry.digest == digest
                and entry.fingerprint == current_fp):
            return Change(r.ref, Action.UNCHANGED, r.api_version, live_fingerprint=current_fp, digest=digest)
        try:
            dry = client.apply(r.obj, dry_run=True, force=True)
        except KubeApiError as e:
            if not (e.immutable and current is not None and (options.recreate or force_enabled(r.obj))):
                raise
            # Apply will delete and recreate it; show what the new object will hold.
            text = unified_diff(current, r.obj, label=str(r.ref), redactor=options.redactor) if options.with_diffs else ""
            return Change(r.ref, Action.CONFIGURED, r.api_version, diff=text,
                          reason="immutable field changed, will be recreated", live_fingerprint=current_fp,
                          digest=digest)
        if current is None and (dry.get("metadata") or {}).get("resourceVersion"):
            current = client.get(r.obj)  # exists, but not (yet) labelled as ours
            if current is not None and ssa_policy(current) is SsaPolicy.IGNORE:
                return _ignored_live(r, current, digest=digest)
        return _compare(r, current, dry, digest=digest, manager=manager, with_diffs=options.with_diffs,
                        redactor=options.redactor)

    changes: list[Change] = []
    # Retrying helps only when every failure was the server's trouble, not an invalid object.
    retryable = not failures
    for outcome in parallel_map(one, resolved, workers=options.workers):
        if outcome.error is None and outcome.value is not None:
            changes.append(outcome.value)
            continue
        err = outcome.error
        if isinstance(err, KubeApiError):
            retryable = retryable and err.retryable
            causes = "; ".join(f"{c.field}: {c.message}" if c.field else c.message for c in err.causes)
            extra = f" ({causes})" if causes and causes not in err.message else ""
            failures.append((outcome.item.ref, err.message + extra))
        else:
            retryable = False
            failures.append((outcome.item.ref, f"{type(err).__name__}: {err}"))
    if failures:
        raise DryRunFailed(sorted(failures), retryable=retryable)

    changes += _deleted(client, [r.ref for r in resolved], options=options)
    result = ChangeSet.of(sorted(changes, key=lambda c: c.ref))
    for ch in result.changes:
        if ch.action is not Action.UNCHANGED:
            logger.info("%s", ch.line())
            if ch.diff:
                logger.info("%s", ch.diff.rstrip("\n"))
    logger.info("diff: %s", result.summary())
    return result


def _deleted(client: KubeClient, rendered: list[ObjRef], *, options: DiffOptions) -> list[Change]:
    """Inventory entries gone from the render that prune would delete (or why it would not)."""
    if not options.prune or options.inventory is None:
        return []
    keep = set(rendered)
    stale = [e for e in options.inventory.entries if e.ref not in keep]

    def check(entry: Any) -> Change | None:
        try:
            current = client.get_ref(entry.ref, api_version=entry.api_version)
        except KubeApiError as e:
            if e.reason == "NoKindMatch":
                return None
            raise
        if current is None:
            return None
        if prunable(current, options.dag_id):
            return Change(entry.ref, Action.DELETED, entry.api_version)
        return Change(entry.ref, Action.SKIPPED, entry.api_version, reason="not pruned: not owned or prune disabled")

    out = []
    for outcome in parallel_map(check, stale, workers=options.workers):
        if outcome.error is not None:
            raise outcome.error
        if outcome.value is not None:
            out.append(outcome.value)
    return _namespaces_kept(client, out, rendered=rendered)


def _namespaces_kept(client: KubeClient, changes: list[Change], *, rendered: list[ObjRef]) -> list[Change]:
    """Say "skipped" for a stale Namespace that prune will keep because something else still lives in it.

    Uses prune's own check, so the diff, the run summary and Slack announce only deletions prune makes;
    prune checks again before deleting. The namespace listing is paid only when a Namespace would go.
    """
    doomed = [ch.ref for ch in changes if ch.action is Action.DELETED and ch.ref.kind == "Namespace"
              and ch.ref.group == ""]
    if not doomed:
        return changes
    deleting = frozenset(ch.ref for ch in changes if ch.action is Action.DELETED)
    in_use = namespaces_in_use(client, doomed, deleting=deleting, surviving=rendered)
    return [replace(ch, action=Action.SKIPPED, reason=f"kept: {in_use[ch.ref]}") if ch.ref in in_use else ch
            for ch in changes]
