"""The sensor style for HelmReleases whose chart comes from a HelmRepository: ``wait_for_chart``.

With ``airflux.io/trigger: sensor`` the release's DAG runs continuously and this deferrable sensor is its
first task, as ``wait_for_commit`` is for git sources: it succeeds at once on the first run, as soon as the
range picks a version other than the one the release last applied, or when ``spec.interval`` has passed.
While waiting it holds no worker slot: ``ChartVersionChangeTrigger`` polls ``chart_index`` in the triggerer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator, Context
from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflux.specs.helm_types import HelmRelease, HelmRepository
from airflux_triggers.chart_index import ChartIndexPoller
from airflux_triggers.chart_watcher import basic_auth, chart_kwargs, repository_of
from airflux_triggers.settings import helm_poll_settings

SENSOR_TASK_ID = "wait_for_chart"


class ChartVersionChangeTrigger(BaseTrigger):
    """Fire once: ``{"reason": "new", "version": ...}`` when the range picks a version other than ``since``,
    or ``{"reason": "interval"}`` at ``deadline`` (a UNIX time)."""

    def __init__(self, *, chart: dict[str, Any], since: str, deadline: float) -> None:
        super().__init__()
        self.chart = dict(chart)
        self.since = since
        self.deadline = deadline

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("airflux_triggers.chart_sensor.ChartVersionChangeTrigger",
                {"chart": dict(self.chart), "since": self.since, "deadline": self.deadline})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        identity = dict(self.chart)
        chart, version = identity.pop("chart"), identity.pop("version")
        poller = ChartIndexPoller(repository_of(**identity), chart=chart, version=version)
        failures = 0
        while True:
            settings = helm_poll_settings()
            try:
                polled = await asyncio.to_thread(poller.poll, auth=await basic_auth(identity["secret_ref"]))
            except Exception as exc:  # keep waiting, slower; the deadline still ends the wait
                failures += 1
                delay = settings.delay_after(failures)
                self.log.warning("%s chart %s: cannot read the index (failure %d, next attempt in %.1fs): %s",
                                 poller.ident, chart, failures, delay, str(exc).splitlines()[0] if str(exc) else exc)
            else:
                failures, delay = 0, settings.interval
                if polled.version != self.since:
                    yield TriggerEvent({"reason": "new", "version": polled.version, "since": self.since})
                    return
            remaining = self.deadline - time.time()
            if remaining <= 0:
                yield TriggerEvent({"reason": "interval", "version": None, "since": self.since})
                return
            await asyncio.sleep(min(delay, remaining))


class ChartVersionSensor(BaseSensorOperator):
    """Wait (deferred, in the triggerer) until the release's range picks a chart version it has not applied."""

    ui_color = "#fdf3e1"

    def __init__(self, *, release: HelmRelease, source: HelmRepository, **kwargs: Any) -> None:
        kwargs.setdefault("task_id", SENSOR_TASK_ID)
        kwargs.setdefault("timeout", (release.interval + timedelta(minutes=5)).total_seconds())
        super().__init__(**kwargs)
        self.release = release
        self.source = source

    def last_applied(self, context: Context) -> str | None:
        """The chart version of the newest apply summary (its revision is ``<version>@<digest>``)."""
        summary = context["ti"].xcom_pull(task_ids="apply", include_prior_dates=True, map_indexes=-1)
        revision = summary.get("revision") if isinstance(summary, dict) else None
        return str(revision).split("@", 1)[0] if revision else None

    def execute(self, context: Context) -> str | None:
        since = self.last_applied(context)
        if since is None:
            self.log.info("No chart version applied yet: reconciling now")
            return None
        chart = self.release.chart
        self.log.info("Waiting up to %s for chart %s (%s) to move off %s", self.release.interval, chart.chart,
                      chart.version, since)
        self.defer(trigger=ChartVersionChangeTrigger(
            chart=chart_kwargs(self.source, chart=chart.chart, version=chart.version), since=since,
            deadline=time.time() + self.release.interval.total_seconds()), method_name="execute_complete")

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> str | None:
        event = event or {}
        if event.get("reason") == "new":
            self.log.info("New chart version %s (applied: %s)", event.get("version"), event.get("since"))
            return str(event["version"])
        self.log.info("No new chart version within %s: reconciling for drift correction", self.release.interval)
        return None

    def poke(self, context: Context) -> bool:  # only if deferral is turned off
        return True
