"""Validation of networking.k8s.io, rbac.authorization.k8s.io, policy, autoscaling, storage and
admissionregistration kinds: the required fields and immutable references that manifests trip over
(Ingress rules and backends, RoleBinding roleRef/subjects, HPA bounds, StorageClass parameters).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from kubesim.validation_common import (
    Cause,
    forbidden,
    invalid,
    is_dns1123_subdomain,
    not_supported,
    required,
    semantic_equal,
    validate_label_selector,
)
from kubesim.validation_pod import PORT_RANGE_MSG, PROTOCOLS, is_valid_port_num

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")


def _host_errors(host: str) -> list[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return ["must be a DNS name, not an IP address"]
    if host.startswith("*."):
        msgs = is_dns1123_subdomain(host[2:])
        return (
            [
                "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                "(e.g. '*.example.com', regex used for validation is "
                "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
            if msgs
            else []
        )
    return is_dns1123_subdomain(host)


def _ingress_backend(backend: Any, path: str) -> list[Cause]:
    if not isinstance(backend, Mapping):
        return [required(path, "")]
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        missing = [] if resource.get("kind") else [required(f"{path}.resource.kind", "")]
        return missing + ([] if resource.get("name") else [required(f"{path}.resource.name", "")])
    if service is None:
        return [invalid(path, "", "resource or service backend is required")]
    out: list[Cause] = []
    if not service.get("name"):
        out.append(required(f"{path}.service.name", ""))
    else:
        out.extend(
            invalid(f"{path}.service.name", service["name"], m) for m in is_dns1123_subdomain(service["name"])
        )
    port = service.get("port") or {}
    if port.get("name") and port.get("number"):
        out.append(invalid(f"{path}.service.port", port, "cannot set both port name & port number"))
    elif port.get("number") is not None:
        if not is_valid_port_num(port["number"]):
            out.append(invalid(f"{path}.service.port.number", port["number"], PORT_RANGE_MSG))
    elif not port.get("name"):
        out.append(required(f"{path}.service.port.name", "port name or number is required"))
    return out


def validate_ingress(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    rules = spec.get("rules")
    if not rules and spec.get("defaultBackend") is None:
        out.append(invalid("spec", rules, "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend") is not None:
        out.extend(_ingress_backend(spec["defaultBackend"], "spec.defaultBackend"))
    for i, rule in enumerate(rules or []):
        p = f"spec.rules[{i}]"
        host = rule.get("host")
        if host:
            out.extend(invalid(f"{p}.host", host, m) for m in _host_errors(str(host)))
        http = rule.get("http")
        if http is None:
            continue
        paths = http.get("paths") or []
        if not paths:
            out.append(required(f"{p}.http.paths", ""))
        for j, hp in enumerate(paths):
            pp = f"{p}.http.paths[{j}]"
            ptype = hp.get("pathType")
            value = hp.get("path", "")
            if ptype is None:
                out.append(required(f"{pp}.pathType", "pathType must be specified"))
            elif ptype not in PATH_TYPES:
                out.append(not_supported(f"{pp}.pathType", ptype, PATH_TYPES))
            elif (ptype != "ImplementationSpecific" or value) and not str(value).startswith("/"):
                out.append(invalid(f"{pp}.path", value, "must be an absolute path"))
            out.extend(_ingress_backend(hp.get("backend"), f"{pp}.backend"))
    for i, tls in enumerate(spec.get("tls") or []):
        for j, host in enumerate(tls.get("hosts") or []):
            out.extend(invalid(f"spec.tls[{i}].hosts[{j}]", host, m) for m in _host_errors(str(host)))
    cls = spec.get("ingressClassName")
    if cls:
        out.extend(invalid("spec.ingressClassName", cls, m) for m in is_dns1123_subdomain(cls))
    return out


def validate_ingressclass(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    controller = spec.get("controller") or ""
    out: list[Cause] = []
    if not controller:
        out.append(required("spec.controller", ""))
    if old is not None:
        old_controller = (old.get("spec") or {}).get("controller")
        if controller != old_controller:
            out.append(invalid("spec.controller", controller, "field is immutable"))
    return out


def validate_networkpolicy(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = validate_label_selector(spec.get("podSelector"), "spec.podSelector")
    for i, ptype in enumerate(spec.get("policyTypes") or []):
        if ptype not in ("Ingress", "Egress"):
            out.append(not_supported(f"spec.policyTypes[{i}]", ptype, ["Ingress", "Egress"]))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            for j, port in enumerate(rule.get("ports") or []):
                proto = port.get("protocol")
                if proto is not None and proto not in PROTOCOLS:
                    out.append(not_supported(f"spec.{direction}[{i}].ports[{j}].protocol", proto, PROTOCOLS))
            for j, peer in enumerate(rule.get(peers) or []):
                p = f"spec.{direction}[{i}].{peers}[{j}]"
                if not any(peer.get(k) is not None for k in ("podSelector", "namespaceSelector", "ipBlock")):
                    out.append(required(p, "must specify a peer"))
                out.extend(validate_label_selector(peer.get("podSelector"), f"{p}.podSelector"))
                out.extend(validate_label_selector(peer.get("namespaceSelector"), f"{p}.namespaceSelector"))
    return out


# --- rbac.authorization.k8s.io/v1 --------------------------------------------------------------------

RBAC_GROUP = "rbac.authorization.k8s.io"


def validate_role(obj: Mapping[str, Any], old: Mapping[str, Any] | None, *, namespaced: bool) -> list[Cause]:
    out: list[Cause] = []
    for i, rule in enumerate(obj.get("rules") or []):
        p = f"rules[{i}]"
        if not rule.get("verbs"):
            out.append(required(f"{p}.verbs", "verbs must contain at least one value"))
        urls = rule.get("nonResourceURLs") or []
        if urls:
            if namespaced:
                out.append(
                    invalid(
                        f"{p}.nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"
                    )
                )
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                out.append(
                    invalid(
                        f"{p}.nonResourceURLs",
                        urls,
                        "rules cannot apply to both regular resources and non-resource URLs",
                    )
                )
            continue
        if not rule.get("apiGroups"):
            out.append(required(f"{p}.apiGroups", "resource rules must supply at least one api group"))
        if not rule.get("resources"):
            out.append(required(f"{p}.resources", "resource rules must supply at least one resource"))
    agg = obj.get("aggregationRule")
    if agg is not None and not namespaced:
        for i, sel in enumerate(agg.get("clusterRoleSelectors") or []):
            out.extend(validate_label_selector(sel, f"aggregationRule.clusterRoleSelectors[{i}]"))
    return out


def validate_binding(
    obj: Mapping[str, Any], old: Mapping[str, Any] | None, *, namespaced: bool
) -> list[Cause]:
    out: list[Cause] = []
    ref = obj.get("roleRef")
    if not isinstance(ref, Mapping):
        ref = {}
    if ref.get("apiGroup") != RBAC_GROUP:
        out.append(not_supported("roleRef.apiGroup", ref.get("apiGroup", ""), [RBAC_GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if ref.get("kind") not in kinds:
        out.append(not_supported("roleRef.kind", ref.get("kind", ""), kinds))
    if not ref.get("name"):
        out.append(required("roleRef.name", ""))
    else:
        name = str(ref["name"])
        out.extend(invalid("roleRef.name", name, m) for m in _path_segment(name))
    for i, subject in enumerate(obj.get("subjects") or []):
        p = f"subjects[{i}]"
        kind = subject.get("kind")
        name = subject.get("name") or ""
        if not name:
            out.append(required(f"{p}.name", ""))
        if kind == "ServiceAccount":
            if subject.get("apiGroup"):
                out.append(not_supported(f"{p}.apiGroup", subject["apiGroup"], [""]))
            if name:
                out.extend(invalid(f"{p}.name", name, m) for m in is_dns1123_subdomain(name))
            if not namespaced and not subject.get("namespace"):
                out.append(required(f"{p}.namespace", ""))
        elif kind in ("User", "Group"):
            if subject.get("apiGroup") != RBAC_GROUP:
                out.append(not_supported(f"{p}.apiGroup", subject.get("apiGroup", ""), [RBAC_GROUP]))
        else:
            out.append(not_supported(f"{p}.kind", kind or "", ["ServiceAccount", "User", "Group"]))
    if old is not None and not semantic_equal(obj.get("roleRef"), old.get("roleRef")):
        out.append(invalid("roleRef", obj.get("roleRef"), "cannot change roleRef"))
    return out


def _path_segment(name: str) -> list[str]:
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


# --- policy, autoscaling, storage, admissionregistration ---------------------------------------------


def validate_pdb(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = validate_label_selector(spec.get("selector"), "spec.selector")
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        out.append(invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("AlwaysAllow", "IfHealthyBudget"):
        out.append(
            not_supported("spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"])
        )
    return out


def validate_hpa(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    ref = spec.get("scaleTargetRef") or {}
    if not ref.get("kind"):
        out.append(required("spec.scaleTargetRef.kind", ""))
    if not ref.get("name"):
        out.append(required("spec.scaleTargetRef.name", ""))
    min_r, max_r = spec.get("minReplicas"), spec.get("maxReplicas")
    if isinstance(min_r, int) and min_r < 1:
        out.append(invalid("spec.minReplicas", min_r, "must be greater than or equal to 1"))
    if not isinstance(max_r, int) or max_r < 1:
        out.append(invalid("spec.maxReplicas", max_r if max_r is not None else 0, "must be greater than 0"))
    elif isinstance(min_r, int) and max_r < min_r:
        out.append(invalid("spec.maxReplicas", max_r, "must be greater than or equal to `minReplicas`"))
    return out


def validate_storageclass(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out: list[Cause] = []
    if not obj.get("provisioner"):
        out.append(required("provisioner", ""))
    policy = obj.get("reclaimPolicy")
    if policy is not None and policy not in ("Delete", "Retain"):
        out.append(not_supported("reclaimPolicy", policy, ["Delete", "Retain"]))
    mode = obj.get("volumeBindingMode")
    if mode is not None and mode not in ("Immediate", "WaitForFirstConsumer"):
        out.append(not_supported("volumeBindingMode", mode, ["Immediate", "WaitForFirstConsumer"]))
    if old is not None:
        for key in ("parameters", "provisioner", "reclaimPolicy"):
            if not semantic_equal(obj.get(key), old.get(key)):
                out.append(forbidden(key, f"updates to {key} are forbidden."))
        if not semantic_equal(obj.get("volumeBindingMode"), old.get("volumeBindingMode")):
            out.append(forbidden("volumeBindingMode", "field is immutable"))
    return out


def validate_webhook_configuration(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out: list[Cause] = []
    names: set[str] = set()
    for i, hook in enumerate(obj.get("webhooks") or []):
        p = f"webhooks[{i}]"
        name = hook.get("name") or ""
        if not name:
            out.append(required(f"{p}.name", ""))
        elif name in names:
            out.append(
                {
                    "reason": "FieldValueDuplicate",
                    "field": f"{p}.name",
                    "message": f'Duplicate value: "{name}"',
                }
            )
        names.add(name)
        if hook.get("sideEffects") not in ("None", "NoneOnDryRun"):
            if hook.get("sideEffects") is None:
                out.append(required(f"{p}.sideEffects", "must specify one of None, NoneOnDryRun"))
            else:
                out.append(not_supported(f"{p}.sideEffects", hook["sideEffects"], ["None", "NoneOnDryRun"]))
        if not hook.get("admissionReviewVersions"):
            out.append(required(f"{p}.admissionReviewVersions", "must specify one of v1, v1beta1"))
        cc = hook.get("clientConfig") or {}
        if bool(cc.get("url")) == bool(cc.get("service")):
            out.append(required(f"{p}.clientConfig", "exactly one of url or service is required"))
        policy = hook.get("failurePolicy")
        if policy is not None and policy not in ("Fail", "Ignore"):
            out.append(not_supported(f"{p}.failurePolicy", policy, ["Fail", "Ignore"]))
    return out
