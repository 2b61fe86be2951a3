"""Slack notifications from Airflow: the notify task's sending step and the DAGs' failure notifier.

Thin over ``airflux.notify``: this module only gathers what Airflow knows (XCom summaries, the failed
task, the run's start and URL, the Slack connections) and hands it to ``notify_run``. Provider and Alert
definitions are read from the apps directory when a run finishes (never at parse time), and a Provider's
``secretRef`` resolves to the Airflow connection of that id (or with ``-`` replaced by ``_``) whose
password is the bot token or the incoming-webhook URL. Nothing here raises into the run: a Slack
outage or a missing connection is logged and recorded in the notify task's XCom (``notifications``).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseNotifier, Connection, Context
from airflow.sdk.exceptions import AirflowNotFoundException

if TYPE_CHECKING:
    from datetime import timedelta

    from airflux.notify import AppRef, Rollback, RunFacts, StageFailure
    from airflux.specs import AppSet

# The engine (slack-sdk, and through the reconcile summaries the kubernetes client) is imported when a
# run finishes, not here: the factory imports this module on every DAG parse for the failure notifier.

log = logging.getLogger(__name__)

REMINDER_ENV = "AIRFLUX_NOTIFY_REMINDER"  # Flux duration; how long a repeated error stays quiet
DEFAULT_APPS = Path(__file__).resolve().parents[2] / "apps"


def reminder_period() -> timedelta:
    from airflux.notify import DEFAULT_REMINDER
    from airflux.specs.durations import DurationSyntaxError, parse_duration

    text = os.environ.get(REMINDER_ENV)
    if not text:
        return DEFAULT_REMINDER
    try:
        return parse_duration(text)
    except DurationSyntaxError:
        log.warning("%s=%r is not a duration; using %s", REMINDER_ENV, text, DEFAULT_REMINDER)
        return DEFAULT_REMINDER


def slack_secret(secret_ref: str) -> str | None:
    """The bot token or webhook URL in the connection's password (a URL in ``host`` also counts)."""
    from airflux_ops.connections import connection_ids

    for conn_id in connection_ids(secret_ref):
        try:
            conn = Connection.get(conn_id)
        except AirflowNotFoundException:
            continue
        if conn.password:
            return str(conn.password)
        host = str(conn.host or "")
        return host if "://" in host else None
    return None


def app_kind(app: Any) -> str:
    """The Flux kind of the app: a HelmRelease reaches the operators as the engine's Kustomization-shaped
    app (``engine_app``), so its ``hr.`` DAG id is what tells them apart."""
    return "HelmRelease" if app.dag_id.startswith("hr.") else str(app.kind)


def app_ref(app: Any) -> AppRef:
    from airflux.notify import AppRef

    return AppRef(kind=app_kind(app), namespace=app.meta.namespace, name=app.meta.name, dag_id=app.dag_id,
                  labels=app.meta.labels)


def run_url(dag_id: str, run_id: str) -> str | None:
    """The run's page in the Airflow UI, from ``[api] base_url`` (None when it is not configured)."""
    from airflow.configuration import conf

    base = conf.get("api", "base_url", fallback=None)
    return f"{base.rstrip('/')}/dags/{dag_id}/runs/{run_id}" if base else None


def stage_failure(failure: dict[str, str] | None, error: dict[str, Any] | None) -> StageFailure | None:
    """The failed task and the engine error it left in XCom as a ``StageFailure`` (the engine's stage wins:
    ``health`` rather than ``apply``)."""
    from airflux.notify import StageFailure

    if not failure:
        return None
    error = error or {}
    return StageFailure(stage=str(error.get("stage") or failure["task"]), message=failure["message"],
                        obj=str(error.get("object") or ""))


def rollback_of(failure: StageFailure | None, remediation: dict[str, Any] | None) -> Rollback | None:
    """A failed run whose apply task recorded a typed remediation that rolled the release back (XCom
    ``remediation``, a ``RemediationOutcome``) is a rollback; the error text is never parsed for it."""
    from airflux.notify import Rollback
    from airflux.specs.helm_types import RemediationOutcome

    if failure is None or not remediation:
        return None
    outcome = RemediationOutcome.from_dict(remediation)
    if not outcome.rolled_back:
        return None
    return Rollback(to_revision=f"revision {outcome.to_revision}", from_revision=f"revision {outcome.from_revision}",
                    failure=failure)


