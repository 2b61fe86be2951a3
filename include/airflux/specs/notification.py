"""Flux notification objects (``notification.toolkit.fluxcd.io/v1beta3`` Provider and Alert) as frozen types.

Kept apart from ``types.py``/``build.py`` because they are not apps (no DAG of their own): the notify
engine reads them to decide who hears about an app's run. Their fields are in the one field table
(``fields.py``); the builders here add Flux's defaults and the cross-field rules the table cannot say
(provider types other than Slack, regexes that do not compile, matchLabels without ``name: "*"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from airflux.specs.build import BuildProblems, build_meta
from airflux.specs.durations import parse_duration
from airflux.specs.types import Meta, Named, Origin
from airflux.specs.validate import Problem

NOTIFICATION_API = "notification.toolkit.fluxcd.io/v1beta3"
SLACK_API_URL = "https://slack.com/api/chat.postMessage"
PROVIDER_TIMEOUT_DEFAULT = timedelta(seconds=15)
# Provider types Flux knows; only "slack" is implemented, the others get a "not supported yet" error.
FLUX_PROVIDER_TYPES = (
    "slack", "discord", "msteams", "rocket", "generic", "generic-hmac", "github", "gitlab", "gitea",
    "bitbucketserver", "bitbucket", "azuredevops", "googlechat", "googlepubsub", "webex", "sentry",
    "azureeventhub", "telegram", "lark", "matrix", "opsgenie", "alertmanager", "grafana", "githubdispatch",
    "pagerduty", "datadog", "nats", "zulip", "otel",
)
SUPPORTED_PROVIDER_TYPES = ("slack",)


@dataclass(frozen=True)
class Provider(Named):
    """Where messages go. Webhook mode: ``address`` is an incoming-webhook URL (or comes from the secret).
    Token mode: ``channel`` is set and the secret holds a bot token; ``address`` is the chat.postMessage URL."""

    meta: Meta
    origin: Origin
    type: str = "slack"
    channel: str | None = None
    username: str | None = None
    address: str | None = None
    secret_ref: str | None = None
    timeout: timedelta = PROVIDER_TIMEOUT_DEFAULT
    suspend: bool = False

    kind = "Provider"

    @property
    def token_mode(self) -> bool:
        return bool(self.channel)


@dataclass(frozen=True)
class EventSource:
    kind: str
    name: str  # "*" matches every object of the kind
    namespace: str
    match_labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Alert(Named):
    """Which events of which apps reach ``provider_ref``."""

    meta: Meta
    origin: Origin
    provider_ref: str
    event_sources: tuple[EventSource, ...]
    event_severity: str = "info"  # "error": only failures
    inclusion_list: tuple[str, ...] = ()
    exclusion_list: tuple[str, ...] = ()
    event_metadata: tuple[tuple[str, str], ...] = ()
    summary: str | None = None
    suspend: bool = False

    kind = "Alert"


def build_provider(doc: dict[str, Any], origin: Origin) -> Provider:
    spec = doc["spec"]
    kind = spec["type"]
    problems: list[Problem] = []
    if kind not in SUPPORTED_PROVIDER_TYPES:
        known = "a Flux provider type" if kind in FLUX_PROVIDER_TYPES else "not a Flux provider type"
        problems.append(("spec.type", f"provider type {kind!r} is not supported yet ({known}); "
                                      f"supported: {', '.join(SUPPORTED_PROVIDER_TYPES)}"))
    secret = (spec.get("secretRef") or {}).get("name")
    address, channel = spec.get("address"), spec.get("channel")
    if not channel and not address and not secret:
        problems.append(("spec.address", "a Slack provider needs an incoming-webhook `address`, a `secretRef` "
                                         "whose password is the webhook URL, or a `channel` with a bot token"))
    if channel and not secret:
        problems.append(("spec.secretRef", "token mode (`channel` is set) needs a `secretRef` naming the Airflow "
                                           "connection whose password is the bot token"))
    if address and not re.match(r"^https?://", address):
        problems.append(("spec.address", f"must be an http(s) URL, got {address!r}"))
    if problems:
        raise BuildProblems(problems)
    return Provider(
        meta=build_meta(doc), origin=origin, type=kind, channel=channel or None, username=spec.get("username"),
        address=address or (SLACK_API_URL if channel else None), secret_ref=secret,
        timeout=parse_duration(spec["timeout"]) if "timeout" in spec else PROVIDER_TIMEOUT_DEFAULT,
        suspend=bool(spec.get("suspend", False)),
    )


def _regexes(values: list[str] | None, field: str, problems: list[Problem]) -> tuple[str, ...]:
    for index, value in enumerate(values or ()):
        try:
            re.compile(value)
        except re.error as exc:
            problems.append((f"{field}[{index}]", f"not a valid regular expression: {exc}"))
    return tuple(values or ())


def build_alert(doc: dict[str, Any], origin: Origin) -> Alert:
    meta = build_meta(doc)
    spec = doc["spec"]
    problems: list[Problem] = []
    sources = []
    for index, item in enumerate(spec["eventSources"]):
        labels = tuple(sorted((item.get("matchLabels") or {}).items()))
        if labels and item["name"] != "*":
            problems.append((f"spec.eventSources[{index}].matchLabels", "matchLabels needs `name: \"*\"` (as in Flux)"))
        sources.append(EventSource(kind=item["kind"], name=item["name"],
                                   namespace=item.get("namespace") or meta.namespace, match_labels=labels))
    if not sources:
        problems.append(("spec.eventSources", "at least one event source is required"))
    inclusion = _regexes(spec.get("inclusionList"), "spec.inclusionList", problems)
    exclusion = _regexes(spec.get("exclusionList"), "spec.exclusionList", problems)
    if problems:
        raise BuildProblems(problems)
    return Alert(
        meta=meta, origin=origin, provider_ref=spec["providerRef"]["name"], event_sources=tuple(sources),
        event_severity=spec.get("eventSeverity", "info"), inclusion_list=inclusion, exclusion_list=exclusion,
        event_metadata=tuple(sorted((spec.get("eventMetadata") or {}).items())), summary=spec.get("summary"),
        suspend=bool(spec.get("suspend", False)),
    )
