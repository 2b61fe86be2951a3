"""Cell computations of the built-in `kubectl get` printers (ages, READY counts, pod status, ports...).

They follow the server-side printers of Kubernetes 1.3x (pkg/printers/internalversion), so
`kubectl get` shows the same text against kubesim as against a real cluster. The column table that
uses them is `kubesim.tables_builtin`.
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


def dig(obj: Any, *path: str, default: Any = None) -> Any:
    for p in path:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(p)
    return default if obj is None else obj


def col(name: str, desc: str = "", priority: int = 0, typ: str = "string") -> Column:
    return (name, typ, "", desc, priority)


AGE = col(
    "Age", "CreationTimestamp is a timestamp representing the server time when this object was created."
)


def template_cells(obj: dict[str, Any], template_path: tuple[str, ...] = ("spec", "template")) -> list[str]:
    containers = dig(obj, *template_path, "spec", "containers", default=[])
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


def map_selector(sel: Any) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(sel.items())) if isinstance(sel, dict) and sel else NONE


WORKLOAD_WIDE = [
    col("Containers", "Names of each container in the template.", 1),
    col("Images", "Images referenced by each container in the template.", 1),
    col("Selector", "Label selector for pods.", 1),
]


def deployment_row(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    desired = dig(obj, "spec", "replicas", default=1)
    return [
        f"{st.get('readyReplicas', 0)}/{desired}",
        st.get("updatedReplicas", 0),
        st.get("availableReplicas", 0),
        age(obj, now),
        *template_cells(obj),
        selector_string(dig(obj, "spec", "selector")),
    ]


def statefulset_row(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    desired = dig(obj, "spec", "replicas", default=1)
    return [f"{st.get('readyReplicas', 0)}/{desired}", age(obj, now), *template_cells(obj)]


def replicaset_row(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    return [
        dig(obj, "spec", "replicas", default=1),
        st.get("replicas", 0),
        st.get("readyReplicas", 0),
        age(obj, now),
        *template_cells(obj),
        selector_string(dig(obj, "spec", "selector")),
    ]


def daemonset_row(obj: dict[str, Any], now: float) -> list[Any]:
    st = obj.get("status") or {}
    return [
        st.get("desiredNumberScheduled", 0),
        st.get("currentNumberScheduled", 0),
        st.get("numberReady", 0),
        st.get("updatedNumberScheduled", 0),
        st.get("numberAvailable", 0),
        map_selector(dig(obj, "spec", "template", "spec", "nodeSelector")),
        age(obj, now),
        *template_cells(obj),
        selector_string(dig(obj, "spec", "selector")),
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
        ingress = dig(obj, "status", "loadBalancer", "ingress", default=[])
        lb = [i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")]
        found = external + lb
        return ",".join(found) if found else "<pending>"
    return ",".join(external) if external else NONE


def service_row(obj: dict[str, Any], now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    return [
        spec.get("type") or "ClusterIP",
        spec.get("clusterIP") or NONE,
        _service_external(obj),
        _service_ports(spec),
        age(obj, now),
        map_selector(spec.get("selector")),
    ]


def _job_status(obj: dict[str, Any]) -> str:
    conds = {c.get("type"): c.get("status") for c in dig(obj, "status", "conditions", default=[])}
    for typ, text in (
        ("Failed", "Failed"),
        ("Complete", "Complete"),
        ("Suspended", "Suspended"),
        ("FailureTarget", "FailureTarget"),
        ("SuccessCriteriaMet", "SuccessCriteriaMet"),
    ):
        if conds.get(typ) == "True":
            return text
    return "Terminating" if dig(obj, "metadata", "deletionTimestamp") else "Running"


def job_row(obj: dict[str, Any], now: float) -> list[Any]:
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
        *template_cells(obj),
        selector_string(spec.get("selector")),
    ]


def cronjob_row(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    last = st.get("lastScheduleTime")
    return [
        spec.get("schedule", ""),
        spec.get("timeZone") or NONE,
        "True" if spec.get("suspend") else "False",
        len(st.get("active") or []),
        since(last, now) if last else NONE,
        age(obj, now),
        *template_cells(obj, ("spec", "jobTemplate", "spec", "template")),
        selector_string(dig(obj, "spec", "jobTemplate", "spec", "selector")),
    ]


def ingress_row(obj: dict[str, Any], now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    lb = dig(obj, "status", "loadBalancer", "ingress", default=[])
    address = ",".join(i.get("ip") or i.get("hostname") or "" for i in lb)
    return [
        spec.get("ingressClassName") or NONE,
        ",".join(hosts) if hosts else "*",
        address,
        "80, 443" if spec.get("tls") else "80",
        age(obj, now),
    ]


def hpa_row(obj: dict[str, Any], now: float) -> list[Any]:
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


def binding_row(obj: dict[str, Any], now: float) -> list[Any]:
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


def event_row(obj: dict[str, Any], now: float) -> list[Any]:
    """Event cells; unlike other kinds the name is the last (wide) column, as in the real printer."""
    inv = obj.get("involvedObject") or {}
    first = obj.get("firstTimestamp") or obj.get("eventTime")
    last = obj.get("lastTimestamp") or first
    count = obj.get("count") or 1
    if isinstance(obj.get("series"), dict):
        last = obj["series"].get("lastObservedTime") or last
        count = obj["series"].get("count") or count
    kind = str(inv.get("kind", "")).lower()
    component = dig(obj, "source", "component") or obj.get("reportingComponent") or ""
    instance = dig(obj, "source", "host") or obj.get("reportingInstance") or ""
    return [
        since(last, now),
        obj.get("type", ""),
        obj.get("reason", ""),
        f"{kind}/{inv['name']}" if inv.get("name") else kind,
        inv.get("fieldPath", ""),
        f"{component}, {instance}" if instance else component,
        str(obj.get("message", "")).strip(),
        since(first, now),
        count,
        dig(obj, "metadata", "name", default=""),
    ]


def created_at_row(obj: dict[str, Any], now: float) -> list[Any]:
    return [dig(obj, "metadata", "creationTimestamp", default="")]
