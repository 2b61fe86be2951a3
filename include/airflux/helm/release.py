"""Install or upgrade a rendered HelmRelease through the same engine as Kustomizations.

``engine_app`` (in ``specs.helm_types``, light enough for DAG parsing) gives the reconcile engine
(diff, staged SSA, inventory, prune, health) the app it expects: prune on, wait for every object
(helm-controller waits by default), ``spec.timeout``. A new revision runs ``pre-install``/``pre-upgrade`` hooks before apply and ``post-*`` hooks (and test
hooks with ``test.enable``) once the set is healthy, then is recorded in the release history. When an
upgrade fails and ``upgrade.remediation.retries`` > 0, the last healthy release's stored set is
re-applied (``rollback``) or the release's objects are removed (``uninstall``), and the run fails.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from airflux.helm.history import ReleaseRecord, append_record, keep_rendered, last_healthy, read_history
from airflux.helm.hooks import HookFailed, load_hooks, run_hooks
from airflux.helm.render import HelmRender
from airflux.inventory import Inventory, InventoryOptions, read_inventory, write_inventory
from airflux.kube import KubeClient
from airflux.model import AirfluxError, ObjRef
from airflux.ownership import PRUNE_ANNOTATION, with_owner_label
from airflux.paths import Layout
from airflux.prune import PruneOptions, prune
from airflux.reconcile import ApplySummary, apply_app, diff_app
from airflux.redact import Redactor
from airflux.specs.helm_types import HelmRelease, RemediationOutcome, engine_app
from airflux.specs.types import Kustomization

log = logging.getLogger(__name__)


class ReleaseFailed(AirfluxError):
    """A release that failed; ``remediation`` says what was done about it (None: nothing was undone)."""

    stage = "release"

    def __init__(self, message: str, *, obj: ObjRef | str | None = None, retryable: bool | None = None,
                 remediation: RemediationOutcome | None = None) -> None:
        super().__init__(message, obj=obj, retryable=retryable)
        self.remediation = remediation


@dataclass(frozen=True)
class ReleaseSummary:
    """The apply task's result for a HelmRelease: the engine's summary plus what became of the release."""

    applied: ApplySummary
    revision: int
    upgraded: bool  # a new revision was installed (False: the same release, drift corrected)
    hooks: tuple[str, ...]
    history: tuple[str, ...]  # one line per recorded release, oldest first

    def to_dict(self) -> dict[str, Any]:
        return {**self.applied.to_dict(), "release_revision": self.revision, "upgraded": self.upgraded,
                "hooks": list(self.hooks), "history": list(self.history)}


def _record(render: HelmRender, status: str, stored: str = "") -> ReleaseRecord:
    return ReleaseRecord(revision=render.release.revision, chart=render.chart, version=render.version,
                         app_version=render.app_version, values_digest=render.values_digest,
                         source_revision=render.source_revision, rendered_digest=render.result.digest,
                         status=status, release_key=render.release_key, stored=stored)


def apply_release(client: KubeClient, release: HelmRelease, *, render: HelmRender, run_dir: Path, layout: Layout,
                  force: bool = False, health_interval: float = 0.5,
                  logger: logging.Logger | None = None, redactor: Redactor | None = None) -> ReleaseSummary:
    """Apply the change set ``diff_app`` stored for this run, with hooks, history and remediation."""
    logger = logger or log
    app = engine_app(release)
    history = read_history(client, dag_id=app.dag_id)
    last = history[-1] if history else None
    new = last is None or last.revision != render.release.revision or last.status != "deployed"
    event = "install" if render.release.is_install else "upgrade"
    hooks = load_hooks(render.hooks_path.read_text()) if render.hook_count else []
    timeout = release.timeout.total_seconds()
    ran: list[str] = []
    where = {"rendered": render.result.path, "rendered_digest": render.result.digest,
             "revision": render.source_revision, "run_dir": run_dir, "force": force, "logger": logger}
    try:
        if new and hooks and release.create_namespace:
            # Helm creates the namespace before any hook runs; the main set still carries it.
            (namespace,) = with_owner_label([{"apiVersion": "v1", "kind": "Namespace", "metadata": {
                "name": release.target_namespace, "annotations": {PRUNE_ANNOTATION: "disabled"}}}], app.dag_id)
            client.apply(namespace, force=True)
        if new:
            ran += run_hooks(client, hooks, event=f"pre-{event}", dag_id=app.dag_id, timeout=timeout, logger=logger)
        applied = apply_app(client, app, health_interval=health_interval, **where)  # type: ignore[arg-type]
        if new:
            ran += run_hooks(client, hooks, event=f"post-{event}", dag_id=app.dag_id, timeout=timeout,
                             logger=logger)
            if release.test_enable:
                ran += run_hooks(client, hooks, event="test", dag_id=app.dag_id, timeout=timeout, logger=logger)
    except AirfluxError as e:
        if new:
            append_record(client, _record(render, "failed"), dag_id=app.dag_id)
            _remediate(client, release, app, error=e, history=history, render=render, run_dir=run_dir,
                       health_interval=health_interval, logger=logger, redactor=redactor)
        raise
    stored = ""
    if new:
        stored = str(keep_rendered(layout, dag_id=app.dag_id, revision=render.release.revision,
                                   rendered=render.result.path, hooks=render.hooks_path))
        history = append_record(client, _record(render, "deployed", stored), dag_id=app.dag_id)
    return ReleaseSummary(applied=applied, revision=render.release.revision, upgraded=new, hooks=tuple(ran),
                          history=tuple(r.describe() for r in history))


def _remediate(client: KubeClient, release: HelmRelease, app: Kustomization, *, error: AirfluxError,
               history: list[ReleaseRecord], render: HelmRender, run_dir: Path, health_interval: float,
               logger: logging.Logger, redactor: Redactor | None = None) -> None:
    """Upgrade remediation when retries > 0: roll back to the last healthy release, or uninstall."""
    remediation = release.install_remediation if render.release.is_install else release.upgrade_remediation
    if remediation.retries <= 0:
        return
    strategy = "uninstall" if render.release.is_install else remediation.strategy
    healthy = last_healthy(history)
    if strategy == "rollback" and healthy is not None and healthy.stored:
        logger.error("revision %d failed (%s); rolling back to revision %d", render.release.revision,
                     str(error).splitlines()[0], healthy.revision)
        objects = Path(healthy.stored) / "objects.yaml"
        back = run_dir / "rollback"
        where: dict[str, Any] = {"rendered": objects, "rendered_digest": healthy.rendered_digest,
                                 "revision": healthy.source_revision, "run_dir": back, "force": True,
                                 "logger": logger}
        diff_app(client, app, redactor=redactor, **where)
        apply_app(client, app, health_interval=health_interval, **where)
        # As ``helm rollback``: a new revision whose content is the healthy one's.
        rolled = ReleaseRecord(**{**asdict(healthy), "revision": render.release.revision + 1, "deployed_at": ""})
        append_record(client, rolled, dag_id=app.dag_id)
        outcome = RemediationOutcome(action="rolled back", from_revision=render.release.revision,
                                     to_revision=healthy.revision, recorded_revision=rolled.revision)
        raise ReleaseFailed(f"upgrade to revision {render.release.revision} failed, rolled back to revision "
                            f"{healthy.revision}: {error}", obj=release.ident, retryable=False,
                            remediation=outcome) from error
    _uninstall(client, release, app, error=error, render=render, logger=logger)


def _uninstall(client: KubeClient, release: HelmRelease, app: Kustomization, *, error: AirfluxError,
               render: HelmRender, logger: logging.Logger) -> None:
    """As ``helm uninstall``: ``pre-delete`` hooks, the release's objects removed (prune of its whole
    inventory), ``post-delete`` hooks; each event's hooks in weight order with their delete policies.
    A failing ``pre-delete`` hook stops the uninstall (the objects stay), as in Helm."""
    revision = render.release.revision
    logger.error("revision %d failed; uninstalling the release", revision)
    hooks = load_hooks(render.hooks_path.read_text()) if render.hook_count else []
    timeout = release.timeout.total_seconds()
    ran: list[str] = []
    try:
        ran += run_hooks(client, hooks, event="pre-delete", dag_id=app.dag_id, timeout=timeout, logger=logger)
    except HookFailed as stopped:
        raise ReleaseFailed(f"revision {revision} failed, uninstall stopped: {stopped.message}; the release's "
                            f"objects are left in place: {error}", obj=release.ident, retryable=False) from error
    opts = InventoryOptions(dag_id=app.dag_id)
    old = read_inventory(client, options=opts)
    if old is not None:
        result = prune(client, list(old.entries), options=PruneOptions(dag_id=app.dag_id, rendered=0,
                                                                       allow_empty=True, logger=logger))
        write_inventory(client, Inventory.of(result.remaining), options=opts, previous=old)
    after = ""
    try:
        ran += run_hooks(client, hooks, event="post-delete", dag_id=app.dag_id, timeout=timeout, logger=logger)
    except HookFailed as failed:
        after = f" ({failed.message})"
    outcome = RemediationOutcome(action="uninstalled", from_revision=revision, hooks=tuple(ran))
    raise ReleaseFailed(f"revision {revision} failed, release uninstalled{after}: {error}", obj=release.ident,
                        retryable=False, remediation=outcome) from error
