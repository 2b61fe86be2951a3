"""Helpers for render tests: artifact trees written by the test and Kustomization specs built in code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from render_helpers import TreeWriter

from airflux.paths import Layout


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path / "home")


@pytest.fixture
def artifact(tmp_path: Path) -> TreeWriter:
    """Write files (path → text, dedented) into a fresh artifact directory and return it."""
    root = tmp_path / "artifact"

    def write(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        root.mkdir(exist_ok=True)
        return root

    return write
