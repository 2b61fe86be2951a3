"""Notify: Flux Provider/Alert semantics on slack-sdk: one clear message per run that did something.

``notify_run`` is the entry point (``engine.py``); ``events`` folds a run's results into one event,
``match`` applies the Alert rules, ``state`` remembers what each alert was told (dedupe, reminders,
recovery), ``message`` renders Block Kit, ``deliver`` sends with slack-sdk, ``recorder`` is a local
Slack API stand-in for tests and the demo. No Airflow import: the adapter lives in ``plugins/``.
"""

from airflux.notify.commits import commit_info, commit_url
from airflux.notify.deliver import Delivery, DeliveryOptions
from airflux.notify.engine import (
    DEFAULT_REMINDER,
    Notifications,
    NotifyOptions,
    alerts_for,
    notify_run,
    provider_key,
)
from airflux.notify.events import (
    AppRef,
    CommitInfo,
    Event,
    Outcome,
    Rollback,
    RunFacts,
    Severity,
    StageFailure,
    run_event,
)
from airflux.notify.message import Message, render
from airflux.notify.state import StateStore

__all__ = [
    "DEFAULT_REMINDER",
    "AppRef",
    "CommitInfo",
    "Delivery",
    "DeliveryOptions",
    "Event",
    "Message",
    "Notifications",
    "NotifyOptions",
    "Outcome",
    "Rollback",
    "RunFacts",
    "Severity",
    "StageFailure",
    "StateStore",
    "alerts_for",
    "commit_info",
    "commit_url",
    "notify_run",
    "provider_key",
    "render",
    "run_event",
]
