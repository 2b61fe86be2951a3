"""The resource registry: built-in kinds as a real API server names them, and CRD registration."""

from __future__ import annotations

from typing import Any

import pytest

from kubesim.resources import Registry, ResourceType, version_priority_key

# (group, version, plural, kind, namespaced, short names) as `kubectl api-resources` shows them
# against a Kubernetes 1.3x cluster.
EXPECTED = [
    ("", "v1", "namespaces", "Namespace", False, ("ns",)),
    ("", "v1", "configmaps", "ConfigMap", True, ("cm",)),
    ("", "v1", "secrets", "Secret", True, ()),
    ("", "v1", "services", "Service", True, ("svc",)),
    ("", "v1", "serviceaccounts", "ServiceAccount", True, ("sa",)),
    ("", "v1", "pods", "Pod", True, ("po",)),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, ("pvc",)),
    ("", "v1", "events", "Event", True, ("ev",)),
    ("apps", "v1", "deployments", "Deployment", True, ("deploy",)),
    ("apps", "v1", "statefulsets", "StatefulSet", True, ("sts",)),
    ("apps", "v1", "daemonsets", "DaemonSet", True, ("ds",)),
    ("apps", "v1", "replicasets", "ReplicaSet", True, ("rs",)),
    ("batch", "v1", "jobs", "Job", True, ()),
    ("batch", "v1", "cronjobs", "CronJob", True, ("cj",)),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", True, ("ing",)),
    ("networking.k8s.io", "v1", "ingressclasses", "IngressClass", False, ()),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, ("netpol",)),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", True, ()),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True, ()),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False, ()),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False, ()),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True, ("pdb",)),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ("hpa",)),
    ("storage.k8s.io", "v1", "storageclasses", "StorageClass", False, ("sc",)),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False, ("crd", "crds")),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration",
     False, ()),
    ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
     False, ()),
    ("coordination.k8s.io", "v1", "leases", "Lease", True, ()),
    # beyond the list: kinds GitOps repositories commonly carry
    ("", "v1", "resourcequotas", "ResourceQuota", True, ("quota",)),
    ("", "v1", "limitranges", "LimitRange", True, ("limits",)),
    ("", "v1", "persistentvolumes", "PersistentVolume", False, ("pv",)),
    ("", "v1", "endpoints", "Endpoints", True, ("ep",)),
    ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, ()),
    ("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", False, ("pc",)),
]


def widget_crd(**overrides: Any) -> dict[str, Any]:
    crd: dict[str, Any] = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList",
                      "shortNames": ["wd"], "categories": ["all", "gadgets"]},
            "versions": [
                {"name": "v1beta1", "served": True, "storage": False,
                 "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}},
                {"name": "v1", "served": True, "storage": True,
                 "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                     "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}},
                 "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                          "statusReplicasPath": ".status.replicas"}},
                 "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]},
                {"name": "v2alpha1", "served": False, "storage": False,
                 "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}},
            ],
        },
    }
    crd["spec"].update(overrides)
    return crd


@pytest.mark.parametrize(("group", "version", "plural", "kind", "namespaced", "short"), EXPECTED)
def test_every_builtin_kind_is_served_under_its_real_names(
    group: str, version: str, plural: str, kind: str, namespaced: bool, short: tuple[str, ...]
) -> None:
    rt = Registry().lookup(group, version, plural)
    assert rt is not None
    assert (rt.kind, rt.namespaced, rt.short_names, rt.singular) == (kind, namespaced, short, kind.lower())
    assert rt.api_version == (f"{group}/{version}" if group else version)
    assert rt.list_kind == f"{kind}List"


def test_workloads_are_in_the_all_category_and_config_is_not() -> None:
    reg = Registry()
    in_all = {rt.plural for rt in reg.all() if "all" in rt.categories}
    assert {"pods", "services", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs",
            "horizontalpodautoscalers"} <= in_all
    assert not {"configmaps", "secrets", "ingresses", "persistentvolumeclaims"} & in_all


def test_storage_version_hash_matches_a_real_server() -> None:
    assert Registry().lookup("", "v1", "configmaps").storage_version_hash == "qFsyl6wFWjQ="  # type: ignore[union-attr]


