"""Which cluster the engine talks to: a kubeconfig file, an existing ApiClient, KUBECONFIG or in-cluster.

The Airflow adapter passes the ApiClient built by the cncf.kubernetes KubernetesHook for the
``kubernetes_default`` connection; plain scripts and tests use a kubeconfig path or the environment.
"""

from __future__ import annotations

import copy
import os

from kubernetes import client as k8s
from kubernetes import config as k8s_config

from airflux.kube.errors import KubeApiError


def _sized(configuration: k8s.Configuration, pool_size: int) -> k8s.Configuration:
    # One pooled connection per worker thread, otherwise urllib3 drops and reopens connections.
    cfg = copy.deepcopy(configuration)
    cfg.connection_pool_maxsize = max(pool_size, cfg.connection_pool_maxsize or 0)
    return cfg


def api_client_from_kubeconfig(path: str | os.PathLike[str], *, context: str | None = None,
                               pool_size: int = 8) -> k8s.ApiClient:
    cfg = k8s.Configuration()
    try:
        k8s_config.load_kube_config(config_file=str(path), context=context, client_configuration=cfg)
    except Exception as e:
        raise KubeApiError(f"cannot load kubeconfig {path}: {e}", reason="InvalidKubeconfig") from e
    return k8s.ApiClient(_sized(cfg, pool_size))


def api_client_resized(api_client: k8s.ApiClient, *, pool_size: int = 8) -> k8s.ApiClient:
    """A client with the same credentials and a connection pool big enough for our workers."""
    if (api_client.configuration.connection_pool_maxsize or 0) >= pool_size:
        return api_client
    return k8s.ApiClient(_sized(api_client.configuration, pool_size))


def api_client_from_environment(*, pool_size: int = 8) -> k8s.ApiClient:
    """``KUBECONFIG`` when set, else the in-cluster service account."""
    kubeconfig = os.environ.get("KUBECONFIG")
    if kubeconfig:
        # KUBECONFIG may list several files; the first one that exists wins, as with kubectl's default.
        for path in kubeconfig.split(os.pathsep):
            if path and os.path.exists(path):
                return api_client_from_kubeconfig(path, pool_size=pool_size)
    cfg = k8s.Configuration()
    try:
        k8s_config.load_incluster_config(client_configuration=cfg)
    except k8s_config.ConfigException as e:
        raise KubeApiError(
            "no cluster configured: set the kubernetes_default connection, KUBECONFIG, or run in a cluster",
            reason="NoCluster",
        ) from e
    return k8s.ApiClient(_sized(cfg, pool_size))
