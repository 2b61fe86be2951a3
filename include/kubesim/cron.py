"""Cron schedule syntax as CronJobs accept it: what robfig/cron's ``ParseStandard`` (used by the
API server's CronJob validation) accepts, with its error texts, so a bad ``spec.schedule`` gets the
same 422 cause as on a real cluster (``expected exactly 5 fields, found 4: [0 0 * *]``).
"""

from __future__ import annotations

import re

_CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_CRON_BOUNDS = (
    (0, 59, None),
    (0, 23, None),
    (1, 31, None),
    (1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    (0, 6, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)


def _cron_int(text: str, names: tuple[str, ...] | None, low: int) -> int:
    if names and text.lower() in names:
        return names.index(text.lower()) + low
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    n = int(text)
    if n < 0:
        raise ValueError(f"negative number ({n}) not allowed: {text}")
    return n


def _cron_field(text: str, low: int, high: int, names: tuple[str, ...] | None) -> None:
    for part in text.split(","):
        range_and_step = part.split("/")
        if len(range_and_step) > 2:
            raise ValueError(f"too many slashes: {part}")
        lh = range_and_step[0].split("-")
        if len(lh) > 2:
            raise ValueError(f"too many hyphens: {part}")
        if lh[0] in ("*", "?"):
            start, end = low, high
        else:
            start = _cron_int(lh[0], names, low)
            end = _cron_int(lh[1], names, low) if len(lh) == 2 else start
        if len(range_and_step) == 2:
            step = _cron_int(range_and_step[1], None, 0)
            if step <= 0:
                raise ValueError(f"step of range should be a positive number: {part}")
        if start < low:
            raise ValueError(f"beginning of range ({start}) below minimum ({low}): {part}")
        if end > high:
            raise ValueError(f"end of range ({end}) above maximum ({high}): {part}")
        if start > end:
            raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {part}")


def cron_error(schedule: str) -> str | None:
    """The error text of robfig/cron ``ParseStandard`` for ``schedule``, or None when it parses."""
    spec = schedule.strip()
    if spec.startswith(("TZ=", "CRON_TZ=")):
        _tz, _, spec = spec.partition(" ")
        spec = spec.strip()
    if spec.startswith("@"):
        if spec in _CRON_DESCRIPTORS or spec.startswith("@every "):
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    try:
        for text, (low, high, names) in zip(fields, _CRON_BOUNDS, strict=True):
            _cron_field(text, low, high, names)
    except ValueError as exc:
        return str(exc)
    return None
