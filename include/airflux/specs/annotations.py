"""Airflux's own annotations on app definitions, checked when definitions load.

``airflux.io/trigger`` picks how an app's runs start: ``watcher`` (default: the GitRepository's watcher,
webhooks and the interval) or ``sensor`` (a continuously running DAG whose first task waits for a new
commit). An unknown value is a definition error on that app only, never a broken DAG file.
"""

from __future__ import annotations

from typing import Protocol

from airflux.specs.types import Meta


class Annotated(Protocol):
    """A Kustomization or a HelmRelease: anything with metadata."""

    @property
    def meta(self) -> Meta: ...

TRIGGER_ANNOTATION = "airflux.io/trigger"
TRIGGER_STYLES = ("watcher", "sensor")
DEFAULT_TRIGGER_STYLE = "watcher"


def trigger_style_of(app: Annotated) -> str:
    """The normalised ``airflux.io/trigger`` value (ValueError naming the field when it is unknown)."""
    raw = app.meta.annotation(TRIGGER_ANNOTATION)
    value = (raw or DEFAULT_TRIGGER_STYLE).strip().lower()
    if value not in TRIGGER_STYLES:
        raise ValueError(f"{raw!r} is not one of {', '.join(TRIGGER_STYLES)}")
    return value


def annotation_problems(app: Annotated) -> list[tuple[str, str]]:
    """``(field, message)`` for each Airflux annotation of ``app`` with a value Airflux does not know."""
    try:
        trigger_style_of(app)
    except ValueError as exc:
        return [(f"metadata.annotations[{TRIGGER_ANNOTATION}]", str(exc))]
    return []
