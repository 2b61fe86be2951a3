"""Nested built-in types that GitOps manifests edit often (affinity, spread constraints, volume sources,
HPA behavior, webhook client configs, ...), in the notation of `kubesim.openapi_types`.

Without them these fields would be free-form objects: client-side `kubectl apply` then cannot compute
a strategic merge patch from OpenAPI for a change inside them and warns "error calculating patch from
openapi v3 spec" before falling back, and strict field validation could not see typos in them.
Field lists are complete for Kubernetes 1.36 (a missing field would be reported as unknown).
"""

from __future__ import annotations

from kubesim.openapi_types import CORE

_APPS = "io.k8s.api.apps.v1"
_AUTOSCALING = "io.k8s.api.autoscaling.v2"
_ADMISSION = "io.k8s.api.admissionregistration.v1"
_EXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1"

# fmt: off
EXTRA_TYPES: list[tuple[str, str, dict[str, str]]] = [
    (f"{CORE}.Affinity", "Affinity is a group of affinity scheduling rules.", {
        "nodeAffinity": "NodeAffinity", "podAffinity": "PodAffinity", "podAntiAffinity": "PodAntiAffinity",
    }),
    (f"{CORE}.NodeAffinity", "Node affinity is a group of node affinity scheduling rules.", {
        "requiredDuringSchedulingIgnoredDuringExecution": "NodeSelector",
        "preferredDuringSchedulingIgnoredDuringExecution": "[]PreferredSchedulingTerm atomic",
    }),
    (f"{CORE}.NodeSelector", "A node selector represents the union of the results of one or more label queries.", {
        "nodeSelectorTerms": "![]NodeSelectorTerm atomic",
    }),
    (f"{CORE}.NodeSelectorTerm", "A null or empty node selector term matches no objects.", {
        "matchExpressions": "[]NodeSelectorRequirement atomic", "matchFields": "[]NodeSelectorRequirement atomic",
    }),
    (f"{CORE}.NodeSelectorRequirement", "A node selector requirement.", {
        "key": "!str", "operator": "!str", "values": "[]str atomic",
    }),
    (f"{CORE}.PreferredSchedulingTerm", "An empty preferred scheduling term matches all objects.", {
        "weight": "!int", "preference": "!NodeSelectorTerm",
    }),
    (f"{CORE}.PodAffinity", "Pod affinity is a group of inter pod affinity scheduling rules.", {
        "requiredDuringSchedulingIgnoredDuringExecution": "[]PodAffinityTerm atomic",
        "preferredDuringSchedulingIgnoredDuringExecution": "[]WeightedPodAffinityTerm atomic",
    }),
    (f"{CORE}.PodAntiAffinity", "Pod anti affinity is a group of inter pod anti affinity scheduling rules.", {
        "requiredDuringSchedulingIgnoredDuringExecution": "[]PodAffinityTerm atomic",
        "preferredDuringSchedulingIgnoredDuringExecution": "[]WeightedPodAffinityTerm atomic",
    }),
    (f"{CORE}.PodAffinityTerm", "Defines a set of pods that this pod should be co-located (or not) with.", {
        "labelSelector": "LabelSelector", "namespaces": "[]str atomic", "topologyKey": "!str",
        "namespaceSelector": "LabelSelector", "matchLabelKeys": "[]str atomic", "mismatchLabelKeys": "[]str atomic",
    }),
    (f"{CORE}.WeightedPodAffinityTerm", "The weights of all of the matched pod affinity terms are added per node.", {
        "weight": "!int", "podAffinityTerm": "!PodAffinityTerm",
    }),
    (f"{CORE}.TopologySpreadConstraint", "How to spread matching pods among the given topology.", {
        "maxSkew": "!int", "topologyKey": "!str", "whenUnsatisfiable": "!str", "labelSelector": "LabelSelector",
        "minDomains": "int", "nodeAffinityPolicy": "str", "nodeTaintsPolicy": "str", "matchLabelKeys": "[]str atomic",
    }),
    (f"{CORE}.HostAlias", "An entry in the pod's /etc/hosts file.", {"ip": "!str", "hostnames": "[]str atomic"}),
    (f"{CORE}.PodSchedulingGate", "A scheduling gate of a pod.", {"name": "!str"}),
    (f"{CORE}.PodResourceClaim", "A reference to a ResourceClaim.", {
        "name": "!str", "resourceClaimName": "str", "resourceClaimTemplateName": "str",
    }),
    (f"{CORE}.PodDNSConfig", "DNS parameters of a pod in addition to those generated from DNSPolicy.", {
        "nameservers": "[]str atomic", "searches": "[]str atomic", "options": "[]obj atomic",
    }),
    (f"{CORE}.PodOS", "The OS parameters of a pod.", {"name": "!str"}),
    (f"{CORE}.VolumeDevice", "A mapping of a raw block device within a container.", {
        "name": "!str", "devicePath": "!str",
    }),
    (f"{CORE}.SleepAction", "SleepAction describes a sleep action.", {"seconds": "!i64"}),
    (f"{CORE}.ConfigMapEnvSource", "Selects a ConfigMap to populate the environment variables with.", {
        "name": "str", "optional": "bool",
    }),
    (f"{CORE}.SecretEnvSource", "Selects a Secret to populate the environment variables with.", {
        "name": "str", "optional": "bool",
    }),
    (f"{CORE}.ProjectedVolumeSource", "Represents a projected volume source.", {
        "sources": "[]obj atomic", "defaultMode": "int",
    }),
    (f"{CORE}.DownwardAPIVolumeSource", "DownwardAPIVolumeSource represents a volume containing downward API info.", {
        "items": "[]obj atomic", "defaultMode": "int",
    }),
    (f"{CORE}.CSIVolumeSource", "Represents a source location of a volume to mount, managed by an external CSI driver.", {
        "driver": "!str", "readOnly": "bool", "fsType": "str", "volumeAttributes": "map",
        "nodePublishSecretRef": "LocalObjectReference",
    }),
    (f"{CORE}.NFSVolumeSource", "Represents an NFS mount that lasts the lifetime of a pod.", {
        "server": "!str", "path": "!str", "readOnly": "bool",
    }),
    (f"{CORE}.ImageVolumeSource", "ImageVolumeSource represents an image volume resource.", {
        "reference": "str", "pullPolicy": "str",
    }),
    (f"{CORE}.EphemeralVolumeSource", "Represents an ephemeral volume that is handled by a normal storage driver.", {
        "volumeClaimTemplate": "obj",
    }),
    (f"{CORE}.SessionAffinityConfig", "SessionAffinityConfig represents the configurations of session affinity.", {
        "clientIP": "ClientIPConfig",
    }),
    (f"{CORE}.ClientIPConfig", "Configurations of Client IP based session affinity.", {"timeoutSeconds": "int"}),
    (f"{CORE}.TypedLocalObjectReference", "Enough information to locate the typed referenced object.", {
        "apiGroup": "str", "kind": "!str", "name": "!str",
    }),
    (f"{CORE}.TypedObjectReference", "Enough information to locate the typed referenced object.", {
        "apiGroup": "str", "kind": "!str", "name": "!str", "namespace": "str",
    }),
    (f"{CORE}.VolumeNodeAffinity", "Constraints that limit what nodes this volume can be accessed from.", {
        "required": "NodeSelector",
    }),
    (f"{CORE}.ScopeSelector", "A collection of filters that ANDed with the scopes of a quota.", {
        "matchExpressions": "[]obj atomic",
    }),
    (f"{_APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy", "Lifecycle of PVCs created from volumeClaimTemplates.", {
        "whenDeleted": "str", "whenScaled": "str",
    }),
    (f"{_APPS}.StatefulSetOrdinals", "The ordinals of the replicas of a StatefulSet.", {"start": "int"}),
    (f"{_AUTOSCALING}.HorizontalPodAutoscalerBehavior", "Scaling behavior of the target in both directions.", {
        "scaleUp": "HPAScalingRules", "scaleDown": "HPAScalingRules",
    }),
    (f"{_AUTOSCALING}.HPAScalingRules", "Scaling behavior for one direction.", {
        "stabilizationWindowSeconds": "int", "selectPolicy": "str", "policies": "[]obj atomic", "tolerance": "qty",
    }),
    ("io.k8s.api.networking.v1.IngressClassParametersReference", "Identifies an API object of the IngressClass parameters.", {
        "apiGroup": "str", "kind": "!str", "name": "!str", "namespace": "str", "scope": "str",
    }),
    (f"{_ADMISSION}.WebhookClientConfig", "WebhookClientConfig contains the information to make a TLS connection with the webhook.", {
        "url": "str", "service": "ServiceReference", "caBundle": "bytes",
    }),
    (f"{_ADMISSION}.ServiceReference", "ServiceReference holds a reference to Service.legacy.k8s.io.", {
        "namespace": "!str", "name": "!str", "path": "str", "port": "int",
    }),
    (f"{_EXT}.CustomResourceConversion", "How to convert versions of a CR.", {
        "strategy": "!str", "webhook": "WebhookConversion",
    }),
    (f"{_EXT}.WebhookConversion", "Configuration for conversion webhooks.", {
        "clientConfig": "WebhookClientConfig", "conversionReviewVersions": "![]str atomic",
    }),
    ("io.k8s.api.batch.v1.PodFailurePolicy", "How failed pods influence the backoffLimit.", {"rules": "![]obj atomic"}),
    ("io.k8s.api.batch.v1.SuccessPolicy", "When a Job can be declared as succeeded.", {"rules": "![]obj atomic"}),
]
# fmt: on

