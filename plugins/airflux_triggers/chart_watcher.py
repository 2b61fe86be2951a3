"""The chart watcher: one event trigger per HelmRepository + chart + version range.

helm-controller reconciles a HelmRelease when a new chart version matching its range appears; this
trigger gives ``hr.*`` DAGs the same: it polls the repository (``chart_index``: a conditional GET of
``index.yaml``, or the OCI tag list) and emits an asset event carrying the new version when the version
the range picks changes. Its kwargs are exactly that identity, so HelmReleases asking for the same chart
and range share one watcher (the triggerer deduplicates by classpath + kwargs). The last announced
version lives in the asset state store: a triggerer restart does not announce it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from airflux.source import redact_url
from airflux.specs.helm_types import HelmRepository
from airflux.specs.types import Meta, Origin
from airflux_triggers.chart_index import ChartIndexPoller
from airflux_triggers.git_watcher import RevisionMemory
from airflux_triggers.repository import git_credentials
from airflux_triggers.settings import helm_poll_settings

if TYPE_CHECKING:  # ``airflux.helm`` loads the Helm engine: only where a poll runs, never at DAG parse time
    from airflux.helm.repository import BasicAuth

CLASSPATH = "airflux_triggers.chart_watcher.ChartVersionTrigger"


def chart_kwargs(repo: HelmRepository, *, chart: str, version: str) -> dict[str, Any]:
    """The watcher's identity: the repository (where, which type, credentials, timeout), chart and range."""
    return {"namespace": repo.meta.namespace, "name": repo.meta.name, "url": repo.url, "type": repo.type,
            "secret_ref": repo.secret_ref, "timeout": repo.timeout.total_seconds(), "chart": chart,
            "version": version or "*"}


def repository_of(*, namespace: str, name: str, url: str, type: str, secret_ref: str | None,
                  timeout: float) -> HelmRepository:
    return HelmRepository(meta=Meta(name=name, namespace=namespace), origin=Origin(file=Path("<trigger>"), doc=0),
                          url=url, type=type, timeout=timedelta(seconds=timeout), secret_ref=secret_ref)


async def basic_auth(secret_ref: str | None) -> BasicAuth | None:
    """``secretRef``'s login/password, read with the triggerer's async connection API."""
    credentials = await git_credentials(secret_ref)
    if credentials is None or not credentials.username:
        return None
    from airflux.helm.repository import BasicAuth

    return BasicAuth(credentials.username, credentials.password or "")


class ChartVersionTrigger(BaseEventTrigger):
    """Fire ``{"repository", "chart", "range", "version", "previous"}`` when the range picks a new version."""

    def __init__(self, *, namespace: str, name: str, url: str, type: str, secret_ref: str | None,
                 timeout: float, chart: str, version: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.namespace, self.name, self.url, self.type = namespace, name, url, type
        self.secret_ref, self.timeout, self.chart, self.version = secret_ref, timeout, chart, version

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return CLASSPATH, {"namespace": self.namespace, "name": self.name, "url": self.url, "type": self.type,
                           "secret_ref": self.secret_ref, "timeout": self.timeout, "chart": self.chart,
                           "version": self.version}

    @property
    def repository(self) -> str:
        return f"HelmRepository/{self.namespace}/{self.name}"

    async def run(self) -> AsyncIterator[TriggerEvent]:
        repo = repository_of(namespace=self.namespace, name=self.name, url=self.url, type=self.type,
                             secret_ref=self.secret_ref, timeout=self.timeout)
        poller = ChartIndexPoller(repo, chart=self.chart, version=self.version)
        memory = RevisionMemory(self.asset_state_store)
        last = await memory.get()
        what = f"{self.repository} chart {self.chart} ({self.version})"
        self.log.info("Watching %s at %s", what, redact_url(self.url))
        failures = 0
        while True:
            settings = helm_poll_settings()
            try:
                auth = await basic_auth(self.secret_ref)
                polled = await asyncio.to_thread(poller.poll, auth=auth)
            except Exception as exc:  # any failure: keep watching, slower
                failures += 1
                delay = settings.delay_after(failures)
                self.log.warning("%s: cannot read the index (failure %d, next attempt in %.1fs): %s", what,
                                 failures, delay, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                await asyncio.sleep(delay)
                continue
            if failures:
                self.log.info("%s: reachable again after %d failures", what, failures)
                failures = 0
            if polled.version != last:
                await memory.set(polled.version)  # before the event: a restart never announces it twice
                if last is None:
                    self.log.info("%s: at %s (first look, nothing to announce)", what, polled.version)
                else:
                    self.log.info("%s: new version %s (was %s)", what, polled.version, last)
                    yield TriggerEvent({"repository": self.repository, "chart": self.chart, "range": self.version,
                                        "version": polled.version, "previous": last})
                last = polled.version
            await asyncio.sleep(settings.interval)
