"""Webhook receivers: Flux's Receiver semantics (path digest, signatures, event filter) without any web
framework, so the Airflow plugin stays a thin HTTP adapter and every rule is testable on its own."""

from airflux.receivers.webhook import (
    MAX_BODY_BYTES,
    HookOutcome,
    HookRejected,
    handle_hook,
    webhook_path,
)

__all__ = ["MAX_BODY_BYTES", "HookOutcome", "HookRejected", "handle_hook", "webhook_path"]
