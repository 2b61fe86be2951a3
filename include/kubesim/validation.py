"""Create/update validation of kubesim objects: the 422 Invalid causes a real API server returns.

The server core calls :func:`validate` after defaulting (and admission allocation) on every
create and update, with ``old`` set on updates; a non-empty result becomes a ``422 Invalid``
Status whose ``details.causes`` are these dicts. Causes use the real reasons
(``FieldValueRequired``, ``FieldValueInvalid``, ...), field paths and messages, so tools that parse
them (kubectl, Argo CD, Flux, Airflux) see what they would see on a real cluster.

Per-kind rules live in ``validation_apps`` (workloads), ``validation_core`` (Service, ConfigMap,
Secret, PVC, Namespace), ``validation_other`` (networking, RBAC, policy, autoscaling, storage,
admission) and ``validation_crd`` (CRDs and custom resources against their schema).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubesim import validation_apps as apps
from kubesim import validation_core as core
from kubesim import validation_other as other
from kubesim.validation_common import (
    Cause,
    NameFn,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    name_is_path_segment,
    type_invalid,
    validate_object_meta,
    validate_object_meta_update,
)
from kubesim.validation_crd import crd_name_errors, validate_crd, validate_custom_resource
from kubesim.validation_pod import validate_pod_spec

Rule = Callable[[Mapping[str, Any], Mapping[str, Any] | None], list[Cause]]


def _pod(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    out = validate_pod_spec(obj.get("spec"), "spec")
    if old is not None:
        # Pod updates may only change images, activeDeadlineSeconds, tolerations (additions) and a
        # few scheduling fields; kubesim enforces the common case: containers other than image.
        new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
        strip = lambda cs: [{k: v for k, v in c.items() if k != "image"} for c in cs or []]  # noqa: E731
        if strip(new_spec.get("containers")) != strip(old_spec.get("containers")):
            out.append({"reason": "FieldValueForbidden", "field": "spec",
                        "message": "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                                   "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                                   "`spec.tolerations` (only additions to existing tolerations),"
                                   "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"})
    return out


def _none(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    return []


# (group, kind) -> (name rule, kind rule)
_RULES: dict[tuple[str, str], tuple[NameFn, Rule]] = {
    ("", "Namespace"): (name_is_dns_label, core.validate_namespace),
    ("", "ConfigMap"): (name_is_dns_subdomain, core.validate_configmap),
    ("", "Secret"): (name_is_dns_subdomain, core.validate_secret),
    ("", "Service"): (name_is_dns1035_label, core.validate_service),
    ("", "ServiceAccount"): (name_is_dns_subdomain, _none),
    ("", "Pod"): (name_is_dns_subdomain, _pod),
    ("", "PersistentVolumeClaim"): (name_is_dns_subdomain, core.validate_pvc),
    ("", "Event"): (name_is_dns_subdomain, _none),
    ("apps", "Deployment"): (name_is_dns_subdomain, apps.validate_deployment),
    ("apps", "ReplicaSet"): (name_is_dns_subdomain, apps.validate_replicaset),
    ("apps", "StatefulSet"): (name_is_dns_label, apps.validate_statefulset),
    ("apps", "DaemonSet"): (name_is_dns_subdomain, apps.validate_daemonset),
    ("batch", "Job"): (name_is_dns_subdomain, apps.validate_job),
    ("batch", "CronJob"): (name_is_dns_subdomain, apps.validate_cronjob),
    ("networking.k8s.io", "Ingress"): (name_is_dns_subdomain, other.validate_ingress),
    ("networking.k8s.io", "IngressClass"): (name_is_dns_subdomain, other.validate_ingressclass),
    ("networking.k8s.io", "NetworkPolicy"): (name_is_dns_subdomain, other.validate_networkpolicy),
    ("rbac.authorization.k8s.io", "Role"): (
        name_is_path_segment, lambda o, old: other.validate_role(o, old, namespaced=True)),
    ("rbac.authorization.k8s.io", "ClusterRole"): (
        name_is_path_segment, lambda o, old: other.validate_role(o, old, namespaced=False)),
    ("rbac.authorization.k8s.io", "RoleBinding"): (
        name_is_path_segment, lambda o, old: other.validate_binding(o, old, namespaced=True)),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        name_is_path_segment, lambda o, old: other.validate_binding(o, old, namespaced=False)),
    ("policy", "PodDisruptionBudget"): (name_is_dns_subdomain, other.validate_pdb),
    ("autoscaling", "HorizontalPodAutoscaler"): (name_is_dns_subdomain, other.validate_hpa),
    ("storage.k8s.io", "StorageClass"): (name_is_dns_subdomain, other.validate_storageclass),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        name_is_dns_subdomain, other.validate_webhook_configuration),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        name_is_dns_subdomain, other.validate_webhook_configuration),
    ("coordination.k8s.io", "Lease"): (name_is_dns_subdomain, _none),
}


def validate(group: str, kind: str, obj: dict[str, Any], old: dict[str, Any] | None, *,
             openapi_schema: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Causes for a ``422 Invalid`` (empty when ``obj`` is valid).

    ``old`` is the stored object on updates (None on create): name syntax is then not re-checked
    (as upstream) and immutable-field rules apply. ``openapi_schema`` is the CRD version's
    ``openAPIV3Schema`` when ``obj`` is a custom resource.
    """
    if group == "apiextensions.k8s.io" and kind == "CustomResourceDefinition":
        name_fn: NameFn = crd_name_errors(obj)
        rule: Rule = validate_crd
    else:
        name_fn, rule = _RULES.get((group, kind), (name_is_dns_subdomain, _none))
    causes: list[dict[str, str]] = []
    try:
        meta = obj.get("metadata")
        if old is None:
            causes.extend(validate_object_meta(meta, name_fn))
        else:
            causes.extend(validate_object_meta(meta, _no_name_check))
            causes.extend(validate_object_meta_update(meta or {}, old.get("metadata") or {}))
        causes.extend(rule(obj, old))
        if openapi_schema is not None:
            causes.extend(validate_custom_resource(obj, openapi_schema))
    except (AttributeError, TypeError, ValueError, KeyError):
        # a field of the wrong JSON type where the rules expected a map or a list: the real server
        # rejects such a body when decoding it; here it becomes one cause instead of a crash
        causes.append(type_invalid("spec" if "spec" in obj else "metadata", _shape(obj),
                                   f"the object does not match the schema of {kind}"))
    return causes


def _shape(obj: dict[str, Any]) -> str:
    return type(obj.get("spec")).__name__ if "spec" in obj else "object"


def _no_name_check(name: str, prefix: bool) -> list[str]:
    return []
