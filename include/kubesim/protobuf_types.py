"""Field numbers of the Kubernetes protobuf messages kubectl's typed clients send.

From the `generated.proto` files of k8s.io/api and k8s.io/apimachinery (stable across releases:
field numbers are never reused). Notation per field: number -> (JSON name, type) with types `str`,
`bool`, `int`, `bytes`, `qty` (resource.Quantity), `time` (metav1.Time), `ios` (IntOrString),
`map:<type>`, `[]<type>` and message names; a trailing `*` marks a Go pointer field whose zero value
is meaningful; the name `...` marks an embedded struct whose fields JSON inlines into the parent. Verified against the bodies kubectl 1.37 sends (tests/kubesim/test_protobuf.py).
"""

from __future__ import annotations

F = dict[int, tuple[str, str]]

# fmt: off

META: dict[str, F] = {
    "ObjectMeta": {
        1: ("name", "str"), 2: ("generateName", "str"), 3: ("namespace", "str"), 5: ("uid", "str"),
        6: ("resourceVersion", "str"), 7: ("generation", "int"), 8: ("creationTimestamp", "time"),
        11: ("labels", "map:str"), 12: ("annotations", "map:str"), 13: ("ownerReferences", "[]OwnerReference"),
        14: ("finalizers", "[]str"),
    },
    "OwnerReference": {
        1: ("kind", "str"), 3: ("name", "str"), 4: ("uid", "str"), 5: ("apiVersion", "str"),
        6: ("controller", "bool*"), 7: ("blockOwnerDeletion", "bool*"),
    },
    "LabelSelector": {1: ("matchLabels", "map:str"), 2: ("matchExpressions", "[]LabelSelectorRequirement")},
    "LabelSelectorRequirement": {1: ("key", "str"), 2: ("operator", "str"), 3: ("values", "[]str")},
}

CORE: dict[str, F] = {
    "Namespace": {1: ("metadata", "ObjectMeta"), 2: ("spec", "NamespaceSpec"), 3: ("status", "NamespaceStatus")},
    "NamespaceSpec": {1: ("finalizers", "[]str")},
    "NamespaceStatus": {1: ("phase", "str")},
    "ConfigMap": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:str"), 3: ("binaryData", "map:bytes"),
                  4: ("immutable", "bool*")},
    "Secret": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:bytes"), 3: ("type", "str"),
               4: ("stringData", "map:str"), 5: ("immutable", "bool*")},
    "ServiceAccount": {1: ("metadata", "ObjectMeta"), 2: ("secrets", "[]ObjectReference"),
                       3: ("imagePullSecrets", "[]LocalObjectReference"), 4: ("automountServiceAccountToken", "bool*")},
    "ObjectReference": {1: ("kind", "str"), 2: ("namespace", "str"), 3: ("name", "str"), 4: ("uid", "str"),
                        5: ("apiVersion", "str"), 6: ("resourceVersion", "str"), 7: ("fieldPath", "str")},
    "LocalObjectReference": {1: ("name", "str")},
    "Service": {1: ("metadata", "ObjectMeta"), 2: ("spec", "ServiceSpec"), 3: ("status", "ServiceStatus")},
    "ServiceSpec": {
        1: ("ports", "[]ServicePort"), 2: ("selector", "map:str"), 3: ("clusterIP", "str"), 4: ("type", "str"),
        5: ("externalIPs", "[]str"), 7: ("sessionAffinity", "str"), 8: ("loadBalancerIP", "str"),
        9: ("loadBalancerSourceRanges", "[]str"), 10: ("externalName", "str"), 11: ("externalTrafficPolicy", "str"),
        12: ("healthCheckNodePort", "int"), 13: ("publishNotReadyAddresses", "bool"), 18: ("clusterIPs", "[]str"),
        19: ("ipFamilies", "[]str"), 17: ("ipFamilyPolicy", "str*"), 20: ("allocateLoadBalancerNodePorts", "bool*"),
        21: ("loadBalancerClass", "str*"), 22: ("internalTrafficPolicy", "str*"), 23: ("trafficDistribution", "str*"),
    },
    "ServicePort": {1: ("name", "str"), 2: ("protocol", "str"), 3: ("port", "int"), 4: ("targetPort", "ios"),
                    5: ("nodePort", "int"), 6: ("appProtocol", "str*")},
    "ServiceStatus": {},
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodSpec")},
    "PodSpec": {
        1: ("volumes", "[]Volume"), 2: ("containers", "[]Container"), 3: ("restartPolicy", "str"),
        4: ("terminationGracePeriodSeconds", "int*"), 5: ("activeDeadlineSeconds", "int*"), 6: ("dnsPolicy", "str"),
        7: ("nodeSelector", "map:str"), 8: ("serviceAccountName", "str"), 10: ("nodeName", "str"),
        15: ("imagePullSecrets", "[]LocalObjectReference"), 16: ("hostname", "str"), 17: ("subdomain", "str"),
        19: ("schedulerName", "str"), 20: ("initContainers", "[]Container"),
        21: ("automountServiceAccountToken", "bool*"), 24: ("priorityClassName", "str"),
    },
    "Container": {
        1: ("name", "str"), 2: ("image", "str"), 3: ("command", "[]str"), 4: ("args", "[]str"),
        5: ("workingDir", "str"), 6: ("ports", "[]ContainerPort"), 7: ("env", "[]EnvVar"),
        8: ("resources", "ResourceRequirements"), 9: ("volumeMounts", "[]VolumeMount"),
        13: ("terminationMessagePath", "str"), 14: ("imagePullPolicy", "str"), 16: ("stdin", "bool"),
        17: ("stdinOnce", "bool"), 18: ("tty", "bool"), 20: ("terminationMessagePolicy", "str"),
        24: ("restartPolicy", "str*"),
    },
    "ContainerPort": {1: ("name", "str"), 2: ("hostPort", "int"), 3: ("containerPort", "int"), 4: ("protocol", "str"),
                      5: ("hostIP", "str")},
    "EnvVar": {1: ("name", "str"), 2: ("value", "str")},
    "VolumeMount": {1: ("name", "str"), 2: ("readOnly", "bool"), 3: ("mountPath", "str"), 4: ("subPath", "str")},
    "Volume": {1: ("name", "str")},
    "ResourceRequirements": {1: ("limits", "map:qty"), 2: ("requests", "map:qty")},
    "ResourceQuota": {1: ("metadata", "ObjectMeta"), 2: ("spec", "ResourceQuotaSpec"),
                      3: ("status", "ResourceQuotaStatus")},
    "ResourceQuotaSpec": {1: ("hard", "map:qty"), 2: ("scopes", "[]str"), 3: ("scopeSelector", "ScopeSelector")},
    "ScopeSelector": {1: ("matchExpressions", "[]ScopedResourceSelectorRequirement")},
    "ScopedResourceSelectorRequirement": {1: ("scopeName", "str"), 2: ("operator", "str"), 3: ("values", "[]str")},
    "ResourceQuotaStatus": {1: ("hard", "map:qty"), 2: ("used", "map:qty")},
}

