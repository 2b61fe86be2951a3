"""Server-side defaults of pod specs and pod templates (pkg/apis/core/v1/defaults.go), as
``kubectl get -o yaml`` shows them on a real cluster: ``dnsPolicy: ClusterFirst``,
``restartPolicy: Always``, ``schedulerName: default-scheduler``, ``securityContext: {}``,
``terminationGracePeriodSeconds: 30``, and per container ``imagePullPolicy``, ``resources: {}``,
``terminationMessagePath``/``Policy``, port protocols, probe timings and volume modes.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or an untagged image, otherwise ``IfNotPresent``."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")


def _env(env: Any) -> None:
    for var in env or []:
        ref = ((var or {}).get("valueFrom") or {}).get("fieldRef") if isinstance(var, dict) else None
        if isinstance(ref, dict):
            ref.setdefault("apiVersion", "v1")


def _container(ctr: Any) -> None:
    if not isinstance(ctr, dict):
        return
    if isinstance(ctr.get("image"), str) and ctr["image"]:
        ctr.setdefault("imagePullPolicy", image_pull_policy(ctr["image"]))
    ctr.setdefault("resources", {})
    ctr.setdefault("terminationMessagePath", "/dev/termination-log")
    ctr.setdefault("terminationMessagePolicy", "File")
    for port in ctr.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(ctr.get(key))
    _env(ctr.get("env"))


def _requests_from_limits(ctr: Any) -> None:
    """``SetDefaults_Pod``: a resource with a limit but no request is requested at its limit."""
    resources = ctr.get("resources") if isinstance(ctr, dict) else None
    if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
        requests = resources.setdefault("requests", {})
        if isinstance(requests, dict):
            for name, value in resources["limits"].items():
                requests.setdefault(name, value)


def _volume(vol: Any) -> None:
    if not isinstance(vol, dict):
        return
    for key in ("configMap", "secret", "projected", "downwardAPI"):
        src = vol.get(key)
        if isinstance(src, dict):
            src.setdefault("defaultMode", 420)
    down = vol.get("downwardAPI")
    if isinstance(down, dict):
        for item in down.get("items") or []:
            ref = (item or {}).get("fieldRef")
            if isinstance(ref, dict):
                ref.setdefault("apiVersion", "v1")
    host = vol.get("hostPath")
    if isinstance(host, dict):
        host.setdefault("type", "")
    if isinstance(vol.get("iscsi"), dict):
        vol["iscsi"].setdefault("iscsiInterface", "default")


def pod_spec(spec: Any) -> None:
    """``SetDefaults_PodSpec`` and the nested container/volume defaults, in place."""
    if not isinstance(spec, dict):
        return
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    if spec.get("serviceAccount") and not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for ctr in spec.get(key) or []:
            _container(ctr)
    if spec.get("hostNetwork"):
        for ctr in spec.get("containers") or []:
            for port in (ctr or {}).get("ports") or []:
                if isinstance(port, dict) and "containerPort" in port:
                    port.setdefault("hostPort", port["containerPort"])
    for vol in spec.get("volumes") or []:
        _volume(vol)


def pod_template(template: Any) -> None:
    if isinstance(template, dict):
        pod_spec(template.get("spec"))


def pod(obj: Obj) -> None:
    """A bare Pod additionally gets the admission defaults a real cluster adds (service account,
    priority, the not-ready/unreachable tolerations) and ``enableServiceLinks``."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    pod_spec(spec)
    for key in ("initContainers", "containers"):
        for ctr in spec.get(key) or []:
            _requests_from_limits(ctr)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    if isinstance(tolerations, list):
        have = {(t or {}).get("key") for t in tolerations if isinstance(t, dict)}
        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
            if key not in have:
                tolerations.append({"effect": "NoExecute", "key": key, "operator": "Exists",
                                    "tolerationSeconds": 300})
