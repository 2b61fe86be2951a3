"""Server-side defaulting: the fields a real API server fills in on create and update, so that
``kubectl get -o yaml``, ``kubectl diff`` and drift detection see on kubesim what they see on a
real cluster (Deployment ``replicas: 1`` and ``strategy`` 25%/25%, pod template ``dnsPolicy`` and
``terminationMessagePath``, Service ``sessionAffinity`` and ``ipFamilies``, Namespace finalizers,
Secret ``type: Opaque`` ...). Admission-time allocation (Service clusterIPs and NodePorts) lives
in :mod:`kubesim.allocator` and is re-exported here as :class:`Allocator`.

The core calls :func:`apply_defaults` on every create and update, after identity (uid) is set and
before validation, exactly like the real request pipeline (decode+default, then validate).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

from kubesim import defaults_pod
from kubesim.allocator import Allocator

__all__ = ["Allocator", "apply_defaults", "apply_schema_defaults"]

Obj = dict[str, Any]


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _rolling_update(spec: Obj, field: str, **rolling_update: Any) -> None:
    """``spec.<field>``: ``type: RollingUpdate`` unless set, and the rollingUpdate defaults when it is."""
    strategy = spec.setdefault(field, {})
    if isinstance(strategy, dict):
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = strategy.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                for key, value in rolling_update.items():
                    ru.setdefault(key, value)


def _deployment(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _rolling_update(spec, "strategy", maxUnavailable="25%", maxSurge="25%")
    defaults_pod.pod_template(spec.get("template"))


def _replicaset(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("replicas", 1)
    defaults_pod.pod_template(spec.get("template"))


def _statefulset(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    spec.setdefault("revisionHistoryLimit", 10)
    _rolling_update(spec, "updateStrategy", partition=0)
    policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    if isinstance(policy, dict):
        policy.setdefault("whenDeleted", "Retain")
        policy.setdefault("whenScaled", "Retain")
    for claim in spec.get("volumeClaimTemplates") or []:
        if isinstance(claim, dict):
            claim.setdefault("apiVersion", "v1")
            claim.setdefault("kind", "PersistentVolumeClaim")
            _pvc(claim)
    defaults_pod.pod_template(spec.get("template"))


def _daemonset(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("revisionHistoryLimit", 10)
    _rolling_update(spec, "updateStrategy", maxUnavailable=1, maxSurge=0)
    defaults_pod.pod_template(spec.get("template"))


def _job_spec(spec: Obj) -> None:
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("completionMode", "NonIndexed")
    if spec.get("backoffLimit") is None:
        per_index = spec.get("completionMode") == "Indexed" and spec.get("backoffLimitPerIndex") is not None
        spec["backoffLimit"] = 2147483647 if per_index else 6
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed")
    defaults_pod.pod_template(spec.get("template"))


def _job(obj: Obj) -> None:
    spec = _spec(obj)
    _job_spec(spec)
    meta = obj.setdefault("metadata", {})
    template = spec.get("template") if isinstance(spec.get("template"), dict) else None
    uid, name = meta.get("uid"), meta.get("name")
    if uid and template is not None and spec.get("manualSelector") is not True:
        # Job strategy PrepareForCreate: generated selector and pod labels tied to the Job's uid.
        labels = template.setdefault("metadata", {}).setdefault("labels", {})
        for key, value in (("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name),
                           ("controller-uid", uid), ("job-name", name)):
            labels.setdefault(key, value)
        selector = spec.get("selector")
        if not isinstance(selector, dict):
            selector = spec["selector"] = {}
        selector.setdefault("matchLabels", {}).setdefault("batch.kubernetes.io/controller-uid", uid)
    # SetDefaults_Job: a Job without labels takes its pod template's (the stored object is defaulted
    # again when read, so the generated labels show up in metadata too, as on a real cluster)
    template_labels = ((template or {}).get("metadata") or {}).get("labels")
    if template_labels and not meta.get("labels"):
        meta["labels"] = dict(template_labels)


def _cronjob(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    job_template = spec.get("jobTemplate")
    if isinstance(job_template, dict) and isinstance(job_template.get("spec"), dict):
        defaults_pod.pod_template(job_template["spec"].get("template"))


def _service(obj: Obj) -> None:
    spec = _spec(obj)
    stype = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        cfg.setdefault("timeoutSeconds", 10800)
    for port in spec.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            if "port" in port:
                port.setdefault("targetPort", port["port"])
    if stype != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
        headless = spec.get("clusterIP") == "None"
        if headless and not spec.get("selector"):
            spec.setdefault("ipFamilyPolicy", "RequireDualStack")
            spec.setdefault("ipFamilies", ["IPv4", "IPv6"])
        else:
            spec.setdefault("ipFamilyPolicy", "SingleStack")
            spec.setdefault("ipFamilies", ["IPv4"])
        if headless:
            spec.setdefault("clusterIPs", ["None"])
    if stype in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if stype == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("loadBalancer", {})


def _pvc(obj: Obj) -> None:
    _spec(obj).setdefault("volumeMode", "Filesystem")
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Pending")


def _namespace(obj: Obj) -> None:
    meta = obj.setdefault("metadata", {})
    name = meta.get("name")
    if name:
        meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    spec = _spec(obj)
    spec.setdefault("finalizers", ["kubernetes"])
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Active")


def _secret(obj: Obj) -> None:
    obj.setdefault("type", "Opaque")
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = obj.get("data")
        if not isinstance(data, dict):
            data = obj["data"] = {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def _networkpolicy(obj: Obj) -> None:
    spec = _spec(obj)
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            for port in (rule or {}).get("ports") or []:
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")


def _binding(obj: Obj) -> None:
    for subject in obj.get("subjects") or []:
        if isinstance(subject, dict) and subject.get("kind") in ("User", "Group"):
            subject.setdefault("apiGroup", "rbac.authorization.k8s.io")


def _storageclass(obj: Obj) -> None:
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")


_SCALE_UP = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
             "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                          {"type": "Percent", "value": 100, "periodSeconds": 15}]}
_SCALE_DOWN = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _hpa(obj: Obj) -> None:
    spec = _spec(obj)
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for key, dflt in (("scaleUp", _SCALE_UP), ("scaleDown", _SCALE_DOWN)):
            rules = behavior.setdefault(key, {})
            if isinstance(rules, dict):
                for field, value in dflt.items():
                    rules.setdefault(field, copy.deepcopy(value))


def _webhooks(obj: Obj, *, mutating: bool) -> None:
    for hook in obj.get("webhooks") or []:
        if not isinstance(hook, dict):
            continue
        hook.setdefault("failurePolicy", "Fail")
        hook.setdefault("matchPolicy", "Equivalent")
        hook.setdefault("namespaceSelector", {})
        hook.setdefault("objectSelector", {})
        hook.setdefault("timeoutSeconds", 10)
        if mutating:
            hook.setdefault("reinvocationPolicy", "Never")
        for rule in hook.get("rules") or []:
            if isinstance(rule, dict):
                rule.setdefault("scope", "*")
        service = (hook.get("clientConfig") or {}).get("service")
        if isinstance(service, dict):
            service.setdefault("port", 443)


def _crd(obj: Obj) -> None:
    spec = _spec(obj)
    names = spec.get("names")
    if isinstance(names, dict) and names.get("kind"):
        names.setdefault("singular", str(names["kind"]).lower())
        names.setdefault("listKind", f"{names['kind']}List")
    spec.setdefault("conversion", {"strategy": "None"})
    webhook_service = ((((spec.get("conversion") or {}).get("webhook") or {}).get("clientConfig") or {})
                       .get("service"))
    if isinstance(webhook_service, dict):
        webhook_service.setdefault("port", 443)


_DEFAULTERS: dict[tuple[str, str], Callable[[Obj], None]] = {
    ("apps", "Deployment"): _deployment,
    ("apps", "ReplicaSet"): _replicaset,
    ("apps", "StatefulSet"): _statefulset,
    ("apps", "DaemonSet"): _daemonset,
    ("batch", "Job"): _job,
    ("batch", "CronJob"): _cronjob,
    ("", "Pod"): defaults_pod.pod,
    ("", "Service"): _service,
    ("", "PersistentVolumeClaim"): _pvc,
    ("", "Namespace"): _namespace,
    ("", "Secret"): _secret,
    ("networking.k8s.io", "NetworkPolicy"): _networkpolicy,
    ("rbac.authorization.k8s.io", "RoleBinding"): _binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _binding,
    ("storage.k8s.io", "StorageClass"): _storageclass,
    ("autoscaling", "HorizontalPodAutoscaler"): _hpa,
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): lambda o: _webhooks(o, mutating=False),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): lambda o: _webhooks(o, mutating=True),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): _crd,
}


def apply_defaults(group: str, kind: str, obj: dict[str, Any], *,
                   openapi_schema: dict[str, Any] | None = None) -> None:
    """Fill in server-side defaults in place (idempotent: existing values are never replaced).

    ``openapi_schema`` is the CRD version's ``openAPIV3Schema`` for custom resources, whose
    ``default`` values are applied the way the apiextensions server does.
    """
    fn = _DEFAULTERS.get((group, kind))
    try:
        if fn is not None:
            fn(obj)
        if openapi_schema is not None:
            apply_schema_defaults(obj, openapi_schema)
    except (AttributeError, TypeError):
        pass  # a malformed body: validation reports it, defaulting just stops


def apply_schema_defaults(value: Any, schema: dict[str, Any], *, root: bool = True) -> None:
    """Structural-schema defaulting: absent properties with a ``default`` get it, recursively."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for name, sub in props.items():
            if root and name in ("apiVersion", "kind", "metadata"):
                continue
            if not isinstance(sub, dict):
                continue
            if name not in value and "default" in sub:
                value[name] = copy.deepcopy(sub["default"])
            if name in value:
                apply_schema_defaults(value[name], sub, root=False)
        addl = schema.get("additionalProperties")
        if isinstance(addl, dict):
            for key, child in value.items():
                if key not in props:
                    apply_schema_defaults(child, addl, root=False)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for item in value:
                apply_schema_defaults(item, items, root=False)
