"""The built-in kinds kubesim serves, with the names, scope, verbs and subresources of a 1.36 server."""

from __future__ import annotations

from kubesim.resource_type import ALL_VERBS, NO_COLLECTION_VERBS, ResourceType


def _rt(
    gv: str,
    kind: str,
    plural: str,
    *,
    namespaced: bool = True,
    short: tuple[str, ...] = (),
    cats: tuple[str, ...] = (),
    verbs: tuple[str, ...] = ALL_VERBS,
    sub: tuple[str, ...] = (),
    gen: bool = True,
) -> ResourceType:
    group, _, version = gv.rpartition("/")
    return ResourceType(
        group=group,
        version=version,
        kind=kind,
        plural=plural,
        singular=kind.lower(),
        namespaced=namespaced,
        short_names=short,
        categories=cats,
        verbs=verbs,
        subresources=frozenset(sub),
        has_generation=gen,
    )


# Built-in kinds as a 1.3x kube-apiserver reports them in discovery. `gen` is whether the kind's
# registry strategy maintains metadata.generation (kinds without a spec, or whose strategy never
# sets it, report no generation).
BUILTIN_TYPES: tuple[ResourceType, ...] = (
    # core/v1
    _rt("v1", "ConfigMap", "configmaps", short=("cm",), gen=False),
    _rt("v1", "Event", "events", short=("ev",), gen=False),
    _rt(
        "v1",
        "Namespace",
        "namespaces",
        namespaced=False,
        short=("ns",),
        verbs=NO_COLLECTION_VERBS,
        sub=("status", "finalize"),
        gen=False,
    ),
    _rt("v1", "PersistentVolumeClaim", "persistentvolumeclaims", short=("pvc",), sub=("status",), gen=False),
    _rt("v1", "Pod", "pods", short=("po",), cats=("all",), sub=("status",)),
    _rt("v1", "Secret", "secrets", gen=False),
    _rt("v1", "ServiceAccount", "serviceaccounts", short=("sa",), gen=False),
    _rt("v1", "Service", "services", short=("svc",), cats=("all",), sub=("status",), gen=False),
    # further core/v1 kinds common in GitOps repositories (tenant namespaces, static volumes)
    _rt("v1", "Endpoints", "endpoints", short=("ep",), gen=False),
    _rt("v1", "LimitRange", "limitranges", short=("limits",), gen=False),
    _rt("v1", "PersistentVolume", "persistentvolumes", namespaced=False, short=("pv",), sub=("status",), gen=False),
    _rt("v1", "ResourceQuota", "resourcequotas", short=("quota",), sub=("status",), gen=False),
    # apps/v1
    _rt("apps/v1", "DaemonSet", "daemonsets", short=("ds",), cats=("all",), sub=("status",)),
    _rt("apps/v1", "Deployment", "deployments", short=("deploy",), cats=("all",), sub=("status", "scale")),
    _rt("apps/v1", "ReplicaSet", "replicasets", short=("rs",), cats=("all",), sub=("status", "scale")),
    _rt("apps/v1", "StatefulSet", "statefulsets", short=("sts",), cats=("all",), sub=("status", "scale")),
    # autoscaling/v2
    _rt(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        short=("hpa",),
        cats=("all",),
        sub=("status",),
    ),
    # batch/v1
    _rt("batch/v1", "CronJob", "cronjobs", short=("cj",), cats=("all",), sub=("status",)),
    _rt("batch/v1", "Job", "jobs", cats=("all",), sub=("status",)),
    # networking.k8s.io/v1
    _rt("networking.k8s.io/v1", "IngressClass", "ingressclasses", namespaced=False),
    _rt("networking.k8s.io/v1", "Ingress", "ingresses", short=("ing",), sub=("status",)),
    _rt("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", short=("netpol",)),
    # policy/v1
    _rt("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", short=("pdb",), sub=("status",)),
    # rbac.authorization.k8s.io/v1
    _rt(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        namespaced=False,
        gen=False,
    ),
    _rt("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", namespaced=False, gen=False),
    _rt("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", gen=False),
    _rt("rbac.authorization.k8s.io/v1", "Role", "roles", gen=False),
    # storage.k8s.io/v1
    _rt("storage.k8s.io/v1", "StorageClass", "storageclasses", namespaced=False, short=("sc",), gen=False),
    # admissionregistration.k8s.io/v1
    _rt(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        namespaced=False,
        cats=("api-extensions",),
    ),
    _rt(
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        namespaced=False,
        cats=("api-extensions",),
    ),
    # apiextensions.k8s.io/v1
    _rt(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        namespaced=False,
        short=("crd", "crds"),
        cats=("api-extensions",),
        sub=("status",),
    ),
    # discovery.k8s.io/v1, scheduling.k8s.io/v1
    _rt("discovery.k8s.io/v1", "EndpointSlice", "endpointslices"),
    _rt("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", namespaced=False, short=("pc",), gen=False),
    # coordination.k8s.io/v1
    _rt("coordination.k8s.io/v1", "Lease", "leases", gen=False),
)

# Group order of a real server's /apis (aggregator priority order); CRD groups follow, by name.
BUILTIN_GROUP_ORDER: tuple[str, ...] = (
    "",
    "apps",
    "autoscaling",
    "batch",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
)
