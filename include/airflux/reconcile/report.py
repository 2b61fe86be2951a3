"""The run summary a person reads at the end of a reconcile (the notify task's log, later Slack).

Built only from the task summaries, so it costs no cluster call and says the same thing the XCom
values say: which app, which revision, what was created, configured, deleted or left unchanged
(with names), whether it became healthy, and how long it took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from airflux.model import Action
from airflux.reconcile.summaries import NAMES_LIMIT, ApplySummary, DiffSummary


@dataclass(frozen=True)
class Failure:
    """The step of the run that failed and the error it reported."""

    task: str
    message: str


ORDER = (Action.CREATED, Action.CONFIGURED, Action.DELETED, Action.SKIPPED, Action.UNCHANGED)


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "unknown"
    seconds = value.total_seconds()
    return f"{seconds:.1f}s" if seconds < 120 else f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def run_summary(*, dag_id: str, revision: str, diff: DiffSummary | None, applied: ApplySummary | None,
                failure: Failure | None = None, duration: timedelta | None = None) -> str:
    """A readable multi-line summary; unchanged objects are counted, not named, unless they are few.

    A failed run leads with the failing step and its error; what the diff planned follows, if it ran.
    """
    changed = applied is not None and any(applied.counts.get(a.value, 0) for a in ORDER[:3])
    if failure is not None:
        head = f"FAILED at {failure.task}"
    else:
        head = "applied" if changed else "no changes" if applied is not None else "not applied"
    lines = [f"{dag_id}: {head} at revision {revision or 'unknown'} in {_duration(duration)}"]
    if failure is not None:
        lines += [f"  {line}" for line in failure.message.splitlines()]
    source = applied if applied is not None else diff
    if source is None:
        return "\n".join(lines)
    if failure is not None and applied is None:
        lines.append("  planned by diff, apply did not finish:" if failure.task == "apply"
                     else "  planned by diff, not applied:")
    if applied is not None and applied.forced:
        lines.append("  forced: every object was re-applied (dag_run.conf force)")
    for action in ORDER:
        count = source.counts.get(action.value, 0)
        if not count:
            continue
        names = source.names.get(action.value, ())
        if action is Action.UNCHANGED and count > 5:
            lines.append(f"  {action.value} ({count})")
            continue
        more = f" (and {count - len(names)} more)" if count > len(names) else ""
        lines.append(f"  {action.value} ({count})" + (f": {', '.join(names)}{more}" if names else ""))
    if applied is not None:
        for kept in applied.kept:
            lines.append(f"  not pruned: {kept}")
        if applied.health is None:
            lines.append("  health: not checked (neither spec.wait nor healthChecks)")
        else:
            h = applied.health
            lines.append(f"  health: {h.ready}/{h.checked} ready after {h.elapsed:.1f}s")
        lines.append(f"  inventory: {applied.inventory_size} object(s)")
    elif diff is not None and failure is None:
        lines.append("  apply did not run")
    if any(len(v) >= NAMES_LIMIT for v in source.names.values()):
        lines.append(f"  full list: {applied.result_file if applied else diff.change_set if diff else ''}")
    return "\n".join(lines)
