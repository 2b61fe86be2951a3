"""Provider and Alert definitions load from the apps directory with Flux's defaults and precise errors."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

from airflux.specs import AppSet, load_apps
from airflux.specs.notification import SLACK_API_URL, EventSource


def _load(tmp_path: Path, text: str) -> AppSet:
    (tmp_path / "notify.yaml").write_text(textwrap.dedent(text))
    return load_apps(tmp_path)


def _problems(apps: AppSet) -> list[tuple[str | None, str | None, str]]:
    return [(e.obj, e.field, e.message) for e in apps.errors]


TOKEN_PROVIDER = """\
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata: {name: slack-bot, namespace: flux-system}
    spec: {type: slack, channel: "#deploys", secretRef: {name: slack-bot}, username: airflux}
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata: {name: hook, namespace: flux-system}
    spec: {type: slack, address: "https://hooks.slack.com/services/T/B/x", timeout: 5s}
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Alert
    metadata: {name: errors, namespace: flux-system}
    spec:
      providerRef: {name: slack-bot}
      eventSeverity: error
      eventSources:
        - {kind: Kustomization, name: "*", matchLabels: {team: payments}}
        - {kind: HelmRelease, name: redis, namespace: data}
      exclusionList: ["^.*dependency.*$"]
      eventMetadata: {env: prod}
    """


def test_token_and_webhook_providers_and_an_alert_load_with_flux_defaults(tmp_path: Path) -> None:
    apps = _load(tmp_path, TOKEN_PROVIDER)

    assert apps.errors == ()
    bot, hook = apps.providers
    assert bot.token_mode and bot.address == SLACK_API_URL and bot.secret_ref == "slack-bot"
    assert bot.timeout == timedelta(seconds=15) and bot.username == "airflux"
    assert not hook.token_mode and hook.address == "https://hooks.slack.com/services/T/B/x"
    assert hook.timeout == timedelta(seconds=5)
    (alert,) = apps.alerts
    assert alert.event_severity == "error" and alert.provider_ref == "slack-bot"
    assert alert.event_sources == (
        EventSource(kind="Kustomization", name="*", namespace="flux-system", match_labels=(("team", "payments"),)),
        EventSource(kind="HelmRelease", name="redis", namespace="data"),
    )
    assert alert.event_metadata == (("env", "prod"),)


def test_other_provider_types_are_not_supported_yet(tmp_path: Path) -> None:
    apps = _load(tmp_path, """\
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: teams, namespace: flux-system}
        spec: {type: msteams, address: "https://example.com/hook"}
        """)

    assert _problems(apps) == [("Provider/flux-system/teams", "spec.type",
                                "provider type 'msteams' is not supported yet (a Flux provider type); "
                                "supported: slack")]


def test_alert_problems_name_the_field(tmp_path: Path) -> None:
    apps = _load(tmp_path, """\
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: a, namespace: flux-system}
        spec:
          providerRef: {name: nowhere}
          eventSeverity: warning
          eventSources: [{kind: Kustomization, name: shop}]
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: b, namespace: flux-system}
        spec:
          providerRef: {name: nowhere}
          eventSources: [{kind: Kustomization, name: shop, matchLabels: {a: b}}]
          inclusionList: ["("]
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: c, namespace: flux-system}
        spec:
          providerRef: {name: nowhere}
          eventSources: [{kind: Kustomization, name: shop}]
        """)

    problems = _problems(apps)
    assert ("Alert/flux-system/a", "spec.eventSeverity", "'warning' is not supported; use one of: info, error") \
        in problems
    assert ("Alert/flux-system/b", "spec.eventSources[0].matchLabels",
            'matchLabels needs `name: "*"` (as in Flux)') in problems
    assert any(p[:2] == ("Alert/flux-system/b", "spec.inclusionList[0]") and "regular expression" in p[2]
               for p in problems)
    assert ("Alert/flux-system/c", "spec.providerRef.name",
            "Provider flux-system/nowhere is not defined in the apps directory") in problems
    assert apps.alerts == ()


def test_token_mode_without_a_secret_and_unknown_fields_are_errors(tmp_path: Path) -> None:
    apps = _load(tmp_path, """\
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: p, namespace: flux-system}
        spec: {type: slack, channel: "#x"}
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: q, namespace: flux-system}
        spec: {type: slack, address: "https://hooks.slack.com/x", proxy: "http://proxy:8080"}
        """)

    problems = _problems(apps)
    assert problems[0][:2] == ("Provider/flux-system/p", "spec.secretRef")
    assert problems[1] == ("Provider/flux-system/q", "spec.proxy",
                           "field is not supported by Airflux yet (it is valid in Flux "
                           "notification.toolkit.fluxcd.io/v1beta3)")
