"""Compact field table of the built-in Kubernetes types kubesim publishes in OpenAPI.

A real API server publishes megabytes of generated schema. kubectl needs much less of it: the
kinds with `x-kubernetes-group-version-kind`, the PATCH operations and their parameters, the
patch merge keys and strategies of the lists it diffs (containers, ports, env, volumes, ...), and
field names/types for `kubectl explain`. This module lists those fields in a one-line-per-field
notation that `kubesim.openapi` expands into OpenAPI v3 (and v2) schemas on demand:

    "<type> [option ...] [# description]"
    type:    str int i64 bool num time bytes ios qty obj map map:qty map:bytes []<type> <TypeName>
             a leading "!" marks the field required
    options: map=k1,k2 (x-kubernetes-list-type map + list-map-keys)  set  atomic
             mk=<key> (x-kubernetes-patch-merge-key)  ps=<strategy> (x-kubernetes-patch-strategy)
             mapatomic (x-kubernetes-map-type atomic)

Type names are the last segment of the real definition names (unique in this table); kinds and
their lists are completed by `kubesim.openapi` from the Registry.
"""

from __future__ import annotations

META = "io.k8s.apimachinery.pkg.apis.meta.v1"
CORE = "io.k8s.api.core.v1"

# Real definition-name prefix of each built-in group/version.
PACKAGES: dict[str, str] = {
    "v1": CORE,
    "apps/v1": "io.k8s.api.apps.v1",
    "autoscaling/v1": "io.k8s.api.autoscaling.v1",
    "autoscaling/v2": "io.k8s.api.autoscaling.v2",
    "batch/v1": "io.k8s.api.batch.v1",
    "networking.k8s.io/v1": "io.k8s.api.networking.v1",
    "policy/v1": "io.k8s.api.policy.v1",
    "rbac.authorization.k8s.io/v1": "io.k8s.api.rbac.v1",
    "storage.k8s.io/v1": "io.k8s.api.storage.v1",
    "admissionregistration.k8s.io/v1": "io.k8s.api.admissionregistration.v1",
    "apiextensions.k8s.io/v1": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
    "coordination.k8s.io/v1": "io.k8s.api.coordination.v1",
    "discovery.k8s.io/v1": "io.k8s.api.discovery.v1",
    "scheduling.k8s.io/v1": "io.k8s.api.scheduling.v1",
}

_COND = {
    "type": "!str # Type of condition.",
    "status": "!str # Status of the condition, one of True, False, Unknown.",
    "lastTransitionTime": "time # Last time the condition transitioned from one status to another.",
    "reason": "str # The reason for the condition's last transition.",
    "message": "str # A human readable message indicating details about the transition.",
}
_COND_UPD = {**_COND, "lastUpdateTime": "time # The last time this condition was updated."}
_WORKLOAD_SPEC = {
    "selector": "!LabelSelector # Label selector for pods. Must match the pod template's labels.",
    "template": "!PodTemplateSpec # Template describes the pods that will be created.",
    "minReadySeconds": "int",
    "revisionHistoryLimit": "int",
}
_CONDITIONS_MAP = "map=type mk=type ps=merge"

