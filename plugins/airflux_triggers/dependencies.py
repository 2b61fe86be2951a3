"""dependsOn at run time: ``wait_for_dependencies`` holds an app until its dependencies are ready.

Every app's ``apply`` task has an outlet asset ``x-airflux://app/<dag id>``: Airflow records an event on
it each time the app applied successfully (apply includes the health wait, so: applied and Ready). The
waiting task has its dependencies' assets as inlets, takes each one's newest event, reads the revision
that run fetched (the ``fetch_source`` summary of that very run) and asks ``airflux.deps.blocking``
whether it may go. While blocked it defers (a timer in the triggerer, no worker slot) and looks again;
after ``spec.timeout`` it fails naming every dependency that is still not ready. Every app's ``notify``
(a teardown, so it runs after failures too) updates ``x-airflux://app-run/<dag id>``: when a dependency's
newest finished run failed on the very revision the app waits for, the app fails at once naming the
dependency and its error instead of waiting out the timeout. When that dependency later has a good run
again, its ``notify`` starts the dependents once more (``wake_dependents``), as Flux requeues them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, AssetAlias, BaseOperator, Context
from airflow.sdk.exceptions import AirflowFailException

from airflux.deps import DependencyState, blocking, failed
from airflux.specs.helm_types import HelmRepository, engine_app
from airflux.specs.types import CrossRef, GitRepository, Kustomization
from airflux_triggers.settings import poll_settings

TASK_ID = "wait_for_dependencies"
APP_ASSET_GROUP = "airflux-app"


def app_asset(dag_id: str) -> Asset:
    """The asset an app's ``apply`` updates on success; dependents read its events."""
    return Asset(name=f"app.{dag_id}", uri=f"x-airflux://app/{dag_id}", group=APP_ASSET_GROUP)


def dependency_dag_ids(app: Kustomization, depends_on: Iterable[CrossRef] | None = None) -> list[str]:
    """The DAG ids of ``spec.dependsOn`` (``hr.*`` for HelmRelease references, ``ks.*`` otherwise)."""
    refs = app.depends_on if depends_on is None else depends_on
    return [f"{'hr' if dep.kind == 'HelmRelease' else 'ks'}.{dep.namespace}.{dep.name}" for dep in refs]


def run_asset(dag_id: str) -> Asset:
    """The asset an app's ``notify`` (a teardown: it runs after failed runs too) updates when a run ends;
    dependents read the newest one to see a failed run without waiting out their timeout."""
    return Asset(name=f"run.{dag_id}", uri=f"x-airflux://app-run/{dag_id}", group=APP_ASSET_GROUP)


def attach_app_asset(dag: Any, app: Kustomization) -> None:
    """Give ``apply`` its outlet (applied and Ready) and ``notify`` its own (a run ended, however it went)."""
    for task_id, asset in (("apply", app_asset(app.dag_id)), ("notify", run_asset(app.dag_id))):
        if task_id in dag.task_dict:
            dag.task_dict[task_id].outlets = [*dag.task_dict[task_id].outlets, asset]


def dependents_alias(dag_id: str) -> AssetAlias:
    """The outlet through which an app's ``notify`` starts the apps that depend on it (see ``wake_dependents``)."""
    return AssetAlias(name=f"airflux-dependents-of.{dag_id}", group=APP_ASSET_GROUP)


def dependents_of(apps: Any) -> dict[str, tuple[str, ...]]:
    """dag id → the dag ids of the apps whose ``spec.dependsOn`` names it (Kustomizations and HelmReleases)."""
    found: dict[str, list[str]] = {}
    for app in apps.kustomizations:
        for dep in dependency_dag_ids(app):
            found.setdefault(dep, []).append(app.dag_id)
    for release in apps.helm_releases:
        for dep in dependency_dag_ids(engine_app(release), release.depends_on):
            found.setdefault(dep, []).append(release.dag_id)
    return {dag_id: tuple(sorted(names)) for dag_id, names in found.items()}


def wire_dependents(dags: dict[str, Any], apps: Any) -> None:
    """Give the ``notify`` task of every app that others depend on what ``wake_dependents`` needs: its own
    run asset as an inlet (how the previous run ended) and an alias outlet (the dependents' request assets)."""
    for dag_id, dependents in dependents_of(apps).items():
        notify = dags[dag_id].task_dict.get("notify") if dag_id in dags else None
        if notify is None:
            continue
        notify.inlets = [*notify.inlets, run_asset(dag_id)]
        notify.outlets = [*notify.outlets, dependents_alias(dag_id)]
        notify.dependents = dependents


def wake_dependents(context: Context, *, dag_id: str, dependents: Iterable[str], failed: bool) -> list[str]:
    """After a run that succeeded where the app's previous run failed, start every dependent again.

    A dependent whose ``wait_for_dependencies`` gave up because this app failed is not retried by
    Airflow; under Flux it would be requeued until its dependency is ready. Here the app's recovery
    records an event on each dependent's request asset (``x-airflux://reconcile/<dag id>``, which its
    schedule includes), so it runs again now. Returns the dag ids woken.
    """
    from airflux_triggers.scheduling import request_asset

    dependents = list(dependents)
    if failed or not dependents:
        return []
    events = _events(context, run_asset(dag_id))
    if not events:
        return []
    previous = max(events, key=lambda event: event.timestamp)
    ended = context["ti"].xcom_pull(dag_id=previous.source_dag_id, run_id=previous.source_run_id,
                                    task_ids="notify", map_indexes=-1) or {}
    if not (isinstance(ended, dict) and ended.get("failed")):
        return []
    alias = dependents_alias(dag_id)
    for dependent in dependents:
        context["outlet_events"][alias].add(request_asset(dependent), extra={"woken_by": dag_id})
    return dependents


