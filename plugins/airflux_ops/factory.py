"""The DAG factory: one Airflow DAG per Kustomization, id ``ks.<namespace>.<name>``.

Reads nothing but the definitions (no network, no cluster); every value comes from the spec through
``airflux.specs.describe``. The task chain is the one list ``STEPS``, and every app DAG gets it in that order:
``fetch_source → render → diff → apply → notify``, one task per stage of the design's data flow.

Prune and health run inside ``apply`` rather than as tasks of their own: the inventory must be
written after apply, before prune and again after prune by the one process that knows what it wrote,
and Flux reports apply, prune and health as one reconcile. The grid stays five columns for every
app, a failure's stage is named in the error (``[prune] ...``, ``[health] ...``) and the apply
summary in XCom has separate ``pruned`` and ``health`` fields. ``apply`` gets a longer
``execution_timeout`` than the other tasks (apply, then up to ``spec.timeout`` for health) so the
health check's own timeout, which names every object that is not ready, fires before Airflow's.
``notify`` is a teardown task: it reports failed runs too, and a notification problem never turns a
good deploy red.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG, BaseOperator, get_parsing_context

from airflux.specs import AppSet
from airflux.specs import describe as say
from airflux.specs.types import GitRepository, Kustomization
from airflux_ops.helm_factory import release_dags
from airflux_ops.notify_ops import AirfluxRunNotifier
from airflux_ops.operators import FetchSourceOperator, RenderOperator
from airflux_ops.reconcile_ops import ApplyOperator, DiffOperator, NotifyOperator
from airflux_triggers.dependencies import attach_app_asset, wire_dependents
from airflux_triggers.scheduling import app_schedule, lead_task

log = logging.getLogger(__name__)

# Any fixed past date: with catchup=False only the latest interval runs, so it never causes backfill.
START_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 - explicit for readers


def apply_timeout(app: Kustomization) -> timedelta:
    """Apply (bounded by the client's request timeouts) plus the health wait of ``spec.timeout``, plus slack."""
    return app.timeout * 2 + timedelta(seconds=60)


@dataclass(frozen=True)
class Step:
    """One task of every app DAG: its id and how to build its operator for an app."""

    task_id: str
    make: Callable[[str, Kustomization, GitRepository], BaseOperator]


STEPS: list[Step] = [
    Step("fetch_source", lambda task_id, app, source: FetchSourceOperator(task_id=task_id, app=app, source=source)),
    Step("render", lambda task_id, app, source: RenderOperator(task_id=task_id, app=app)),
    Step("diff", lambda task_id, app, source: DiffOperator(task_id=task_id, app=app)),
    Step("apply", lambda task_id, app, source: ApplyOperator(task_id=task_id, app=app,
                                                             execution_timeout=apply_timeout(app))),
    # A teardown: it runs after a failure too, and its outcome never decides the run's state.
    Step("notify", lambda task_id, app, source: NotifyOperator(task_id=task_id, app=app).as_teardown()),
]


def app_dag(app: Kustomization, source: GitRepository, *, steps: list[Step] | None = None) -> DAG:
    """The DAG of one app, tasks chained in the order of ``steps`` (default ``STEPS``)."""
    with DAG(
        dag_id=app.dag_id,
        description=say.description(app, source),
        doc_md=say.doc_md(app, source),
        # Its GitRepository's asset (new commit, webhook) OR spec.interval; None when suspended, so it
        # stays still even if someone unpauses it in the UI (see airflux_triggers.scheduling).
        schedule=app_schedule(app, source),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        # Apps reconcile as soon as they are defined, as under Flux; suspended ones start paused.
        is_paused_upon_creation=app.suspend,
        tags=say.tags(app, source),
        # Airflow's own failures (retries exhausted, run timed out) reach the app's Slack Alerts too.
        on_failure_callback=AirfluxRunNotifier(app=app),
        default_args={
            "owner": "airflux",
            "retries": say.retries(app),
            "retry_delay": say.retry_delay(app),
            "execution_timeout": app.timeout,
        },
    ) as dag:
        # Sensor-style apps (airflux.io/trigger: sensor) start with a deferrable wait_for_commit.
        previous: BaseOperator | None = lead_task(app, source)
        for step in steps if steps is not None else STEPS:
            task = step.make(step.task_id, app, source)
            if previous is not None:
                previous >> task
            previous = task
        attach_app_asset(dag, app)  # apply's outlet: dependents (spec.dependsOn) see it applied
    return dag


def app_dags(apps: AppSet) -> dict[str, DAG]:
    """Every app's DAG by id. When Airflow runs one task it only builds that task's DAG."""
    wanted = get_parsing_context().dag_id
    for doc in apps.unsupported:
        log.warning("%s", doc)
    dags = {
        app.dag_id: app_dag(app, apps.source_of(app))
        for app in apps.kustomizations
        if wanted is None or app.dag_id == wanted
    }
    # HelmReleases: hr.<namespace>.<name>, the same task chain (airflux_ops.helm_factory).
    dags.update(release_dags(apps, wanted=wanted, start_date=START_DATE))
    wire_dependents(dags, apps)  # a dependency that recovers starts its dependents again
    return dags
