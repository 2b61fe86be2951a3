"""Which alerts want an event: Flux's Alert rules (event sources, severity, inclusion/exclusion lists).

Pure functions over the definitions and the event, so the rules can be tested without Slack and read
in one place. Inclusion and exclusion regexes match the event's one-line message, as in Flux.
"""

from __future__ import annotations

import re

from airflux.notify.events import AppRef, Event, Severity
from airflux.specs.notification import Alert, EventSource


def source_matches(source: EventSource, app: AppRef) -> bool:
    if source.kind != app.kind or source.namespace != app.namespace:
        return False
    if source.name != "*" and source.name != app.name:
        return False
    labels = dict(app.labels)
    return all(labels.get(key) == value for key, value in source.match_labels)


def alert_wants(alert: Alert, event: Event) -> bool:
    """True when ``alert`` (not suspended) selects the event's app, severity and message."""
    if alert.suspend:
        return False
    if not any(source_matches(source, event.app) for source in alert.event_sources):
        return False
    # A recovery closes an error message, so an error-only alert still gets it.
    if alert.event_severity == Severity.ERROR and event.severity != Severity.ERROR and not event.failed_since:
        return False
    if alert.inclusion_list and not any(re.search(rx, event.message) for rx in alert.inclusion_list):
        return False
    return not any(re.search(rx, event.message) for rx in alert.exclusion_list)
