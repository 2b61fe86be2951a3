"""How a HelmRelease DAG (``hr.<namespace>.<name>``) is started, as a Kustomization's is: an asset OR its interval.

- Chart from a GitRepository: that repository's asset (``scheduling.source_asset``, its git watcher
  and webhooks), so a pushed commit reaches the release in seconds.
- Chart from a HelmRepository: the asset of that repository + chart + version range,
  ``x-airflux://helmrepository/<namespace>/<name>/chart/<chart>/<range digest>``, watched by one
  ``ChartVersionTrigger``; HelmReleases asking for the same chart and range share asset and watcher.
  A Receiver naming the HelmRepository emits on every chart asset of it; one naming the HelmRelease
  emits on its request asset (``scheduling.request_asset``).

``spec.dependsOn`` (HelmReleases, as in Flux) puts ``wait_for_dependencies`` first, as for Kustomizations.
``airflux.io/trigger: sensor`` makes the DAG continuous, led by ``wait_for_chart`` (``chart_sensor``) or,
for a GitRepository chart, ``wait_for_commit``.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, AssetOrTimeSchedule, AssetWatcher, BaseOperator, DeltaTriggerTimetable

from airflux.specs.helm_types import HelmRelease, HelmRepository, engine_app
from airflux.specs.types import GitRepository
from airflux_triggers.chart_watcher import ChartVersionTrigger, chart_kwargs
from airflux_triggers.scheduling import ASSET_GROUP, TriggerStyle, request_asset, source_asset, trigger_style

CHART_URI_PREFIX = "x-airflux://helmrepository/"


def repository_uri_prefix(namespace: str, name: str) -> str:
    """Every chart asset of one HelmRepository starts with this (what a Receiver emits on)."""
    return f"{CHART_URI_PREFIX}{namespace}/{name}/chart/"


def chart_asset(repo: HelmRepository, *, chart: str, version: str, watch: bool = True) -> Asset:
    """The asset of one chart + range in one HelmRepository, with its watcher unless the repository is suspended."""
    namespace, name = repo.meta.namespace, repo.meta.name
    key = hashlib.sha256((version or "*").encode()).hexdigest()[:10]
    watchers = ([AssetWatcher(name=f"helm-{namespace}-{name}-{chart}-{key}",
                              trigger=ChartVersionTrigger(**chart_kwargs(repo, chart=chart, version=version)))]
                if watch and not repo.suspend else [])
    return Asset(name=f"helmchart.{namespace}.{name}.{chart}.{key}",
                 uri=f"{repository_uri_prefix(namespace, name)}{chart}/{key}", group=ASSET_GROUP,
                 extra={"chart": chart, "range": version or "*"}, watchers=watchers)


def release_asset(release: HelmRelease, source: HelmRepository | GitRepository) -> Asset:
    """The asset whose events start the release: its chart's (HelmRepository) or its GitRepository's."""
    if isinstance(source, HelmRepository):
        return chart_asset(source, chart=release.chart.chart, version=release.chart.version)
    return source_asset(source)


def release_schedule(release: HelmRelease, source: HelmRepository | GitRepository) -> Any:
    """None when suspended, else the release's asset OR ``spec.interval`` (drift correction); continuous
    for ``airflux.io/trigger: sensor``."""
    if release.suspend:
        return None
    if trigger_style(engine_app(release)) is TriggerStyle.SENSOR:
        return "@continuous"
    return AssetOrTimeSchedule(timetable=DeltaTriggerTimetable(release.interval),
                               assets=release_asset(release, source) | request_asset(release.dag_id))


def release_lead_task(release: HelmRelease, source: HelmRepository | GitRepository) -> BaseOperator | None:
    """The tasks before the stages, chained; the last one (or None). Sensor style: ``wait_for_chart``
    (HelmRepository) or ``wait_for_commit`` (GitRepository); ``spec.dependsOn``: ``wait_for_dependencies``.
    Call inside the DAG's context."""
    lead: list[BaseOperator] = []
    app = engine_app(release)
    if not release.suspend and trigger_style(app) is TriggerStyle.SENSOR:
        if isinstance(source, HelmRepository):
            from airflux_triggers.chart_sensor import ChartVersionSensor

            lead.append(ChartVersionSensor(release=release, source=source))
        else:
            from airflux_triggers.commit_sensor import GitCommitSensor

            lead.append(GitCommitSensor(app=app, source=source))
    if release.depends_on:
        from airflux_triggers.dependencies import WaitForDependencies

        lead.append(WaitForDependencies(app=app, depends_on=release.depends_on, source=source,
                                        execution_timeout=release.timeout + timedelta(minutes=5)))
    for before, after in itertools.pairwise(lead):
        before >> after
    return lead[-1] if lead else None
