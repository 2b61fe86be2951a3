"""Helpers for the trigger tests: an upstream repository, the asset state store, a trigger run in the background."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any


class Upstream:
    """A repository the test commits to, served over file://."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True,
                              text=True, env=os.environ).stdout.strip()

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def commit(self, message: str = "change") -> str:
        (self.path / "file.txt").write_text(f"{message}\n")
        self.git("add", "file.txt")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


class StateStore:
    """The asset state store as the triggerer hands it to a watcher (``aget``/``aset`` of one asset).

    It outlives the trigger objects of a test, as the metadata database outlives a triggerer.
    """

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    async def aset(self, key: str, value: Any) -> None:
        self.values[key] = value


class Running:
    """A trigger's ``run()`` consumed in the background; its events collected in order."""

    def __init__(self, gen: AsyncIterator[Any]) -> None:
        self.events: list[Any] = []
        self._task = asyncio.ensure_future(self._consume(gen))

    async def _consume(self, gen: AsyncIterator[Any]) -> None:
        async for event in gen:
            self.events.append(event.payload)

    async def wait_for(self, count: int, *, timeout: float = 10.0) -> list[Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.events) < count and loop.time() < deadline:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return list(self.events)

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