APPS_BATCH: dict[str, F] = {
    "Deployment": {1: ("metadata", "ObjectMeta"), 2: ("spec", "DeploymentSpec"), 3: ("status", "DeploymentStatus")},
    "DeploymentSpec": {
        1: ("replicas", "int*"), 2: ("selector", "LabelSelector"), 3: ("template", "PodTemplateSpec"),
        4: ("strategy", "DeploymentStrategy"), 5: ("minReadySeconds", "int"), 6: ("revisionHistoryLimit", "int*"),
        7: ("paused", "bool"), 9: ("progressDeadlineSeconds", "int*"),
    },
    "DeploymentStrategy": {1: ("type", "str")},
    "DeploymentStatus": {},
    "Job": {1: ("metadata", "ObjectMeta"), 2: ("spec", "JobSpec"), 3: ("status", "JobStatus")},
    "JobSpec": {
        1: ("parallelism", "int*"), 2: ("completions", "int*"), 3: ("activeDeadlineSeconds", "int*"),
        4: ("selector", "LabelSelector"), 5: ("manualSelector", "bool*"), 6: ("template", "PodTemplateSpec"),
        7: ("backoffLimit", "int*"), 8: ("ttlSecondsAfterFinished", "int*"), 9: ("completionMode", "str*"),
        10: ("suspend", "bool*"),
    },
    "JobStatus": {},
    "CronJob": {1: ("metadata", "ObjectMeta"), 2: ("spec", "CronJobSpec"), 3: ("status", "CronJobStatus")},
    "CronJobSpec": {
        1: ("schedule", "str"), 2: ("startingDeadlineSeconds", "int*"), 3: ("concurrencyPolicy", "str"),
        4: ("suspend", "bool*"), 5: ("jobTemplate", "JobTemplateSpec"), 6: ("successfulJobsHistoryLimit", "int*"),
        7: ("failedJobsHistoryLimit", "int*"), 8: ("timeZone", "str*"),
    },
    "JobTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "JobSpec")},
    "CronJobStatus": {},
}