def test_subresources_verbs_and_generation_follow_the_real_server() -> None:
    reg = Registry()
    assert reg.lookup("apps", "v1", "deployments").subresources == {"status", "scale"}  # type: ignore[union-attr]
    assert reg.lookup("apps", "v1", "statefulsets").subresources >= {"scale"}  # type: ignore[union-attr]
    assert "scale" not in reg.lookup("apps", "v1", "daemonsets").subresources  # type: ignore[union-attr]
    assert "deletecollection" not in reg.lookup("", "v1", "namespaces").verbs  # type: ignore[union-attr]
    assert reg.lookup("apps", "v1", "deployments").has_generation  # type: ignore[union-attr]
    assert not reg.lookup("", "v1", "configmaps").has_generation  # type: ignore[union-attr]


def test_crd_registers_every_served_version_with_its_names_scope_and_subresources() -> None:
    reg = Registry()
    before = reg.generation
    types = reg.register_crd(widget_crd())
    assert [rt.version for rt in types] == ["v1", "v1beta1"]  # v2alpha1 is not served
    v1 = reg.lookup("example.com", "v1", "widgets")
    assert isinstance(v1, ResourceType)
    assert (v1.kind, v1.singular, v1.namespaced, v1.short_names, v1.categories) == (
        "Widget", "widget", True, ("wd",), ("all", "gadgets"))
    assert v1.subresources == {"status", "scale"}
    assert v1.verbs == ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
    assert reg.lookup("example.com", "v1beta1", "widgets").subresources == frozenset()  # type: ignore[union-attr]
    assert reg.lookup("example.com", "v2alpha1", "widgets") is None
    assert v1.is_custom and v1.has_generation and v1.crd_name == "widgets.example.com"
    beta = reg.lookup("example.com", "v1beta1", "widgets")
    assert beta is not None and beta.storage_version_hash == v1.storage_version_hash  # hash of the storage version
    assert reg.generation > before
    assert [rt.version for rt in reg.by_kind("example.com", "Widget")] == ["v1", "v1beta1"]
    assert ("example.com", ["v1", "v1beta1"]) in reg.groups()


def test_crd_schema_printer_columns_and_scale_paths_are_kept_per_version() -> None:
    reg = Registry()
    reg.register_crd(widget_crd())
    v1 = reg.lookup("example.com", "v1", "widgets")
    assert v1 is not None
    assert reg.openapi_schema(v1)["properties"]["spec"]["properties"]["size"] == {"type": "integer"}  # type: ignore[index]
    assert v1.printer_columns == (("Size", "integer", "", "", 0, ".spec.size"),)
    assert reg.scale_paths(v1) == {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}
    assert reg.openapi_schema(reg.lookup("", "v1", "pods")) is None  # type: ignore[arg-type]


def test_cluster_scoped_crd_and_custom_list_kind() -> None:
    reg = Registry()
    crd = widget_crd(scope="Cluster")
    crd["spec"]["names"]["listKind"] = "WidgetCollection"
    (rt, _) = reg.register_crd(crd)
    assert not rt.namespaced and rt.list_kind == "WidgetCollection"


def test_updating_a_crd_replaces_its_versions_and_unregistering_removes_them() -> None:
    reg = Registry()
    reg.register_crd(widget_crd())
    crd = widget_crd()
    crd["spec"]["versions"][0]["served"] = False
    reg.register_crd(crd)
    assert reg.lookup("example.com", "v1beta1", "widgets") is None
    assert reg.lookup("example.com", "v1", "widgets") is not None
    removed = reg.unregister_crd(crd)
    assert [rt.version for rt in removed] == ["v1"]
    assert reg.by_kind("example.com", "Widget") == []
    assert all(g != "example.com" for g, _ in reg.groups())
    assert reg.lookup("apps", "v1", "deployments") is not None


def test_version_priority_matches_kubernetes_ordering() -> None:
    versions = ["v1alpha1", "foo", "v2", "v1beta2", "v1", "v10beta1", "v11alpha2", "bar", "v1beta1"]
    assert sorted(versions, key=version_priority_key) == [
        "v2", "v1", "v10beta1", "v1beta2", "v1beta1", "v11alpha2", "v1alpha1", "bar", "foo"]
