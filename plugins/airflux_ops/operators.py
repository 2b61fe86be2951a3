"""Operators for the first engine stages, ``fetch_source`` and ``render``, and what every operator shares.

The later steps (diff, apply, notify) are in ``reconcile_ops``.

Each ``execute`` reads its inputs (definition, connections, the previous stage's summary), calls one
engine function and returns a small summary for XCom. Engine errors that retrying cannot fix become
``AirflowFailException`` so Airflow does not waste the retries; retryable ones propagate and retry.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow.sdk import BaseOperator, Context
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from airflux.model import AirfluxError
from airflux.paths import Layout
from airflux.redact import Redactor, scrub_error
from airflux.specs.describe import suspended_note
from airflux.specs.types import GitRepository, Kustomization
from airflux_ops.summaries import RenderSummary, SourceSummary, render_summary, source_summary

# The engine stages and the cluster client (``kubernetes``: ~0.4 s to import) are imported inside
# ``execute``: the DAG processor imports this module for every parse and never runs a task.

# A run started with conf {"revision": "main@sha1:<sha>"} (watcher, webhook, UI) pins that commit.
REVISION_FROM_CONF = "{{ (dag_run.conf or {}).get('revision') or '' }}"


# XCom key under which a failing task leaves its error for ``notify`` (cleared when the task retries).
ERROR_KEY = "error"
ERROR_LIMIT = 4000  # characters: a dry-run failure lists every failing object


@dataclass
class ErrorScope:
    """Set ``redactor`` inside ``engine_errors`` once the app's Secret values are known."""

    redactor: Redactor = field(default_factory=Redactor)


@contextmanager
def engine_errors(context: Context | None = None) -> Iterator[ErrorScope]:
    """Terminal engine errors fail the task at once; retryable ones are left to Airflow's retries.

    With ``context``, the error is also left in XCom (key ``error``) so the notify task can say
    what went wrong where. Engine errors carry no credentials; values read from Secrets into a render
    can come back in one (an API server quoting a field, a Helm template error), so the message is
    scrubbed with the scope's redactor first.
    """
    scope = ErrorScope()
    try:
        yield scope
    except AirfluxError as exc:
        scrub_error(exc, scope.redactor)
        if context is not None:
            context["ti"].xcom_push(ERROR_KEY, {"stage": exc.stage, "object": str(exc.obj or ""),
                                                "message": str(exc)[:ERROR_LIMIT], "retryable": exc.retryable})
        if exc.retryable:
            raise
        raise AirflowFailException(str(exc)) from exc


def skip_if_suspended(app: Kustomization) -> None:
    if app.suspend:
        raise AirflowSkipException(suspended_note(app))


class FetchSourceOperator(BaseOperator):
    """Make the revision the app's GitRepository selects available in the artifact store."""

    template_fields = ("revision",)
    ui_color = "#e8f1fb"

    def __init__(self, *, app: Kustomization, source: GitRepository, revision: str = REVISION_FROM_CONF,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Definitions are not template fields: Airflow re-reads them from the apps directory when the
        # task runs (the worker re-parses the DAG file), so they are never serialized or rendered.
        self.app = app
        self.source = source
        self.revision = revision

    def execute(self, context: Context) -> SourceSummary:
        from airflux_ops.connections import git_credentials
        from airflux_triggers.scheduling import fetch_for_run, with_source

        skip_if_suspended(self.app)
        repository = f"GitRepository/{self.source.meta.namespace}/{self.source.meta.name}"
        with engine_errors(context):
            credentials = git_credentials(self.source.secret_ref, repository=repository)
            # The conf's revision, else the newest triggering event's (watcher), else the ref's tip.
            artifact = fetch_for_run(self.source, layout=Layout.from_env(), credentials=credentials,
                                     conf_revision=self.revision or None,
                                     events=context.get("triggering_asset_events"),
                                     refetch=with_source(context), log=self.log)
        summary = source_summary(artifact)
        self.log.info("%s %s at %s (%s)", "Fetched" if artifact.fetched else "Already have", repository,
                      summary["revision"], summary["digest"])
        return summary


class RenderOperator(BaseOperator):
    """Build the app's path at the fetched revision with kustomize, as kustomize-controller does."""

    ui_color = "#eef7ea"

    def __init__(self, *, app: Kustomization, source_task_id: str = "fetch_source", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.source_task_id = source_task_id

    def execute(self, context: Context) -> RenderSummary:
        from airflux.render import kube_reader, render
        from airflux_ops.connections import kube_client
        from airflux_ops.redaction import secret_redactor

        skip_if_suspended(self.app)
        source: SourceSummary | None = context["ti"].xcom_pull(task_ids=self.source_task_id)
        if not source:
            raise AirflowFailException(f"no source artifact: task {self.source_task_id} returned nothing")
        wants_cluster = self.app.post_build is not None and bool(self.app.post_build.substitute_from)
        redactor, read = Redactor(), None
        with engine_errors(context):
            client = kube_client() if wants_cluster else None
            if client is not None:
                # One reader (each object read once) for the Secret values to hide and for the render.
                read = functools.cache(kube_reader(client.api_client, namespace=self.app.meta.namespace))
                redactor = secret_redactor(client, app=self.app, read=read)
        try:
            with engine_errors(context) as errors:
                errors.redactor = redactor
                result = render(
                    self.app,
                    artifact_dir=Path(source["path"]),
                    artifact_digest=source["digest"],
                    layout=Layout.from_env(),
                    substitute_from=read,
                )
        finally:
            if client is not None:
                client.close()
        summary = render_summary(result, revision=source["revision"])
        self.log.info("Rendered %d objects%s: %s", summary["object_count"], " (cached)" if result.cached else "",
                      ", ".join(f"{count} {kind}" for kind, count in summary["kinds"].items()))
        return summary
