"""The run-time rule of dependsOn: may an app reconcile now, given what its dependencies last did?

A dependency counts as ready when its newest reconcile succeeded, applied the same source revision as
the one the waiting app is about to deploy (when both deploy from the same GitRepository) and left every
object Ready. When its newest run for exactly that revision failed, waiting is pointless (nothing will
apply that revision until someone acts): ``failed`` says so and the app fails at once. Pure: callers read
the states from wherever they are kept (Airflow's run summaries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DependencyState:
    """What is known of one dependency's newest reconcile; ``revision`` None when it never applied."""

    dag_id: str
    revision: str | None
    ready: bool
    source: str  # GitRepository/<namespace>/<name> it deploys from
    # When its newest finished run failed: what failed ("[apply] ..."), and the revision that run fetched.
    failure: str | None = None
    failed_revision: str | None = None


def _commit(revision: str) -> str:
    return revision.rsplit(":", 1)[-1]


def blocking(states: Iterable[DependencyState], *, source: str, revision: str | None) -> list[str]:
    """Why each not-yet-ready dependency blocks the app (empty: go). Same-source dependencies must match
    ``revision`` by commit; others only need to have applied something and be Ready."""
    reasons: list[str] = []
    for state in states:
        if state.revision is None:
            reasons.append(f"{state.dag_id} has not applied anything yet")
        elif state.source == source and revision and _commit(state.revision) != _commit(revision):
            reasons.append(f"{state.dag_id} is at {state.revision}, not {revision}")
        elif not state.ready:
            reasons.append(f"{state.dag_id} is not Ready")
        else:
            continue
        if state.failure:
            reasons[-1] += f" (its newest run failed at {state.failed_revision or 'an unknown revision'}: {state.failure})"
    return reasons


def failed(states: Iterable[DependencyState], *, source: str, revision: str | None) -> list[str]:
    """Dependencies whose newest run failed on the very revision the app waits for (same GitRepository,
    same commit): each as ``<dag id> failed at <revision>: <what failed>``. Empty when waiting still helps."""
    return [
        f"{state.dag_id} failed at {state.failed_revision}: {state.failure}"
        for state in states
        if state.failure and state.failed_revision and revision and state.source == source
        and _commit(state.failed_revision) == _commit(revision)
    ]
