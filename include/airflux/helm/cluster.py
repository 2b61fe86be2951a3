"""What the Helm render needs from the target cluster: ``.Capabilities`` and which kinds are namespaced.

Read once per render through the official client: ``/version`` for ``KubeVersion`` and discovery of
every served group/version (and its kinds) for ``APIVersions``, the same facts ``helm install``
gathers, so ``.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"`` answers for the real cluster.
"""

from __future__ import annotations

from typing import Any

from airflux.helm.engine import Capabilities
from airflux.helm.manifests import IsNamespaced, default_is_namespaced
from airflux.kube import KubeApiError, KubeClient, NoKindMatch


def _get(client: KubeClient, path: str) -> dict[str, Any]:
    # The client's raw GET (auth, retries, timeouts); discovery documents are plain JSON.
    return client._request(None, "GET", path)  # same package; no public raw GET yet


def cluster_capabilities(client: KubeClient) -> Capabilities:
    version = str(_get(client, "/version").get("gitVersion") or "")
    group_versions = list(_get(client, "/api").get("versions") or [])
    for group in _get(client, "/apis").get("groups") or []:
        group_versions += [v["groupVersion"] for v in group.get("versions") or []]
    found: list[str] = []
    for gv in group_versions:
        found.append(gv)
        listing = _get(client, f"/api/{gv}" if "/" not in gv else f"/apis/{gv}")
        found += sorted({f"{gv}/{r['kind']}" for r in listing.get("resources") or [] if "/" not in r["name"]})
    return Capabilities(kube_version=version, api_versions=tuple(found))


def namespaced_by(client: KubeClient) -> IsNamespaced:
    """(apiVersion, kind) → namespaced, from discovery; kinds not served yet fall back to the known list."""

    def is_namespaced(api_version: str, kind: str) -> bool:
        try:
            return client.resource(api_version, kind).namespaced
        except (NoKindMatch, KubeApiError):
            return default_is_namespaced(api_version, kind)

    return is_namespaced