def _send(app: Any, facts: RunFacts, apps: AppSet) -> dict[str, Any]:
    from airflux.notify import NotifyOptions, StateStore, alerts_for, notify_run, provider_key
    from airflux.paths import Layout

    alerts = alerts_for(facts, apps.alerts)
    if not alerts:
        return {"outcome": None, "deliveries": [], "held": [], "delivered": True, "alerts": 0}
    providers = {provider_key(p): p for p in apps.providers}
    wanted = {f"{a.meta.namespace}/{a.provider_ref}" for a in alerts}
    secrets = {key: slack_secret(p.secret_ref) if p.secret_ref else None
               for key, p in providers.items() if key in wanted}
    result = notify_run(facts, alerts=alerts, providers=providers, secrets=secrets,
                        store=StateStore(Layout.from_env().root / "notify"),
                        options=NotifyOptions(reminder=reminder_period()))
    for delivery in result.deliveries:
        if delivery.delivered:
            log.info("Slack: %s sent through %s", delivery.alert, delivery.provider)
        else:
            log.warning("Slack: %s NOT delivered through %s: %s", delivery.alert, delivery.provider, delivery.error)
    for note in result.held:
        log.info("Slack: %s", note)
    return {**result.to_dict(), "alerts": len(alerts)}


def notify_slack(app: Any, context: Context, *, source: dict[str, Any], diff: dict[str, Any] | None,
                 applied: dict[str, Any] | None, failure: dict[str, str] | None, release: str = "") -> dict[str, Any]:
    """Send this run's message to every Alert that selects the app; what happened, for the task's XCom."""
    from airflux.notify import RunFacts, commit_info
    from airflux.paths import Layout
    from airflux.reconcile import ApplySummary, DiffSummary
    from airflux.specs import apps_dir_from_env, load_apps
    from airflux.specs.helm_types import REMEDIATION_KEY

    try:
        ti = context["ti"]
        error = ti.xcom_pull(task_ids=failure["task"], key="error") if failure else None
        stage = stage_failure(failure, error)
        rollback = rollback_of(stage, ti.xcom_pull(task_ids=failure["task"], key=REMEDIATION_KEY) if failure else None)
        start = getattr(context.get("dag_run"), "start_date", None)
        revision = str((applied or diff or source or {}).get("revision", ""))
        facts = RunFacts(
            app=app_ref(app), run_id=str(context["run_id"]), revision=revision,
            diff=DiffSummary.from_dict(diff) if diff else None,
            applied=ApplySummary.from_dict(applied) if applied else None,
            failure=None if rollback else stage, rollback=rollback,
            duration=datetime.now(UTC) - start if start else None,
            run_url=run_url(app.dag_id, str(context["run_id"])),
            commit=commit_info(repo_url=str(source.get("url") or ""), revision=revision,
                               git_cache=Layout.from_env().git_cache) if source else None,
            release=release,
        )
        return _send(app, facts, load_apps(apps_dir_from_env(default=DEFAULT_APPS)))
    except Exception as exc:  # a notification problem never fails the run; it is recorded instead
        log.warning("Slack notification failed: %s", exc)
        return {"delivered": False, "error": f"{type(exc).__name__}: {exc}"}


class AirfluxRunNotifier(BaseNotifier):
    """The DAGs' ``on_failure_callback``: Airflow's own failures (a task failed after its retries, the run
    timed out) reach the same Alerts. A run the notify task already reported is not reported twice."""

    def __init__(self, *, app: Any) -> None:
        super().__init__()
        self.app = app

    def render_template_fields(self, context: Context, jinja_env: Any = None) -> None:
        """Nothing to template; and under ``dag.test()`` the context's DAG cannot build a Jinja env."""

    def notify(self, context: Context) -> None:
        from airflux.notify import RunFacts, StageFailure
        from airflux.specs import apps_dir_from_env, load_apps

        dag_run = context.get("dag_run")
        run_id = str(getattr(dag_run, "run_id", "") or context.get("run_id") or "")
        reason = str(context.get("reason") or "")
        failed = [ti.task_id for ti in _failed_tis(dag_run)]
        if "timed_out" in reason or "timeout" in reason:
            message = "the run timed out (dagrun_timeout); Airflow stopped its tasks"
        elif failed:
            message = f"task {', '.join(failed)} failed after its retries (see the task log)"
        else:
            message = f"the run failed ({reason or 'no reason given'})"
        start = getattr(dag_run, "start_date", None)
        facts = RunFacts(app=app_ref(self.app), run_id=run_id,
                         failure=StageFailure(stage=failed[0] if failed else "run", message=message),
                         duration=datetime.now(UTC) - start if start else None,
                         run_url=run_url(self.app.dag_id, run_id))
        try:
            _send(self.app, facts, load_apps(apps_dir_from_env(default=DEFAULT_APPS)))
        except Exception as exc:  # the callback must never crash the DAG processor
            log.warning("Slack notification of a failed run failed: %s", exc)


def _failed_tis(dag_run: Any) -> list[Any]:
    getter = getattr(dag_run, "get_task_instances", None)
    if getter is None:
        return []
    try:
        return [ti for ti in getter() if str(getattr(ti, "state", "")) in ("failed", "TaskInstanceState.FAILED")]
    except Exception:  # older/partial run objects: the message still goes out without task names
        return []
