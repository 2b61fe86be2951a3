"""kubesim validation: the 422 causes a real API server returns for the mistakes manifests make.

Each test names the Kubernetes documentation or API reference rule it checks; the expected field
paths and messages are those of the API server (kubernetes/kubernetes pkg/apis/*/validation,
k8s.io/apimachinery pkg/util/validation).
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from kubesim.defaults import apply_defaults
from kubesim.validation import validate


def deployment(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "uid": "1b2c"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
        },
    }
    obj["spec"].update(spec)
    apply_defaults("apps", "Deployment", obj)
    return obj


def fields(causes: list[dict[str, str]]) -> dict[str, str]:
    return {c["field"]: c["message"] for c in causes}


def test_a_valid_deployment_has_no_causes() -> None:
    """Deployments concept page: the minimal nginx Deployment example is accepted."""
    assert validate("apps", "Deployment", deployment(), None) == []


def test_deployment_selector_must_match_template_labels() -> None:
    """Deployments, "Selector": spec.selector must match .spec.template.metadata.labels, or it
    will be rejected by the API."""
    obj = deployment()
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "api"}
    causes = validate("apps", "Deployment", obj, None)
    assert causes == [{"reason": "FieldValueInvalid", "field": "spec.template.metadata.labels",
                       "message": 'Invalid value: {"app":"api"}: `selector` does not match template `labels`'}]


def test_deployment_selector_is_required_and_may_not_be_empty() -> None:
    """Deployment v1 API reference: spec.selector is required; an empty selector is invalid."""
    obj = deployment()
    del obj["spec"]["selector"]
    assert fields(validate("apps", "Deployment", obj, None)) == {"spec.selector": "Required value"}
    obj["spec"]["selector"] = {}
    causes = validate("apps", "Deployment", obj, None)
    assert fields(causes)["spec.selector"] == "Invalid value: {}: empty selector is invalid for deployment"


def test_deployment_selector_is_immutable_in_apps_v1() -> None:
    """Deployments, "Label selector updates": in API version apps/v1 a Deployment's label selector
    is immutable after it gets created."""
    old = deployment()
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "fe"}}
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "fe"
    causes = validate("apps", "Deployment", new, old)
    assert causes == [{"reason": "FieldValueInvalid", "field": "spec.selector",
                       "message": 'Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable'}]


def test_containers_need_a_name_and_an_image() -> None:
    """Pod v1 API reference: Container.name and Container.image are required (image may only be
    omitted by higher-level config management, not in a pod template sent to the server)."""
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = [{"ports": [{"containerPort": 80}]}]
    causes = validate("apps", "Deployment", obj, None)
    assert {c["field"]: c["reason"] for c in causes} == {
        "spec.template.spec.containers[0].name": "FieldValueRequired",
        "spec.template.spec.containers[0].image": "FieldValueRequired",
    }
    obj["spec"]["template"]["spec"]["containers"] = []
    assert fields(validate("apps", "Deployment", obj, None)) == {"spec.template.spec.containers": "Required value"}


def test_container_names_are_unique_dns_labels() -> None:
    """Pod v1 API reference: each container name must be specified as a DNS_LABEL and be unique
    within the pod."""
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = [{"name": "Web", "image": "a"}, {"name": "b", "image": "a"},
                                                     {"name": "b", "image": "a"}]
    causes = fields(validate("apps", "Deployment", obj, None))
    assert causes["spec.template.spec.containers[0].name"].startswith(
        'Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '
        "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
        "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
    assert causes["spec.template.spec.containers[2].name"] == 'Duplicate value: "b"'


def test_enumerated_pod_fields_list_the_supported_values() -> None:
    """Pod v1 API reference: imagePullPolicy is one of Always, Never, IfNotPresent; container port
    protocol must be UDP, TCP or SCTP; a Deployment's pods may only restart Always."""
    obj = deployment()
    ctr = obj["spec"]["template"]["spec"]["containers"][0]
    ctr["imagePullPolicy"] = "Sometimes"
    ctr["ports"] = [{"containerPort": 70000, "protocol": "tcp"}]
    obj["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    causes = fields(validate("apps", "Deployment", obj, None))
    assert causes["spec.template.spec.containers[0].imagePullPolicy"] == (
        'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"')
    assert causes["spec.template.spec.containers[0].ports[0].containerPort"] == (
        "Invalid value: 70000: must be between 1 and 65535, inclusive")
    assert causes["spec.template.spec.containers[0].ports[0].protocol"] == (
        'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"')
    assert causes["spec.template.spec.restartPolicy"] == 'Unsupported value: "OnFailure": supported values: "Always"'


def test_volume_mounts_must_name_a_declared_volume() -> None:
    """Volumes concept page: each container's volumeMounts refer to volumes declared in
    .spec.volumes by name."""
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    assert fields(validate("apps", "Deployment", obj, None)) == {
        "spec.template.spec.containers[0].volumeMounts[0].name": 'Not found: "data"'}


def test_object_names_follow_the_rule_of_their_kind() -> None:
    """Object Names and IDs: most resources need DNS subdomain names, Namespaces RFC 1123 labels,
    Services RFC 1035 labels."""
    bad = validate("", "ConfigMap", {"metadata": {"name": "My_Config"}}, None)
    assert bad[0]["field"] == "metadata.name"
    assert bad[0]["message"].startswith('Invalid value: "My_Config": a lowercase RFC 1123 subdomain must consist')
    assert validate("", "ConfigMap", {"metadata": {"name": "app.config-1"}}, None) == []
    ns = fields(validate("", "Namespace", {"metadata": {"name": "team.a"}}, None))
    assert ns == {"metadata.name": 'Invalid value: "team.a": must not contain dots'}
    svc = {"metadata": {"name": "1web"}, "spec": {"ports": [{"port": 80}]}}
    assert fields(validate("", "Service", svc, None))["metadata.name"].startswith(
        'Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', '
        "start with an alphabetic character")
    assert fields(validate("", "ConfigMap", {"metadata": {}}, None)) == {
        "metadata.name": "Required value: name or generateName is required"}


def test_generate_name_may_end_with_a_dash() -> None:
    """Object Names and IDs / metadata.generateName: the server appends a suffix, so a prefix
    ending in '-' is valid."""
    assert validate("", "ConfigMap", {"metadata": {"generateName": "run-", "name": "run-x7k2p"}}, None) == []


def test_label_keys_and_values_follow_the_label_syntax() -> None:
    """Labels and Selectors, "Syntax and character set": optional DNS-subdomain prefix, a name of
    at most 63 characters, and values of at most 63 alphanumeric characters, '-', '_' or '.'."""
    meta = {"name": "x", "labels": {"example.com/tier": "front_end", "bad key": "v", "k": "-v-", "Prefix_/x": "v"}}
    causes = validate("", "ConfigMap", {"metadata": meta}, None)
    messages = [c["message"] for c in causes if c["field"] == "metadata.labels"]
    assert len(messages) == 3
    assert messages[0].startswith('Invalid value: "bad key": name part must consist of alphanumeric characters')
    assert messages[1].startswith('Invalid value: "-v-": a valid label must be an empty string or consist of')
    assert messages[2].startswith('Invalid value: "Prefix_/x": prefix part a lowercase RFC 1123 subdomain')
    long_value = validate("", "ConfigMap", {"metadata": {"name": "x", "labels": {"k": "v" * 64}}}, None)
    assert "must be no more than 63 characters" in long_value[0]["message"]


def test_annotations_are_limited_to_256_kib_in_total() -> None:
    """Annotations concept page: keys follow the label key syntax; the total size of all
    annotations is limited (256 KiB)."""
    meta = {"name": "x", "annotations": {"big": "x" * (256 * 1024)}}
    assert validate("", "ConfigMap", {"metadata": meta}, None) == [
        {"reason": "FieldValueTooLong", "field": "metadata.annotations",
         "message": "Too long: may not be more than 262144 bytes"}]


def test_job_pods_may_not_restart_always() -> None:
    """Jobs, "Pod Template": only a RestartPolicy equal to Never or OnFailure is allowed (the
    default Always is rejected)."""
    job = {"metadata": {"name": "migrate", "uid": "u-1"},
           "spec": {"template": {"spec": {"containers": [{"name": "m", "image": "busybox"}]}}}}
    apply_defaults("batch", "Job", job)
    assert validate("batch", "Job", job, None) == [
        {"reason": "FieldValueRequired", "field": "spec.template.spec.restartPolicy",
         "message": 'Required value: valid values: "OnFailure", "Never"'}]


def test_job_template_and_selector_are_immutable() -> None:
    """Jobs: a Job's pod template and selector cannot be updated after creation (the API server
    answers 'field is immutable')."""
    job = {"metadata": {"name": "migrate", "uid": "u-1"},
           "spec": {"template": {"spec": {"restartPolicy": "Never",
                                          "containers": [{"name": "m", "image": "busybox:1"}]}}}}
    apply_defaults("batch", "Job", job)
    new = copy.deepcopy(job)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:2"
    causes = validate("batch", "Job", new, job)
    assert [c["field"] for c in causes] == ["spec.template"]
    assert causes[0]["message"].endswith(": field is immutable")
    new = copy.deepcopy(job)
    new["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": "other"}}
    assert "spec.selector" in fields(validate("batch", "Job", new, job))


