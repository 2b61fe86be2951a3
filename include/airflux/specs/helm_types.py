"""Typed, frozen definitions of Flux's Helm kinds: HelmRepository and HelmRelease.

Kept beside ``types.py`` (same conventions: snake_case of Flux's fields, durations as ``timedelta``,
an ``Origin`` for errors) so the Kustomization types stay small. A HelmRelease also answers the
handful of attributes the reconcile engine reads from an app (``dag_id``, ``prune``, ``wait``, ...)
through ``engine_app()`` below (kept here, away from the engine imports, so DAG parsing stays cheap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from airflux.specs.types import CrossRef, Image, Kustomization, Meta, Named, Origin, Patch


@dataclass(frozen=True)
class HelmRepository(Named):
    meta: Meta
    origin: Origin
    url: str
    type: str = "default"  # default (HTTP index) | oci
    interval: timedelta = timedelta(minutes=10)
    timeout: timedelta = timedelta(seconds=60)
    secret_ref: str | None = None
    suspend: bool = False

    kind = "HelmRepository"

    @property
    def is_oci(self) -> bool:
        return self.type == "oci"


@dataclass(frozen=True)
class ChartRef:
    """``spec.chart.spec``: a chart name (HelmRepository) or path (GitRepository), and a version range."""

    chart: str
    source_ref: CrossRef
    version: str = "*"
    values_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValuesReference:
    kind: str  # ConfigMap | Secret
    name: str
    values_key: str = "values.yaml"
    target_path: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class Remediation:
    retries: int = 0
    strategy: str = "rollback"  # rollback | uninstall (upgrade only)


@dataclass(frozen=True)
class PostRenderer:
    patches: tuple[Patch, ...] = ()
    images: tuple[Image, ...] = ()


@dataclass(frozen=True)
class HelmRelease(Named):
    meta: Meta
    origin: Origin
    chart: ChartRef
    release_name: str
    target_namespace: str
    interval: timedelta = timedelta(minutes=10)
    timeout: timedelta = timedelta(minutes=5)
    values: Any = field(default=None, compare=False, repr=False)  # a mapping: free-form Helm values
    values_from: tuple[ValuesReference, ...] = ()
    create_namespace: bool = False
    install_crds: str = "Create"  # Skip | Create | CreateReplace
    install_remediation: Remediation = Remediation()
    upgrade_crds: str = "Skip"
    upgrade_remediation: Remediation = Remediation()
    test_enable: bool = False
    post_renderers: tuple[PostRenderer, ...] = ()
    depends_on: tuple[CrossRef, ...] = ()
    suspend: bool = False

    kind = "HelmRelease"

    @property
    def dag_id(self) -> str:
        return f"hr.{self.meta.namespace}.{self.meta.name}"


class _ReleaseApp(Kustomization):
    """A HelmRelease as the reconcile engine sees it; only the DAG id differs from a Kustomization's."""

    @property
    def dag_id(self) -> str:
        return f"hr.{self.meta.namespace}.{self.meta.name}"


def engine_app(release: HelmRelease) -> Kustomization:
    """The release as the reconcile engine takes an app: prune on, wait for everything, ``spec.timeout``."""
    return _ReleaseApp(
        meta=Meta(name=release.meta.name, namespace=release.meta.namespace, labels=release.meta.labels,
                  annotations=release.meta.annotations),
        origin=release.origin, source_ref=release.chart.source_ref, interval=release.interval,
        timeout=release.timeout, prune=True, wait=True, suspend=release.suspend,
    )


REMEDIATION_KEY = "remediation"  # XCom key of the apply task that holds a RemediationOutcome


@dataclass(frozen=True)
class RemediationOutcome:
    """What a failed release's remediation did: ``rolled back`` to ``to_revision`` (the last healthy
    release, re-applied and recorded as ``recorded_revision``) or ``uninstalled`` (after the
    ``pre-delete`` and before the ``post-delete`` hooks, named in ``hooks`` in the order run);
    ``from_revision`` is the revision that failed. Kept here (no engine imports) so the notify step
    can read it."""

    action: str  # "rolled back" | "uninstalled"
    from_revision: int
    to_revision: int | None = None
    recorded_revision: int | None = None
    hooks: tuple[str, ...] = ()

    @property
    def rolled_back(self) -> bool:
        return self.action == "rolled back" and self.to_revision is not None

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "from_revision": self.from_revision, "to_revision": self.to_revision,
                "recorded_revision": self.recorded_revision, "hooks": list(self.hooks)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RemediationOutcome:
        def revision(key: str) -> int | None:
            return int(data[key]) if data.get(key) is not None else None

        return cls(action=str(data["action"]), from_revision=int(data["from_revision"]),
                   to_revision=revision("to_revision"), recorded_revision=revision("recorded_revision"),
                   hooks=tuple(str(h) for h in data.get("hooks") or ()))
