"""List semantics per kind: the built-in table and CRD ``x-kubernetes-*`` markers."""

from __future__ import annotations

import pytest

from kubesim.schema import schema_for

TEMPLATE = ("spec", "template", "spec")


@pytest.mark.parametrize(
    ("group", "kind", "path", "expected"),
    [
        ("apps", "Deployment", (*TEMPLATE, "containers"), ("map", ("name",))),
        ("apps", "Deployment", (*TEMPLATE, "initContainers"), ("map", ("name",))),
        ("", "Pod", ("spec", "ephemeralContainers"), ("map", ("name",))),
        ("", "Pod", ("spec", "containers", "env"), ("map", ("name",))),
        ("", "Pod", ("spec", "containers", "ports"), ("map", ("containerPort", "protocol"))),
        ("", "Pod", ("spec", "containers", "volumeMounts"), ("map", ("mountPath",))),
        ("", "Pod", ("spec", "volumes"), ("map", ("name",))),
        ("", "Pod", ("spec", "imagePullSecrets"), ("map", ("name",))),
        ("", "Pod", ("spec", "tolerations"), ("atomic", ())),
        ("", "Pod", ("spec", "containers", "args"), ("atomic", ())),
        ("", "Service", ("spec", "ports"), ("map", ("port", "protocol"))),
        (
            "batch",
            "CronJob",
            ("spec", "jobTemplate", "spec", "template", "spec", "containers"),
            ("map", ("name",)),
        ),
        ("apps", "Deployment", ("status", "conditions"), ("map", ("type",))),
        ("batch", "Job", ("status", "conditions"), ("atomic", ())),
        ("", "ConfigMap", ("metadata", "finalizers"), ("set", ())),
        ("", "ConfigMap", ("metadata", "ownerReferences"), ("map", ("uid",))),
        ("rbac.authorization.k8s.io", "Role", ("rules",), ("atomic", ())),
    ],
)
def test_builtin_list_types(group: str, kind: str, path: tuple[str, ...], expected: tuple) -> None:
    """The list types a real API server's OpenAPI declares (``x-kubernetes-list-type``/``-map-keys``)."""
    assert schema_for(group, kind).list_type(path) == expected


def test_builtin_atomic_maps() -> None:
    """``+structType=atomic``/``+mapType=atomic``: label selectors, Service selector, nodeSelector."""
    dep = schema_for("apps", "Deployment")
    assert dep.is_atomic_map(("spec", "selector"))
    assert dep.is_atomic_map((*TEMPLATE, "nodeSelector"))
    assert schema_for("", "Service").is_atomic_map(("spec", "selector"))
    assert not dep.is_atomic_map(("metadata", "labels"))
    assert not dep.is_atomic_map(("spec", "template", "metadata", "labels"))


def test_key_defaults_for_protocol() -> None:
    pod = schema_for("", "Pod")
    assert pod.key_defaults(("spec", "containers", "ports")) == {"protocol": "TCP"}
    assert pod.key_defaults(("spec", "containers")) == {}


def test_strategic_merge_metadata() -> None:
    """patchStrategy/patchMergeKey tags: container ports merge on containerPort alone in SMP."""
    pod = schema_for("", "Pod")
    assert pod.patch_meta(("spec", "containers", "ports")).merge_key == "containerPort"
    assert pod.patch_meta(("spec", "volumes")).retain_keys
    assert pod.patch_meta(("spec", "tolerations")).strategy == ""
    assert pod.patch_meta(("metadata", "finalizers")).strategy == "merge"
    assert schema_for("apps", "Deployment").patch_meta(("spec", "strategy")).retain_keys
    assert pod.supports_strategic_merge


CRD = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["port", "protocol"],
                    "items": {
                        "type": "object",
                        "properties": {
                            "port": {"type": "integer"},
                            "protocol": {"type": "string", "default": "TCP"},
                        },
                    },
                },
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "plain": {"type": "array", "items": {"type": "string"}},
                "sel": {"type": "object", "x-kubernetes-map-type": "atomic"},
                "byName": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {"xs": {"type": "array", "x-kubernetes-list-type": "set"}},
                    },
                },
            },
        },
        "status": {
            "type": "object",
            "properties": {
                "conditions": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["type"],
                }
            },
        },
    },
}


def test_crd_markers() -> None:
    """Server-Side Apply docs "Merge strategy" / "Custom resources and Server-Side Apply"."""
    s = schema_for("example.com", "Widget", CRD)
    assert s.list_type(("spec", "ports")) == ("map", ("port", "protocol"))
    assert s.key_defaults(("spec", "ports")) == {"protocol": "TCP"}
    assert s.list_type(("spec", "tags")) == ("set", ())
    assert s.list_type(("spec", "plain")) == ("atomic", ())
    assert s.list_type(("spec", "unknown")) == ("atomic", ())
    assert s.list_type(("spec", "byName", "anyKey", "xs")) == ("set", ())
    assert s.list_type(("status", "conditions")) == ("map", ("type",))
    assert s.is_atomic_map(("spec", "sel"))
    assert not s.is_atomic_map(("spec", "byName"))
    assert s.list_type(("metadata", "finalizers")) == ("set", ())  # ObjectMeta keeps its own rules
    assert not s.supports_strategic_merge


def test_crd_schema_is_cached_until_it_changes() -> None:
    a = schema_for("example.com", "Cached", CRD)
    assert schema_for("example.com", "Cached", CRD) is a
    changed = {
        **CRD,
        "properties": {
            "spec": {
                "type": "object",
                "properties": {"ports": {"type": "array", "x-kubernetes-list-type": "set"}},
            }
        },
    }
    b = schema_for("example.com", "Cached", changed)
    assert b is not a
    assert b.list_type(("spec", "ports")) == ("set", ())


def test_value_structs_only_for_builtin_kinds() -> None:
    """Typed built-ins always carry spec/template structs; unstructured custom resources do not."""
    dep = schema_for("apps", "Deployment")
    assert dep.is_value_struct(("spec",))
    assert dep.is_value_struct(("spec", "template", "spec"))
    assert not dep.is_value_struct(("spec", "template", "spec", "securityContext"))
    cr = schema_for("example.com", "Widget", CRD)
    assert cr.is_value_struct(("metadata",))
    assert not cr.is_value_struct(("spec",))


def test_custom_resource_without_schema_is_unstructured() -> None:
    """Server-Side Apply docs "Custom resources and Server-Side Apply": all lists atomic by default."""
    s = schema_for("example.com", "NoSchema")
    assert s.list_type(("spec", "template", "spec", "containers")) == ("atomic", ())
    assert not s.supports_strategic_merge
