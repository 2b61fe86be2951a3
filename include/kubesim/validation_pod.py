"""Pod spec and pod template validation (pkg/apis/core/validation ``ValidatePodSpec``), shared by
Pods and every workload that embeds a template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
Job, CronJob).

Only the rules manifests commonly break are emulated: containers with name and image, container
names unique DNS labels, port ranges, port names, protocols, pull/restart/DNS policies, env var
names, volume names and volume mounts that point at a declared volume.
"""

from __future__ import annotations

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
    nonnegative,
    not_found,
    not_supported,
    required,
    validate_annotations,
    validate_labels,
)

PROTOCOLS = ("SCTP", "TCP", "UDP")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
PORT_RANGE_MSG = "must be between 1 and 65535, inclusive"

_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")
_PORT_NAME_LETTER = re.compile(r"[a-z]")
_VOLUME_SOURCES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)


def is_valid_port_name(name: str) -> list[str]:
    """``validation.IsValidPortName`` (IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.fullmatch(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_port_num(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _validate_ports(ports: list[Any], path: str) -> list[Cause]:
    out: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        p = f"{path}[{i}]"
        if not isinstance(port, Mapping):
            out.append(invalid(p, port, "must be an object"))
            continue
        name = port.get("name")
        if name:
            out.extend(invalid(f"{p}.name", name, m) for m in is_valid_port_name(str(name)))
            if name in names:
                out.append(duplicate(f"{p}.name", name))
            names.add(str(name))
        cp = port.get("containerPort")
        if not cp:
            out.append(required(f"{p}.containerPort", ""))
        elif not is_valid_port_num(cp):
            out.append(invalid(f"{p}.containerPort", cp, PORT_RANGE_MSG))
        hp = port.get("hostPort")
        if hp and not is_valid_port_num(hp):
            out.append(invalid(f"{p}.hostPort", hp, PORT_RANGE_MSG))
        proto = port.get("protocol")
        if proto is not None and proto not in PROTOCOLS:
            out.append(not_supported(f"{p}.protocol", proto, PROTOCOLS))
    return out


def _validate_env(env: list[Any], path: str) -> list[Cause]:
    out: list[Cause] = []
    for i, var in enumerate(env):
        p = f"{path}[{i}]"
        name = var.get("name") if isinstance(var, Mapping) else None
        if not name:
            out.append(required(f"{p}.name", ""))
        elif "=" in name or not all(32 <= ord(c) <= 126 for c in name):
            out.append(
                invalid(
                    f"{p}.name",
                    name,
                    "a valid environment variable name must consist only of printable ASCII characters other than '='",
                )
            )
        if isinstance(var, Mapping) and var.get("value") and var.get("valueFrom"):
            out.append(invalid(f"{p}.valueFrom", "", "may not be specified when `value` is not empty"))
    return out


def _validate_resources(resources: Any, path: str) -> list[Cause]:
    """``ValidateResourceRequirements``: standard names, non-negative, requests <= limits."""
    if not isinstance(resources, Mapping):
        return []
    out: list[Cause] = []
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    for section, values in (("limits", limits), ("requests", requests)):
        if not isinstance(values, Mapping):
            continue
        for name, value in values.items():
            p = f"{path}.{section}[{name}]"
            if "/" not in str(name) and str(name) not in _STANDARD_RESOURCES and not str(name).startswith("hugepages-"):
                out.append(invalid(p, name, "must be a standard resource for containers"))
            amount = parse_quantity(value)
            if amount is not None and amount < 0:
                out.append(invalid(p, value, "must be greater than or equal to 0"))
    if isinstance(limits, Mapping) and isinstance(requests, Mapping):
        for name, value in requests.items():
            if name in limits:
                req, lim = parse_quantity(value), parse_quantity(limits[name])
                if req is not None and lim is not None and req > lim:
                    out.append(invalid(f"{path}.requests", str(value),
                                       f"must be less than or equal to {name} limit of {limits[name]}"))
    return out


_STANDARD_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def _unique_label_name(name: Any, path: str, names: set[str]) -> list[Cause]:
    """A list item's ``name``: required, a DNS-1123 label, unique among ``names`` (which it joins)."""
    if not name:
        return [required(path, "")]
    out = [invalid(path, name, m) for m in is_dns1123_label(str(name))]
    if name in names:
        out.append(duplicate(path, name))
    names.add(str(name))
    return out


