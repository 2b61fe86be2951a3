"""kubesim validation of the core, networking, RBAC, policy, storage, admission and CRD kinds: the
422 causes a real API server returns (and the 400s for bodies it cannot decode).

Each test names the Kubernetes documentation or API reference rule it checks; field paths and
messages are those of the API server (kubernetes/kubernetes pkg/apis/*/validation,
apiextensions-apiserver validation, kube-openapi).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubesim.defaults import apply_defaults
from kubesim.validation import validate


def fields(causes: list[dict[str, str]]) -> dict[str, str]:
    return {c["field"]: c["message"] for c in causes}


def test_service_ports_are_required_and_named_when_several() -> None:
    """Service, "Multi-port Services": when using multiple ports you must give all of them names;
    Service v1 API reference: ports are required unless the Service is headless or ExternalName."""
    svc: dict[str, Any] = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}}
    assert fields(validate("", "Service", svc, None)) == {"spec.ports": "Required value"}
    svc["spec"]["ports"] = [{"port": 80}, {"port": 443, "name": "https"}]
    assert fields(validate("", "Service", svc, None)) == {"spec.ports[0].name": "Required value"}
    svc["spec"]["type"] = "Balanced"
    assert fields(validate("", "Service", svc, None))["spec.type"] == (
        'Unsupported value: "Balanced": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"')


def test_service_cluster_ip_may_not_change_once_set() -> None:
    """Service v1 API reference, spec.clusterIP: 'This field may not be changed through updates
    unless the type field is also being changed to ExternalName'."""
    old = {"metadata": {"name": "db"}, "spec": {"ports": [{"port": 5432}], "clusterIP": "10.96.1.5",
                                                "clusterIPs": ["10.96.1.5"]}}
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "None"
    assert validate("", "Service", new, old) == [
        {"reason": "FieldValueInvalid", "field": "spec.clusterIPs[0]",
         "message": 'Invalid value: ["None"]: may not change once set'}]
    unset = copy.deepcopy(old)
    del unset["spec"]["clusterIP"], unset["spec"]["clusterIPs"]
    assert validate("", "Service", unset, old) == []  # omitted on update: the server keeps the allocated IP
    external = copy.deepcopy(new)
    external["spec"] = {"type": "ExternalName", "externalName": "db.example.com"}
    assert validate("", "Service", external, old) == []


def test_configmap_keys_and_immutable_data() -> None:
    """ConfigMaps: keys consist of alphanumerics, '-', '_' or '.'; "Immutable ConfigMaps": once
    immutable is true its data cannot change (only deletion and re-creation)."""
    bad = {"metadata": {"name": "c"}, "data": {"bad/key": "v", "ok.key": "v"}}
    causes = validate("", "ConfigMap", bad, None)
    assert causes[0]["field"] == "data[bad/key]"
    assert causes[0]["message"].startswith(
        "Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'")
    old = {"metadata": {"name": "c"}, "data": {"a": "1"}, "immutable": True}
    new = {"metadata": {"name": "c"}, "data": {"a": "2"}, "immutable": True}
    assert validate("", "ConfigMap", new, old) == [
        {"reason": "FieldValueForbidden", "field": "data",
         "message": "Forbidden: field is immutable when `immutable` is set"}]


def test_secret_type_specific_keys_and_immutable_type() -> None:
    """Secrets, "TLS Secrets": kubernetes.io/tls requires tls.crt and tls.key; the type of an
    existing Secret cannot be changed."""
    tls = {"metadata": {"name": "cert"}, "type": "kubernetes.io/tls", "data": {"tls.crt": "eA=="}}
    assert fields(validate("", "Secret", tls, None)) == {"data[tls.key]": "Required value"}
    old = {"metadata": {"name": "s"}, "type": "Opaque", "data": {}}
    new = {"metadata": {"name": "s"}, "type": "kubernetes.io/basic-auth", "data": {"username": "dQ=="}}
    assert fields(validate("", "Secret", new, old)) == {
        "type": 'Invalid value: "kubernetes.io/basic-auth": field is immutable'}


