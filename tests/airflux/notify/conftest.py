"""Fixtures for the notify tests: a live Slack recorder, a state store and a settable clock in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_helpers import Clock, Setup

from airflux.notify import StateStore
from airflux.notify.recorder import Recorder


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder(tmp_path / "slack.jsonl") as rec:
        yield rec


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "notify")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["token", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def setup(recorder: Recorder, store: StateStore, clock: Clock, mode: str) -> Setup:
    return Setup(recorder, store, clock, mode)