def _validate_containers(
    containers: Any, path: str, volumes: set[str], names: set[str], *, require: bool
) -> list[Cause]:
    if not containers:
        return [required(path, "")] if require else []
    if not isinstance(containers, list):
        return [invalid(path, containers, "must be a list")]
    out: list[Cause] = []
    for i, ctr in enumerate(containers):
        p = f"{path}[{i}]"
        if not isinstance(ctr, Mapping):
            out.append(invalid(p, ctr, "must be an object"))
            continue
        out.extend(_unique_label_name(ctr.get("name"), f"{p}.name", names))
        if not ctr.get("image"):
            out.append(required(f"{p}.image", ""))
        policy = ctr.get("imagePullPolicy")
        if policy is not None and policy not in PULL_POLICIES:
            out.append(not_supported(f"{p}.imagePullPolicy", policy, PULL_POLICIES))
        tmp = ctr.get("terminationMessagePolicy")
        if tmp is not None and tmp not in TERMINATION_MESSAGE_POLICIES:
            out.append(not_supported(f"{p}.terminationMessagePolicy", tmp, TERMINATION_MESSAGE_POLICIES))
        out.extend(_validate_ports(ctr.get("ports") or [], f"{p}.ports"))
        out.extend(_validate_env(ctr.get("env") or [], f"{p}.env"))
        out.extend(_validate_resources(ctr.get("resources"), f"{p}.resources"))
        for j, mount in enumerate(ctr.get("volumeMounts") or []):
            mp = f"{p}.volumeMounts[{j}]"
            mname = mount.get("name") if isinstance(mount, Mapping) else None
            if not mname:
                out.append(required(f"{mp}.name", ""))
            elif mname not in volumes:
                out.append(not_found(f"{mp}.name", mname))
            if not (isinstance(mount, Mapping) and mount.get("mountPath")):
                out.append(required(f"{mp}.mountPath", ""))
    return out


def _validate_volumes(volumes: Any, path: str) -> tuple[list[Cause], set[str]]:
    out: list[Cause] = []
    names: set[str] = set()
    for i, vol in enumerate(volumes or []):
        p = f"{path}[{i}]"
        if not isinstance(vol, Mapping):
            out.append(invalid(p, vol, "must be an object"))
            continue
        out.extend(_unique_label_name(vol.get("name"), f"{p}.name", names))
        sources = [k for k in _VOLUME_SOURCES if vol.get(k) is not None]
        if not sources:
            out.append(required(p, "must specify a volume type"))
        elif len(sources) > 1:
            out.append(forbidden(f"{p}.{sources[1]}", "may not specify more than 1 volume type"))
    return out, names


def validate_pod_spec(spec: Any, path: str) -> list[Cause]:
    """``ValidatePodSpec`` for the rules listed in the module docstring."""
    if not isinstance(spec, Mapping):
        return [required(f"{path}.containers", "")]
    out, volumes = _validate_volumes(spec.get("volumes"), f"{path}.volumes")
    names: set[str] = set()
    out.extend(
        _validate_containers(
            spec.get("initContainers"), f"{path}.initContainers", volumes, names, require=False
        )
    )
    out.extend(
        _validate_containers(spec.get("containers"), f"{path}.containers", volumes, names, require=True)
    )
    restart = spec.get("restartPolicy")
    if restart is not None and restart not in RESTART_POLICIES:
        out.append(not_supported(f"{path}.restartPolicy", restart, RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if dns is not None and dns not in DNS_POLICIES:
        out.append(not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    out.extend(
        nonnegative(f"{path}.terminationGracePeriodSeconds", spec.get("terminationGracePeriodSeconds"))
    )
    ads = spec.get("activeDeadlineSeconds")
    if isinstance(ads, int) and ads <= 0:
        out.append(
            invalid(f"{path}.activeDeadlineSeconds", ads, "must be between 1 and 2147483647, inclusive")
        )
    sa = spec.get("serviceAccountName")
    if sa:
        out.extend(invalid(f"{path}.serviceAccountName", sa, m) for m in is_dns1123_subdomain(str(sa)))
    return out


def validate_pod_template(template: Any, path: str) -> list[Cause]:
    """``ValidatePodTemplateSpec``: note the real server reports template labels at
    ``<path>.labels`` (not ``<path>.metadata.labels``)."""
    if not isinstance(template, Mapping):
        return [required(f"{path}.spec.containers", "")]
    meta = template.get("metadata") or {}
    out = validate_labels(meta.get("labels"), f"{path}.labels")
    out.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    out.extend(validate_pod_spec(template.get("spec"), f"{path}.spec"))
    return out
