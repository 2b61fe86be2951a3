"""The git watcher: one event trigger per GitRepository that turns a new commit into an asset event.

Each app DAG is scheduled on its GitRepository's asset, whose ``AssetWatcher`` runs this trigger in
the triggerer. It polls with ``airflux.source.resolve`` (one ``git ls-remote``, no clone) in a thread so
the triggerer's event loop never blocks, and fires when the resolved revision differs from the last one
it saw, force-pushes included. The last seen revision lives in Airflow 3.3's asset state store, so a
triggerer restart (or the watcher moving to another triggerer) does not fire again for a commit it
already announced. Failures back off exponentially and are logged (message only: the engine scrubs
secrets from git's output) so an unreachable remote is visible in the triggerer log without flooding it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from airflux.source import redact_url, resolve
from airflux_triggers.repository import git_credentials, repository_from_kwargs
from airflux_triggers.settings import poll_settings

STATE_KEY = "last_revision"
CLASSPATH = "airflux_triggers.git_watcher.GitRevisionTrigger"


class RevisionMemory:
    """Where the watcher keeps the last revision it announced.

    Backed by the asset state store the triggerer injects (``aget``/``aset`` of the watched asset);
    without one (a trigger run outside the triggerer) the value lives only as long as this object.
    """

    def __init__(self, store: Any | None) -> None:
        self._store = store
        self._value: str | None = None

    async def get(self) -> str | None:
        if self._store is not None:
            value = await self._store.aget(STATE_KEY)
            return value if isinstance(value, str) else None
        return self._value

    async def set(self, revision: str) -> None:
        if self._store is not None:
            await self._store.aset(STATE_KEY, revision)
        self._value = revision


def describe_error(exc: BaseException, url: str) -> str:
    """One line for the log: the engine's message, with the URL's userinfo removed if it slipped in."""
    text = str(exc) or type(exc).__name__
    return text.replace(url, redact_url(url)) if url != redact_url(url) else text


class GitRevisionTrigger(BaseEventTrigger):
    """Fire an event ``{"revision": "main@sha1:<sha>", ...}`` each time the repository's ref moves.

    The first poll with no remembered revision only records it: the interval schedule's first run
    reconciles that commit, and announcing it too would start a second run for the same commit.
    """

    def __init__(self, *, namespace: str, name: str, url: str, ref: dict[str, str],
                 secret_ref: str | None = None, timeout: float = 60.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.namespace = namespace
        self.name = name
        self.url = url
        self.ref = dict(ref)
        self.secret_ref = secret_ref
        self.timeout = timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return CLASSPATH, {
            "namespace": self.namespace,
            "name": self.name,
            "url": self.url,
            "ref": dict(self.ref),
            "secret_ref": self.secret_ref,
            "timeout": self.timeout,
        }

    @property
    def repository(self) -> str:
        return f"GitRepository/{self.namespace}/{self.name}"

    async def run(self) -> AsyncIterator[TriggerEvent]:
        repo = repository_from_kwargs(**self.serialize()[1])
        memory = RevisionMemory(self.asset_state_store)
        last = await memory.get()
        failures = 0
        self.log.info("Watching %s (%s, %s)", self.repository, redact_url(self.url), repo.ref.describe())
        while True:
            settings = poll_settings()
            try:
                credentials = await git_credentials(repo.secret_ref)
                resolved = await asyncio.to_thread(resolve, repo, credentials=credentials)
            except Exception as exc:  # any failure: keep watching, slower
                failures += 1
                delay = settings.delay_after(failures)
                self.log.warning("%s: cannot resolve the ref (failure %d, next attempt in %.1fs): %s",
                                 self.repository, failures, delay, describe_error(exc, self.url))
                await asyncio.sleep(delay)
                continue
            if failures:
                self.log.info("%s: reachable again after %d failures", self.repository, failures)
                failures = 0
            if resolved.revision != last:
                # Remembered before the event is handed over: a restart in between loses at most one
                # event (the interval schedule still reconciles) instead of announcing a commit twice.
                await memory.set(resolved.revision)
                if last is None:
                    self.log.info("%s: at %s (first look, nothing to announce)", self.repository,
                                  resolved.revision)
                else:
                    self.log.info("%s: new revision %s (was %s)", self.repository, resolved.revision, last)
                    yield TriggerEvent({"repository": self.repository, "revision": resolved.revision,
                                        "commit": resolved.commit, "previous": last})
                last = resolved.revision
            await asyncio.sleep(settings.interval)
