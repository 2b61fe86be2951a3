"""The small typed results tasks hand each other through XCom: where things are, never the manifests."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from airflux.specs.describe import public_url

if TYPE_CHECKING:
    from airflux.render import RenderResult
    from airflux.source import SourceArtifact


class SourceSummary(TypedDict):
    repository: str  # GitRepository/namespace/name
    url: str  # without credentials
    revision: str  # main@sha1:<sha>
    commit: str
    digest: str  # sha256:<hex> of the exported tree
    path: str  # artifact directory
    fetched: bool  # False when the revision was already in the artifact store


class RenderSummary(TypedDict):
    revision: str
    path: str  # rendered multi-document YAML in the artifact store
    digest: str
    key: str
    object_count: int
    kinds: dict[str, int]
    cached: bool


def source_summary(artifact: SourceArtifact) -> SourceSummary:
    return SourceSummary(
        repository=artifact.repository,
        url=public_url(artifact.url),
        revision=artifact.revision,
        commit=artifact.commit,
        digest=artifact.digest,
        path=str(artifact.path),
        fetched=artifact.fetched,
    )


def render_summary(result: RenderResult, *, revision: str) -> RenderSummary:
    kinds: dict[str, int] = {}
    for ref in result.objects:
        kinds[ref.kind] = kinds.get(ref.kind, 0) + 1
    return RenderSummary(
        revision=revision,
        path=str(result.path),
        digest=result.digest,
        key=result.key,
        object_count=result.object_count,
        kinds=dict(sorted(kinds.items())),
        cached=result.cached,
    )
