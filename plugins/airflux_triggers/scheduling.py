"""How an app DAG is started: its GitRepository's asset (watched for new commits) OR its interval.

One asset per GitRepository, ``x-airflux://gitrepository/<namespace>/<name>``, carries the watcher; every
app deploying from that repository is scheduled on it, so one new commit starts all of them while the
repository is polled once. ``spec.interval`` stays as the time half of the schedule for drift
correction. The annotation ``airflux.io/trigger: sensor`` on a Kustomization picks the sensor style
instead: the DAG runs continuously and its first task, ``wait_for_commit``, waits deferrably for a new
revision (or the interval). Webhook receivers emit events on the same asset, with or without a revision,
or on the app's own request asset (``x-airflux://reconcile/<dag id>``) when they name the app itself.

The revision that started a run reaches ``fetch_source`` through ``triggering_revision``: the newest
triggering asset event wins; an event without a revision (a webhook) means "whatever the ref is now".
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, AssetOrTimeSchedule, AssetWatcher, BaseOperator, DeltaTriggerTimetable

from airflux.specs.annotations import TRIGGER_ANNOTATION, trigger_style_of
from airflux.specs.types import GitRepository, Kustomization
from airflux_triggers.git_watcher import GitRevisionTrigger
from airflux_triggers.repository import repository_kwargs

ASSET_GROUP = "airflux-source"


class TriggerStyle(enum.StrEnum):
    WATCHER = "watcher"  # default: the GitRepository's watcher (and webhooks) emit asset events
    SENSOR = "sensor"  # a deferrable GitCommitSensor task at the head of a continuously running DAG


def trigger_style(app: Kustomization) -> TriggerStyle:
    """The style the app's ``airflux.io/trigger`` annotation asks for (the loader rejected unknown values;
    ValueError naming the field if an app built elsewhere carries one)."""
    try:
        return TriggerStyle(trigger_style_of(app))
    except ValueError as exc:
        raise ValueError(f"Kustomization/{app.meta.namespace}/{app.meta.name}: metadata.annotations"
                         f"[{TRIGGER_ANNOTATION}]: {exc}") from None


def asset_name(namespace: str, name: str) -> str:
    return f"gitrepository.{namespace}.{name}"


def asset_uri(namespace: str, name: str) -> str:
    return f"x-airflux://gitrepository/{namespace}/{name}"


def source_asset(repo: GitRepository, *, watch: bool = True) -> Asset:
    """The asset of one GitRepository, with its watcher unless the repository is suspended."""
    namespace, name = repo.meta.namespace, repo.meta.name
    watchers = ([AssetWatcher(name=f"git-{namespace}-{name}", trigger=GitRevisionTrigger(**repository_kwargs(repo)))]
                if watch and not repo.suspend else [])
    return Asset(name=asset_name(namespace, name), uri=asset_uri(namespace, name), group=ASSET_GROUP,
                 watchers=watchers)


REQUEST_GROUP = "airflux-request"


def request_asset(dag_id: str) -> Asset:
    """The asset a Receiver naming the app itself (Kustomization, HelmRelease) emits on: "reconcile it now".

    Separate from the app's ``x-airflux://app/<dag id>`` (which says "applied", read by dependents) so a
    request never looks like a deploy; an event on it carries no revision: the run takes the ref's tip.
    """
    return Asset(name=f"reconcile.{dag_id}", uri=f"x-airflux://reconcile/{dag_id}", group=REQUEST_GROUP)


def app_schedule(app: Kustomization, source: GitRepository) -> Any:
    """The ``schedule`` of an app's DAG: None when suspended, else asset-or-interval (or continuous for sensors)."""
    if app.suspend:
        return None
    if trigger_style(app) is TriggerStyle.SENSOR:
        return "@continuous"
    return AssetOrTimeSchedule(timetable=DeltaTriggerTimetable(app.interval),
                               assets=source_asset(source) | request_asset(app.dag_id))


def lead_task(app: Kustomization, source: GitRepository) -> BaseOperator | None:
    """The task(s) an app's DAG starts with before the stages, already chained; the last one (or None).

    Sensor-style apps start with ``wait_for_commit``; apps with ``spec.dependsOn`` then
    ``wait_for_dependencies``. Call inside the DAG's context.
    """
    lead: list[BaseOperator] = []
    if not app.suspend and trigger_style(app) is TriggerStyle.SENSOR:
        from airflux_triggers.commit_sensor import GitCommitSensor

        lead.append(GitCommitSensor(app=app, source=source))
    if app.depends_on:
        from airflux_triggers.dependencies import WaitForDependencies

        lead.append(WaitForDependencies(app=app, source=source, execution_timeout=app.timeout + timedelta(minutes=5)))
    for before, after in itertools.pairwise(lead):
        before >> after
    return lead[-1] if lead else None


def _revision_of(extra: Mapping[str, Any] | None) -> str | None:
    extra = extra or {}
    payload = extra.get("payload")
    revision = extra.get("revision") or (payload.get("revision") if isinstance(payload, Mapping) else None)
    return revision if isinstance(revision, str) and revision else None


def triggering_revision(events: Mapping[Any, Iterable[Any]] | None) -> str | None:
    """The revision the newest triggering asset event names, or None (interval run, webhook, manual run)."""
    newest: Any = None
    for sequence in (events or {}).values():
        for event in sequence:
            if newest is None or event.timestamp >= newest.timestamp:
                newest = event
    return _revision_of(getattr(newest, "extra", None)) if newest is not None else None


def fetch_for_run(source: GitRepository, *, layout: Any, credentials: Any, conf_revision: str | None,
                  events: Mapping[Any, Iterable[Any]] | None, refetch: bool, log: Any) -> Any:
    """``fetch_source`` for one run: the conf's revision, else the triggering event's, else the ref's tip.

    A revision from a triggering event can be gone by the time the run starts (force-pushed away while
    the run waited): then the run deploys what the ref points to now, with a warning, instead of failing;
    the push that replaced it has its own event anyway. A revision given in the conf is never replaced.
    """
    from airflux.model import SourceError
    from airflux.source import fetch_source

    event_revision = None if conf_revision else triggering_revision(events)
    try:
        return fetch_source(source, layout=layout, credentials=credentials,
                            revision=conf_revision or event_revision, refetch=refetch)
    except SourceError as exc:
        if event_revision is None or exc.retryable:
            raise
        log.warning("Revision %s from the triggering event is no longer usable (%s); deploying what the ref "
                    "points to now", event_revision, exc)
        return fetch_source(source, layout=layout, credentials=credentials, refetch=refetch)


def with_source(context: Mapping[str, Any]) -> bool:
    """``{"with_source": true}`` in a run's conf: export the source again even if it looks unchanged."""
    conf = getattr(context.get("dag_run"), "conf", None) or {}
    return conf.get("with_source") is True or str(conf.get("with_source", "")).lower() == "true"


def interval_of(schedule: Any) -> timedelta | None:
    """The time half of a schedule built here (for tests and docs)."""
    if isinstance(schedule, AssetOrTimeSchedule):
        return getattr(schedule.timetable, "delta", None)
    return schedule if isinstance(schedule, timedelta) else None
