"""Notify: decide, per alert, what one finished run is worth telling, render it and send it.

The whole policy in one function (``notify_run``) over plain values, so the notify task, Airflow's
failure callback, the CLI and tests behave the same: one event per run (``events.run_event``); per
alert that selects it (``match.alert_wants``) at most one message; a failure already reported to
that alert is held back until the reminder period has passed; the first success after a reported
failure is a recovery message that closes it. The caller passes the providers' secrets as resolved
values (the Airflow adapter reads them from connections); they are masked in everything sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from airflux.notify.deliver import Delivery, DeliveryOptions, secret_values, send
from airflux.notify.events import Event, RunFacts, run_event
from airflux.notify.match import alert_wants, source_matches
from airflux.notify.message import render
from airflux.notify.state import AlertMemory, AppMemory, StateStore
from airflux.specs.notification import Alert, Provider

DEFAULT_REMINDER = timedelta(hours=1)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class NotifyOptions:
    reminder: timedelta = DEFAULT_REMINDER  # a repeated error is sent again after this long
    delivery: DeliveryOptions = field(default_factory=DeliveryOptions)
    clock: Callable[[], datetime] = _utcnow


@dataclass(frozen=True)
class Notifications:
    """What the notify step did for one run: the deliveries tried and the alerts held back, and why."""

    event: Event | None
    deliveries: tuple[Delivery, ...] = ()
    held: tuple[str, ...] = ()

    @property
    def undelivered(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if not d.delivered)

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.event.outcome.value if self.event else None,
                "message": self.event.message if self.event else "",
                "deliveries": [d.to_dict() for d in self.deliveries], "held": list(self.held),
                "delivered": all(d.delivered for d in self.deliveries)}


def provider_key(provider: Provider) -> str:
    return f"{provider.meta.namespace}/{provider.meta.name}"


def alerts_for(facts: RunFacts, alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """Alerts whose event sources select this run's app (before severity and message filters)."""
    return tuple(a for a in alerts if any(source_matches(s, facts.app) for s in a.event_sources))


def notify_run(facts: RunFacts, *, alerts: Sequence[Alert], providers: Mapping[str, Provider],
               secrets: Mapping[str, str | None], store: StateStore, mask: tuple[str, ...] = (),
               options: NotifyOptions | None = None) -> Notifications:
    """Send what ``facts`` is worth to every alert that wants it. Never raises for Slack problems.

    ``providers`` and ``secrets`` are keyed by ``namespace/name`` of the Provider; a secret is the bot
    token or the webhook URL (None when the provider has no secretRef or its connection is missing).
    ``mask`` are other secret values (the source's git credentials) that must never be sent either.
    """
    options = options or NotifyOptions()
    dag_id = facts.app.dag_id
    with store.locked(dag_id):
        memory = store.load(dag_id)
        base = run_event(facts, previous_revision=memory.last_revision or None, open_failure=False)
        deliveries: list[Delivery] = []
        held: list[str] = []
        for alert in alerts_for(facts, alerts):
            memory = _one_alert(facts, alert, base, memory, providers, secrets, mask, options, deliveries, held)
        if facts.failure is None and facts.rollback is None and facts.applied is not None:
            memory = replace(memory, last_revision=facts.revision)
        store.save(dag_id, memory)
    return Notifications(event=base, deliveries=tuple(deliveries), held=tuple(held))


def _one_alert(facts: RunFacts, alert: Alert, base: Event | None, memory: AppMemory,
               providers: Mapping[str, Provider], secrets: Mapping[str, str | None], mask: tuple[str, ...],
               options: NotifyOptions, deliveries: list[Delivery], held: list[str]) -> AppMemory:
    now = options.clock()
    seen = memory.alert(alert.ident)
    if seen.last_run_id == facts.run_id:
        held.append(f"{alert.ident}: this run was already reported")
        return memory
    event = _event_for(facts, alert, base, seen, now, options, held)
    if event is None and base is not None and base.failure is not None:
        # Held back as a repeat: counted, so the reminder can say how many runs failed meanwhile.
        return memory.with_alert(alert.ident, replace(seen, repeats=seen.repeats + 1, last_run_id=facts.run_id))
    if event is None or not alert_wants(alert, event):
        if event is not None:
            held.append(f"{alert.ident}: suspended" if alert.suspend else
                        f"{alert.ident}: not selected (eventSeverity {alert.event_severity} or inclusion/exclusion list)")
        return memory.with_alert(alert.ident, replace(seen, last_run_id=facts.run_id)) if event else memory
    provider = providers.get(f"{alert.meta.namespace}/{alert.provider_ref}")
    if provider is None or provider.suspend:
        held.append(f"{alert.ident}: provider {alert.provider_ref} is " + ("suspended" if provider else "not defined"))
        return memory
    secret = secrets.get(provider_key(provider))
    if provider.secret_ref and secret is None:
        deliveries.append(Delivery(alert=alert.ident, provider=provider.ident,
                                   mode="token" if provider.token_mode else "webhook", delivered=False,
                                   error=f"spec.secretRef: no Airflow connection '{provider.secret_ref}'"))
        return memory
    message = render(event, alert=alert, secrets=(*secret_values(secret), *(m for m in mask if m)))
    delivery = send(provider, message, secret=secret, alert=alert.ident, options=options.delivery)
    delivery = replace(delivery, reminder=bool(event.reminder_of))
    deliveries.append(delivery)
    if not delivery.delivered:
        return memory  # not recorded: the next run tries again
    stamp = now.isoformat(timespec="seconds")
    if event.failure is not None:
        first = seen.first_sent if event.reminder_of else stamp
        return memory.with_alert(alert.ident, AlertMemory(fingerprint=event.fingerprint, first_sent=first,
                                                          last_sent=stamp, last_run_id=facts.run_id))
    return memory.with_alert(alert.ident, AlertMemory(last_run_id=facts.run_id))


def _event_for(facts: RunFacts, alert: Alert, base: Event | None, seen: AlertMemory, now: datetime,
               options: NotifyOptions, held: list[str]) -> Event | None:
    if base is not None and base.failure is not None:
        if seen.open and seen.fingerprint == base.fingerprint:
            last = seen.last_sent_at()
            if last is not None and now - last < options.reminder:
                held.append(f"{alert.ident}: same error reported at {seen.last_sent}; "
                            f"reminder after {options.reminder}")
                return None
            return replace(base, reminder_of=seen.first_sent, repeats=seen.repeats)
        return base
    if seen.open:
        recovered = run_event(facts, previous_revision=None, open_failure=True)
        return replace(recovered, failed_since=seen.first_sent) if recovered else None
    return base
