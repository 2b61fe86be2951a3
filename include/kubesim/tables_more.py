"""Cells of the storage, quota, scheduling and endpoint printers (PVC, PV, ResourceQuota, ...).

Same source as `kubesim.tables_cells`: the server-side printers of Kubernetes 1.36, including their
quirks (access modes always in RWO, ROX, RWX, RWOP order; quota usage from `status` only; at most
three endpoints then "+ N more...").
"""

from __future__ import annotations

from typing import Any

from kubesim.tables_cells import NONE, age, dig

_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)
_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def access_modes(modes: Any) -> str:
    have = set(modes or [])
    return ",".join(short for mode, short in _MODES if mode in have)


def _storage_class(obj: dict[str, Any]) -> str:
    annotated = (dig(obj, "metadata", "annotations", default={}) or {}).get(_CLASS_ANNOTATION)
    return str(annotated if annotated is not None else dig(obj, "spec", "storageClassName", default=""))


def _phase(obj: dict[str, Any], default: str) -> str:
    if dig(obj, "metadata", "deletionTimestamp"):
        return "Terminating"
    return str(dig(obj, "status", "phase", default=default))


def pvc_row(obj: dict[str, Any], now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    bound = bool(spec.get("volumeName"))
    return [
        _phase(obj, ""),
        spec.get("volumeName", ""),
        str((st.get("capacity") or {}).get("storage", "0")) if bound else "",
        access_modes(st.get("accessModes")) if bound else "",
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        age(obj, now),
        spec.get("volumeMode") or "<unset>",
    ]


def pv_row(obj: dict[str, Any], now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    ref = spec.get("claimRef")
    return [
        str((spec.get("capacity") or {}).get("storage", "0")),
        access_modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        _phase(obj, ""),
        f"{ref.get('namespace', '')}/{ref.get('name', '')}" if isinstance(ref, dict) else "",
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        dig(obj, "status", "reason", default=""),
        age(obj, now),
        spec.get("volumeMode") or "<unset>",
    ]


def quota_row(obj: dict[str, Any], now: float) -> list[Any]:
    hard = dig(obj, "status", "hard", default={}) or {}
    used = dig(obj, "status", "used", default={}) or {}
    requests: list[str] = []
    limits: list[str] = []
    for name in sorted(hard):
        text = f"{name}: {used.get(name, '0')}/{hard[name]}"
        (limits if name.split(".")[0] == "limits" and "." in name else requests).append(text)
    return [age(obj, now), ", ".join(requests), ", ".join(limits)]


def priorityclass_row(obj: dict[str, Any], now: float) -> list[Any]:
    return [
        obj.get("value", 0),
        bool(obj.get("globalDefault")),
        age(obj, now),
        obj.get("preemptionPolicy") or "<unset>",
    ]


def _more(items: list[str], count: int, empty: str) -> str:
    text = ",".join(items)
    if count > len(items):
        return f"{text} + {count - len(items)} more..."
    return text or empty


def endpoints_row(obj: dict[str, Any], now: float) -> list[Any]:
    subsets = obj.get("subsets") or []
    items: list[str] = []
    count = 0
    for ss in subsets:
        addresses = [a.get("ip", "") for a in ss.get("addresses") or []]
        ports = ss.get("ports") or [None]
        for port in ports:
            count += len(addresses)
            for ip in addresses:
                if len(items) < 3:
                    host = f"[{ip}]" if ":" in ip else ip
                    items.append(host if port is None else f"{host}:{port.get('port')}")
    return [_more(items, count, "") if subsets else NONE, age(obj, now)]


def endpointslice_row(obj: dict[str, Any], now: float) -> list[Any]:
    ports = [
        str(p["port"]) if p.get("port") is not None else str(p.get("name") or "*")
        for p in obj.get("ports") or []
    ]
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [
        obj.get("addressType", ""),
        _more(ports[:3], len(ports), "<unset>"),
        _more(addresses[:3], len(addresses), "<unset>"),
        age(obj, now),
    ]