# field -> type replacements in the main tables: (definition name, field, new spec)
REFINED: list[tuple[str, str, str]] = [
    (f"{CORE}.PodSpec", "affinity", "Affinity"),
    (f"{CORE}.PodSpec", "topologySpreadConstraints",
     "[]TopologySpreadConstraint map=topologyKey,whenUnsatisfiable mk=topologyKey ps=merge"),
    (f"{CORE}.PodSpec", "hostAliases", "[]HostAlias map=ip mk=ip ps=merge"),
    (f"{CORE}.PodSpec", "schedulingGates", "[]PodSchedulingGate map=name mk=name ps=merge"),
    (f"{CORE}.PodSpec", "resourceClaims", "[]PodResourceClaim map=name mk=name ps=merge,retainKeys"),
    (f"{CORE}.PodSpec", "dnsConfig", "PodDNSConfig"),
    (f"{CORE}.PodSpec", "os", "PodOS"),
    (f"{CORE}.Container", "volumeDevices", "[]VolumeDevice map=devicePath mk=devicePath ps=merge"),
    (f"{CORE}.LifecycleHandler", "sleep", "SleepAction"),
    (f"{CORE}.EnvFromSource", "configMapRef", "ConfigMapEnvSource"),
    (f"{CORE}.EnvFromSource", "secretRef", "SecretEnvSource"),
    (f"{CORE}.Volume", "projected", "ProjectedVolumeSource"),
    (f"{CORE}.Volume", "downwardAPI", "DownwardAPIVolumeSource"),
    (f"{CORE}.Volume", "csi", "CSIVolumeSource"),
    (f"{CORE}.Volume", "nfs", "NFSVolumeSource"),
    (f"{CORE}.Volume", "image", "ImageVolumeSource"),
    (f"{CORE}.Volume", "ephemeral", "EphemeralVolumeSource"),
    (f"{CORE}.ServiceSpec", "sessionAffinityConfig", "SessionAffinityConfig"),
    (f"{CORE}.PersistentVolumeClaimSpec", "dataSource", "TypedLocalObjectReference"),
    (f"{CORE}.PersistentVolumeClaimSpec", "dataSourceRef", "TypedObjectReference"),
    (f"{CORE}.PersistentVolumeSpec", "nodeAffinity", "VolumeNodeAffinity"),
    (f"{CORE}.PersistentVolumeSpec", "nfs", "NFSVolumeSource"),
    (f"{CORE}.ResourceQuotaSpec", "scopeSelector", "ScopeSelector"),
    (f"{_APPS}.StatefulSetSpec", "persistentVolumeClaimRetentionPolicy", "StatefulSetPersistentVolumeClaimRetentionPolicy"),
    (f"{_APPS}.StatefulSetSpec", "ordinals", "StatefulSetOrdinals"),
    (f"{_AUTOSCALING}.HorizontalPodAutoscalerSpec", "behavior", "HorizontalPodAutoscalerBehavior"),
    ("io.k8s.api.networking.v1.IngressBackend", "resource", "TypedLocalObjectReference"),
    ("io.k8s.api.networking.v1.IngressClassSpec", "parameters", "IngressClassParametersReference"),
    (f"{_ADMISSION}.ValidatingWebhook", "clientConfig", "!WebhookClientConfig"),
    (f"{_ADMISSION}.MutatingWebhook", "clientConfig", "!WebhookClientConfig"),
    (f"{_EXT}.CustomResourceDefinitionSpec", "conversion", "CustomResourceConversion"),
    ("io.k8s.api.batch.v1.JobSpec", "podFailurePolicy", "PodFailurePolicy"),
    ("io.k8s.api.batch.v1.JobSpec", "successPolicy", "SuccessPolicy"),
]
