"""Reading ``substituteFrom`` ConfigMaps and Secrets from the target cluster.

``render`` takes the reader as a plain function so the render stage itself never needs a cluster;
this module gives the one a DAG task passes, built on the official ``kubernetes`` client. As in
Flux, the objects are read from the Kustomization's own namespace, Secret values are decoded, and
a missing object is ``None`` so ``optional`` can be honoured. Values are never logged.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any


def kube_reader(api_client: Any, *, namespace: str) -> Callable[[Any], dict[str, str] | None]:
    """A ``substitute_from`` reader over a ``kubernetes.client.ApiClient``; it takes any reference with a
    ``kind`` (ConfigMap or Secret) and a ``name``, so HelmRelease ``valuesFrom`` reads through it too."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = client.CoreV1Api(api_client)

    def read(ref: Any) -> dict[str, str] | None:
        try:
            if ref.kind == "Secret":
                secret = core.read_namespaced_secret(ref.name, namespace)
                return {k: base64.b64decode(v).decode("utf-8") for k, v in (secret.data or {}).items()}
            config_map = core.read_namespaced_config_map(ref.name, namespace)
            return dict(config_map.data or {})
        except ApiException as e:
            if e.status == 404:
                return None
            raise

    return read
