"""What an app's DAG says about itself and how it retries, decided from the definition alone.

Kept in the engine (no Airflow) so the DAG factory only wires values, and so the CLI and tests can
show the same text and policy the UI shows.
"""

from __future__ import annotations

import re
from datetime import timedelta

from airflux.specs.durations import format_duration
from airflux.specs.types import GitRepository, Kustomization

_USERINFO = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@]*)@")


def public_url(url: str) -> str:
    """The URL without a password: ``https://user:pw@host/x`` → ``https://***@host/x``; ``ssh://git@`` stays."""
    match = _USERINFO.match(url)
    if match is None or (match["scheme"] == "ssh://" and ":" not in match["user"]):
        return url
    return f"{match['scheme']}***@{url[match.end():]}"


def retries(app: Kustomization) -> int:
    """How many times a failed task is retried, ``spec.retryInterval`` apart, within one ``spec.interval``.

    Flux retries a failed reconcile every retryInterval until the next interval; after that the next
    scheduled run takes over (``max_active_runs=1``), so retrying past it would only delay that run.
    With the default retryInterval (= interval) that is zero retries: the next run is the retry.
    """
    retry_interval = app.retry_interval or app.interval
    return max(0, int(app.interval / retry_interval) - 1)


def retry_delay(app: Kustomization) -> timedelta:
    return app.retry_interval or app.interval


def tags(app: Kustomization, source: GitRepository) -> list[str]:
    result = ["airflux", "kustomization", f"namespace:{app.meta.namespace}", f"source:{source.meta.name}"]
    if app.suspend:
        result.append("suspended")
    return result


def suspended_note(app: Kustomization) -> str:
    return (
        f"Suspended: `spec.suspend: true` in {app.origin.file} (document {app.origin.doc}). "
        "Airflux does not reconcile this app: the DAG has no schedule and a manual run skips every task. "
        "Set `suspend: false` (or remove it) to resume; a DAG first created while suspended starts "
        "paused, so unpause it once."
    )


def description(app: Kustomization, source: GitRepository) -> str:
    """One line for the DAG list."""
    text = f"Deploys {app.path} of {source.url and public_url(source.url)} ({source.ref.describe()})"
    return f"SUSPENDED - {text}" if app.suspend else text


def _commit_trigger(app: Kustomization) -> str:
    if app.meta.annotation("airflux.io/trigger") == "sensor":
        return "a deferrable `wait_for_commit` sensor waits for them (`airflux.io/trigger: sensor`)"
    return "the GitRepository's git watcher starts a run within seconds of a push"


def doc_md(app: Kustomization, source: GitRepository) -> str:
    """The DAG's documentation: what it deploys, from where, how often, and where it is defined."""
    lines = [f"# Kustomization {app.meta.namespace}/{app.meta.name}", ""]
    if app.suspend:
        lines += [f"> **{suspended_note(app)}**", ""]
    lines += [
        f"Deploys path `{app.path}` of GitRepository `{source.meta.namespace}/{source.meta.name}`.",
        "",
        "| | |",
        "|---|---|",
        f"| repository | `{public_url(source.url)}` |",
        f"| revision | {source.ref.describe()} |",
        f"| path | `{app.path}` |",
        f"| new commits | {_commit_trigger(app)} |",
        f"| interval | {format_duration(app.interval)} (drift correction) |",
        f"| retries | {retries(app)}, every {format_duration(retry_delay(app))} |",
        f"| timeout | {format_duration(app.timeout)} per task |",
        f"| prune | {str(app.prune).lower()} |",
        f"| wait | {str(app.wait).lower()} |",
    ]
    if app.target_namespace:
        lines.append(f"| target namespace | `{app.target_namespace}` |")
    if app.depends_on:
        lines.append("| depends on | " + ", ".join(f"`{d.namespace}/{d.name}`" for d in app.depends_on) + " |")
    lines += ["", f"Defined in `{app.origin.file}` (document {app.origin.doc}); the source in "
              f"`{source.origin.file}` (document {source.origin.doc})."]
    return "\n".join(lines)
