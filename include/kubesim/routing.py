"""Resource paths to (resource type, namespace, name, subresource), as the real RequestInfoFactory parses them.

``/api/v1/...`` and ``/apis/{group}/{version}/...``; ``namespaces/{ns}/{resource}`` is namespaced unless the
third part is a namespace subresource (``status``, ``finalize``); the legacy ``/watch/`` prefix is a watch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from kubesim import errors

if TYPE_CHECKING:
    from kubesim.resources import Registry, ResourceType

NAMESPACE_SUBRESOURCES = ("status", "finalize")


@dataclass(frozen=True)
class Route:
    rt: ResourceType
    namespace: str | None  # None: all namespaces (lists) or cluster-scoped
    name: str
    subresource: str
    legacy_watch: bool


def parse(registry: Registry, path: str) -> Route | None:
    """The route for a resource path; None when it is not a resource path at all."""
    parts = [unquote(p) for p in path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    legacy_watch = False
    if rest and rest[0] == "watch":
        legacy_watch = True
        rest = rest[1:]
    namespace: str | None = None
    if rest and rest[0] == "namespaces" and len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
        namespace = rest[1]
        rest = rest[2:]
    if not rest or len(rest) > 3:
        raise errors.not_found_page()
    rt = registry.lookup(group, version, rest[0])
    if rt is None:
        raise errors.not_found_page()
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if namespace is not None and not rt.namespaced:
        raise errors.not_found_page()
    if subresource and subresource not in rt.subresources:
        raise errors.not_found_page()
    if name and rt.namespaced and namespace is None:
        raise errors.not_found_page()
    return Route(rt, namespace, name, subresource, legacy_watch)