def test_cronjob_schedule_must_be_cron_syntax() -> None:
    """CronJob, "Schedule syntax": five fields (minute hour day-of-month month day-of-week) or a
    macro such as @hourly; names longer than 52 characters are rejected."""
    def cron(schedule: str, name: str = "report") -> dict[str, str]:
        obj = {"metadata": {"name": name}, "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {
            "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "r", "image": "busybox"}]}}}}}}
        apply_defaults("batch", "CronJob", obj)
        return fields(validate("batch", "CronJob", obj, None))
    assert cron("*/5 * * * *") == {}
    assert cron("@hourly") == {}
    assert cron("0 0 * *") == {"spec.schedule": 'Invalid value: "0 0 * *": expected exactly 5 fields, found 4: [0 0 * *]'}
    assert cron("61 * * * *") == {"spec.schedule": 'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'}
    assert cron("0 0 * * *", name="n" * 53) == {"metadata.name": f'Invalid value: "{"n" * 53}": must be no more than 52 characters'}


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


def test_statefulset_fields_other_than_the_mutable_ones_are_forbidden_to_change() -> None:
    """StatefulSet v1 API reference / StatefulSets concept: updates may only change replicas,
    ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds."""
    sts: dict[str, Any] = {"metadata": {"name": "db"}, "spec": {
        "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "pg"}]}}}}
    apply_defaults("apps", "StatefulSet", sts)
    assert validate("apps", "StatefulSet", sts, None) == []
    scaled = copy.deepcopy(sts)
    scaled["spec"]["replicas"] = 3
    assert validate("apps", "StatefulSet", scaled, sts) == []
    renamed = copy.deepcopy(sts)
    renamed["spec"]["serviceName"] = "db-headless"
    causes = validate("apps", "StatefulSet", renamed, sts)
    assert [c["reason"] for c in causes] == ["FieldValueForbidden"]
    assert causes[0]["message"].startswith("Forbidden: updates to statefulset spec for fields other than 'replicas'")


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


def test_validation_is_fast_enough_for_a_thousand_requests_a_second() -> None:
    """kubesim issue: the server must serve >1,000 requests/s; validating a typical Deployment
    update must cost a small fraction of a millisecond."""
    old = deployment()
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 3
    start = time.perf_counter()
    for _ in range(500):
        validate("apps", "Deployment", new, old)
    per_call = (time.perf_counter() - start) / 500
    assert per_call < 0.0005


def test_malformed_bodies_never_crash_validation_defaults_or_controllers() -> None:
    """kubesim issue, "Bad input": the server never crashes on bodies of the wrong shape; the
    behaviour modules turn them into causes (or leave them alone) instead of raising."""
    from kubesim.controllers import reconcile

    samples: list[tuple[str, str, dict[str, Any]]] = [
        ("apps", "Deployment", deployment()),
        ("", "Service", {"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}], "type": "NodePort"}}),
        ("batch", "Job", {"metadata": {"name": "j", "uid": "u"}, "spec": {"template": {"spec": {"containers": []}}}}),
        ("networking.k8s.io", "Ingress", {"metadata": {"name": "i"}, "spec": {"rules": [{"http": {"paths": [{}]}}]}}),
        ("rbac.authorization.k8s.io", "RoleBinding", {"metadata": {"name": "r"}, "roleRef": {}, "subjects": [{}]}),
    ]
    junk: list[Any] = ["text", 7, None, [1, "x"], {"a": [None]}, True]

    def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        out = [prefix] if prefix else []
        if isinstance(value, dict):
            for k, v in value.items():
                out.extend(paths(v, (*prefix, k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                out.extend(paths(v, (*prefix, i)))
        return out

    for group, kind, sample in samples:
        for path in paths(sample):
            for bad in junk:
                obj = copy.deepcopy(sample)
                parent: Any = obj
                for key in path[:-1]:
                    parent = parent[key]
                parent[path[-1]] = bad
                apply_defaults(group, kind, obj)
                assert isinstance(validate(group, kind, obj, sample), list)
                assert isinstance(validate(group, kind, obj, None), list)
                reconcile(group, kind, obj, since=0.0, now=1.0)


def test_container_requests_may_not_exceed_limits() -> None:
    """Resource Management for Pods and Containers: a container's request must not exceed its
    limit; resource names are the standard ones (cpu, memory, ephemeral-storage, hugepages-*) or
    extended resources with a domain prefix."""
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "1", "memory": "64Mi", "cpus": "1"}}
    assert fields(validate("apps", "Deployment", obj, None)) == {
        "spec.template.spec.containers[0].resources.requests[cpus]": 'Invalid value: "cpus": must be a standard resource for containers',
        "spec.template.spec.containers[0].resources.requests": 'Invalid value: "1": must be less than or equal to cpu limit of 500m'}


@pytest.mark.kubectl
def test_kubectl_shows_the_real_invalid_messages(kubesim: Any) -> None:
    """kubectl apply against an API server that rejects an object prints the server's Status
    message ('The Deployment "x" is invalid: <field>: <cause>') and exits 1."""
    manifest = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: web, image: nginx}]
"""
    result = kubesim.kubectl("apply", "-f", "-", input=manifest)
    assert result.returncode == 1
    assert ('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"api"}: '
            "`selector` does not match template `labels`") in result.stderr
    assert kubesim.kubectl("apply", "-f", "-", input=manifest.replace("app: api", "app: web")).returncode == 0
    changed = manifest.replace("app: api", "app: shop").replace("{app: web}}", "{app: shop}}")
    result = kubesim.kubectl("apply", "-f", "-", input=changed)
    assert result.returncode == 1
    assert 'spec.selector: Invalid value: {"matchLabels":{"app":"shop"}}: field is immutable' in result.stderr


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
    dep = deployment()
    dep["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"memory": "1 GB"}}
    assert decode_error("apps", "Deployment", dep) == (
        'Deployment in version "v1" cannot be handled as a Deployment: quantities must match the regular '
        "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    assert decode_error("apps", "Deployment", deployment()) is None


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
