"""Airflow connections → engine inputs: git credentials for ``secretRef``, a client for the target cluster.

Credentials stay in Airflow's secret backends; they are read at task run time only, never at parse
time, and handed to the engine as values it keeps out of logs and errors.
"""

from __future__ import annotations

from airflow.sdk import Connection
from airflow.sdk.exceptions import AirflowNotFoundException

from airflux.kube import KubeClient
from airflux.model import SourceError
from airflux.source import GitCredentials
from airflux_ops.secret_refs import connection_ids, git_credentials_from, missing_connection

__all__ = ["KUBERNETES_CONN_ID", "connection_ids", "git_credentials", "kube_client"]

KUBERNETES_CONN_ID = "kubernetes_default"


def git_credentials(secret_ref: str | None, *, repository: str) -> GitCredentials | None:
    """The credentials a GitRepository's ``secretRef`` names.

    Connection fields: ``login``/``password`` for HTTPS (a token goes in ``password``); extras
    ``bearer_token``, ``private_key`` (or ``identity``) and ``known_hosts`` for SSH.
    """
    if not secret_ref:
        return None
    for conn_id in connection_ids(secret_ref):
        try:
            conn = Connection.get(conn_id)
        except AirflowNotFoundException:
            continue
        return git_credentials_from(conn.login, conn.password, conn.extra_dejson)
    raise SourceError(missing_connection(secret_ref), obj=repository, retryable=False)


def kube_client() -> KubeClient:
    """The target cluster: connection ``kubernetes_default`` if defined, else KUBECONFIG, else in-cluster.

    The provider's hook alone would prefer in-cluster config over KUBECONFIG when the connection is
    missing; Airflux's order (connection, KUBECONFIG, in-cluster) is the design's, so the hook is only
    used when the connection exists.
    """
    try:
        Connection.get(KUBERNETES_CONN_ID)
    except AirflowNotFoundException:
        return KubeClient.from_environment()
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    return KubeClient.from_api_client(KubernetesHook(conn_id=KUBERNETES_CONN_ID).api_client)