def test_pvc_needs_access_modes_and_storage_and_is_immutable_but_for_requests() -> None:
    """Persistent Volumes, "PersistentVolumeClaims" and "Expanding Persistent Volumes Claims":
    a claim requests an access mode and a storage size; only resources.requests may change (to
    grow a bound claim)."""
    pvc: dict[str, Any] = {"metadata": {"name": "data"}, "spec": {}}
    assert fields(validate("", "PersistentVolumeClaim", pvc, None)) == {
        "spec.accessModes": "Required value: at least 1 access mode is required",
        "spec.resources[storage]": "Required value"}
    old = {"metadata": {"name": "data"}, "status": {"phase": "Bound"},
           "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
    grown = copy.deepcopy(old)
    grown["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert validate("", "PersistentVolumeClaim", grown, old) == []
    changed = copy.deepcopy(old)
    changed["spec"]["accessModes"] = ["ReadWriteMany"]
    assert [c["field"] for c in validate("", "PersistentVolumeClaim", changed, old)] == ["spec"]
    shrunk = copy.deepcopy(old)
    shrunk["spec"]["resources"]["requests"]["storage"] = "512Mi"
    assert fields(validate("", "PersistentVolumeClaim", shrunk, old)) == {
        "spec.resources.requests.storage": "Forbidden: field can not be less than previous value"}


def test_rolebinding_role_ref_is_immutable_and_subjects_are_checked() -> None:
    """Using RBAC Authorization, "RoleBinding and ClusterRoleBinding": after you create a binding,
    you cannot change the Role or ClusterRole that it refers to."""
    rb = {"metadata": {"name": "read"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                                     "name": "reader"},
          "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "shop"}]}
    assert validate("rbac.authorization.k8s.io", "RoleBinding", rb, None) == []
    new = copy.deepcopy(rb)
    new["roleRef"]["name"] = "admin"
    assert fields(validate("rbac.authorization.k8s.io", "RoleBinding", new, rb)) == {
        "roleRef": 'Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"admin"}: '
                   "cannot change roleRef"}
    bad = {"metadata": {"name": "x"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
           "subjects": [{"kind": "Robot", "name": "r2"}]}
    assert fields(validate("rbac.authorization.k8s.io", "ClusterRoleBinding", bad, None)) == {
        "roleRef.kind": 'Unsupported value: "Role": supported values: "ClusterRole"',
        "subjects[0].kind": 'Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'}


def test_ingress_paths_need_a_path_type_and_an_absolute_path() -> None:
    """Ingress, "Path types": each path in an Ingress is required to have a corresponding path type;
    Prefix and Exact paths are absolute."""
    ing = {"metadata": {"name": "web"}, "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [
        {"path": "api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}},
        {"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
    assert fields(validate("networking.k8s.io", "Ingress", ing, None)) == {
        "spec.rules[0].http.paths[0].path": 'Invalid value: "api": must be an absolute path',
        "spec.rules[0].http.paths[1].pathType": "Required value: pathType must be specified"}
    empty = {"metadata": {"name": "web"}, "spec": {}}
    assert fields(validate("networking.k8s.io", "Ingress", empty, None)) == {
        "spec": "Invalid value: null: either `defaultBackend` or `rules` must be specified"}


def test_crd_name_versions_and_names() -> None:
    """Extend the Kubernetes API with CustomResourceDefinitions: the name must be
    <plural>.<group>; exactly one version is the storage version."""
    crd = {"metadata": {"name": "widgets.example.com"}, "spec": {
        "group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True,
                      "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
    apply_defaults("apiextensions.k8s.io", "CustomResourceDefinition", crd)
    assert validate("apiextensions.k8s.io", "CustomResourceDefinition", crd, None) == []
    bad = copy.deepcopy(crd)
    bad["metadata"]["name"] = "widgets"
    bad["spec"]["versions"].append({"name": "v2", "served": True, "storage": True,
                                    "schema": {"openAPIV3Schema": {"type": "object"}}})
    causes = fields(validate("apiextensions.k8s.io", "CustomResourceDefinition", bad, None))
    assert causes["metadata.name"] == 'Invalid value: "widgets": must be spec.names.plural+"."+spec.group'
    assert causes["spec.versions"].endswith(": must have exactly one version marked as storage version")


def test_custom_resources_are_validated_against_the_crd_schema() -> None:
    """CustomResourceDefinitions, "Validation": custom objects are validated against the
    openAPIV3Schema (types, required, enum, minimum/maximum, pattern)."""
    schema = {"type": "object", "properties": {"spec": {"type": "object", "required": ["size"], "properties": {
        "replicas": {"type": "integer", "minimum": 1, "maximum": 5},
        "size": {"type": "string", "enum": ["S", "M"]},
        "name": {"type": "string", "pattern": "^[a-z]+$"},
        "tags": {"type": "array", "items": {"type": "string"}}}}}}
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
           "spec": {"replicas": "three", "name": "Bad", "tags": ["a", 1]}}
    causes = validate("example.com", "Widget", obj, None, openapi_schema=schema)
    assert fields(causes) == {
        "spec.replicas": 'Invalid value: "three": spec.replicas in body must be of type integer: "string"',
        "spec.size": "Required value",
        "spec.name": "Invalid value: \"Bad\": spec.name in body should match '^[a-z]+$'",
        "spec.tags[1]": 'Invalid value: 1: spec.tags[1] in body must be of type string: "integer"'}
    obj["spec"] = {"replicas": 9, "size": "XL"}
    assert fields(validate("example.com", "Widget", obj, None, openapi_schema=schema)) == {
        "spec.replicas": "Invalid value: 9: spec.replicas in body should be less than or equal to 5",
        "spec.size": 'Unsupported value: "XL": supported values: "S", "M"'}


def test_crd_schemas_must_be_structural() -> None:
    """CustomResourceDefinitions, "Specifying a structural schema": every field specified in the
    schema has a type (object at the root) and arrays specify their items."""
    crd = {"metadata": {"name": "widgets.example.com"}, "spec": {
        "group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
            "type": "object", "properties": {"spec": {"properties": {"tags": {"type": "array"}}}}}}}]}}
    apply_defaults("apiextensions.k8s.io", "CustomResourceDefinition", crd)
    root = "spec.versions[0].schema.openAPIV3Schema"
    assert fields(validate("apiextensions.k8s.io", "CustomResourceDefinition", crd, None)) == {
        f"{root}.properties[spec].type": "Required value: must not be empty for specified object fields",
        f"{root}.properties[spec].properties[tags].items": "Required value: must be specified"}


def test_bodies_a_real_server_cannot_decode_are_bad_requests() -> None:
    """Secrets: values under data must be base64-encoded (use stringData for plain text); a real
    server fails to decode anything else (400 BadRequest, 'illegal base64 data at input byte N'),
    and likewise resource quantities that do not match the quantity syntax."""
    from kubesim.decoding import decode_error

    plain = {"metadata": {"name": "s"}, "data": {"ok": "aGVsbG8=", "password": "hunter 2"}}
    assert decode_error("", "Secret", plain) == (
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 6')
    assert decode_error("", "Secret", {"data": {"a": "abc"}}).endswith("at input byte 0")  # type: ignore[union-attr]
    assert decode_error("", "Secret", {"data": {"a": "aGk=\n"}}) is None
    dep: dict[str, Any] = {"spec": {"template": {"spec": {"containers": [
        {"name": "web", "image": "nginx", "resources": {"limits": {"memory": "1 GB"}}}]}}}}
    assert decode_error("apps", "Deployment", dep) == (
        'Deployment in version "v1" cannot be handled as a Deployment: quantities must match the regular '
        "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    dep["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"memory": "1Gi"}}
    assert decode_error("apps", "Deployment", dep) is None


_RBAC = "rbac.authorization.k8s.io"
_OTHER_KIND_CASES = [
    # (documentation rule, group, kind, object, old object, expected {field: message})
    ("Using RBAC Authorization, Role examples: a rule lists verbs and, for resources, apiGroups",
     _RBAC, "Role", {"metadata": {"name": "r"}, "rules": [{"resources": ["pods"]}]}, None,
     {"rules[0].verbs": "Required value: verbs must contain at least one value",
      "rules[0].apiGroups": "Required value: resource rules must supply at least one api group"}),
    ("Using RBAC Authorization: non-resource URLs are only for ClusterRoles",
     _RBAC, "Role", {"metadata": {"name": "r"}, "rules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]}, None,
     {"rules[0].nonResourceURLs": 'Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs'}),
    ("PodDisruptionBudget: you can specify only one of maxUnavailable and minAvailable",
     "policy", "PodDisruptionBudget", {"metadata": {"name": "p"}, "spec": {"minAvailable": 1, "maxUnavailable": 1}},
     None, {"spec": 'Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'}),
    ("HorizontalPodAutoscaler v2 API reference: maxReplicas >= minReplicas, scaleTargetRef kind and name",
     "autoscaling", "HorizontalPodAutoscaler", {"metadata": {"name": "h"}, "spec": {"minReplicas": 3, "maxReplicas": 2,
                                                                                    "scaleTargetRef": {}}}, None,
     {"spec.scaleTargetRef.kind": "Required value", "spec.scaleTargetRef.name": "Required value",
      "spec.maxReplicas": "Invalid value: 2: must be greater than or equal to `minReplicas`"}),
    ("Storage Classes: provisioner is required; parameters cannot be updated once created",
     "storage.k8s.io", "StorageClass", {"metadata": {"name": "fast"}, "provisioner": "csi.example.com",
                                        "parameters": {"type": "ssd"}},
     {"metadata": {"name": "fast"}, "provisioner": "csi.example.com", "parameters": {"type": "hdd"}},
     {"parameters": "Forbidden: updates to parameters are forbidden."}),
    ("Dynamic Admission Control: v1 webhooks must declare sideEffects and admissionReviewVersions",
     "admissionregistration.k8s.io", "ValidatingWebhookConfiguration",
     {"metadata": {"name": "w"}, "webhooks": [{"name": "check.example.com", "clientConfig": {"url": "https://x"}}]},
     None, {"webhooks[0].sideEffects": "Required value: must specify one of None, NoneOnDryRun",
            "webhooks[0].admissionReviewVersions": "Required value: must specify one of v1, v1beta1"}),
    ("Network Policies: policyTypes are Ingress and/or Egress",
     "networking.k8s.io", "NetworkPolicy", {"metadata": {"name": "n"}, "spec": {"podSelector": {},
                                                                                "policyTypes": ["Inbound"]}}, None,
     {"spec.policyTypes[0]": 'Unsupported value: "Inbound": supported values: "Ingress", "Egress"'}),
    ("Ingress, IngressClass: the controller field cannot be changed",
     "networking.k8s.io", "IngressClass", {"metadata": {"name": "nginx"}, "spec": {"controller": "example.com/b"}},
     {"metadata": {"name": "nginx"}, "spec": {"controller": "example.com/a"}},
     {"spec.controller": 'Invalid value: "example.com/b": field is immutable'}),
]


@pytest.mark.parametrize(("rule", "group", "kind", "obj", "old", "expected"), _OTHER_KIND_CASES,
                         ids=[c[2] + "-" + str(i) for i, c in enumerate(_OTHER_KIND_CASES)])
def test_other_kinds(rule: str, group: str, kind: str, obj: dict[str, Any], old: dict[str, Any] | None,
                     expected: dict[str, str]) -> None:
    """Each case names the documentation rule it checks (first tuple element)."""
    assert fields(validate(group, kind, obj, old)) == expected, rule
