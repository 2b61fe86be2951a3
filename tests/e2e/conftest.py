"""End-to-end fixtures: one migrated Airflow per session, and per test an app on its own kubesim."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_stack import AirflowStack, App, Repo


@pytest.fixture(scope="session")
def airflow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    stack = AirflowStack(tmp_path_factory.mktemp("e2e-airflow"))
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def app(airflow_stack: AirflowStack, kubesim: Any, tmp_path: Path, request: pytest.FixtureRequest) -> App:
    apps = tmp_path / "apps"
    apps.mkdir()
    # A DAG id per test keeps each test's runs, task rows and XComs apart in the shared database.
    # Short: the DAG id is the value of the owner label, and label values have at most 63 characters.
    name = request.node.name.removeprefix("test_").replace("_", "-")[:40].strip("-")
    return App(airflow_stack, Repo(tmp_path / "repo"), apps, tmp_path / "store", kubesim, name)
