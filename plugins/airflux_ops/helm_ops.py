"""Operators of a HelmRelease DAG (``hr.<namespace>.<name>``): fetch the chart, render it with Helm,
apply it with hooks and history. ``diff`` and ``notify`` are the Kustomization operators, given the
release as the engine sees it (``airflux.helm.engine_app``), so both kinds share one diff and one
run summary; the helm notify adds the release history to it.

As in ``operators``, engine imports happen inside ``execute`` (the DAG processor never runs a task).
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from airflow.sdk import BaseOperator, Context
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from airflux.paths import Layout
from airflux.specs.describe import suspended_note
from airflux.specs.helm_types import REMEDIATION_KEY, HelmRelease, HelmRepository, engine_app
from airflux.specs.types import GitRepository
from airflux_ops.operators import REVISION_FROM_CONF, engine_errors
from airflux_ops.reconcile_ops import NotifyOperator, forced


def _skip_if_suspended(release: HelmRelease) -> None:
    if release.suspend:
        raise AirflowSkipException(suspended_note(engine_app(release)))


def _basic_auth(secret_ref: str | None, *, repository: str) -> Any:
    from airflux.helm import BasicAuth
    from airflux_ops.connections import git_credentials

    creds = git_credentials(secret_ref, repository=repository)
    if creds is None or not creds.username:
        return None
    return BasicAuth(username=creds.username, password=creds.password or "")


def _announced_version(context: Context) -> str | None:
    """The chart version the newest triggering asset event names (a chart watcher's event), or the one
    a sensor-style run's ``wait_for_chart`` saw, if any."""
    if "wait_for_chart" in getattr(context.get("task"), "upstream_task_ids", ()):
        seen = context["ti"].xcom_pull(task_ids="wait_for_chart")
        if isinstance(seen, str) and seen:
            return seen
    newest: Any = None
    for events in (context.get("triggering_asset_events") or {}).values():
        for event in events:
            if newest is None or event.timestamp >= newest.timestamp:
                newest = event
    extra = getattr(newest, "extra", None) or {}
    payload = extra.get("payload") if isinstance(extra.get("payload"), dict) else extra
    version = payload.get("version") if isinstance(payload, dict) else None
    return version if isinstance(version, str) and version else None


class FetchChartOperator(BaseOperator):
    """The chart a HelmRelease asks for: the newest matching version from its HelmRepository (stored once
    per digest), or the chart directory of a GitRepository revision."""

    template_fields = ("revision",)
    ui_color = "#e8f1fb"

    def __init__(self, *, release: HelmRelease, source: HelmRepository | GitRepository,
                 revision: str = REVISION_FROM_CONF, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.release = release
        self.source = source
        self.revision = revision

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.helm import fetch_chart

        _skip_if_suspended(self.release)
        if isinstance(self.source, GitRepository):
            return self._from_git(context, self.source)
        repository = f"HelmRepository/{self.source.meta.namespace}/{self.source.meta.name}"
        source = self.source
        announced = _announced_version(context)
        if announced:  # the chart watcher saw a new version: read the index now, not the cached one
            self.log.info("Triggered by chart version %s", announced)
            source = dataclasses.replace(source, interval=timedelta(0))
        with engine_errors(context):
            auth = _basic_auth(self.source.secret_ref, repository=repository)
            artifact = fetch_chart(source, chart=self.release.chart.chart, version=self.release.chart.version,
                                   layout=Layout.from_env(), auth=auth)
        self.log.info("%s chart %s %s from %s (%s)", "Downloaded" if artifact.downloaded else "Already have",
                      artifact.chart.name, artifact.chart.version, repository, artifact.digest)
        if artifact.note:
            self.log.warning("%s", artifact.note)
        return {"repository": repository, "revision": artifact.revision, "digest": artifact.digest,
                "chart_digest": artifact.digest, "path": str(artifact.path), "chart": artifact.chart.name,
                "version": artifact.chart.version, "fetched": artifact.downloaded, "note": artifact.note}


    def _from_git(self, context: Context, source: GitRepository) -> dict[str, Any]:
        from airflux_ops.connections import git_credentials
        from airflux_ops.summaries import source_summary
        from airflux_triggers.scheduling import fetch_for_run

        repository = f"GitRepository/{source.meta.namespace}/{source.meta.name}"
        with engine_errors(context):
            credentials = git_credentials(source.secret_ref, repository=repository)
            artifact = fetch_for_run(source, layout=Layout.from_env(), credentials=credentials,
                                     conf_revision=self.revision or None,
                                     events=context.get("triggering_asset_events"), refetch=False, log=self.log)
        fetched: dict[str, Any] = dict(source_summary(artifact))
        chart_dir = Path(fetched["path"]) / self.release.chart.chart.strip("/")
        if not (chart_dir / "Chart.yaml").is_file():
            raise AirflowFailException(f"{self.release.chart.chart}: no Chart.yaml at this path of {repository}")
        self.log.info("Chart %s of %s at %s", self.release.chart.chart, repository, fetched["revision"])
        return {**fetched, "path": str(chart_dir), "chart_digest": f"{fetched['digest']}:{self.release.chart.chart}"}


class HelmRenderOperator(BaseOperator):
    """Render the chart with the Helm engine: values (valuesFrom read from the target cluster), release
    facts from the history in the cluster, capabilities of the cluster; nothing is applied."""

    ui_color = "#eef7ea"

    def __init__(self, *, release: HelmRelease, source_task_id: str = "fetch_source", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.release = release
        self.source_task_id = source_task_id

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.helm import (
            cluster_capabilities,
            kube_values_reader,
            namespaced_by,
            read_history,
            render_release,
        )
        from airflux.helm.cluster import kubeconfig_for
        from airflux_ops.connections import kube_client
        from airflux_ops.redaction import secret_redactor

        _skip_if_suspended(self.release)
        fetched = context["ti"].xcom_pull(task_ids=self.source_task_id)
        if not fetched:
            raise AirflowFailException(f"no chart: task {self.source_task_id} returned nothing")
        layout = Layout.from_env()
        with engine_errors(context) as errors:
            client = kube_client()
            try:
                # One reader (each object read once) for the Secret values to hide and for the values.
                read = functools.cache(kube_values_reader(client.api_client, namespace=self.release.meta.namespace))
                errors.redactor = secret_redactor(client, release=self.release, read=read)
                with kubeconfig_for(client, scratch=layout.root / "tmp") as kubeconfig:
                    render = render_release(
                        self.release, chart_path=Path(fetched["path"]), chart_digest=fetched["chart_digest"],
                        source_revision=fetched["revision"], layout=layout,
                        history=read_history(client, dag_id=self.release.dag_id),
                        read_values=read,
                        capabilities=cluster_capabilities(client), kubeconfig=kubeconfig,
                        is_namespaced=namespaced_by(client))
            finally:
                client.close()
        summary = render.to_dict()
        self.log.info("Rendered %s %s as release %s revision %d (%s): %d objects, %d hooks", render.chart,
                      render.version, render.release.name, render.release.revision,
                      "install" if render.release.is_install else "upgrade", summary["object_count"],
                      render.hook_count)
        return summary


class HelmApplyOperator(BaseOperator):
    """Hooks, apply/prune/health through the engine, release history, remediation."""

    ui_color = "#e6f4ea"

    def __init__(self, *, release: HelmRelease, render_task_id: str = "render", diff_task_id: str = "diff",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.release = release
        self.render_task_id = render_task_id
        self.diff_task_id = diff_task_id

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.helm import ReleaseFailed, apply_release
        from airflux.helm.render import HelmRender
        from airflux.reconcile import diff_app, run_dir
        from airflux.redact import redacting
        from airflux_ops.connections import kube_client
        from airflux_ops.redaction import secret_redactor

        _skip_if_suspended(self.release)
        ti = context["ti"]
        rendered = ti.xcom_pull(task_ids=self.render_task_id)
        if not rendered or not ti.xcom_pull(task_ids=self.diff_task_id):
            raise AirflowFailException("render and diff must succeed first")
        render = HelmRender.from_dict(cast(dict[str, Any], rendered))
        layout = Layout.from_env()
        where = run_dir(layout, dag_id=self.release.dag_id, run_id=str(context["run_id"]))
        with engine_errors(context) as errors:
            client = kube_client()
            try:
                errors.redactor = secret_redactor(client, release=self.release)
                logger = redacting(self.log, errors.redactor)
                if ti.try_number > 1:
                    diff_app(client, engine_app(self.release), rendered=render.result.path,
                             rendered_digest=render.result.digest, revision=render.source_revision, run_dir=where,
                             force=forced(context), logger=logger, redactor=errors.redactor)
                try:
                    summary = apply_release(client, self.release, render=render, run_dir=where, layout=layout,
                                            force=forced(context), logger=logger, redactor=errors.redactor)
                except ReleaseFailed as exc:
                    if exc.remediation is not None:  # typed, for the notify step (never parsed from text)
                        ti.xcom_push(REMEDIATION_KEY, exc.remediation.to_dict())
                    raise
            finally:
                client.close()
        for line in summary.history:
            self.log.info("release %s", line)
        return summary.to_dict()


class HelmNotifyOperator(NotifyOperator):
    """The run summary of a Kustomization, followed by the release history; the Slack message names the
    chart, its version and the release revision, as helm-controller's events do."""

    def release_line(self, context: Context) -> str:
        ti = context["ti"]
        rendered = ti.xcom_pull(task_ids="render") or {}
        if not isinstance(rendered, dict) or not rendered.get("chart"):
            return ""
        release = rendered.get("release") or {}
        applied = ti.xcom_pull(task_ids="apply") or {}
        revision = applied.get("release_revision") or release.get("revision")
        app_version = f" (app {rendered['app_version']})" if rendered.get("app_version") else ""
        action = "install" if release.get("is_install") else "upgrade"
        if applied and not applied.get("upgraded"):
            action = "unchanged"
        return f"{rendered['chart']} {rendered.get('version', '')}{app_version}, revision {revision} ({action})"

    def execute(self, context: Context) -> dict[str, Any]:
        result = super().execute(context)
        applied = context["ti"].xcom_pull(task_ids="apply") or {}
        history = list(applied.get("history") or [])
        if history:
            self.log.info("release history (oldest first):")
            for line in history:
                self.log.info("  %s", line)
            result["summary"] += "\n  release history:\n" + "\n".join(f"    {line}" for line in history)
        return result
