"""What happened in one app run, as one event: the unit Airflux notifies about.

Flux's controllers emit an event per object and per stage, which is why its Slack channels fill up;
here a run's typed results (diff and apply summaries, the failing stage, a rollback) are folded into
one ``Event`` with one outcome, so each alert gets at most one message per run. A run that changed
nothing and is still healthy yields no event, unless it closes an earlier failure (``recovered``).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from airflux.reconcile.summaries import ApplySummary, DiffSummary

DETAIL_LINES = 6  # lines of a failure's detail shown in a message


class Severity(enum.StrEnum):
    INFO = "info"
    ERROR = "error"


class Outcome(enum.StrEnum):
    APPLIED = "applied"  # new revision (or first run) with changes
    DRIFT_CORRECTED = "drift corrected"  # same revision as last time, the cluster had drifted
    PRUNED = "pruned"  # only deletions
    RECOVERED = "recovered"  # first success after a failure
    ROLLED_BACK = "rolled back"  # a failed release was rolled back (Helm remediation)
    HEALTH_FAILED = "health check failed"
    STAGE_FAILED = "failed"

    @property
    def severity(self) -> Severity:
        failed = (Outcome.HEALTH_FAILED, Outcome.STAGE_FAILED, Outcome.ROLLED_BACK)
        return Severity.ERROR if self in failed else Severity.INFO


@dataclass(frozen=True)
class AppRef:
    """The app a run belongs to: what Alert ``eventSources`` match on."""

    kind: str  # Kustomization | HelmRelease
    namespace: str
    name: str
    dag_id: str
    labels: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


@dataclass(frozen=True)
class StageFailure:
    """The stage that failed, the object it failed on (if known) and the engine's error text."""

    stage: str
    message: str
    obj: str = ""

    @property
    def first_lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.message.splitlines() if line.strip())[:DETAIL_LINES]

    @property
    def fingerprint(self) -> str:
        """Same stage, object and error → same fingerprint, ignoring numbers that change run to run
        (resourceVersions, elapsed seconds, counts of ready objects)."""
        text = re.sub(r"\d+(\.\d+)?", "#", f"{self.stage}\0{self.obj}\0{self.message}")
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Rollback:
    """A remediation that took the app back to an earlier revision after ``failure``; ``from_revision``
    is the one that failed (empty when not known)."""

    to_revision: str
    failure: StageFailure
    from_revision: str = ""


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    url: str | None = None  # web page of the commit on GitHub/GitLab/Gitea-style hosts
    subject: str = ""
    author: str = ""


@dataclass(frozen=True, kw_only=True)
class RunFacts:
    """Everything the notify step knows about a finished run; built from the stages' summaries."""

    app: AppRef
    run_id: str
    revision: str = ""
    diff: DiffSummary | None = None
    applied: ApplySummary | None = None
    failure: StageFailure | None = None
    rollback: Rollback | None = None
    duration: timedelta | None = None
    run_url: str | None = None
    commit: CommitInfo | None = None
    release: str = ""  # a HelmRelease's chart, version and release revision ("cache 0.1.0 (app 7.4), revision 2")


@dataclass(frozen=True, kw_only=True)
class Event:
    app: AppRef
    run_id: str
    outcome: Outcome
    revision: str
    message: str  # one line; what inclusion/exclusion lists match against
    counts: dict[str, int] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    failure: StageFailure | None = None
    rollback_to: str = ""
    rollback_from: str = ""
    health: str = ""
    duration: timedelta | None = None
    run_url: str | None = None
    commit: CommitInfo | None = None
    release: str = ""
    reminder_of: str = ""  # set on a reminder: when the error was first reported (ISO time)
    repeats: int = 0  # runs that failed the same way since it was first reported
    failed_since: str = ""  # on a recovery: when the failure was first reported

    @property
    def severity(self) -> Severity:
        return self.outcome.severity

    @property
    def fingerprint(self) -> str:
        return self.failure.fingerprint if self.failure else ""


CHANGED = ("created", "configured", "deleted")


def _changed(counts: dict[str, int]) -> bool:
    return any(counts.get(action, 0) for action in CHANGED)


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[a]} {a}" for a in CHANGED if counts.get(a)) or "no changes"


def run_event(facts: RunFacts, *, previous_revision: str | None, open_failure: bool) -> Event | None:
    """The one event of a run, or None when nothing happened worth telling anyone.

    ``previous_revision`` is the revision the last successful run applied (drift vs. new revision);
    ``open_failure`` says whether an earlier failure is still unresolved (so a success is a recovery).
    """
    def event(outcome: Outcome, message: str, **more: Any) -> Event:
        return Event(app=facts.app, run_id=facts.run_id, revision=facts.revision, duration=facts.duration,
                     run_url=facts.run_url, commit=facts.commit, release=facts.release, outcome=outcome,
                     message=message, **more)

    summary = facts.applied or facts.diff
    counts = dict(summary.counts) if summary else {}
    names = dict(summary.names) if summary else {}
    health = ""
    if facts.applied is not None and facts.applied.health is not None:
        h = facts.applied.health
        health = f"{h.ready}/{h.checked} ready after {h.elapsed:.1f}s"
    if facts.rollback is not None:
        failure = facts.rollback.failure
        back = facts.rollback
        since = f" from {back.from_revision}" if back.from_revision else ""
        return event(Outcome.ROLLED_BACK, f"{facts.app} rolled back to {back.to_revision}{since} after "
                                          f"{failure.stage} failed: {_first(failure)}",
                     counts=counts, names=names, failure=failure, rollback_to=back.to_revision,
                     rollback_from=back.from_revision)
    if facts.failure is not None:
        failure = facts.failure
        outcome = Outcome.HEALTH_FAILED if failure.stage == "health" else Outcome.STAGE_FAILED
        return event(outcome, f"{facts.app} {outcome.value} at {failure.stage}: {_first(failure)}",
                     counts=counts, names=names, failure=failure, health=health)
    if facts.applied is None:
        return None  # suspended or skipped: nothing ran to report on
    changed = _changed(counts)
    if open_failure:
        outcome = Outcome.RECOVERED
    elif not changed:
        return None
    elif not any(counts.get(a, 0) for a in ("created", "configured")):
        outcome = Outcome.PRUNED
    elif previous_revision and previous_revision == facts.revision:
        outcome = Outcome.DRIFT_CORRECTED
    else:
        outcome = Outcome.APPLIED
    return event(outcome, f"{facts.app} {outcome.value} at {facts.revision or 'unknown revision'}: "
                          f"{counts_text(counts)}", counts=counts, names=names, health=health)


def _first(failure: StageFailure) -> str:
    lines = failure.first_lines
    return lines[0] if lines else "failed"
