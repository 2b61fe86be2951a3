"""The order in which kinds are applied (and, reversed, pruned): kept as data in this one place.

Definitions that other objects need come first: CRDs, Namespaces and ClusterRoles (stage 1, then
we wait for CRDs to be Established), then ``*Class`` kinds (stage 2), then everything else in the
order kustomize and Flux use, so a Deployment's ConfigMap, ServiceAccount and Service exist before
it does. Prune walks the same list backwards so workloads go before what they use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from airflux.model import ObjRef

# Stage 1: cluster definitions.
CLUSTER_DEFINITION_KINDS: tuple[str, ...] = ("CustomResourceDefinition", "Namespace", "ClusterRole")

# Order inside every stage; kinds not listed go after these and before LAST_KINDS, by name.
KIND_ORDER: tuple[str, ...] = (
    "CustomResourceDefinition",
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
)
# Admission webhooks last: installed earlier they could reject the rest of the set.
LAST_KINDS: tuple[str, ...] = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")

_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}
_LAST = {kind: i for i, kind in enumerate(LAST_KINDS)}


def stage_of(kind: str) -> int:
    """0: cluster definitions, 1: ``*Class`` kinds, 2: everything else."""
    if kind in CLUSTER_DEFINITION_KINDS:
        return 0
    if kind.endswith("Class"):
        return 1
    return 2


def kind_rank(kind: str) -> tuple[int, int, str]:
    if kind in _RANK:
        return (0, _RANK[kind], "")
    if kind in _LAST:
        return (2, _LAST[kind], "")
    return (1, 0, kind)


def ref_sort_key(ref: ObjRef) -> tuple[object, ...]:
    return (stage_of(ref.kind), kind_rank(ref.kind), ref.group, ref.namespace, ref.name)


def apply_order(refs: Iterable[ObjRef]) -> list[ObjRef]:
    return sorted(refs, key=ref_sort_key)


def prune_order(refs: Iterable[ObjRef]) -> list[ObjRef]:
    """Reverse apply order: workloads first, Namespaces and CRDs last."""
    return sorted(refs, key=ref_sort_key, reverse=True)


def stages(objects: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Objects grouped into the three apply stages (empty stages dropped), each in kind order."""
    buckets: list[list[dict[str, Any]]] = [[], [], []]
    for obj in objects:
        buckets[stage_of(str(obj.get("kind", "")))].append(obj)
    return [sorted(b, key=lambda o: ref_sort_key(ObjRef.of(o))) for b in buckets if b]
