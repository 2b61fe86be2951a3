"""Shared by the notify tests: Flux Provider/Alert definitions built by the real builders, run facts shaped
like the ones the reconcile stages hand the notify task, and a provider wired to a live recorder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airflux.notify import AppRef, NotifyOptions, RunFacts, StageFailure, StateStore, notify_run
from airflux.notify.deliver import DeliveryOptions
from airflux.notify.engine import Notifications
from airflux.notify.recorder import Recorder
from airflux.reconcile import ApplySummary, HealthSummary
from airflux.specs.notification import Alert, Provider, build_alert, build_provider
from airflux.specs.types import Origin

BOT_TOKEN = "xoxb-000000000000-PLANTED-bot-token-value"
REVISION = "main@sha1:" + "a1b2c3d4" * 5
APP = AppRef(kind="Kustomization", namespace="flux-system", name="shop", dag_id="ks.flux-system.shop",
             labels=(("team", "payments"),))


def provider(spec: dict[str, Any], name: str = "slack") -> Provider:
    return build_provider({"apiVersion": "notification.toolkit.fluxcd.io/v1beta3", "kind": "Provider",
                           "metadata": {"name": name, "namespace": "flux-system"}, "spec": spec},
                          Origin(Path("apps/notify.yaml"), 0))


def alert(spec: dict[str, Any] | None = None, name: str = "shop-alerts") -> Alert:
    full = {"providerRef": {"name": "slack"}, "eventSources": [{"kind": "Kustomization", "name": "*"}],
            **(spec or {})}
    return build_alert({"apiVersion": "notification.toolkit.fluxcd.io/v1beta3", "kind": "Alert",
                        "metadata": {"name": name, "namespace": "flux-system"}, "spec": full},
                       Origin(Path("apps/notify.yaml"), 1))


def applied(counts: dict[str, int] | None = None, names: dict[str, tuple[str, ...]] | None = None,
            revision: str = REVISION) -> ApplySummary:
    return ApplySummary(dag_id=APP.dag_id, revision=revision, counts=counts or {"unchanged": 3},
                        names=names or {}, inventory_size=3,
                        health=HealthSummary(checked=3, ready=3, elapsed=2.5))


CHANGED = applied({"created": 2, "configured": 1, "deleted": 0, "unchanged": 4},
                  {"created": ("Deployment/shop/web", "Service/shop/web"), "configured": ("ConfigMap/shop/cfg",)})
NOOP = applied({"created": 0, "configured": 0, "deleted": 0, "unchanged": 7})
FAILURE = StageFailure(stage="apply", obj="Deployment/shop/web",
                       message="[apply] Deployment/shop/web: spec.replicas: Invalid value: -1\nsecond line")


def facts(run_id: str, **kw: Any) -> RunFacts:
    return RunFacts(app=APP, run_id=run_id, revision=kw.pop("revision", REVISION),
                    duration=timedelta(seconds=12.3),
                    run_url=f"http://airflow.example/dags/{APP.dag_id}/runs/{run_id}", **kw)


class Clock:
    """A settable time for reminder tests (the engine takes the clock as an option)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Setup:
    """One provider (token or webhook mode) pointed at the recorder, and a way to notify runs through it."""

    def __init__(self, recorder: Recorder, store: StateStore, clock: Clock, mode: str) -> None:
        self.recorder, self.store, self.clock, self.mode = recorder, store, clock, mode
        if mode == "token":
            self.provider = provider({"type": "slack", "channel": "#deploys", "address": recorder.api_address,
                                      "secretRef": {"name": "slack-bot"}, "username": "airflux"})
            self.secret = BOT_TOKEN
        else:
            self.provider = provider({"type": "slack", "secretRef": {"name": "slack-webhook"}})
            self.secret = recorder.webhook_url
        self.alerts: list[Alert] = [alert()]
        self.reminder = timedelta(hours=1)

    def run(self, run_facts: RunFacts, *, mask: tuple[str, ...] = ()) -> Notifications:
        return notify_run(run_facts, alerts=self.alerts, providers={"flux-system/slack": self.provider},
                          secrets={"flux-system/slack": self.secret}, store=self.store, mask=mask,
                          options=NotifyOptions(reminder=self.reminder, clock=self.clock, delivery=DeliveryOptions(
                              max_retry_after=5, connection_retries=1)))

    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.recorder.messages()]
