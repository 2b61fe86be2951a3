"""Flux duration strings (``1m30s``, ``10m``, ``1h``, ``500ms``) to ``timedelta`` and back.

Flux's CRDs accept Go durations restricted by the pattern ``^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$``;
we accept exactly that pattern so a definition valid for Airflux is valid for Flux and vice versa.
"""

from __future__ import annotations

import re
from datetime import timedelta

FLUX_DURATION_PATTERN = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$"

_WHOLE = re.compile(FLUX_DURATION_PATTERN)
_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class DurationSyntaxError(ValueError):
    """The text is not a Flux duration; the message says what a valid one looks like."""


def parse_duration(text: str) -> timedelta:
    """Parse a Flux duration such as ``1m30s`` into a ``timedelta``."""
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise DurationSyntaxError(
            f"{text!r} is not a duration: use a number with a unit ms, s, m or h, e.g. 30s, 10m, 1h or 1m30s"
        )
    seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(text))
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Shortest Flux-style spelling of a duration: ``timedelta(seconds=90)`` → ``1m30s``."""
    millis = round(value.total_seconds() * 1000)
    if millis == 0:
        return "0s"
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    seconds, millis = divmod(millis, 1000)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{seconds}s" if seconds else ""]
    if millis:
        parts.append(f"{millis}ms")
    return "".join(parts)