OTHER: dict[str, F] = {
    "Role": {1: ("metadata", "ObjectMeta"), 2: ("rules", "[]PolicyRule")},
    "ClusterRole": {1: ("metadata", "ObjectMeta"), 2: ("rules", "[]PolicyRule"), 3: ("aggregationRule", "AggregationRule")},
    "PolicyRule": {1: ("verbs", "[]str"), 2: ("apiGroups", "[]str"), 3: ("resources", "[]str"),
                   4: ("resourceNames", "[]str"), 5: ("nonResourceURLs", "[]str")},
    "AggregationRule": {1: ("clusterRoleSelectors", "[]LabelSelector")},
    "RoleBinding": {1: ("metadata", "ObjectMeta"), 2: ("subjects", "[]Subject"), 3: ("roleRef", "RoleRef")},
    "ClusterRoleBinding": {1: ("metadata", "ObjectMeta"), 2: ("subjects", "[]Subject"), 3: ("roleRef", "RoleRef")},
    "Subject": {1: ("kind", "str"), 2: ("apiGroup", "str"), 3: ("name", "str"), 4: ("namespace", "str")},
    "RoleRef": {1: ("apiGroup", "str"), 2: ("kind", "str"), 3: ("name", "str")},
    "Ingress": {1: ("metadata", "ObjectMeta"), 2: ("spec", "IngressSpec"), 3: ("status", "IngressStatus")},
    "IngressSpec": {1: ("defaultBackend", "IngressBackend"), 2: ("tls", "[]IngressTLS"), 3: ("rules", "[]IngressRule"),
                    4: ("ingressClassName", "str*")},
    "IngressBackend": {3: ("resource", "TypedLocalObjectReference"), 4: ("service", "IngressServiceBackend")},
    "TypedLocalObjectReference": {1: ("apiGroup", "str*"), 2: ("kind", "str"), 3: ("name", "str")},
    "IngressServiceBackend": {1: ("name", "str"), 2: ("port", "ServiceBackendPort")},
    "ServiceBackendPort": {1: ("name", "str"), 2: ("number", "int")},
    "IngressTLS": {1: ("hosts", "[]str"), 2: ("secretName", "str")},
    "IngressRule": {1: ("host", "str"), 2: ("...", "IngressRuleValue")},  # embedded inline in JSON
    "IngressRuleValue": {1: ("http", "HTTPIngressRuleValue")},
    "HTTPIngressRuleValue": {1: ("paths", "[]HTTPIngressPath")},
    "HTTPIngressPath": {1: ("path", "str"), 2: ("backend", "IngressBackend"), 3: ("pathType", "str*")},
    "IngressStatus": {},
    "PodDisruptionBudget": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodDisruptionBudgetSpec"),
                            3: ("status", "PodDisruptionBudgetStatus")},
    "PodDisruptionBudgetSpec": {1: ("minAvailable", "ios"), 2: ("selector", "LabelSelector"),
                                3: ("maxUnavailable", "ios"), 4: ("unhealthyPodEvictionPolicy", "str*")},
    "PodDisruptionBudgetStatus": {},
    "PriorityClass": {1: ("metadata", "ObjectMeta"), 2: ("value", "int*"), 3: ("globalDefault", "bool"),
                      4: ("description", "str"), 5: ("preemptionPolicy", "str*")},
    "HorizontalPodAutoscaler": {1: ("metadata", "ObjectMeta"), 2: ("spec", "HorizontalPodAutoscalerSpec"),
                                3: ("status", "HorizontalPodAutoscalerStatus")},
    "HorizontalPodAutoscalerSpec": {1: ("scaleTargetRef", "CrossVersionObjectReference"), 2: ("minReplicas", "int*"),
                                    3: ("maxReplicas", "int*"), 4: ("metrics", "[]MetricSpec")},
    "CrossVersionObjectReference": {1: ("kind", "str"), 2: ("name", "str"), 3: ("apiVersion", "str")},
    "MetricSpec": {1: ("type", "str"), 4: ("resource", "ResourceMetricSource")},
    "ResourceMetricSource": {1: ("name", "str"), 2: ("target", "MetricTarget")},
    "MetricTarget": {1: ("type", "str"), 2: ("value", "qty"), 3: ("averageValue", "qty"), 4: ("averageUtilization", "int*")},
    "HorizontalPodAutoscalerStatus": {},
}

MESSAGES: dict[str, F] = {**META, **CORE, **APPS_BATCH, **OTHER}

# (apiVersion, kind) -> top-level message
KINDS: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "Namespace", ("v1", "ConfigMap"): "ConfigMap", ("v1", "Secret"): "Secret",
    ("v1", "ServiceAccount"): "ServiceAccount", ("v1", "Service"): "Service", ("v1", "ResourceQuota"): "ResourceQuota",
    ("apps/v1", "Deployment"): "Deployment", ("batch/v1", "Job"): "Job", ("batch/v1", "CronJob"): "CronJob",
    ("rbac.authorization.k8s.io/v1", "Role"): "Role", ("rbac.authorization.k8s.io/v1", "ClusterRole"): "ClusterRole",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "ClusterRoleBinding",
    ("networking.k8s.io/v1", "Ingress"): "Ingress", ("policy/v1", "PodDisruptionBudget"): "PodDisruptionBudget",
    ("scheduling.k8s.io/v1", "PriorityClass"): "PriorityClass",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "HorizontalPodAutoscaler",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "HorizontalPodAutoscalerV1",
}
MESSAGES["HorizontalPodAutoscalerV1"] = {1: ("metadata", "ObjectMeta"), 2: ("spec", "HorizontalPodAutoscalerSpecV1")}
MESSAGES["HorizontalPodAutoscalerSpecV1"] = {
    1: ("scaleTargetRef", "CrossVersionObjectReference"), 2: ("minReplicas", "int*"), 3: ("maxReplicas", "int*"),
    4: ("targetCPUUtilizationPercentage", "int*"),
}
# fmt: on
