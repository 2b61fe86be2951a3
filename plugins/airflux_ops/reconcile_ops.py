"""Operators for the steps after render: ``diff``, ``apply`` (with prune and health) and ``notify``.

Each one reads the previous steps' summaries from XCom, calls one ``airflux.reconcile`` function
and returns its summary as a small dict (revision, counts, changed object names), so the last
applied revision and the change set show in XCom and in the task log while manifests, change
sets and diffs stay in the artifact store. ``dag_run.conf`` ``{"force": true}`` re-applies every
object, also the unchanged ones.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from airflow.sdk import BaseOperator, Context
from airflow.sdk.exceptions import AirflowFailException

from airflux.paths import Layout
from airflux.redact import Redactor, redacting
from airflux.specs.helm_types import HelmRelease
from airflux.specs.types import Kustomization
from airflux_ops.operators import ERROR_KEY, engine_errors, skip_if_suspended
from airflux_ops.summaries import RenderSummary


def forced(context: Context) -> bool:
    """``{"force": true}`` in the run's conf (the UI's "Trigger with config", the REST API)."""
    conf = getattr(context.get("dag_run"), "conf", None) or {}
    value = conf.get("force", False)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _pull(context: Context, task_id: str) -> dict[str, Any]:
    value = context["ti"].xcom_pull(task_ids=task_id)
    if not value:
        raise AirflowFailException(f"task {task_id} returned nothing; it must succeed first")
    return cast(dict[str, Any], value)


class _ClusterStep(BaseOperator):
    """Shared by diff and apply: the rendered set of this run and a client for the target cluster."""

    def __init__(self, *, app: Kustomization, render_task_id: str = "render", release: HelmRelease | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.render_task_id = render_task_id
        self.release = release  # a HelmRelease's step: its valuesFrom Secrets are masked too

    def redactor(self, client: Any) -> Redactor:
        from airflux_ops.redaction import secret_redactor

        return secret_redactor(client, app=self.app, release=self.release)

    def rendered(self, context: Context) -> RenderSummary:
        return cast(RenderSummary, _pull(context, self.render_task_id))

    def run_dir(self, context: Context) -> Path:
        from airflux.reconcile import run_dir

        return run_dir(Layout.from_env(), dag_id=self.app.dag_id, run_id=str(context["run_id"]))

    @property
    def engine_log(self) -> logging.Logger:
        # Airflow's task logger (structlog) takes the same ``info("%s", ...)`` calls the engine makes.
        return cast(logging.Logger, self.log)


class DiffOperator(_ClusterStep):
    """What applying this render would change, dry-run on the target cluster, printed like ``flux diff``."""

    ui_color = "#fdf6e3"

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.reconcile import diff_app
        from airflux_ops.connections import kube_client

        skip_if_suspended(self.app)
        rendered, force = self.rendered(context), forced(context)
        with engine_errors(context) as errors:
            client = kube_client()
            try:
                errors.redactor = self.redactor(client)
                summary = diff_app(client, self.app, rendered=Path(rendered["path"]),
                                   rendered_digest=rendered["digest"], revision=rendered["revision"],
                                   run_dir=self.run_dir(context), force=force,
                                   logger=redacting(self.engine_log, errors.redactor), redactor=errors.redactor)
            finally:
                client.close()
        self.log.info("Change set of %s at %s%s: %s (%s)", self.app.dag_id, summary.revision,
                      " (forced)" if force else "", _counts(summary.counts), summary.change_set)
        return summary.to_dict()


class ApplyOperator(_ClusterStep):
    """Apply what changed (everything with conf force), record the inventory, prune, wait for health."""

    ui_color = "#e6f4ea"

    def __init__(self, *, diff_task_id: str = "diff", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.diff_task_id = diff_task_id

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.reconcile import apply_app, diff_app
        from airflux_ops.connections import kube_client

        skip_if_suspended(self.app)
        rendered, force = self.rendered(context), forced(context)
        _pull(context, self.diff_task_id)  # the change set on disk is this run's only if diff succeeded
        where = {"rendered": Path(rendered["path"]), "rendered_digest": rendered["digest"],
                 "revision": rendered["revision"], "run_dir": self.run_dir(context), "force": force}
        with engine_errors(context) as errors:
            client = kube_client()
            try:
                errors.redactor = self.redactor(client)
                where["logger"] = redacting(self.engine_log, errors.redactor)
                if context["ti"].try_number > 1:
                    # An earlier try wrote some or all of the set: plan again from what is live now.
                    self.log.info("Try %d: the cluster changed since diff ran, diffing again", context["ti"].try_number)
                    diff_app(client, self.app, redactor=errors.redactor, **where)
                summary = apply_app(client, self.app, **where)
            finally:
                client.close()
        self.log.info("Applied revision %s: %s; inventory %d object(s)", summary.revision,
                      _counts(summary.counts), summary.inventory_size)
        return summary.to_dict()


class NotifyOperator(BaseOperator):
    """The run summary, written to the task log and sent to Slack through the Alerts that select the app.

    Made a teardown task by the factory: it runs whether the steps before it succeeded or failed, and
    its own outcome never changes the run's state (a notification problem is not a failed deploy).
    On a failed run it names the task that failed and the engine's error for it.
    """

    ui_color = "#f3e8fd"

    def __init__(self, *, app: Kustomization, steps: tuple[str, ...] = ("fetch_source", "render", "diff", "apply"),
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.steps = steps
        self.dependents: tuple[str, ...] = ()  # apps whose dependsOn names this one (set by the factory)

    def execute(self, context: Context) -> dict[str, Any]:
        from airflux.reconcile import ApplySummary, DiffSummary, Failure, run_summary

        skip_if_suspended(self.app)
        ti = context["ti"]
        source = ti.xcom_pull(task_ids="fetch_source") or {}
        diff = ti.xcom_pull(task_ids="diff")
        applied = ti.xcom_pull(task_ids="apply")
        failure = self.failure(context)
        start = getattr(context.get("dag_run"), "start_date", None)
        text = run_summary(
            dag_id=self.app.dag_id,
            revision=(applied or diff or source).get("revision", ""),
            diff=DiffSummary.from_dict(diff) if diff else None,
            applied=ApplySummary.from_dict(applied) if applied else None,
            failure=Failure(**failure) if failure else None,
            duration=datetime.now(timezone.utc) - start if start else None,  # noqa: UP017
        )
        for line in text.splitlines():
            (self.log.error if failure else self.log.info)("%s", line)
        from airflux_ops.notify_ops import notify_slack  # never raises: delivery problems are recorded

        sent = notify_slack(self.app, context, source=source, diff=diff, applied=applied, failure=failure,
                            release=self.release_line(context))
        if self.dependents:
            from airflux_triggers.dependencies import wake_dependents

            woken = wake_dependents(context, dag_id=self.app.dag_id, dependents=self.dependents,
                                    failed=failure is not None)
            if woken:
                self.log.info("%s recovered: starting its dependents again: %s", self.app.dag_id, ", ".join(woken))
        return {"revision": (applied or {}).get("revision", ""), "failed": failure["task"] if failure else None,
                "summary": text, "notifications": sent}

    def release_line(self, context: Context) -> str:
        """What the notification says about a Helm release (nothing for a Kustomization)."""
        return ""

    def failure(self, context: Context) -> dict[str, str] | None:
        """The first step of this run that failed, with the error it left (if it was an engine error)."""
        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, run_ids=[ti.run_id], task_ids=list(self.steps))
        by_task = dict(states.get(ti.run_id) or {})
        for step in self.steps:
            if by_task.get(step) == "failed":
                error = ti.xcom_pull(task_ids=step, key=ERROR_KEY) or {}
                return {"task": step, "message": str(error.get("message") or "failed (see the task's log)")}
        return None


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {a}" for a, n in counts.items() if n) or "no objects"
