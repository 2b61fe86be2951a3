"""Per-kind `kubectl get` columns of the built-in kinds, as a real API server's printers define them.

Column names, types, priorities (1 = only with `-o wide`) and cell formats follow the server-side
printers of Kubernetes 1.3x, so `kubectl get deploy` prints READY 2/3, UP-TO-DATE, AVAILABLE and
ages like `3m12s` against kubesim just as against a real cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

Column = tuple[str, str, str, str, int]  # name, type, format, description, priority
Row = Callable[[dict[str, Any], float], list[Any]]
NONE = "<none>"


def _ts(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def human_duration(seconds: float) -> str:
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def since(value: Any, now: float) -> str:
    ts = _ts(value)
    return "<unknown>" if ts is None else human_duration(now - ts)


def age(obj: dict[str, Any], now: float) -> str:
    return since((obj.get("metadata") or {}).get("creationTimestamp"), now)


def _g(obj: Any, *path: str, default: Any = None) -> Any:
    for p in path:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(p)
    return default if obj is None else obj


def _col(name: str, desc: str = "", priority: int = 0, typ: str = "string") -> Column:
    return (name, typ, "", desc, priority)


AGE = _col(
    "Age", "CreationTimestamp is a timestamp representing the server time when this object was created."
)


def _template_cells(obj: dict[str, Any], template_path: tuple[str, ...] = ("spec", "template")) -> list[str]:
    containers = _g(obj, *template_path, "spec", "containers", default=[])
    names = ",".join(str(c.get("name", "")) for c in containers if isinstance(c, dict))
    images = ",".join(str(c.get("image", "")) for c in containers if isinstance(c, dict))
    return [names, images]


def selector_string(sel: Any) -> str:
    """metav1.LabelSelector as kubectl prints it ("app=web,tier in (a,b)"); <none> when empty."""
    if not isinstance(sel, dict):
        return NONE
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for req in sel.get("matchExpressions") or []:
        key, op, vals = req.get("key", ""), req.get("operator", ""), sorted(req.get("values") or [])
        if op == "In":
            parts.append(f"{key} in ({','.join(vals)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(vals)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) if parts else NONE


def _map_selector(sel: Any) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(sel.items())) if isinstance(sel, dict) and sel else NONE


_WORKLOAD_WIDE = [
    _col("Containers", "Names of each container in the template.", 1),
    _col("Images", "Images referenced by each container in the template.", 1),
    _col("Selector", "Label selector for pods.", 1),
]


def _deployment(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    desired = _g(obj, "spec", "replicas", default=1)
    return [
        f"{st.get('readyReplicas', 0)}/{desired}",
        st.get("updatedReplicas", 0),
        st.get("availableReplicas", 0),
        age(obj, now),
        *_template_cells(obj),
        selector_string(_g(obj, "spec", "selector")),
    ]


def _statefulset(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    desired = _g(obj, "spec", "replicas", default=1)
    return [f"{st.get('readyReplicas', 0)}/{desired}", age(obj, now), *_template_cells(obj)]


def _replicaset(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    return [
        _g(obj, "spec", "replicas", default=1),
        st.get("replicas", 0),
        st.get("readyReplicas", 0),
        age(obj, now),
        *_template_cells(obj),
        selector_string(_g(obj, "spec", "selector")),
    ]


def _daemonset(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    return [
        st.get("desiredNumberScheduled", 0),
        st.get("currentNumberScheduled", 0),
        st.get("numberReady", 0),
        st.get("updatedNumberScheduled", 0),
        st.get("numberAvailable", 0),
        _map_selector(_g(obj, "spec", "template", "spec", "nodeSelector")),
        age(obj, now),
        *_template_cells(obj),
        selector_string(_g(obj, "spec", "selector")),
    ]


def _pod_status(obj: dict[str, Any]) -> tuple[str, int, int, int]:
    st = obj.get("status") or {}
    reason = st.get("reason") or st.get("phase") or "Pending"
    total = len(_g(obj, "spec", "containers", default=[]))
    ready = restarts = 0
    for cs in st.get("containerStatuses") or []:
        restarts += int(cs.get("restartCount") or 0)
        state = cs.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif "terminated" in state:
            term = state["terminated"] or {}
            reason = term.get("reason") or (
                f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
            )
        elif cs.get("ready") and "running" in state:
            ready += 1
    if _g(obj, "metadata", "deletionTimestamp"):
        reason = "Unknown" if st.get("reason") == "NodeLost" else "Terminating"
    return reason, ready, total, restarts


def _pod(obj: dict[str, Any], now: float) -> list[Any]:
    reason, ready, total, restarts = _pod_status(obj)
    st = obj.get("status") or {}
    gates = _g(obj, "spec", "readinessGates", default=[])
    return [
        f"{ready}/{total}",
        reason,
        str(restarts),
        age(obj, now),
        st.get("podIP") or NONE,
        _g(obj, "spec", "nodeName") or NONE,
        st.get("nominatedNodeName") or NONE,
        f"0/{len(gates)}" if gates else NONE,
    ]


def _service_ports(spec: dict[str, Any]) -> str:
    out = []
    for p in spec.get("ports") or []:
        proto = p.get("protocol") or "TCP"
        out.append(
            f"{p.get('port')}:{p['nodePort']}/{proto}" if p.get("nodePort") else f"{p.get('port')}/{proto}"
        )
    return ",".join(out) if out else NONE


def _service_external(obj: dict[str, Any]) -> str:
    spec = obj.get("spec") or {}
    typ = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if typ == "ExternalName":
        return str(spec.get("externalName") or NONE)
    if typ == "LoadBalancer":
        ingress = _g(obj, "status", "loadBalancer", "ingress", default=[])
        lb = [i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")]
        found = external + lb
        return ",".join(found) if found else "<pending>"
    return ",".join(external) if external else NONE


def _service(obj: dict[str, Any], now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    return [
        spec.get("type") or "ClusterIP",
        spec.get("clusterIP") or NONE,
        _service_external(obj),
        _service_ports(spec),
        age(obj, now),
        _map_selector(spec.get("selector")),
    ]


def _job_status(obj: dict[str, Any]) -> str:
    conds = {c.get("type"): c.get("status") for c in _g(obj, "status", "conditions", default=[])}
    for typ, text in (
        ("Failed", "Failed"),
        ("Complete", "Complete"),
        ("Suspended", "Suspended"),
        ("FailureTarget", "FailureTarget"),
        ("SuccessCriteriaMet", "SuccessCriteriaMet"),
    ):
        if conds.get(typ) == "True":
            return text
    return "Terminating" if _g(obj, "metadata", "deletionTimestamp") else "Running"


def _job(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 1) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = _ts(st.get("startTime")), _ts(st.get("completionTime"))
    duration = "" if start is None else human_duration((end if end is not None else now) - start)
    return [
        _job_status(obj),
        completions,
        duration,
        age(obj, now),
        *_template_cells(obj),
        selector_string(spec.get("selector")),
    ]


def _cronjob(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    last = st.get("lastScheduleTime")
    return [
        spec.get("schedule", ""),
        spec.get("timeZone") or NONE,
        "True" if spec.get("suspend") else "False",
        len(st.get("active") or []),
        since(last, now) if last else NONE,
        age(obj, now),
        *_template_cells(obj, ("spec", "jobTemplate", "spec", "template")),
        selector_string(_g(obj, "spec", "jobTemplate", "spec", "selector")),
    ]


def _pvc(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    bound = st.get("phase") == "Bound"
    capacity = (st.get("capacity") or {}).get("storage", "") if bound else ""
    modes = (
        ",".join(
            {
                "ReadWriteOnce": "RWO",
                "ReadOnlyMany": "ROX",
                "ReadWriteMany": "RWX",
                "ReadWriteOncePod": "RWOP",
            }.get(m, m)
            for m in (st.get("accessModes") or [])
        )
        if bound
        else ""
    )
    return [
        st.get("phase") or "Pending",
        spec.get("volumeName", ""),
        capacity,
        modes,
        spec.get("storageClassName") or "",
        spec.get("volumeAttributesClassName") or "<unset>",
        age(obj, now),
        spec.get("volumeMode") or "Filesystem",
    ]


def _ingress(obj: dict[str, Any], now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    lb = _g(obj, "status", "loadBalancer", "ingress", default=[])
    address = ",".join(i.get("ip") or i.get("hostname") or "" for i in lb)
    return [
        spec.get("ingressClassName") or NONE,
        ",".join(hosts) if hosts else "*",
        address,
        "80, 443" if spec.get("tls") else "80",
        age(obj, now),
    ]


def _hpa(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    targets = "<unknown>" if spec.get("metrics") else NONE
    return [
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        targets,
        spec.get("minReplicas", 1),
        spec.get("maxReplicas", 0),
        st.get("currentReplicas", 0),
        age(obj, now),
    ]


def _binding(obj: dict[str, Any], now: float) -> list[Any]:
    ref = obj.get("roleRef") or {}
    subjects = obj.get("subjects") or []

    def of(kind: str) -> str:
        names = [
            (f"{s.get('namespace', '')}/{s['name']}" if kind == "ServiceAccount" else s.get("name", ""))
            for s in subjects
            if s.get("kind") == kind
        ]
        return ", ".join(names)

    return [
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        age(obj, now),
        of("User"),
        of("Group"),
        of("ServiceAccount"),
    ]


def _event(obj: dict[str, Any], now: float) -> list[Any]:
    inv = obj.get("involvedObject") or {}
    last = obj.get("lastTimestamp") or obj.get("eventTime") or _g(obj, "metadata", "creationTimestamp")
    source = _g(obj, "source", "component") or obj.get("reportingComponent") or ""
    return [
        since(last, now),
        obj.get("type", ""),
        obj.get("reason", ""),
        f"{str(inv.get('kind', '')).lower()}/{inv.get('name', '')}",
        inv.get("fieldPath", ""),
        source,
        obj.get("message", ""),
        since(obj.get("firstTimestamp") or last, now),
        obj.get("count", 1),
    ]


def _created_at(obj: dict[str, Any], now: float) -> list[Any]:
    return [_g(obj, "metadata", "creationTimestamp", default="")]


_INT = "integer"
PRINTERS: dict[tuple[str, str], tuple[list[Column], Row]] = {
    ("apps", "Deployment"): (
        [
            _col("Ready", "Number of the pod with ready state"),
            _col(
                "Up-to-date",
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                typ=_INT,
            ),
            _col(
                "Available",
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                typ=_INT,
            ),
            AGE,
            *_WORKLOAD_WIDE,
        ],
        _deployment,
    ),
    ("apps", "StatefulSet"): (
        [_col("Ready", "Number of the pod with ready state"), AGE, *_WORKLOAD_WIDE[:2]],
        _statefulset,
    ),
    ("apps", "ReplicaSet"): (
        [
            _col("Desired", "Replicas is the number of desired replicas.", typ=_INT),
            _col("Current", "Replicas is the most recently observed number of replicas.", typ=_INT),
            _col("Ready", "The number of ready replicas for this replica set.", typ=_INT),
            AGE,
            *_WORKLOAD_WIDE,
        ],
        _replicaset,
    ),
    ("apps", "DaemonSet"): (
        [
            _col("Desired", typ=_INT),
            _col("Current", typ=_INT),
            _col("Ready", typ=_INT),
            _col("Up-to-date", typ=_INT),
            _col("Available", typ=_INT),
            _col("Node Selector"),
            AGE,
            *_WORKLOAD_WIDE,
        ],
        _daemonset,
    ),
    ("", "Pod"): (
        [
            _col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            _col("Status", "The aggregate status of the containers in this pod."),
            _col(
                "Restarts",
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            ),
            AGE,
            _col("IP", "IP address allocated to the pod. Routable at least within the cluster.", 1),
            _col("Node", "Name of the Node this pod is assigned to.", 1),
            _col("Nominated Node", "Name of the node where the pod is nominated to run.", 1),
            _col("Readiness Gates", "The readiness gates of the pod.", 1),
        ],
        _pod,
    ),
    ("", "Service"): (
        [
            _col("Type", "The type of the service."),
            _col("Cluster-IP", "The IP address of the service."),
            _col("External-IP", "The external IP address of the service."),
            _col("Port(s)", "The ports of the service."),
            AGE,
            _col("Selector", "Route service traffic to pods with this selector.", 1),
        ],
        _service,
    ),
    ("", "ConfigMap"): (
        [_col("Data", "Number of data entries.", typ=_INT), AGE],
        lambda o, now: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), age(o, now)],
    ),
    ("", "Secret"): (
        [_col("Type", "The type of the secret."), _col("Data", "Number of data entries.", typ=_INT), AGE],
        lambda o, now: [o.get("type") or "Opaque", len(o.get("data") or {}), age(o, now)],
    ),
    ("", "Namespace"): (
        [_col("Status", "The status of the namespace."), AGE],
        lambda o, now: [_g(o, "status", "phase", default="Active"), age(o, now)],
    ),
    ("", "ServiceAccount"): (
        [_col("Secrets", "The number of secrets.", typ=_INT), AGE],
        lambda o, now: [len(o.get("secrets") or []), age(o, now)],
    ),
    ("", "PersistentVolumeClaim"): (
        [
            _col("Status"),
            _col("Volume"),
            _col("Capacity"),
            _col("Access Modes"),
            _col("StorageClass"),
            _col("VolumeAttributesClass"),
            AGE,
            _col("VolumeMode", priority=1),
        ],
        _pvc,
    ),
    ("", "Event"): (
        [
            _col("Last Seen"),
            _col("Type"),
            _col("Reason"),
            _col("Object"),
            _col("Subobject", priority=1),
            _col("Source", priority=1),
            _col("Message"),
            _col("First Seen", priority=1),
            _col("Count", priority=1, typ=_INT),
        ],
        _event,
    ),
    ("batch", "Job"): (
        [
            _col("Status", "Status of the job."),
            _col("Completions", "The completed pods vs desired completions."),
            _col("Duration", "Time required to complete the job."),
            AGE,
            *_WORKLOAD_WIDE,
        ],
        _job,
    ),
    ("batch", "CronJob"): (
        [
            _col("Schedule"),
            _col("Timezone"),
            _col("Suspend"),
            _col("Active", typ=_INT),
            _col("Last Schedule"),
            AGE,
            *_WORKLOAD_WIDE,
        ],
        _cronjob,
    ),
    ("networking.k8s.io", "Ingress"): (
        [_col("Class"), _col("Hosts"), _col("Address"), _col("Ports"), AGE],
        _ingress,
    ),
    ("networking.k8s.io", "IngressClass"): (
        [_col("Controller"), _col("Parameters"), AGE],
        lambda o, now: [_g(o, "spec", "controller", default=""), NONE, age(o, now)],
    ),
    ("networking.k8s.io", "NetworkPolicy"): (
        [_col("Pod-Selector"), AGE],
        lambda o, now: [selector_string(_g(o, "spec", "podSelector")).replace(NONE, ""), age(o, now)],
    ),
    ("policy", "PodDisruptionBudget"): (
        [_col("Min Available"), _col("Max Unavailable"), _col("Allowed Disruptions", typ=_INT), AGE],
        lambda o, now: [
            str(_g(o, "spec", "minAvailable", default="N/A")),
            str(_g(o, "spec", "maxUnavailable", default="N/A")),
            _g(o, "status", "disruptionsAllowed", default=0),
            age(o, now),
        ],
    ),
    ("autoscaling", "HorizontalPodAutoscaler"): (
        [
            _col("Reference"),
            _col("Targets"),
            _col("MinPods", typ=_INT),
            _col("MaxPods", typ=_INT),
            _col("Replicas", typ=_INT),
            AGE,
        ],
        _hpa,
    ),
    ("rbac.authorization.k8s.io", "Role"): ([_col("Created At", typ="date")], _created_at),
    ("rbac.authorization.k8s.io", "ClusterRole"): ([_col("Created At", typ="date")], _created_at),
    ("rbac.authorization.k8s.io", "RoleBinding"): (
        [
            _col("Role"),
            AGE,
            _col("Users", priority=1),
            _col("Groups", priority=1),
            _col("ServiceAccounts", priority=1),
        ],
        _binding,
    ),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        [
            _col("Role"),
            AGE,
            _col("Users", priority=1),
            _col("Groups", priority=1),
            _col("ServiceAccounts", priority=1),
        ],
        _binding,
    ),
    ("storage.k8s.io", "StorageClass"): (
        [
            _col("Provisioner"),
            _col("ReclaimPolicy"),
            _col("VolumeBindingMode"),
            _col("AllowVolumeExpansion"),
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
    ("apiextensions.k8s.io", "CustomResourceDefinition"): ([_col("Created At", typ="date")], _created_at),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        [_col("Webhooks", typ=_INT), AGE],
        lambda o, now: [len(o.get("webhooks") or []), age(o, now)],
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        [_col("Webhooks", typ=_INT), AGE],
        lambda o, now: [len(o.get("webhooks") or []), age(o, now)],
    ),
    ("coordination.k8s.io", "Lease"): (
        [_col("Holder"), AGE],
        lambda o, now: [_g(o, "spec", "holderIdentity", default=""), age(o, now)],
    ),
}
