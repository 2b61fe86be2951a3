"""The DAG of one HelmRelease, ``hr.<namespace>.<name>``: the same five-task chain as a Kustomization
(``fetch_source → render → diff → apply → notify``), built from ``HELM_STEPS``.

Schedule: the chart's asset (a new version matching the range, or a new commit of a GitRepository
chart) OR every ``spec.interval`` (none when suspended, created paused); see
``airflux_triggers.helm_scheduling``. ``spec.dependsOn`` puts ``wait_for_dependencies`` first. Retries: none, the next
interval is the retry, as under Flux's default. ``apply`` gets hooks plus the health wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from airflow.sdk import DAG, BaseOperator

from airflux.specs import AppSet
from airflux.specs.describe import public_url
from airflux.specs.durations import format_duration
from airflux.specs.helm_types import HelmRelease, HelmRepository, engine_app
from airflux.specs.types import GitRepository
from airflux_ops.helm_ops import FetchChartOperator, HelmApplyOperator, HelmNotifyOperator, HelmRenderOperator
from airflux_ops.notify_ops import AirfluxRunNotifier
from airflux_ops.reconcile_ops import DiffOperator
from airflux_triggers.dependencies import attach_app_asset
from airflux_triggers.helm_scheduling import release_lead_task, release_schedule

Source = HelmRepository | GitRepository


@dataclass(frozen=True)
class HelmStep:
    task_id: str
    make: Callable[[str, HelmRelease, Source], BaseOperator]


HELM_STEPS: list[HelmStep] = [
    HelmStep("fetch_source", lambda t, r, s: FetchChartOperator(task_id=t, release=r, source=s)),
    HelmStep("render", lambda t, r, s: HelmRenderOperator(task_id=t, release=r)),
    HelmStep("diff", lambda t, r, s: DiffOperator(task_id=t, app=engine_app(r), release=r)),
    # pre hooks, apply, health (spec.timeout), post hooks: each bounded by spec.timeout.
    HelmStep("apply", lambda t, r, s: HelmApplyOperator(task_id=t, release=r,
                                                        execution_timeout=r.timeout * 4 + timedelta(seconds=60))),
    HelmStep("notify", lambda t, r, s: HelmNotifyOperator(task_id=t, app=engine_app(r)).as_teardown()),
]


def _doc_md(release: HelmRelease, source: Source) -> str:
    chart = release.chart
    return "\n".join([
        f"# HelmRelease {release.meta.namespace}/{release.meta.name}", "",
        f"Deploys chart `{chart.chart}` (version `{chart.version}`) from {source.kind} "
        f"`{source.meta.namespace}/{source.meta.name}` (`{public_url(source.url)}`) as release "
        f"`{release.release_name}` in namespace `{release.target_namespace}`.", "",
        f"Every {format_duration(release.interval)}; timeout {format_duration(release.timeout)}. "
        f"Defined in `{release.origin.file}` (document {release.origin.doc}).",
    ])


def release_dag(release: HelmRelease, source: Source, *, start_date: object) -> DAG:
    with DAG(
        dag_id=release.dag_id,
        description=f"{'SUSPENDED - ' if release.suspend else ''}Helm chart {release.chart.chart} "
                    f"({release.chart.version}) as {release.release_name}",
        doc_md=_doc_md(release, source),
        schedule=release_schedule(release, source),
        start_date=start_date,  # type: ignore[arg-type]
        catchup=False,
        max_active_runs=1,
        is_paused_upon_creation=release.suspend,
        tags=["airflux", "helmrelease", f"namespace:{release.meta.namespace}", f"source:{source.meta.name}",
              *(["suspended"] if release.suspend else [])],
        # Airflow's own failures (retries exhausted, run timed out) reach the release's Slack Alerts too.
        on_failure_callback=AirfluxRunNotifier(app=engine_app(release)),
        default_args={"owner": "airflux", "retries": 0, "execution_timeout": release.timeout + timedelta(minutes=1)},
    ) as dag:
        previous: BaseOperator | None = release_lead_task(release, source)
        for step in HELM_STEPS:
            task = step.make(step.task_id, release, source)
            if previous is not None:
                previous >> task
            previous = task
        attach_app_asset(dag, engine_app(release))  # apply's outlet: dependents (spec.dependsOn) see it applied
    return dag


def release_dags(apps: AppSet, *, wanted: str | None, start_date: object) -> dict[str, DAG]:
    return {r.dag_id: release_dag(r, apps.chart_source_of(r), start_date=start_date)
            for r in apps.helm_releases if wanted is None or r.dag_id == wanted}
