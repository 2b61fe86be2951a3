"""Fixtures for the loader tests: write definition files into a temporary apps directory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteApp = Callable[[str, str], Path]


@pytest.fixture
def apps_dir(tmp_path: Path) -> Path:
    path = tmp_path / "apps"
    path.mkdir()
    return path


@pytest.fixture
def write(apps_dir: Path) -> WriteApp:
    def _write(relative: str, text: str) -> Path:
        path = apps_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return _write
