"""Unknown fields under fieldValidation=Strict/Warn, as kubectl's default `--validate=strict` meets them.

https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation: with Strict an
unknown field is a 400 "strict decoding error: unknown field ..." naming every such field; Warn turns
them into `Warning` headers; Ignore drops them. Built-ins are checked against the published schemas,
custom resources against their CRD's structural schema.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import fails, ok
from tests.kubesim.test_openapi import MANIFEST
from tests.kubesim.test_registry import widget_crd

from kubesim.resources import Registry

# ---- unknown fields (fieldValidation=Strict) ---------------------------------------------------------
KITCHEN_SINK_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: sink
  namespace: default
  labels: {app: sink}
  annotations: {a: b}
  finalizers: [example.com/x]
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: o, uid: "1", controller: true, blockOwnerDeletion: true}]
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 30
  dnsPolicy: ClusterFirst
  nodeSelector: {disk: ssd}
  serviceAccountName: default
  automountServiceAccountToken: false
  hostname: sink
  subdomain: s
  schedulerName: default-scheduler
  priorityClassName: high
  enableServiceLinks: false
  securityContext: {runAsUser: 1000, runAsNonRoot: true, fsGroup: 2000, seccompProfile: {type: RuntimeDefault},
                    supplementalGroups: [3000], sysctls: [{name: net.core.somaxconn, value: "1024"}]}
  imagePullSecrets: [{name: regcred}]
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
    {matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
  tolerations: [{key: k, operator: Equal, value: v, effect: NoSchedule, tolerationSeconds: 10}]
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,
                               labelSelector: {matchLabels: {app: sink}}}]
  hostAliases: [{ip: 127.0.0.1, hostnames: [foo.local]}]
  dnsConfig: {nameservers: [1.1.1.1], options: [{name: ndots, value: "2"}]}
  initContainers:
  - name: init
    image: busybox
    command: [sh, -c, "true"]
    restartPolicy: Always
  containers:
  - name: app
    image: nginx
    imagePullPolicy: IfNotPresent
    args: [--x]
    workingDir: /app
    ports: [{name: http, containerPort: 80, protocol: TCP, hostPort: 8080}]
    env:
    - {name: A, value: "1"}
    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    - {name: S, valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}}
    envFrom: [{prefix: P_, configMapRef: {name: cm}}, {secretRef: {name: s}}]
    resources: {requests: {cpu: 100m, memory: 1Gi}, limits: {cpu: "1"}}
    volumeMounts: [{name: data, mountPath: /data, readOnly: true, subPath: x}, {name: cfg, mountPath: /cfg}]
    livenessProbe: {httpGet: {path: /, port: http, scheme: HTTP, httpHeaders: [{name: X, value: y}]},
                    initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 4}
    readinessProbe: {tcpSocket: {port: 80}, successThreshold: 1}
    startupProbe: {exec: {command: [cat, /ok]}}
    lifecycle: {preStop: {exec: {command: [sleep, "5"]}}, postStart: {httpGet: {path: /, port: 80}}}
    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
                      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}, runAsGroup: 1}
    terminationMessagePolicy: FallbackToLogsOnError
    stdin: false
    tty: false
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
  - {name: cfg, configMap: {name: cm, items: [{key: a, path: a}], defaultMode: 420}}
  - {name: sec, secret: {secretName: s, optional: true}}
  - {name: tmp, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
  - {name: host, hostPath: {path: /var/log, type: Directory}}
  - {name: proj, projected: {sources: [{serviceAccountToken: {path: token}}]}}
  - {name: dapi, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: nfs, nfs: {server: nfs.local, path: /}}
status: {phase: Running, anything: goes}
"""


def _docs(text: str) -> list[dict[str, Any]]:
    import yaml

    return [d for d in yaml.safe_load_all(text) if d]


def test_realistic_manifests_have_no_unknown_fields() -> None:
    from kubesim.strict import unknown_fields

    reg = Registry()
    for doc in _docs(MANIFEST) + _docs(KITCHEN_SINK_POD):
        (rt,) = [r for r in reg.by_kind(doc["apiVersion"].rpartition("/")[0], doc["kind"])]
        assert unknown_fields(reg, rt, doc) == [], doc["kind"]


def test_typos_are_unknown_fields_named_like_a_real_server() -> None:
    from kubesim.strict import strict_error_message, unknown_fields

    reg = Registry()
    (dep,) = [d for d in _docs(MANIFEST) if d["kind"] == "Deployment"]
    dep["spec"]["template"]["spec"]["containers"][1]["imagePullPolicyy"] = "Always"
    dep["spec"]["template"]["spec"]["containers"][0]["env"][1]["valeu"] = "x"
    dep["spec"]["replica"] = 3
    dep["metadata"]["label"] = {}
    dep["status"] = {"whatever": 1}
    rt = reg.lookup("apps", "v1", "deployments")
    assert rt is not None
    found = unknown_fields(reg, rt, dep)
    assert found == ["metadata.label", "spec.template.spec.containers[0].env[1].valeu",
                     "spec.template.spec.containers[1].imagePullPolicyy", "spec.replica"]  # document order
    assert strict_error_message(rt, found[:1]) == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "metadata.label"')


def test_custom_resources_are_checked_against_their_structural_schema() -> None:
    from kubesim.strict import unknown_fields

    reg = Registry()
    crd = widget_crd()
    crd["spec"]["versions"][1]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"].update({
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "items": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "string"}}}},
        "template": {"type": "object", "x-kubernetes-embedded-resource": True, "properties": {}},
    })
    reg.register_crd(crd)
    v1, beta = reg.lookup("example.com", "v1", "widgets"), reg.lookup("example.com", "v1beta1", "widgets")
    assert v1 is not None and beta is not None
    w = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "b"}},
         "spec": {"size": 1, "colour": "red", "free": {"any": {"thing": 1}}, "labels": {"x": "y"},
                  "items": [{"n": "a"}, {"m": "b"}],
                  "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}}},
         "status": {"unknown": True}}
    assert unknown_fields(reg, v1, w) == ["spec.colour", "spec.items[1].m", "spec.template.data"]
    assert unknown_fields(reg, beta, w) == []  # v1beta1 preserves unknown fields at its root


@pytest.mark.kubectl
def test_kubectl_default_validation_rejects_unknown_fields_server_side(kubesim: Any) -> None:
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"},
           "data": {"a": "1"}, "bogus": 1}
    err = fails(kubesim, "apply", "-f", "-", input=json.dumps(bad))
    assert ('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
            'unknown field "bogus"') in err
    assert kubesim.get("v1", "ConfigMap", "cfg", "default") is None
    warned = kubesim.kubectl("apply", "--validate=warn", "-f", "-", input=json.dumps(bad))
    assert warned.returncode == 0 and 'Warning: unknown field "bogus"' in warned.stderr
    assert "bogus" not in kubesim.get("v1", "ConfigMap", "cfg", "default")
    bad["data"] = {"a": "2"}
    assert "configured" in ok(kubesim, "apply", "--validate=false", "-f", "-", input=json.dumps(bad))
    (dep,) = [d for d in _docs(MANIFEST) if d["kind"] == "Deployment"]
    dep["metadata"]["namespace"] = "default"
    dep["spec"]["template"]["spec"]["containers"][0]["imagex"] = "nginx"
    err = fails(kubesim, "apply", "--server-side", "-f", "-", input=json.dumps(dep))
    assert 'unknown field "spec.template.spec.containers[0].imagex"' in err
