"""Flux durations parse like Flux, and the generated field docs match the field table."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from airflux.specs.docs import render_markdown
from airflux.specs.durations import DurationSyntaxError, format_duration, parse_duration
from airflux.specs.fields import SUPPORTED

DOCS = Path(__file__).resolve().parents[3] / "docs" / "app-definitions.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("10m", timedelta(minutes=10)),
        ("1h", timedelta(hours=1)),
        ("1m30s", timedelta(seconds=90)),
        ("1h2m3s", timedelta(hours=1, minutes=2, seconds=3)),
        ("500ms", timedelta(milliseconds=500)),
        ("1.5h", timedelta(minutes=90)),
        ("2h45m", timedelta(hours=2, minutes=45)),
    ],
)
def test_flux_durations_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "10", "1d", "1 m", "-1m", "m", "1m 30s", "1M", ".5s"])
def test_non_durations_are_rejected(text: str) -> None:
    with pytest.raises(DurationSyntaxError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["30s", "10m", "1h", "1m30s", "1h0m1s", "500ms"])
def test_durations_format_back(text: str) -> None:
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)
    assert format_duration(timedelta(seconds=90)) == "1m30s"


def test_docs_are_generated_from_the_field_table() -> None:
    assert DOCS.read_text() == render_markdown(), "run: python -m airflux.specs.docs > docs/app-definitions.md"


def test_docs_list_every_supported_field() -> None:
    text = DOCS.read_text()
    for spec in SUPPORTED.values():
        for field in spec.fields:
            assert f"| `{field.path}` |" in text
