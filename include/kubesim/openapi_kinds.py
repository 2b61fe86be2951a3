"""Compact field table of the non-core built-in groups and the top level of every built-in kind.

Same notation as `kubesim.openapi_types` (which holds meta/v1 and core/v1); `kubesim.openapi`
expands both into OpenAPI schemas.
"""

from __future__ import annotations

from kubesim.openapi_types import _COND, _COND_UPD, _CONDITIONS_MAP, _WORKLOAD_SPEC

# fmt: off
GROUP_TYPES: list[tuple[str, str, dict[str, str]]] = [
    # ---- apps/v1 ----
    ("io.k8s.api.apps.v1.DeploymentSpec", "DeploymentSpec is the specification of the desired behavior of the Deployment.", {
        "replicas": "int # Number of desired pods. Defaults to 1.", **_WORKLOAD_SPEC,
        "strategy": "DeploymentStrategy ps=retainKeys # The deployment strategy to use to replace existing pods.",
        "paused": "bool", "progressDeadlineSeconds": "int",
    }),
    ("io.k8s.api.apps.v1.DeploymentStrategy", "DeploymentStrategy describes how to replace existing pods with new ones.", {
        "type": "str # Recreate or RollingUpdate.", "rollingUpdate": "RollingUpdateDeployment",
    }),
    ("io.k8s.api.apps.v1.DeploymentStatus", "DeploymentStatus is the most recently observed status of the Deployment.", {
        "observedGeneration": "i64", "replicas": "int", "updatedReplicas": "int", "readyReplicas": "int",
        "availableReplicas": "int", "unavailableReplicas": "int", "terminatingReplicas": "int",
        "conditions": "[]DeploymentCondition " + _CONDITIONS_MAP, "collisionCount": "int",
    }),
    (
        "io.k8s.api.apps.v1.DeploymentCondition",
        "DeploymentCondition describes the state of a deployment.",
        _COND_UPD,
    ),
    ("io.k8s.api.apps.v1.StatefulSetSpec", "A StatefulSetSpec is the specification of a StatefulSet.", {
        "replicas": "int", **_WORKLOAD_SPEC, "serviceName": "str",
        "volumeClaimTemplates": "[]PersistentVolumeClaim atomic",
        "updateStrategy": "StatefulSetUpdateStrategy", "podManagementPolicy": "str",
        "persistentVolumeClaimRetentionPolicy": "obj", "ordinals": "obj",
    }),
    ("io.k8s.api.apps.v1.StatefulSetStatus", "StatefulSetStatus represents the current state of a StatefulSet.", {
        "observedGeneration": "i64", "replicas": "!int", "readyReplicas": "int", "currentReplicas": "int",
        "updatedReplicas": "int", "availableReplicas": "int", "currentRevision": "str",
        "updateRevision": "str", "collisionCount": "int",
        "conditions": "[]StatefulSetCondition " + _CONDITIONS_MAP,
    }),
    (
        "io.k8s.api.apps.v1.StatefulSetCondition",
        "StatefulSetCondition describes the state of a statefulset.",
        _COND,
    ),
    ("io.k8s.api.apps.v1.DaemonSetSpec", "DaemonSetSpec is the specification of a daemon set.", {
        **_WORKLOAD_SPEC, "updateStrategy": "DaemonSetUpdateStrategy",
    }),
    ("io.k8s.api.apps.v1.DaemonSetStatus", "DaemonSetStatus represents the current status of a daemon set.", {
        "currentNumberScheduled": "!int", "numberMisscheduled": "!int", "desiredNumberScheduled": "!int",
        "numberReady": "!int", "observedGeneration": "i64", "updatedNumberScheduled": "int",
        "numberAvailable": "int", "numberUnavailable": "int", "collisionCount": "int",
        "conditions": "[]DaemonSetCondition " + _CONDITIONS_MAP,
    }),
    (
        "io.k8s.api.apps.v1.DaemonSetCondition",
        "DaemonSetCondition describes the state of a DaemonSet.",
        _COND,
    ),
    ("io.k8s.api.apps.v1.ReplicaSetSpec", "ReplicaSetSpec is the specification of a ReplicaSet.", {
        "replicas": "int", "minReadySeconds": "int", "selector": "!LabelSelector",
        "template": "PodTemplateSpec",
    }),
    ("io.k8s.api.apps.v1.ReplicaSetStatus", "ReplicaSetStatus represents the current status of a ReplicaSet.", {
        "replicas": "!int", "fullyLabeledReplicas": "int", "readyReplicas": "int",
        "availableReplicas": "int", "terminatingReplicas": "int", "observedGeneration": "i64",
        "conditions": "[]ReplicaSetCondition " + _CONDITIONS_MAP,
    }),
    (
        "io.k8s.api.apps.v1.ReplicaSetCondition",
        "ReplicaSetCondition describes the state of a replica set.",
        _COND,
    ),
    # ---- autoscaling ----
    ("io.k8s.api.autoscaling.v1.ScaleSpec", "ScaleSpec describes the attributes of a scale subresource.", {"replicas": "int"},
    ),
    ("io.k8s.api.autoscaling.v1.ScaleStatus", "ScaleStatus represents the current status of a scale subresource.", {
        "replicas": "!int", "selector": "str",
    }),
    ("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec", "HorizontalPodAutoscalerSpec describes the desired functionality.", {
        "scaleTargetRef": "!CrossVersionObjectReference", "minReplicas": "int", "maxReplicas": "!int",
        "metrics": "[]obj atomic", "behavior": "obj",
    }),
    ("io.k8s.api.autoscaling.v2.CrossVersionObjectReference", "CrossVersionObjectReference identifies the referred resource.", {
        "kind": "!str", "name": "!str", "apiVersion": "str",
    }),
    ("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus", "The current status of a horizontal pod autoscaler.", {
        "observedGeneration": "i64", "lastScaleTime": "time", "currentReplicas": "int",
        "desiredReplicas": "!int", "currentMetrics": "[]obj atomic",
        "conditions": "[]HorizontalPodAutoscalerCondition " + _CONDITIONS_MAP,
    }),
    (
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition",
        "The state of a HorizontalPodAutoscaler.",
        _COND,
    ),
    # ---- batch/v1 ----
    ("io.k8s.api.batch.v1.JobSpec", "JobSpec describes how the job execution will look like.", {
        "parallelism": "int", "completions": "int", "activeDeadlineSeconds": "i64",
        "podFailurePolicy": "obj", "successPolicy": "obj", "backoffLimit": "int",
        "backoffLimitPerIndex": "int", "maxFailedIndexes": "int", "selector": "LabelSelector",
        "manualSelector": "bool",
        "template": "!PodTemplateSpec # Describes the pod that will be created when executing a job.",
        "ttlSecondsAfterFinished": "int", "completionMode": "str", "suspend": "bool",
        "podReplacementPolicy": "str", "managedBy": "str",
    }),
    ("io.k8s.api.batch.v1.JobStatus", "JobStatus represents the current state of a Job.", {
        "conditions": "[]JobCondition atomic mk=type ps=merge", "startTime": "time",
        "completionTime": "time", "active": "int", "succeeded": "int", "failed": "int",
        "terminating": "int", "ready": "int", "completedIndexes": "str", "failedIndexes": "str",
        "uncountedTerminatedPods": "obj",
    }),
    ("io.k8s.api.batch.v1.JobCondition", "JobCondition describes current state of a job.", {**_COND, "lastProbeTime": "time"},
    ),
    ("io.k8s.api.batch.v1.CronJobSpec", "CronJobSpec describes how the job execution will look like and when it will actually run.", {
        "schedule": "!str # The schedule in Cron format.", "timeZone": "str",
        "startingDeadlineSeconds": "i64", "concurrencyPolicy": "str", "suspend": "bool",
        "jobTemplate": "!JobTemplateSpec", "successfulJobsHistoryLimit": "int",
        "failedJobsHistoryLimit": "int",
    }),
    ("io.k8s.api.batch.v1.JobTemplateSpec", "JobTemplateSpec describes the data a Job should have when created from a template.", {
        "metadata": "ObjectMeta", "spec": "JobSpec",
    }),
    ("io.k8s.api.batch.v1.CronJobStatus", "CronJobStatus represents the current state of a cron job.", {
        "active": "[]ObjectReference atomic", "lastScheduleTime": "time", "lastSuccessfulTime": "time",
    }),
    # ---- networking.k8s.io/v1 ----
    ("io.k8s.api.networking.v1.IngressSpec", "IngressSpec describes the Ingress the user wishes to exist.", {
        "ingressClassName": "str", "defaultBackend": "IngressBackend", "tls": "[]IngressTLS atomic",
        "rules": "[]IngressRule atomic",
    }),
    ("io.k8s.api.networking.v1.IngressBackend", "IngressBackend describes all endpoints for a given service and port.", {
        "service": "IngressServiceBackend", "resource": "obj",
    }),
    ("io.k8s.api.networking.v1.IngressServiceBackend", "IngressServiceBackend references a Kubernetes Service as a Backend.", {
        "name": "!str", "port": "ServiceBackendPort",
    }),
    ("io.k8s.api.networking.v1.ServiceBackendPort", "ServiceBackendPort is the service port being referenced.", {
        "name": "str", "number": "int",
    }),
    ("io.k8s.api.networking.v1.IngressTLS", "IngressTLS describes the transport layer security.", {
        "hosts": "[]str atomic", "secretName": "str",
    }),
    ("io.k8s.api.networking.v1.IngressRule", "IngressRule represents the rules mapping paths under a host.", {
        "host": "str", "http": "HTTPIngressRuleValue",
    }),
    ("io.k8s.api.networking.v1.HTTPIngressRuleValue", "A list of http selectors pointing to backends.", {
        "paths": "![]HTTPIngressPath atomic",
    }),
    ("io.k8s.api.networking.v1.HTTPIngressPath", "HTTPIngressPath associates a path with a backend.", {
        "path": "str", "pathType": "!str", "backend": "!IngressBackend",
    }),
    ("io.k8s.api.networking.v1.IngressStatus", "IngressStatus describes the current state of the Ingress.", {"loadBalancer": "obj"},
    ),
    ("io.k8s.api.networking.v1.IngressClassSpec", "IngressClassSpec provides information about the class of an Ingress.", {
        "controller": "str", "parameters": "obj",
    }),
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "NetworkPolicySpec provides the specification of a NetworkPolicy.", {
        "podSelector": "LabelSelector", "ingress": "[]obj atomic", "egress": "[]obj atomic",
        "policyTypes": "[]str atomic",
    }),
    # ---- policy/v1 ----
    ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.", {
        "minAvailable": "ios", "selector": "LabelSelector ps=replace", "maxUnavailable": "ios",
        "unhealthyPodEvictionPolicy": "str",
    }),
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "PodDisruptionBudgetStatus represents information about the status.", {
        "observedGeneration": "i64", "disruptedPods": "map:time", "disruptionsAllowed": "!int",
        "currentHealthy": "!int", "desiredHealthy": "!int", "expectedPods": "!int",
        "conditions": "[]Condition " + _CONDITIONS_MAP,
    }),
    # ---- rbac ----
    ("io.k8s.api.rbac.v1.PolicyRule", "PolicyRule holds information that describes a policy rule.", {
        "verbs": "![]str atomic", "apiGroups": "[]str atomic", "resources": "[]str atomic",
        "resourceNames": "[]str atomic", "nonResourceURLs": "[]str atomic",
    }),
    ("io.k8s.api.rbac.v1.Subject", "Subject contains a reference to the object or user identities.", {
        "kind": "!str", "apiGroup": "str", "name": "!str", "namespace": "str",
    }),
    ("io.k8s.api.rbac.v1.RoleRef", "RoleRef contains information that points to the role being used.", {
        "apiGroup": "!str", "kind": "!str", "name": "!str",
    }),
    ("io.k8s.api.rbac.v1.AggregationRule", "AggregationRule describes how to locate ClusterRoles to aggregate.", {
        "clusterRoleSelectors": "[]LabelSelector atomic",
    }),
    # ---- admissionregistration ----
    ("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "ValidatingWebhook describes an admission webhook.", {
        "name": "!str", "clientConfig": "!obj", "rules": "[]obj atomic", "failurePolicy": "str",
        "matchPolicy": "str", "namespaceSelector": "LabelSelector", "objectSelector": "LabelSelector",
        "sideEffects": "!str", "timeoutSeconds": "int", "admissionReviewVersions": "![]str atomic",
        "matchConditions": "[]obj map=name mk=name ps=merge",
    }),
    ("io.k8s.api.admissionregistration.v1.MutatingWebhook", "MutatingWebhook describes an admission webhook.", {
        "name": "!str", "clientConfig": "!obj", "rules": "[]obj atomic", "failurePolicy": "str",
        "matchPolicy": "str", "namespaceSelector": "LabelSelector", "objectSelector": "LabelSelector",
        "sideEffects": "!str", "timeoutSeconds": "int", "admissionReviewVersions": "![]str atomic",
        "reinvocationPolicy": "str", "matchConditions": "[]obj map=name mk=name ps=merge",
    }),
    # ---- apiextensions ----
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec", "CustomResourceDefinitionSpec describes how a user wants their resource to appear.", {
        "group": "!str", "names": "!CustomResourceDefinitionNames",
        "scope": "!str # Cluster or Namespaced.", "versions": "![]CustomResourceDefinitionVersion atomic",
        "conversion": "obj", "preserveUnknownFields": "bool",
    }),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames", "Names the custom resource is served under.", {
        "plural": "!str", "singular": "str", "shortNames": "[]str atomic", "kind": "!str",
        "listKind": "str", "categories": "[]str atomic",
    }),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion", "A version for a CustomResourceDefinition.", {
        "name": "!str", "served": "!bool", "storage": "!bool", "deprecated": "bool",
        "deprecationWarning": "str", "schema": "obj", "subresources": "obj",
        "additionalPrinterColumns": "[]obj atomic", "selectableFields": "[]obj atomic",
    }),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus", "CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition.", {
        "conditions": "[]CustomResourceDefinitionCondition " + _CONDITIONS_MAP,
        "acceptedNames": "CustomResourceDefinitionNames", "storedVersions": "[]str atomic",
    }),
    (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition",
        "CustomResourceDefinitionCondition contains details for the current condition of this pod.",
        _COND,
    ),
    # ---- coordination ----
    ("io.k8s.api.coordination.v1.LeaseSpec", "LeaseSpec is a specification of a Lease.", {
        "holderIdentity": "str", "leaseDurationSeconds": "int", "acquireTime": "time",
        "renewTime": "time", "leaseTransitions": "int", "strategy": "str", "preferredHolder": "str",
    }),
    # ---- storage ----
    ("io.k8s.api.storage.v1.TopologySelectorTerm", "A topology selector term.", {"matchLabelExpressions": "[]obj atomic"},
    ),
]

