"""Typed, frozen app definitions: the Flux API objects Airflux understands.

Field names are the snake_case of Flux's camelCase fields. Durations are ``timedelta``.
Every object remembers where it was defined (file and document index) so errors can point there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class Origin:
    """Where a definition came from: file and 0-based document index within it."""

    file: Path
    doc: int

    def __str__(self) -> str:
        return f"{self.file} (document {self.doc})"


@dataclass(frozen=True)
class Meta:
    name: str
    namespace: str
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()

    def annotation(self, key: str, default: str | None = None) -> str | None:
        return dict(self.annotations).get(key, default)


def ident(kind: str, namespace: str, name: str) -> str:
    """How errors, logs, events and messages name a definition: ``Kind/namespace/name``."""
    return f"{kind}/{namespace}/{name}"


class Named:
    """Mixed into every definition type (a ``kind`` class attribute and a ``meta`` field): its ``ident``."""

    kind: ClassVar[str]
    meta: Meta

    @property
    def ident(self) -> str:
        return ident(self.kind, self.meta.namespace, self.meta.name)


@dataclass(frozen=True)
class GitRef:
    branch: str | None = None
    tag: str | None = None
    semver: str | None = None
    commit: str | None = None
    name: str | None = None

    def describe(self) -> str:
        """Human-readable selector, e.g. ``branch main`` or ``semver >=1.0.0``."""
        for key in ("commit", "name", "semver", "tag", "branch"):
            value = getattr(self, key)
            if value:
                return f"{key} {value}"
        return "branch master"


@dataclass(frozen=True)
class GitRepository(Named):
    meta: Meta
    origin: Origin
    url: str
    ref: GitRef = GitRef(branch="master")
    interval: timedelta = timedelta(minutes=1)
    timeout: timedelta = timedelta(seconds=60)
    secret_ref: str | None = None
    ignore: str | None = None
    suspend: bool = False

    kind = "GitRepository"


@dataclass(frozen=True)
class CrossRef:
    """A reference to another object: sourceRef, dependsOn, healthChecks entries."""

    kind: str
    name: str
    namespace: str
    api_version: str | None = None

    @property
    def ident(self) -> str:
        return ident(self.kind, self.namespace, self.name)


@dataclass(frozen=True)
class Selector:
    """kustomize patch/target selector."""

    group: str | None = None
    version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    label_selector: str | None = None
    annotation_selector: str | None = None


@dataclass(frozen=True)
class Patch:
    patch: str
    target: Selector | None = None


@dataclass(frozen=True)
class Image:
    name: str
    new_name: str | None = None
    new_tag: str | None = None
    digest: str | None = None


@dataclass(frozen=True)
class SubstituteFrom:
    kind: str  # ConfigMap | Secret
    name: str
    optional: bool = False


@dataclass(frozen=True)
class PostBuild:
    substitute: tuple[tuple[str, str], ...] = ()
    substitute_from: tuple[SubstituteFrom, ...] = ()


@dataclass(frozen=True)
class CommonMetadata:
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Kustomization(Named):
    meta: Meta
    origin: Origin
    source_ref: CrossRef
    path: str = "./"
    interval: timedelta = timedelta(minutes=10)
    retry_interval: timedelta | None = None
    timeout: timedelta = timedelta(minutes=9, seconds=30)
    prune: bool = False
    wait: bool = False
    health_checks: tuple[CrossRef, ...] = ()
    depends_on: tuple[CrossRef, ...] = ()
    target_namespace: str | None = None
    name_prefix: str | None = None
    name_suffix: str | None = None
    common_metadata: CommonMetadata | None = None
    patches: tuple[Patch, ...] = ()
    images: tuple[Image, ...] = ()
    components: tuple[str, ...] = ()
    post_build: PostBuild | None = None
    force: bool = False
    suspend: bool = False
    raw_spec: Any = field(default=None, compare=False, repr=False)

    kind = "Kustomization"

    @property
    def dag_id(self) -> str:
        return f"ks.{self.meta.namespace}.{self.meta.name}"
