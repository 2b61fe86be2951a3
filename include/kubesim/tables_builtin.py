"""Per-kind `kubectl get` columns of the built-in kinds, as a real API server's printers define them.

Column names, types and priorities (1 = only with `-o wide`) follow the server-side printers of
Kubernetes 1.3x, so `kubectl get deploy` prints READY 2/3, UP-TO-DATE, AVAILABLE and ages like
`3m12s` against kubesim just as against a real cluster. Cells come from `kubesim.tables_cells`.
"""

from __future__ import annotations

from kubesim.tables_cells import (
    AGE,
    NONE,
    WORKLOAD_WIDE,
    Column,
    Row,
    age,
    binding_row,
    col,
    created_at_row,
    cronjob_row,
    daemonset_row,
    deployment_row,
    dig,
    event_row,
    hpa_row,
    human_duration,
    ingress_row,
    job_row,
    replicaset_row,
    selector_string,
    service_row,
    statefulset_row,
)
from kubesim.tables_more import (
    endpoints_row,
    endpointslice_row,
    priorityclass_row,
    pv_row,
    pvc_row,
    quota_row,
)
from kubesim.tables_pod import pod_row

# Kinds whose printer places NAME itself (Events: last, wide only) instead of as the first column.
OWN_NAME_COLUMN = {("", "Event")}

__all__ = ["OWN_NAME_COLUMN", "PRINTERS", "Column", "age", "human_duration"]

