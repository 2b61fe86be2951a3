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
    from kubesim.defaults import Allocator
    from kubesim.errors import ApiError

    alloc = Allocator()

    samples: list[tuple[str, str, dict[str, Any]]] = [
        ("apps", "Deployment", deployment()),
        ("", "Service", {"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}], "type": "NodePort"}}),
        ("", "Service", {"metadata": {"name": "t"}, "spec": {"ports": [{"port": 80, "nodePort": 30001}],
                                                             "clusterIP": "10.96.0.9", "clusterIPs": ["10.96.0.9"],
                                                             "type": "LoadBalancer"}}),
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
                calls: list[tuple[Any, tuple[Any, ...]]] = [
                    (alloc.admit_create, (copy.deepcopy(obj),)), (alloc.admit_update, (copy.deepcopy(obj), sample)),
                    (alloc.commit_update, (obj, sample)), (alloc.release, (obj,)), (alloc.observe, (obj,))]
                for method, args in calls:
                    try:
                        method(group, kind, *args)
                    except ApiError as exc:
                        assert exc.code == 422


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
