"""Validation of the core/v1 kinds kubesim serves (Service, ConfigMap, Secret, PersistentVolumeClaim,
Namespace) and their immutable fields, after pkg/apis/core/validation.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from kubesim.quantity import parse_quantity
from kubesim.validation_common import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    max_len_error,
    not_supported,
    regex_error,
    required,
    semantic_equal,
    too_long,
    validate_labels,
)
from kubesim.validation_pod import PORT_RANGE_MSG, PROTOCOLS, is_valid_port_name, is_valid_port_num

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _service_port_key(port: Mapping[str, Any]) -> dict[str, Any]:
    """The internal ``core.ServicePort`` that ``field.Duplicate`` renders for a repeated port."""
    return {
        "Name": "",
        "Protocol": port.get("protocol", "TCP"),
        "AppProtocol": None,
        "Port": port.get("port", 0),
        "TargetPort": 0,
        "NodePort": 0,
    }


def _fqdn_errors(field: str, name: str) -> list[Cause]:
    """``IsFullyQualifiedDomainName``: a DNS subdomain of at least two labels (trailing dot allowed)."""
    name = name[:-1] if name.endswith(".") else name
    if errs := is_dns1123_subdomain(name):
        return [invalid(field, name, ",".join(errs))]
    if len(name.split(".")) < 2:
        return [invalid(field, name, "should be a domain with at least two segments separated by dots")]
    for label in name.split("."):
        if errs := is_dns1123_label(label):
            return [invalid(field, label, ",".join(errs))]
    return []


def validate_service(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    stype = spec.get("type") or "ClusterIP"
    if stype not in SERVICE_TYPES:
        out.append(not_supported("spec.type", stype, SERVICE_TYPES))
    cluster_ip = spec.get("clusterIP") or ""
    headless = cluster_ip == "None"
    ports = spec.get("ports") or []
    if stype == "ExternalName":
        ext = spec.get("externalName") or ""
        if not ext:
            out.append(required("spec.externalName", ""))
        else:
            out.extend(_fqdn_errors("spec.externalName", ext))
    elif not ports and not headless:
        out.append(required("spec.ports", ""))
    names: set[str] = set()
    keys: list[tuple[Any, Any]] = []
    # a NodePort Service turned ClusterIP keeps its old node ports in a merged body; the server drops
    # them (dropTypeDependentFields) before validating, so they are not an error
    carried_node_ports = {
        p.get("nodePort") for p in ((old or {}).get("spec") or {}).get("ports") or [] if isinstance(p, Mapping)
    }
    for i, port in enumerate(ports):
        p = f"spec.ports[{i}]"
        if not isinstance(port, Mapping):
            out.append(invalid(p, port, "must be an object"))
            continue
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            out.append(required(f"{p}.name", ""))
        elif name:
            out.extend(invalid(f"{p}.name", name, m) for m in is_dns1123_label(name))
            if name in names:
                out.append(duplicate(f"{p}.name", name))
            names.add(name)
        number = port.get("port")
        if not is_valid_port_num(number):
            out.append(invalid(f"{p}.port", number if number is not None else 0, PORT_RANGE_MSG))
        proto = port.get("protocol", "TCP")
        if proto not in PROTOCOLS:
            out.append(not_supported(f"{p}.protocol", proto, PROTOCOLS))
        target = port.get("targetPort")
        if isinstance(target, str):
            out.extend(invalid(f"{p}.targetPort", target, m) for m in is_valid_port_name(target))
        elif target is not None and not is_valid_port_num(target):
            out.append(invalid(f"{p}.targetPort", target, PORT_RANGE_MSG))
        if port.get("nodePort") and stype == "ClusterIP" and port["nodePort"] not in carried_node_ports:
            out.append(forbidden(f"{p}.nodePort", "may not be used when `type` is 'ClusterIP'"))
        key = (proto, number)
        if key in keys:
            out.append(duplicate(p, _service_port_key(port)))
        keys.append(key)
    for i, ip in enumerate(spec.get("clusterIPs") or ([cluster_ip] if cluster_ip else [])):
        if ip not in ("", "None") and not _valid_ip(str(ip)):
            out.append(invalid(f"spec.clusterIPs[{i}]", ip, IP_MSG))
    affinity = spec.get("sessionAffinity")
    if affinity is not None and affinity not in ("ClientIP", "None"):
        out.append(not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    etp = spec.get("externalTrafficPolicy")
    if etp:
        if etp not in ("Cluster", "Local"):
            out.append(not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
        elif stype not in ("NodePort", "LoadBalancer"):
            out.append(
                invalid(
                    "spec.externalTrafficPolicy",
                    etp,
                    "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
                )
            )
    itp = spec.get("internalTrafficPolicy")
    if itp is not None and itp not in ("Cluster", "Local"):
        out.append(not_supported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]))
    out.extend(validate_labels(spec.get("selector"), "spec.selector"))
    if old is not None:
        old_spec = old.get("spec") or {}
        if "ExternalName" not in (stype, old_spec.get("type") or "ClusterIP"):
            old_ips = old_spec.get("clusterIPs") or (
                [old_spec["clusterIP"]] if old_spec.get("clusterIP") else []
            )
            new_ips = spec.get("clusterIPs") or ([cluster_ip] if cluster_ip else [])
            if cluster_ip and new_ips and new_ips[0] != cluster_ip and new_ips == old_ips:
                # only clusterIP was changed: the server rewrites clusterIPs from it before validating
                new_ips = [cluster_ip, *new_ips[1:]]
            for i, ip in enumerate(old_ips):
                if ip and i < len(new_ips) and new_ips[i] and new_ips[i] != ip:
                    out.append(invalid(f"spec.clusterIPs[{i}]", new_ips, "may not change once set"))
    return out


# --- ConfigMap / Secret ----------------------------------------------------------------------------

_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_RE = re.compile(_CONFIG_KEY_FMT)
_CONFIG_KEY_MSG = regex_error(
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
    _CONFIG_KEY_FMT,
    "key.name",
    "KEY_NAME",
    "key-name",
)
MAX_DATA_SIZE = 1024 * 1024


def is_config_map_key(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append(max_len_error(253))
    if not _CONFIG_KEY_RE.fullmatch(key):
        errs.append(_CONFIG_KEY_MSG)
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _data_keys(obj: Mapping[str, Any], sections: tuple[str, ...]) -> tuple[list[Cause], int]:
    out: list[Cause] = []
    seen: set[str] = set()
    size = 0
    for section in sections:
        data = obj.get(section) or {}
        if not isinstance(data, Mapping):
            out.append(invalid(section, data, "must be a map"))
            continue
        for key, value in data.items():
            out.extend(invalid(f"{section}[{key}]", key, m) for m in is_config_map_key(str(key)))
            if key in seen:
                out.append(duplicate(f"{section}[{key}]", key))
            seen.add(str(key))
            size += len(value) if isinstance(value, str) else 0
    return out, size


def _immutable_data(
    obj: Mapping[str, Any], old: Mapping[str, Any] | None, sections: tuple[str, ...]
) -> list[Cause]:
    if old is None or old.get("immutable") is not True:
        return []
    msg = "field is immutable when `immutable` is set"
    out = [forbidden(s, msg) for s in sections if not semantic_equal(obj.get(s), old.get(s))]
    if obj.get("immutable") is not True:
        out.append(forbidden("immutable", msg))
    return out


def validate_configmap(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out, size = _data_keys(obj, ("data", "binaryData"))
    if size > MAX_DATA_SIZE:
        out.append(too_long("", MAX_DATA_SIZE))
    out.extend(_immutable_data(obj, old, ("data", "binaryData")))
    return out


_SECRET_REQUIRED = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
}


def validate_secret(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out, size = _data_keys(obj, ("data",))
    if size * 3 // 4 > MAX_DATA_SIZE:
        out.append(too_long("data", MAX_DATA_SIZE))
    stype = obj.get("type") or "Opaque"
    data = obj.get("data") or {}
    for key in _SECRET_REQUIRED.get(stype, ()):
        if key not in data:
            out.append(required(f"data[{key}]", ""))
    if stype == "kubernetes.io/service-account-token":
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        if not annotations.get("kubernetes.io/service-account.name"):
            out.append(required("metadata.annotations[kubernetes.io/service-account.name]", ""))
    if stype == "kubernetes.io/basic-auth" and "username" not in data and "password" not in data:
        out.append(required("data[username]", ""))
    if stype == "kubernetes.io/ssh-auth" and "ssh-privatekey" not in data:
        out.append(required("data[ssh-privatekey]", ""))
    if old is not None:
        old_type = old.get("type") or "Opaque"
        if stype != old_type:
            out.append(invalid("type", stype, "field is immutable"))
    out.extend(_immutable_data(obj, old, ("data",)))
    return out


# --- PersistentVolumeClaim ---------------------------------------------------------------------------

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
PVC_IMMUTABLE_MSG = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"


def validate_pvc_spec(spec: Mapping[str, Any], path: str) -> list[Cause]:
    out: list[Cause] = []
    modes = spec.get("accessModes") or []
    if not modes:
        out.append(required(f"{path}.accessModes", "at least 1 access mode is required"))
    for mode in modes:
        if mode not in ACCESS_MODES:
            out.append(not_supported(f"{path}.accessModes", mode, ACCESS_MODES))
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        out.append(forbidden(f"{path}.accessModes", "may not use ReadWriteOncePod with other access modes"))
    requests = (spec.get("resources") or {}).get("requests") or {}
    storage = requests.get("storage")
    if storage is None:
        out.append(required(f"{path}.resources[storage]", ""))
    else:
        amount = parse_quantity(storage)
        if amount is None:
            out.append(
                invalid(
                    f"{path}.resources[storage]",
                    storage,
                    "quantities must match the regular expression "
                    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                )
            )
        elif amount <= 0:
            out.append(invalid(f"{path}.resources[storage]", storage, "must be greater than zero"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        out.append(not_supported(f"{path}.volumeMode", mode, ["Block", "Filesystem"]))
    sc = spec.get("storageClassName")
    if sc:
        out.extend(invalid(f"{path}.storageClassName", sc, m) for m in is_dns1123_subdomain(sc))
    return out


def validate_pvc(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = validate_pvc_spec(spec, "spec")
    if old is not None:
        old_spec = old.get("spec") or {}
        bound = (old.get("status") or {}).get("phase") == "Bound"
        new_c = {k: v for k, v in spec.items() if k != "volumeAttributesClassName"}
        old_c = {k: v for k, v in old_spec.items() if k != "volumeAttributesClassName"}
        if bound:
            for c in (new_c, old_c):
                c["resources"] = {k: v for k, v in (c.get("resources") or {}).items() if k != "requests"}
        if not semantic_equal(new_c, old_c):
            out.append(forbidden("spec", PVC_IMMUTABLE_MSG))
        elif bound:
            new_size = parse_quantity(((spec.get("resources") or {}).get("requests") or {}).get("storage"))
            old_size = parse_quantity(
                ((old_spec.get("resources") or {}).get("requests") or {}).get("storage")
            )
            if new_size is not None and old_size is not None and new_size < old_size:
                out.append(
                    forbidden("spec.resources.requests.storage", "field can not be less than previous value")
                )
    return out


def validate_namespace(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out: list[Cause] = []
    for i, fin in enumerate((obj.get("spec") or {}).get("finalizers") or []):
        msgs = is_qualified_name(str(fin))
        if "/" not in str(fin) and fin != "kubernetes":
            msgs = msgs or ["name is neither a standard finalizer name nor is it fully qualified"]
        out.extend(invalid(f"spec.finalizers[{i}]", fin, m) for m in msgs)
    return out