# fmt: off
# (definition name, description, fields)
TYPES: list[tuple[str, str, dict[str, str]]] = [
    # ---- meta ----
    (f"{META}.ObjectMeta", "ObjectMeta is metadata that all persisted resources must have.", {
        "name": "str # Name must be unique within a namespace.",
        "generateName": "str # Optional prefix used by the server to generate a unique name.",
        "namespace": "str # Namespace defines the space within which each name must be unique.",
        "uid": "str", "resourceVersion": "str", "generation": "i64", "creationTimestamp": "time",
        "deletionTimestamp": "time", "deletionGracePeriodSeconds": "i64",
        "labels": "map # Map of string keys and values that can be used to organize and categorize objects.",
        "annotations": "map # Unstructured key value map stored with a resource.",
        "ownerReferences": "[]OwnerReference map=uid mk=uid ps=merge", "finalizers": "[]str set ps=merge",
        "managedFields": "[]ManagedFieldsEntry atomic", "selfLink": "str",
    }),
    (f"{META}.ListMeta", "ListMeta describes metadata that synthetic resources must have.", {
        "resourceVersion": "str", "continue": "str", "remainingItemCount": "i64", "selfLink": "str",
    }),
    (f"{META}.LabelSelector", "A label selector is a label query over a set of resources.", {
        "matchLabels": "map", "matchExpressions": "[]LabelSelectorRequirement atomic",
    }),
    (f"{META}.LabelSelectorRequirement", "A selector requirement.", {
        "key": "!str", "operator": "!str", "values": "[]str atomic",
    }),
    (f"{META}.OwnerReference", "OwnerReference identifies an owning object.", {
        "apiVersion": "!str", "kind": "!str", "name": "!str", "uid": "!str", "controller": "bool",
        "blockOwnerDeletion": "bool",
    }),
    (f"{META}.ManagedFieldsEntry", "A workflow-id, a FieldSet and the group version of the resource.", {
        "manager": "str", "operation": "str", "apiVersion": "str", "time": "time", "fieldsType": "str",
        "fieldsV1": "obj", "subresource": "str",
    }),
    (f"{META}.Condition", "Condition contains details for one aspect of the current state.", {
        **_COND, "observedGeneration": "i64", "lastTransitionTime": "!time", "reason": "!str",
        "message": "!str",
    }),
    (f"{META}.Status", "Status is a return value for calls that don't return other objects.", {
        "apiVersion": "str", "kind": "str", "metadata": "ListMeta", "status": "str", "message": "str",
        "reason": "str", "details": "obj", "code": "int",
    }),
    (f"{META}.DeleteOptions", "DeleteOptions may be provided when deleting an API object.", {
        "apiVersion": "str", "kind": "str", "dryRun": "[]str atomic", "gracePeriodSeconds": "i64",
        "orphanDependents": "bool", "preconditions": "obj", "propagationPolicy": "str",
    }),
    # ---- core/v1 ----
    (f"{CORE}.NamespaceSpec", "NamespaceSpec describes the attributes on a Namespace.", {"finalizers": "[]str atomic"}),
    (f"{CORE}.NamespaceStatus", "NamespaceStatus is information about the current status of a Namespace.", {
        "phase": "str # Phase is the current lifecycle phase of the namespace (Active, Terminating).",
        "conditions": "[]NamespaceCondition " + _CONDITIONS_MAP,
    }),
    (f"{CORE}.NamespaceCondition", "NamespaceCondition contains details about state of namespace.", _COND),
    (f"{CORE}.LocalObjectReference", "A reference to an object in the same namespace.", {"name": "str"}),
    (f"{CORE}.ObjectReference", "ObjectReference contains enough information to inspect the referred object.", {
        "apiVersion": "str", "kind": "str", "name": "str", "namespace": "str", "uid": "str",
        "resourceVersion": "str", "fieldPath": "str",
    }),
    (f"{CORE}.ServiceSpec", "ServiceSpec describes the attributes that a user creates on a service.", {
        "ports": "[]ServicePort map=port,protocol mk=port ps=merge # The list of ports exposed by this service.",
        "selector": "map mapatomic # Route service traffic to pods with label keys and values matching this.",
        "clusterIP": "str", "clusterIPs": "[]str atomic",
        "type": "str # ClusterIP, NodePort, LoadBalancer or ExternalName.", "externalIPs": "[]str atomic",
        "sessionAffinity": "str", "loadBalancerIP": "str", "loadBalancerSourceRanges": "[]str atomic",
        "externalName": "str", "externalTrafficPolicy": "str", "internalTrafficPolicy": "str",
        "healthCheckNodePort": "int", "publishNotReadyAddresses": "bool", "ipFamilies": "[]str atomic",
        "ipFamilyPolicy": "str", "allocateLoadBalancerNodePorts": "bool", "loadBalancerClass": "str",
        "sessionAffinityConfig": "obj", "trafficDistribution": "str",
    }),
    (f"{CORE}.ServicePort", "ServicePort contains information on service's port.", {
        "name": "str", "protocol": "str", "appProtocol": "str", "port": "!int", "targetPort": "ios",
        "nodePort": "int",
    }),
    (f"{CORE}.ServiceStatus", "ServiceStatus represents the current status of a service.", {
        "loadBalancer": "LoadBalancerStatus", "conditions": "[]Condition " + _CONDITIONS_MAP,
    }),
    (f"{CORE}.LoadBalancerStatus", "LoadBalancerStatus represents the status of a load-balancer.", {
        "ingress": "[]LoadBalancerIngress atomic",
    }),
    (f"{CORE}.LoadBalancerIngress", "An ingress point for a load-balancer.", {
        "ip": "str", "hostname": "str", "ipMode": "str", "ports": "[]obj atomic",
    }),
    (f"{CORE}.PodTemplateSpec", "PodTemplateSpec describes the data a pod should have when created from a template.", {
        "metadata": "ObjectMeta", "spec": "PodSpec",
    }),
    (f"{CORE}.PodSpec", "PodSpec is a description of a pod.", {
        "containers": "![]Container map=name mk=name ps=merge # List of containers belonging to the pod.",
        "initContainers": "[]Container map=name mk=name ps=merge",
        "ephemeralContainers": "[]obj map=name mk=name ps=merge",
        "volumes": "[]Volume map=name mk=name ps=merge,retainKeys",
        "imagePullSecrets": "[]LocalObjectReference map=name mk=name ps=merge",
        "tolerations": "[]Toleration atomic", "hostAliases": "[]obj map=ip mk=ip ps=merge",
        "topologySpreadConstraints": "[]obj map=topologyKey,whenUnsatisfiable mk=topologyKey ps=merge",
        "restartPolicy": "str", "terminationGracePeriodSeconds": "i64", "activeDeadlineSeconds": "i64",
        "dnsPolicy": "str", "nodeSelector": "map mapatomic", "serviceAccountName": "str",
        "serviceAccount": "str", "automountServiceAccountToken": "bool", "nodeName": "str",
        "hostNetwork": "bool", "hostPID": "bool", "hostIPC": "bool", "shareProcessNamespace": "bool",
        "securityContext": "PodSecurityContext", "hostname": "str", "subdomain": "str", "affinity": "obj",
        "schedulerName": "str", "priorityClassName": "str", "priority": "int", "dnsConfig": "obj",
        "readinessGates": "[]obj atomic", "runtimeClassName": "str", "enableServiceLinks": "bool",
        "preemptionPolicy": "str", "overhead": "map:qty", "setHostnameAsFQDN": "bool", "os": "obj",
        "hostUsers": "bool", "schedulingGates": "[]obj map=name mk=name ps=merge",
        "resourceClaims": "[]obj map=name mk=name ps=merge,retainKeys",
        "resources": "ResourceRequirements", "hostnameOverride": "str", "workloadRef": "obj",
    }),
    (f"{CORE}.Container", "A single application container that you want to run within a pod.", {
        "name": "!str # Name of the container specified as a DNS_LABEL.",
        "image": "str # Container image name.", "command": "[]str atomic", "args": "[]str atomic",
        "workingDir": "str",
        "ports": "[]ContainerPort map=containerPort,protocol mk=containerPort ps=merge",
        "envFrom": "[]EnvFromSource atomic",
        "env": "[]EnvVar map=name mk=name ps=merge # List of environment variables to set in the container.",
        "resources": "ResourceRequirements", "resizePolicy": "[]obj atomic", "restartPolicy": "str",
        "volumeMounts": "[]VolumeMount map=mountPath mk=mountPath ps=merge",
        "volumeDevices": "[]obj map=devicePath mk=devicePath ps=merge", "livenessProbe": "Probe",
        "readinessProbe": "Probe", "startupProbe": "Probe", "lifecycle": "Lifecycle",
        "terminationMessagePath": "str", "terminationMessagePolicy": "str", "imagePullPolicy": "str",
        "securityContext": "SecurityContext", "stdin": "bool", "stdinOnce": "bool", "tty": "bool",
        "restartPolicyRules": "[]obj atomic",
    }),
    (f"{CORE}.ContainerPort", "ContainerPort represents a network port in a single container.", {
        "name": "str", "hostPort": "int", "containerPort": "!int", "protocol": "str", "hostIP": "str",
    }),
    (f"{CORE}.EnvVar", "EnvVar represents an environment variable present in a Container.", {
        "name": "!str", "value": "str", "valueFrom": "EnvVarSource",
    }),
    (f"{CORE}.VolumeMount", "VolumeMount describes a mounting of a Volume within a container.", {
        "name": "!str", "mountPath": "!str", "readOnly": "bool", "subPath": "str", "subPathExpr": "str",
        "mountPropagation": "str", "recursiveReadOnly": "str",
    }),
    (f"{CORE}.Volume", "Volume represents a named volume in a pod.", {
        "name": "!str", "configMap": "ConfigMapVolumeSource", "secret": "SecretVolumeSource",
        "emptyDir": "EmptyDirVolumeSource", "persistentVolumeClaim": "PersistentVolumeClaimVolumeSource",
        "hostPath": "HostPathVolumeSource", "projected": "obj", "downwardAPI": "obj", "csi": "obj",
        "ephemeral": "obj", "nfs": "obj", "image": "obj", "gcePersistentDisk": "obj", "awsElasticBlockStore": "obj",
        "gitRepo": "obj", "iscsi": "obj", "glusterfs": "obj", "rbd": "obj", "flexVolume": "obj", "cinder": "obj",
        "cephfs": "obj", "flocker": "obj", "fc": "obj", "azureFile": "obj", "vsphereVolume": "obj", "quobyte": "obj",
        "azureDisk": "obj", "photonPersistentDisk": "obj", "portworxVolume": "obj", "scaleIO": "obj",
        "storageos": "obj",
    }),
    (f"{CORE}.ResourceRequirements", "ResourceRequirements describes the compute resource requirements.", {
        "limits": "map:qty", "requests": "map:qty", "claims": "[]obj map=name",
    }),
    (f"{CORE}.Toleration", "The pod this Toleration is attached to tolerates any taint that matches.", {
        "key": "str", "operator": "str", "value": "str", "effect": "str", "tolerationSeconds": "i64",
    }),
    (f"{CORE}.PodStatus", "PodStatus represents information about the status of a pod.", {
        "phase": "str # Pending, Running, Succeeded, Failed or Unknown.",
        "conditions": "[]PodCondition " + _CONDITIONS_MAP, "message": "str", "reason": "str",
        "hostIP": "str", "podIP": "str", "podIPs": "[]obj map=ip mk=ip ps=merge",
        "hostIPs": "[]obj atomic", "startTime": "time",
        "initContainerStatuses": "[]ContainerStatus atomic",
        "containerStatuses": "[]ContainerStatus atomic", "qosClass": "str", "observedGeneration": "i64",
    }),
    (f"{CORE}.PodCondition", "PodCondition contains details for the current condition of this pod.", {
        **_COND, "lastProbeTime": "time", "observedGeneration": "i64",
    }),
    (f"{CORE}.ContainerStatus", "ContainerStatus contains details for the current status of this container.", {
        "name": "!str", "state": "obj", "lastState": "obj", "ready": "!bool", "restartCount": "!int",
        "image": "!str", "imageID": "!str", "containerID": "str", "started": "bool",
    }),
    (f"{CORE}.PersistentVolumeClaimSpec", "PersistentVolumeClaimSpec describes the common attributes of storage devices.", {
        "accessModes": "[]str atomic", "selector": "LabelSelector",
        "resources": "VolumeResourceRequirements", "volumeName": "str", "storageClassName": "str",
        "volumeMode": "str", "dataSource": "obj", "dataSourceRef": "obj",
        "volumeAttributesClassName": "str",
    }),
    (f"{CORE}.VolumeResourceRequirements", "VolumeResourceRequirements describes the storage resource requirements.", {
        "limits": "map:qty", "requests": "map:qty",
    }),
    (f"{CORE}.PersistentVolumeClaimStatus", "PersistentVolumeClaimStatus is the current status of a claim.", {
        "phase": "str # Pending, Bound or Lost.", "accessModes": "[]str atomic", "capacity": "map:qty",
        "conditions": "[]PersistentVolumeClaimCondition " + _CONDITIONS_MAP,
    }),
    (f"{CORE}.PersistentVolumeClaimCondition", "PersistentVolumeClaimCondition contains details about state of pvc.", {
        **_COND, "lastProbeTime": "time",
    }),
    (f"{CORE}.ResourceQuotaSpec", "ResourceQuotaSpec defines the desired hard limits to enforce for Quota.", {
        "hard": "map:qty # The set of desired hard limits for each named resource.", "scopes": "[]str atomic",
        "scopeSelector": "obj",
    }),
    (f"{CORE}.ResourceQuotaStatus", "ResourceQuotaStatus defines the enforced hard limits and observed use.", {
        "hard": "map:qty", "used": "map:qty",
    }),
    (f"{CORE}.LimitRangeSpec", "LimitRangeSpec defines a min/max usage limit for resources that match on kind.", {
        "limits": "![]LimitRangeItem atomic",
    }),
    (f"{CORE}.LimitRangeItem", "LimitRangeItem defines a min/max usage limit for any resource that matches on kind.", {
        "type": "!str", "max": "map:qty", "min": "map:qty", "default": "map:qty", "defaultRequest": "map:qty",
        "maxLimitRequestRatio": "map:qty",
    }),
    (f"{CORE}.PersistentVolumeSpec", "PersistentVolumeSpec is the specification of a persistent volume.", {
        "capacity": "map:qty", "accessModes": "[]str atomic", "claimRef": "ObjectReference",
        "persistentVolumeReclaimPolicy": "str", "storageClassName": "str", "mountOptions": "[]str atomic",
        "volumeMode": "str", "nodeAffinity": "obj", "volumeAttributesClassName": "str", "hostPath": "obj",
        "local": "obj", "nfs": "obj", "csi": "obj", "iscsi": "obj", "fc": "obj", "rbd": "obj", "cephfs": "obj",
        "cinder": "obj", "glusterfs": "obj", "flexVolume": "obj", "flocker": "obj", "azureFile": "obj",
        "azureDisk": "obj", "vsphereVolume": "obj", "quobyte": "obj", "photonPersistentDisk": "obj",
        "portworxVolume": "obj", "scaleIO": "obj", "storageos": "obj", "gcePersistentDisk": "obj",
        "awsElasticBlockStore": "obj",
    }),
    (f"{CORE}.PersistentVolumeStatus", "PersistentVolumeStatus is the current status of a persistent volume.", {
        "phase": "str", "message": "str", "reason": "str", "lastPhaseTransitionTime": "time",
    }),
    (f"{CORE}.EndpointSubset", "EndpointSubset is a group of addresses with a common set of ports.", {
        "addresses": "[]obj atomic", "notReadyAddresses": "[]obj atomic", "ports": "[]obj atomic",
    }),
    (f"{CORE}.EventSource", "EventSource contains information for an event.", {"component": "str", "host": "str"},
    ),
    (f"{CORE}.Probe", "Probe describes a health check to be performed against a container.", {
        "exec": "ExecAction", "httpGet": "HTTPGetAction", "tcpSocket": "TCPSocketAction",
        "grpc": "GRPCAction", "initialDelaySeconds": "int", "timeoutSeconds": "int",
        "periodSeconds": "int", "successThreshold": "int", "failureThreshold": "int",
        "terminationGracePeriodSeconds": "i64",
    }),
    (f"{CORE}.ExecAction", "ExecAction describes a run in container action.", {"command": "[]str atomic"}),
    (f"{CORE}.HTTPGetAction", "HTTPGetAction describes an action based on HTTP Get requests.", {
        "path": "str", "port": "!ios", "host": "str", "scheme": "str", "httpHeaders": "[]obj atomic",
    }),
    (f"{CORE}.TCPSocketAction", "TCPSocketAction describes an action based on opening a socket.", {"port": "!ios", "host": "str"},
    ),
    (f"{CORE}.GRPCAction", "GRPCAction specifies an action involving a GRPC service.", {"port": "!int", "service": "str"},
    ),
    (f"{CORE}.Lifecycle", "Lifecycle describes actions the management system should take on container events.", {
        "postStart": "LifecycleHandler", "preStop": "LifecycleHandler", "stopSignal": "str",
    }),
    (f"{CORE}.LifecycleHandler", "LifecycleHandler defines a specific action that should be taken.", {
        "exec": "ExecAction", "httpGet": "HTTPGetAction", "tcpSocket": "TCPSocketAction", "sleep": "obj",
    }),
    (f"{CORE}.SecurityContext", "SecurityContext holds security configuration applied to a container.", {
        "capabilities": "Capabilities", "privileged": "bool", "seLinuxOptions": "SELinuxOptions",
        "windowsOptions": "obj", "runAsUser": "i64", "runAsGroup": "i64", "runAsNonRoot": "bool",
        "readOnlyRootFilesystem": "bool", "allowPrivilegeEscalation": "bool", "procMount": "str",
        "seccompProfile": "SeccompProfile", "appArmorProfile": "SeccompProfile",
    }),
    (f"{CORE}.Capabilities", "Adds and removes POSIX capabilities from running containers.", {
        "add": "[]str atomic", "drop": "[]str atomic",
    }),
    (f"{CORE}.SELinuxOptions", "SELinuxOptions are the labels to be applied to the container.", {
        "user": "str", "role": "str", "type": "str", "level": "str",
    }),
    (f"{CORE}.SeccompProfile", "SeccompProfile defines a pod/container's seccomp profile settings.", {
        "type": "!str", "localhostProfile": "str",
    }),
    (f"{CORE}.PodSecurityContext", "PodSecurityContext holds pod-level security attributes.", {
        "seLinuxOptions": "SELinuxOptions", "windowsOptions": "obj", "runAsUser": "i64",
        "runAsGroup": "i64", "runAsNonRoot": "bool", "supplementalGroups": "[]i64 atomic",
        "supplementalGroupsPolicy": "str", "fsGroup": "i64", "sysctls": "[]obj atomic",
        "fsGroupChangePolicy": "str", "seccompProfile": "SeccompProfile",
        "appArmorProfile": "SeccompProfile", "seLinuxChangePolicy": "str",
    }),
    (f"{CORE}.EnvVarSource", "EnvVarSource represents a source for the value of an EnvVar.", {
        "fieldRef": "ObjectFieldSelector", "resourceFieldRef": "ResourceFieldSelector",
        "configMapKeyRef": "ConfigMapKeySelector", "secretKeyRef": "SecretKeySelector",
        "fileKeyRef": "obj",
    }),
    (f"{CORE}.ObjectFieldSelector", "ObjectFieldSelector selects an APIVersioned field of an object.", {
        "apiVersion": "str", "fieldPath": "!str",
    }),
    (f"{CORE}.ResourceFieldSelector", "ResourceFieldSelector represents container resources.", {
        "containerName": "str", "resource": "!str", "divisor": "qty",
    }),
    (f"{CORE}.ConfigMapKeySelector", "Selects a key from a ConfigMap.", {"name": "str", "key": "!str", "optional": "bool"},
    ),
    (f"{CORE}.SecretKeySelector", "SecretKeySelector selects a key of a Secret.", {"name": "str", "key": "!str", "optional": "bool"},
    ),
    (f"{CORE}.EnvFromSource", "EnvFromSource represents the source of a set of ConfigMaps or Secrets.", {
        "prefix": "str", "configMapRef": "obj", "secretRef": "obj",
    }),
    (f"{CORE}.KeyToPath", "Maps a string key to a path within a volume.", {"key": "!str", "path": "!str", "mode": "int"},
    ),
    (f"{CORE}.ConfigMapVolumeSource", "Adapts a ConfigMap into a volume.", {
        "name": "str", "items": "[]KeyToPath atomic", "defaultMode": "int", "optional": "bool",
    }),
    (f"{CORE}.SecretVolumeSource", "Adapts a Secret into a volume.", {
        "secretName": "str", "items": "[]KeyToPath atomic", "defaultMode": "int", "optional": "bool",
    }),
    (f"{CORE}.EmptyDirVolumeSource", "Represents an empty directory for a pod.", {"medium": "str", "sizeLimit": "qty"},
    ),
    (f"{CORE}.PersistentVolumeClaimVolumeSource", "References the user's PVC in the same namespace.", {
        "claimName": "!str", "readOnly": "bool",
    }),
    (f"{CORE}.HostPathVolumeSource", "Represents a host path mapped into a pod.", {"path": "!str", "type": "str"},
    ),
    ("io.k8s.api.apps.v1.RollingUpdateDeployment", "Spec to control the desired behavior of rolling update.", {
        "maxUnavailable": "ios", "maxSurge": "ios",
    }),
    ("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "StatefulSetUpdateStrategy indicates the strategy used for updates.", {
        "type": "str", "rollingUpdate": "RollingUpdateStatefulSetStrategy",
    }),
    ("io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy", "Used to communicate parameters for RollingUpdate.", {
        "partition": "int", "maxUnavailable": "ios",
    }),
    ("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "DaemonSetUpdateStrategy indicates the strategy used for updates.", {
        "type": "str", "rollingUpdate": "RollingUpdateDaemonSet",
    }),
    ("io.k8s.api.apps.v1.RollingUpdateDaemonSet", "Spec to control the desired behavior of daemon set rolling update.", {
        "maxUnavailable": "ios", "maxSurge": "ios",
    }),
]
# fmt: on


def definition_name(group_version: str, kind: str) -> str:
    """Real OpenAPI definition name: io.k8s.api.apps.v1.Deployment, com.example.v1.Widget for CRDs."""
    pkg = PACKAGES.get(group_version)
    if pkg is not None:
        return f"{pkg}.{kind}"
    group, _, version = group_version.rpartition("/")
    return ".".join([*reversed(group.split(".")), version, kind])