def _events(context: Context, asset: Asset) -> list[Any]:
    try:
        return list(context["inlet_events"][asset])
    except KeyError:  # a task serialized before the asset existed
        return []


class WaitForDependencies(BaseOperator):
    """Wait (deferred) until every ``spec.dependsOn`` app applied the same source revision and is Ready."""

    ui_color = "#f3eefb"

    def __init__(self, *, app: Kustomization, source: GitRepository | HelmRepository,
                 depends_on: Iterable[CrossRef] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("task_id", TASK_ID)
        # Airflow 3.3 can fail a deferred task that resumed before the scheduler drained the executor's
        # event for the deferring process ("state changed externally"; apache/airflow#72716, a fix is
        # open). This task only looks, so a retry is always safe; its own verdicts (a failed dependency,
        # the timeout) raise AirflowFailException, which is never retried.
        kwargs.setdefault("retries", 2)
        kwargs.setdefault("retry_delay", timedelta(seconds=2))
        self.dependencies = dependency_dag_ids(app, depends_on)
        super().__init__(inlets=[asset for dag_id in self.dependencies
                                 for asset in (app_asset(dag_id), run_asset(dag_id))], **kwargs)
        self.app = app
        self.source = source

    @property
    def source_ident(self) -> str:
        """The GitRepository whose revision dependencies must match ("" for a HelmRepository: charts differ)."""
        if not isinstance(self.source, GitRepository):
            return ""
        return f"GitRepository/{self.source.meta.namespace}/{self.source.meta.name}"

    @property
    def app_ident(self) -> str:
        kind = "HelmRelease" if self.app.dag_id.startswith("hr.") else "Kustomization"
        return f"{kind}/{self.app.meta.namespace}/{self.app.meta.name}"

    def dependency_state(self, context: Context, dag_id: str) -> DependencyState:
        ti = context["ti"]
        failure, failed_revision, failed_source = self.newest_failure(context, dag_id)
        events = _events(context, app_asset(dag_id))
        if not events:
            return DependencyState(dag_id, None, False, failed_source, failure, failed_revision)
        newest = max(events, key=lambda event: event.timestamp)
        fetched = ti.xcom_pull(dag_id=newest.source_dag_id, run_id=newest.source_run_id,
                               task_ids="fetch_source", map_indexes=-1) or {}
        return DependencyState(dag_id, fetched.get("revision") or None, True, fetched.get("repository") or "",
                               failure, failed_revision)

    def newest_failure(self, context: Context, dag_id: str) -> tuple[str | None, str | None, str]:
        """``("[<task>] <error>", revision, repository)`` when the dependency's newest finished run failed."""
        events = _events(context, run_asset(dag_id))
        if not events:
            return None, None, ""
        newest = max(events, key=lambda event: event.timestamp)
        ti = context["ti"]
        run = {"dag_id": newest.source_dag_id, "run_id": newest.source_run_id, "map_indexes": -1}
        ended = ti.xcom_pull(task_ids="notify", **run) or {}
        task = ended.get("failed") if isinstance(ended, dict) else None
        if not task:
            return None, None, ""
        error = ti.xcom_pull(task_ids=task, key="error", **run) or {}
        fetched = ti.xcom_pull(task_ids="fetch_source", **run) or {}
        message = error.get("message") if isinstance(error, dict) else None
        return (f"[{task}] {message or 'failed (see its log)'}", fetched.get("revision") or None,
                fetched.get("repository") or "")

    def target_revision(self, context: Context) -> str | None:
        """The revision this run is about to deploy: the triggering event's, else what the ref points to now."""
        from airflux.source import resolve
        from airflux_ops.connections import git_credentials
        from airflux_triggers.scheduling import triggering_revision

        pinned = (getattr(context.get("dag_run"), "conf", None) or {}).get("revision") or triggering_revision(
            context.get("triggering_asset_events"))
        if pinned:
            return str(pinned)
        if not isinstance(self.source, GitRepository):
            return None
        credentials = git_credentials(self.source.secret_ref, repository=self.source_ident)
        return resolve(self.source, credentials=credentials).revision

    def execute(self, context: Context, started: float | None = None) -> None:
        started = started if started is not None else time.time()
        states = [self.dependency_state(context, dag_id) for dag_id in self.dependencies]
        same_source = bool(self.source_ident) and any(state.source == self.source_ident for state in states)
        revision = self.target_revision(context) if same_source else None
        broken = failed(states, source=self.source_ident, revision=revision)
        if broken:  # its newest run for this very revision failed: nothing will apply it by waiting
            raise AirflowFailException(f"[dependsOn] {self.app_ident}: " + "; ".join(broken))
        reasons = blocking(states, source=self.source_ident, revision=revision)
        if not reasons:
            self.log.info("Dependencies ready: %s", ", ".join(f"{s.dag_id} at {s.revision}" for s in states))
            return
        waited = time.time() - started
        if waited >= self.app.timeout.total_seconds():
            raise AirflowFailException(f"[dependsOn] {self.app_ident}: "
                                       f"dependencies not ready after {timedelta(seconds=int(waited))}: "
                                       + "; ".join(reasons))
        from airflow.providers.standard.triggers.temporal import TimeDeltaTrigger

        delay = max(poll_settings().interval, 1.0)
        self.log.info("Waiting %.0fs more for: %s", delay, "; ".join(reasons))
        self.defer(trigger=TimeDeltaTrigger(timedelta(seconds=delay)), method_name="recheck",
                   kwargs={"started": started})

    def recheck(self, context: Context, event: Any = None, started: float | None = None) -> None:
        self.execute(context, started=started)
