"""The sensor style: a deferrable ``GitCommitSensor`` that waits in the triggerer for a new revision.

For apps annotated ``airflux.io/trigger: sensor`` the DAG runs continuously (one run at a time) and
this sensor is its first task. It succeeds at once on the first run, as soon as the repository's ref
resolves to a revision other than the one the app last applied, or when ``spec.interval`` has passed
(drift correction, as the watcher style's time schedule). While waiting it holds no worker slot:
``GitCommitTrigger`` polls ``airflux.source.resolve`` in the triggerer, backing off on errors.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator, Context
from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflux.source import redact_url, resolve
from airflux.specs.types import GitRepository, Kustomization
from airflux_triggers.git_watcher import describe_error
from airflux_triggers.repository import git_credentials, repository_from_kwargs, repository_kwargs
from airflux_triggers.settings import poll_settings

SENSOR_TASK_ID = "wait_for_commit"
APPLY_TASK_ID = "apply"


class GitCommitTrigger(BaseTrigger):
    """Fire once: ``{"reason": "new", "revision": ...}`` when the ref moves off ``since``, or
    ``{"reason": "interval"}`` at ``deadline`` (a UNIX time)."""

    def __init__(self, *, repository: dict[str, Any], since: str, deadline: float) -> None:
        super().__init__()
        self.repository = dict(repository)
        self.since = since
        self.deadline = deadline

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("airflux_triggers.commit_sensor.GitCommitTrigger",
                {"repository": dict(self.repository), "since": self.since, "deadline": self.deadline})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        repo = repository_from_kwargs(**self.repository)
        ident = f"GitRepository/{repo.meta.namespace}/{repo.meta.name}"
        failures = 0
        while True:
            settings = poll_settings()
            try:
                credentials = await git_credentials(repo.secret_ref)
                resolved = await asyncio.to_thread(resolve, repo, credentials=credentials)
            except Exception as exc:  # keep waiting, slower; the deadline still ends the wait
                failures += 1
                delay = settings.delay_after(failures)
                self.log.warning("%s: cannot resolve the ref (failure %d, next attempt in %.1fs): %s",
                                 ident, failures, delay, describe_error(exc, repo.url))
            else:
                failures, delay = 0, settings.interval
                if resolved.revision != self.since:
                    yield TriggerEvent({"reason": "new", "revision": resolved.revision, "since": self.since})
                    return
            remaining = self.deadline - time.time()
            if remaining <= 0:
                yield TriggerEvent({"reason": "interval", "revision": None, "since": self.since})
                return
            await asyncio.sleep(min(delay, remaining))


class GitCommitSensor(BaseSensorOperator):
    """Wait (deferred, in the triggerer) until the app's source has a revision it has not applied."""

    ui_color = "#fdf3e1"

    def __init__(self, *, app: Kustomization, source: GitRepository, **kwargs: Any) -> None:
        kwargs.setdefault("task_id", SENSOR_TASK_ID)
        # The trigger's own deadline ends the wait; Airflow's sensor timeout is only a backstop.
        kwargs.setdefault("timeout", (app.interval + timedelta(minutes=5)).total_seconds())
        super().__init__(**kwargs)
        self.app = app
        self.source = source

    def last_applied(self, context: Context) -> str | None:
        """The revision in the newest apply summary of this DAG (None before the first apply)."""
        summary = context["ti"].xcom_pull(task_ids=APPLY_TASK_ID, include_prior_dates=True, map_indexes=-1)
        revision = summary.get("revision") if isinstance(summary, dict) else None
        return revision or None

    def execute(self, context: Context) -> str | None:
        since = self.last_applied(context)
        if since is None:
            self.log.info("No revision applied yet: reconciling now")
            return None
        self.log.info("Waiting up to %s for %s (%s) to move off %s", self.app.interval,
                      f"GitRepository/{self.source.meta.namespace}/{self.source.meta.name}",
                      redact_url(self.source.url), since)
        self.defer(
            trigger=GitCommitTrigger(repository=repository_kwargs(self.source), since=since,
                                     deadline=time.time() + self.app.interval.total_seconds()),
            method_name="execute_complete",
        )

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> str | None:
        event = event or {}
        if event.get("reason") == "new":
            self.log.info("New revision %s (applied: %s)", event.get("revision"), event.get("since"))
            return str(event["revision"])
        self.log.info("No new revision within %s: reconciling for drift correction", self.app.interval)
        return None

    def poke(self, context: Context) -> bool:
        # Only reached if someone turns deferral off: then a cheap ls-remote per poke.
        from airflux_ops.connections import git_credentials as task_credentials

        since = self.last_applied(context)
        if since is None:
            return True
        repository = f"GitRepository/{self.source.meta.namespace}/{self.source.meta.name}"
        credentials = task_credentials(self.source.secret_ref, repository=repository)
        return resolve(self.source, credentials=credentials).revision != since
