"""Fixtures for the trigger tests: upstream git repositories made by the test, a fast poll period,
and an asset state store that outlives a trigger the way Airflow's does."""

from __future__ import annotations

from pathlib import Path

import pytest
from trigger_helpers import Upstream


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "gitconfig"
    cfg.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "tester")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@example.com")


@pytest.fixture(autouse=True)
def _fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__AIRFLUX__GIT_POLL_INTERVAL", "0.05")
    monkeypatch.setenv("AIRFLOW__AIRFLUX__GIT_POLL_MAX_BACKOFF", "5")


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    repo = Upstream(tmp_path / "upstream")
    repo.commit("initial")
    return repo
