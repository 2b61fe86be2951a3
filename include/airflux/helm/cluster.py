"""What the Helm render needs from the target cluster: ``.Capabilities`` and which kinds are namespaced.

Read once per render through the official client: ``/version`` for ``KubeVersion`` and discovery of
every served group/version (and its kinds) for ``APIVersions``, the same facts ``helm install``
gathers, so ``.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"`` answers for the real cluster.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


@contextmanager
def kubeconfig_for(client: KubeClient, *, scratch: Path) -> Iterator[Path]:
    """A private kubeconfig file for the Helm engine (its ``lookup``), made from the client's configuration.

    The client may come from an Airflow connection with no file behind it; the file holds the same
    credentials the client already uses, is readable by the owner only and is removed afterwards.
    """
    conf = client.api_client.configuration
    cluster: dict[str, Any] = {"server": conf.host, "insecure-skip-tls-verify": not conf.verify_ssl}
    if conf.ssl_ca_cert and conf.verify_ssl:
        cluster["certificate-authority"] = conf.ssl_ca_cert
        cluster.pop("insecure-skip-tls-verify")
    user: dict[str, Any] = {}
    token = (conf.api_key or {}).get("authorization") or (conf.api_key or {}).get("BearerToken")
    if token:
        user["token"] = str(token).removeprefix("Bearer ").strip()
    if conf.cert_file and conf.key_file:
        user["client-certificate"], user["client-key"] = conf.cert_file, conf.key_file
    if conf.username and conf.password:
        user["username"], user["password"] = conf.username, conf.password
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "target",
           "clusters": [{"name": "target", "cluster": cluster}], "users": [{"name": "target", "user": user}],
           "contexts": [{"name": "target", "context": {"cluster": "target", "user": "target"}}]}
    scratch.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="kubeconfig-", dir=scratch)
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(doc, out)
        yield Path(name)
    finally:
        os.unlink(name)
