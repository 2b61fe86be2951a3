"""Alert rules decide who hears about a run: event sources, severity, inclusion and exclusion lists, suspend."""

from __future__ import annotations

import pytest
from notify_helpers import CHANGED, FAILURE, NOOP, Setup, alert, facts, provider


def _heads(setup: Setup) -> list[str]:
    return [b["blocks"][0]["text"]["text"] for b in setup.bodies()]


def test_error_severity_alert_gets_failures_and_their_recovery_but_not_changes(setup: Setup) -> None:
    setup.alerts = [alert({"eventSeverity": "error"})]

    setup.run(facts("run-1", applied=CHANGED))
    setup.run(facts("run-2", failure=FAILURE))
    setup.run(facts("run-3", applied=NOOP))

    assert _heads(setup) == ["Kustomization flux-system/shop failed at apply",
                             "Kustomization flux-system/shop recovered"]


def test_info_severity_alert_gets_everything(setup: Setup) -> None:
    setup.run(facts("run-1", applied=CHANGED))
    setup.run(facts("run-2", failure=FAILURE))

    assert len(setup.bodies()) == 2


def test_inclusion_list_keeps_only_matching_messages(setup: Setup) -> None:
    setup.alerts = [alert({"inclusionList": [r"failed at (apply|health)"]})]

    setup.run(facts("run-1", applied=CHANGED))
    setup.run(facts("run-2", failure=FAILURE))

    assert _heads(setup) == ["Kustomization flux-system/shop failed at apply"]


def test_exclusion_list_drops_matching_messages(setup: Setup) -> None:
    setup.alerts = [alert({"exclusionList": [r"Invalid value"]})]

    setup.run(facts("run-1", failure=FAILURE))
    setup.run(facts("run-2", applied=CHANGED, revision="main@sha1:" + "9" * 40))

    assert _heads(setup) == ["Kustomization flux-system/shop applied"]


@pytest.mark.parametrize(("source", "sent"), [
    ({"kind": "Kustomization", "name": "shop"}, True),
    ({"kind": "Kustomization", "name": "other"}, False),
    ({"kind": "Kustomization", "name": "*", "namespace": "apps"}, False),
    ({"kind": "HelmRelease", "name": "*"}, False),
    ({"kind": "Kustomization", "name": "*", "matchLabels": {"team": "payments"}}, True),
    ({"kind": "Kustomization", "name": "*", "matchLabels": {"team": "search"}}, False),
])
def test_event_sources_select_apps_by_kind_name_namespace_and_labels(setup: Setup, source: dict, sent: bool) -> None:
    setup.alerts = [alert({"eventSources": [source]})]

    setup.run(facts("run-1", applied=CHANGED))

    assert len(setup.bodies()) == (1 if sent else 0)


def test_two_alerts_each_get_one_message_per_run(setup: Setup) -> None:
    setup.alerts = [alert(name="a"), alert(name="b")]

    result = setup.run(facts("run-1", applied=CHANGED))

    assert [d.alert for d in result.deliveries] == ["Alert/flux-system/a", "Alert/flux-system/b"]
    assert len(setup.bodies()) == 2


def test_suspended_alert_or_provider_sends_nothing(setup: Setup) -> None:
    setup.alerts = [alert({"suspend": True})]
    setup.run(facts("run-1", applied=CHANGED))
    setup.alerts = [alert()]
    setup.provider = provider({"type": "slack", "address": setup.recorder.webhook_url, "suspend": True})
    result = setup.run(facts("run-2", applied=CHANGED, revision="main@sha1:" + "8" * 40))

    assert setup.recorder.requests() == []
    assert result.held == ("Alert/flux-system/shop-alerts: provider slack is suspended",)


def test_summary_and_event_metadata_appear_in_the_message(setup: Setup) -> None:
    setup.alerts = [alert({"summary": "Production cluster eu-1", "eventMetadata": {"env": "prod"}})]

    setup.run(facts("run-1", applied=CHANGED))

    context = setup.bodies()[0]["blocks"][-1]["elements"]
    assert [e["text"] for e in context][:2] == ["Production cluster eu-1", "*env*: prod"]