# Top-level fields of each kind (apiVersion, kind and metadata are added for every kind).
KINDS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("v1", "Namespace"): (
        "Namespace provides a scope for Names.",
        {"spec": "NamespaceSpec", "status": "NamespaceStatus"},
    ),
    ("v1", "ConfigMap"): (
        "ConfigMap holds configuration data for pods to consume.",
        {
        "data": "map # Data contains the configuration data.", "binaryData": "map:bytes",
        "immutable": "bool",
    }),
    ("v1", "Secret"): (
        "Secret holds secret data of a certain type.",
        {
        "data": "map:bytes # Base64 encoded secret data.",
        "stringData": "map # Write-only convenience field.", "type": "str", "immutable": "bool",
    }),
    ("v1", "Service"): (
        "Service is a named abstraction of software service.",
        {"spec": "ServiceSpec", "status": "ServiceStatus"},
    ),
    ("v1", "ServiceAccount"): (
        "ServiceAccount binds together a name, a principal and a set of secrets.",
        {
        "secrets": "[]ObjectReference map=name mk=name ps=merge",
        "imagePullSecrets": "[]LocalObjectReference atomic", "automountServiceAccountToken": "bool",
    }),
    ("v1", "Pod"): (
        "Pod is a collection of containers that can run on a host.",
        {"spec": "PodSpec", "status": "PodStatus"},
    ),
    ("v1", "PersistentVolumeClaim"): (
        "PersistentVolumeClaim is a user's request for and claim to a persistent volume.",
        {
        "spec": "PersistentVolumeClaimSpec", "status": "PersistentVolumeClaimStatus",
    }),
    ("v1", "Event"): (
        "Event is a report of an event somewhere in the cluster.",
        {
        "involvedObject": "!ObjectReference", "reason": "str", "message": "str", "source": "EventSource",
        "firstTimestamp": "time", "lastTimestamp": "time", "count": "int", "type": "str",
        "eventTime": "time", "series": "obj", "action": "str", "related": "ObjectReference",
        "reportingComponent": "str", "reportingInstance": "str",
    }),
    ("apps/v1", "Deployment"): (
        "Deployment enables declarative updates for Pods and ReplicaSets.",
        {
        "spec": "DeploymentSpec", "status": "DeploymentStatus",
    }),
    ("apps/v1", "StatefulSet"): (
        "StatefulSet represents a set of pods with consistent identities.",
        {
        "spec": "StatefulSetSpec", "status": "StatefulSetStatus",
    }),
    ("apps/v1", "DaemonSet"): (
        "DaemonSet represents the configuration of a daemon set.",
        {
        "spec": "DaemonSetSpec", "status": "DaemonSetStatus",
    }),
    ("apps/v1", "ReplicaSet"): (
        "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
        {
        "spec": "ReplicaSetSpec", "status": "ReplicaSetStatus",
    }),
    ("autoscaling/v1", "Scale"): (
        "Scale represents a scaling request for a resource.",
        {"spec": "ScaleSpec", "status": "ScaleStatus"},
    ),
    ("autoscaling/v2", "HorizontalPodAutoscaler"): (
        "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler.",
        {
        "spec": "HorizontalPodAutoscalerSpec", "status": "HorizontalPodAutoscalerStatus",
    }),
    ("batch/v1", "Job"): (
        "Job represents the configuration of a single job.",
        {"spec": "JobSpec", "status": "JobStatus"},
    ),
    ("batch/v1", "CronJob"): (
        "CronJob represents the configuration of a single cron job.",
        {
        "spec": "CronJobSpec", "status": "CronJobStatus",
    }),
    ("networking.k8s.io/v1", "Ingress"): (
        "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.",
        {
        "spec": "IngressSpec", "status": "IngressStatus",
    }),
    ("networking.k8s.io/v1", "IngressClass"): (
        "IngressClass represents the class of the Ingress.",
        {"spec": "IngressClassSpec"},
    ),
    ("networking.k8s.io/v1", "NetworkPolicy"): (
        "NetworkPolicy describes what network traffic is allowed for a set of Pods.",
        {
        "spec": "NetworkPolicySpec",
    }),
    ("policy/v1", "PodDisruptionBudget"): (
        "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods.",
        {
        "spec": "PodDisruptionBudgetSpec", "status": "PodDisruptionBudgetStatus",
    }),
    ("rbac.authorization.k8s.io/v1", "Role"): (
        "Role is a namespaced, logical grouping of PolicyRules.",
        {"rules": "[]PolicyRule atomic"},
    ),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): (
        "ClusterRole is a cluster level, logical grouping of PolicyRules.",
        {
        "rules": "[]PolicyRule atomic", "aggregationRule": "AggregationRule",
    }),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): (
        "RoleBinding references a role, but does not contain it.",
        {
        "subjects": "[]Subject atomic", "roleRef": "!RoleRef",
    }),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): (
        "ClusterRoleBinding references a ClusterRole, but not contain it.",
        {
        "subjects": "[]Subject atomic", "roleRef": "!RoleRef",
    }),
    ("storage.k8s.io/v1", "StorageClass"): (
        "StorageClass describes the parameters for a class of storage.",
        {
        "provisioner": "!str", "parameters": "map", "reclaimPolicy": "str",
        "mountOptions": "[]str atomic", "allowVolumeExpansion": "bool", "volumeBindingMode": "str",
        "allowedTopologies": "[]TopologySelectorTerm atomic",
    }),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"): (
        "ValidatingWebhookConfiguration describes the configuration of an admission webhook.",
        {
        "webhooks": "[]ValidatingWebhook map=name mk=name ps=merge",
    }),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"): (
        "MutatingWebhookConfiguration describes the configuration of an admission webhook.",
        {
        "webhooks": "[]MutatingWebhook map=name mk=name ps=merge",
    }),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): (
        "CustomResourceDefinition represents a resource that should be exposed on the API server.",
        {
        "spec": "!CustomResourceDefinitionSpec", "status": "CustomResourceDefinitionStatus",
    }),
    ("v1", "ResourceQuota"): ("ResourceQuota sets aggregate quota restrictions enforced per namespace.", {
        "spec": "ResourceQuotaSpec", "status": "ResourceQuotaStatus",
    }),
    ("v1", "LimitRange"): ("LimitRange sets resource usage limits for each kind of resource in a Namespace.", {
        "spec": "LimitRangeSpec",
    }),
    ("v1", "PersistentVolume"): ("PersistentVolume (PV) is a storage resource provisioned by an administrator.", {
        "spec": "PersistentVolumeSpec", "status": "PersistentVolumeStatus",
    }),
    ("v1", "Endpoints"): ("Endpoints is a collection of endpoints that implement the actual service.", {
        "subsets": "[]EndpointSubset atomic",
    }),
    ("discovery.k8s.io/v1", "EndpointSlice"): ("EndpointSlice represents a set of service endpoints.", {
        "addressType": "!str", "endpoints": "![]obj atomic", "ports": "[]obj atomic",
    }),
    ("scheduling.k8s.io/v1", "PriorityClass"): ("PriorityClass defines mapping from a priority class name to the priority integer value.", {
        "value": "!int", "globalDefault": "bool", "description": "str", "preemptionPolicy": "str",
    }),
    ("coordination.k8s.io/v1", "Lease"): ("Lease defines a lease concept.", {"spec": "LeaseSpec"}),
}
# fmt: on
