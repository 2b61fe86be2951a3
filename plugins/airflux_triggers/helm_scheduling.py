"""How a HelmRelease DAG (``hr.<namespace>.<name>``) is started, as a Kustomization's is: an asset OR its interval.

- Chart from a GitRepository: that repository's asset (``scheduling.source_asset``, its git watcher
  and webhooks), so a pushed commit reaches the release in seconds.
- Chart from a HelmRepository: the asset of that repository + chart + version range,
  ``x-airflux://helmrepository/<namespace>/<name>/chart/<chart>/<range digest>``, watched by one
  ``ChartVersionTrigger``; HelmReleases asking for the same chart and range share asset and watcher.
  A Receiver naming the HelmRepository emits on every chart asset of it; one naming the HelmRelease
  emits on its request asset (``scheduling.request_asset``).

``spec.dependsOn`` (HelmReleases, as in Flux) puts ``wait_for_dependencies`` first, as for Kustomizations.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, AssetOrTimeSchedule, AssetWatcher, BaseOperator, DeltaTriggerTimetable

from airflux.specs.helm_types import HelmRelease, HelmRepository, engine_app
from airflux.specs.types import GitRepository
from airflux_triggers.chart_watcher import ChartVersionTrigger, chart_kwargs
from airflux_triggers.scheduling import ASSET_GROUP, request_asset, source_asset

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
    """None when suspended, else the release's asset OR ``spec.interval`` (drift correction)."""
    if release.suspend:
        return None
    return AssetOrTimeSchedule(timetable=DeltaTriggerTimetable(release.interval),
                               assets=release_asset(release, source) | request_asset(release.dag_id))


def release_lead_task(release: HelmRelease, source: HelmRepository | GitRepository) -> BaseOperator | None:
    """``wait_for_dependencies`` when the release has ``spec.dependsOn`` (call inside the DAG's context)."""
    if not release.depends_on:
        return None
    from airflux_triggers.dependencies import WaitForDependencies

    return WaitForDependencies(app=engine_app(release), depends_on=release.depends_on, source=source,
                               execution_timeout=release.timeout + timedelta(minutes=5))