# fmt: off
_INT = "integer"
PRINTERS: dict[tuple[str, str], tuple[list[Column], Row]] = {
    ("apps", "Deployment"): (
        [
            col("Ready", "Number of the pod with ready state"),
            col(
                "Up-to-date",
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                typ=_INT,
            ),
            col(
                "Available",
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                typ=_INT,
            ),
            AGE,
            *WORKLOAD_WIDE,
        ],
        deployment_row,
    ),
    ("apps", "StatefulSet"): (
        [col("Ready", "Number of the pod with ready state"), AGE, *WORKLOAD_WIDE[:2]],
        statefulset_row,
    ),
    ("apps", "ReplicaSet"): (
        [
            col("Desired", "Replicas is the number of desired replicas.", typ=_INT),
            col("Current", "Replicas is the most recently observed number of replicas.", typ=_INT),
            col("Ready", "The number of ready replicas for this replica set.", typ=_INT),
            AGE,
            *WORKLOAD_WIDE,
        ],
        replicaset_row,
    ),
    ("apps", "DaemonSet"): (
        [
            col("Desired", typ=_INT),
            col("Current", typ=_INT),
            col("Ready", typ=_INT),
            col("Up-to-date", typ=_INT),
            col("Available", typ=_INT),
            col("Node Selector"),
            AGE,
            *WORKLOAD_WIDE,
        ],
        daemonset_row,
    ),
    ("", "Pod"): (
        [
            col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            col("Status", "The aggregate status of the containers in this pod."),
            col(
                "Restarts",
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            ),
            AGE,
            col("IP", "IP address allocated to the pod. Routable at least within the cluster.", 1),
            col("Node", "Name of the Node this pod is assigned to.", 1),
            col("Nominated Node", "Name of the node where the pod is nominated to run.", 1),
            col("Readiness Gates", "The readiness gates of the pod.", 1),
        ],
        pod_row,
    ),
    ("", "Service"): (
        [
            col("Type", "The type of the service."),
            col("Cluster-IP", "The IP address of the service."),
            col("External-IP", "The external IP address of the service."),
            col("Port(s)", "The ports of the service."),
            AGE,
            col("Selector", "Route service traffic to pods with this selector.", 1),
        ],
        service_row,
    ),
    ("", "ConfigMap"): (
        [col("Data", "Number of data entries.", typ=_INT), AGE],
        lambda o, now: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), age(o, now)],
    ),
    ("", "Secret"): (
        [col("Type", "The type of the secret."), col("Data", "Number of data entries.", typ=_INT), AGE],
        lambda o, now: [o.get("type") or "Opaque", len(o.get("data") or {}), age(o, now)],
    ),
    ("", "Namespace"): (
        [col("Status", "The status of the namespace."), AGE],
        lambda o, now: [dig(o, "status", "phase", default="Active"), age(o, now)],
    ),
    ("", "ServiceAccount"): (
        [col("Secrets", "The number of secrets.", typ=_INT), AGE],
        lambda o, now: [len(o.get("secrets") or []), age(o, now)],
    ),
    ("", "PersistentVolumeClaim"): (
        [
            col("Status"),
            col("Volume"),
            col("Capacity"),
            col("Access Modes"),
            col("StorageClass"),
            col("VolumeAttributesClass"),
            AGE,
            col("VolumeMode", priority=1),
        ],
        pvc_row,
        ),
    ("", "PersistentVolume"): ([
        col("Capacity"), col("Access Modes"), col("Reclaim Policy"), col("Status"), col("Claim"), col("StorageClass"),
        col("VolumeAttributesClass"), col("Reason"), AGE, col("VolumeMode", priority=1)], pv_row),
    ("", "ResourceQuota"): ([AGE, col("Request"), col("Limit")], quota_row),
    ("", "LimitRange"): ([col("Created At", typ="date")], created_at_row),
    ("", "Endpoints"): ([col("Endpoints"), AGE], endpoints_row),
    ("discovery.k8s.io", "EndpointSlice"): ([col("AddressType"), col("Ports"), col("Endpoints"), AGE], endpointslice_row),
    ("scheduling.k8s.io", "PriorityClass"): ([
        col("Value", typ=_INT), col("Global-Default", typ="boolean"), AGE, col("PreemptionPolicy")], priorityclass_row),
    ("autoscaling", "Scale"): ([col("Desired", typ=_INT), col("Available", typ=_INT)],
                               lambda o, now: [dig(o, "spec", "replicas", default=0), dig(o, "status", "replicas", default=0)]),
    ("", "Event"): (
        [
            col("Last Seen"),
            col("Type"),
            col("Reason"),
            col("Object"),
            col("Subobject", priority=1),
            col("Source", priority=1),
            col("Message"),
            col("First Seen", priority=1),
            col("Count", priority=1, typ=_INT),
            col("Name", priority=1),
        ],
        event_row,
    ),
    ("batch", "Job"): (
        [
            col("Status", "Status of the job."),
            col("Completions", "The completed pods vs desired completions."),
            col("Duration", "Time required to complete the job."),
            AGE,
            *WORKLOAD_WIDE,
        ],
        job_row,
    ),
    ("batch", "CronJob"): (
        [
            col("Schedule"),
            col("Timezone"),
            col("Suspend"),
            col("Active", typ=_INT),
            col("Last Schedule"),
            AGE,
            *WORKLOAD_WIDE,
        ],
        cronjob_row,
    ),
    ("networking.k8s.io", "Ingress"): (
        [col("Class"), col("Hosts"), col("Address"), col("Ports"), AGE],
        ingress_row,
    ),
    ("networking.k8s.io", "IngressClass"): (
        [col("Controller"), col("Parameters"), AGE],
        lambda o, now: [dig(o, "spec", "controller", default=""), NONE, age(o, now)],
    ),
    ("networking.k8s.io", "NetworkPolicy"): (
        [col("Pod-Selector"), AGE],
        lambda o, now: [selector_string(dig(o, "spec", "podSelector")).replace(NONE, ""), age(o, now)],
    ),
    ("policy", "PodDisruptionBudget"): (
        [col("Min Available"), col("Max Unavailable"), col("Allowed Disruptions", typ=_INT), AGE],
        lambda o, now: [
            str(dig(o, "spec", "minAvailable", default="N/A")),
            str(dig(o, "spec", "maxUnavailable", default="N/A")),
            dig(o, "status", "disruptionsAllowed", default=0),
            age(o, now),
        ],
    ),
    ("autoscaling", "HorizontalPodAutoscaler"): (
        [
            col("Reference"),
            col("Targets"),
            col("MinPods", typ=_INT),
            col("MaxPods", typ=_INT),
            col("Replicas", typ=_INT),
            AGE,
        ],
        hpa_row,
    ),
    ("rbac.authorization.k8s.io", "Role"): ([col("Created At", typ="date")], created_at_row),
    ("rbac.authorization.k8s.io", "ClusterRole"): ([col("Created At", typ="date")], created_at_row),
    ("rbac.authorization.k8s.io", "RoleBinding"): (
        [
            col("Role"),
            AGE,
            col("Users", priority=1),
            col("Groups", priority=1),
            col("ServiceAccounts", priority=1),
        ],
        binding_row,
    ),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        [
            col("Role"),
            AGE,
            col("Users", priority=1),
            col("Groups", priority=1),
            col("ServiceAccounts", priority=1),
        ],
        binding_row,
    ),
    ("storage.k8s.io", "StorageClass"): (
        [
            col("Provisioner"),
            col("ReclaimPolicy"),
            col("VolumeBindingMode"),
            col("AllowVolumeExpansion"),
            AGE,
        ],
        lambda o, now: [
            o.get("provisioner", ""),
            o.get("reclaimPolicy") or "Delete",
            o.get("volumeBindingMode") or "Immediate",
            str(bool(o.get("allowVolumeExpansion"))).lower(),
            age(o, now),
        ],
    ),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): ([col("Created At", typ="date")], created_at_row),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        [col("Webhooks", typ=_INT), AGE],
        lambda o, now: [len(o.get("webhooks") or []), age(o, now)],
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        [col("Webhooks", typ=_INT), AGE],
        lambda o, now: [len(o.get("webhooks") or []), age(o, now)],
    ),
    ("coordination.k8s.io", "Lease"): (
        [col("Holder"), AGE],
        lambda o, now: [dig(o, "spec", "holderIdentity", default=""), age(o, now)],
    ),
}
# fmt: on
