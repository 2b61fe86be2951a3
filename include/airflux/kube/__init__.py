"""Kubernetes access for the engine: one small client, typed errors, retry policy, parallel map."""

from airflux.kube.client import FIELD_MANAGER, ClientOptions, KubeClient, ResourceInfo
from airflux.kube.errors import Cause, KubeApiError, NoKindMatch
from airflux.kube.parallel import Outcome, parallel_map
from airflux.kube.retry import RetryPolicy, retry_delay

__all__ = [
    "FIELD_MANAGER",
    "Cause",
    "ClientOptions",
    "KubeApiError",
    "KubeClient",
    "NoKindMatch",
    "Outcome",
    "ResourceInfo",
    "RetryPolicy",
    "parallel_map",
    "retry_delay",
]
