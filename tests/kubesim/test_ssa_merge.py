"""Server-side apply: list/map merge strategy, custom resources, ownership hand-overs, migrations.

Each test cites its section of https://kubernetes.io/docs/reference/using-api/server-side-apply/
"""

from __future__ import annotations

import json
import time

import pytest
from ssa_helpers import (
    DEPLOY,
    configmap,
    deployment,
    do_apply,
    do_update,
    entries,
    entry,
    mutated,
    owns,
    partial,
)

from kubesim import ssa
from kubesim.schema import schema_for
from kubesim.smp import PatchError

POD_SPEC = ("f:spec", "f:template", "f:spec")


def _containers(obj: dict) -> list[dict]:
    return obj["spec"]["template"]["spec"]["containers"]


def test_list_map_items_merge_by_key_and_keep_other_managers_items() -> None:
    """Docs "Merge strategy": ``listType=map`` items are identified by their keys, so different
    managers can manage entries separately (containers by name).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(None, deployment(), "kubectl")
    sidecar = partial({"template": {"spec": {"containers": [{"name": "proxy", "image": "envoy"}]}}})
    obj = do_apply(obj, sidecar, "mesh-injector")
    assert [c["name"] for c in _containers(obj)] == ["nginx", "proxy"]
    assert owns(obj, "mesh-injector", *POD_SPEC, "f:containers", 'k:{"name":"proxy"}', "f:image")
    obj = do_apply(obj, deployment(image="nginx:2"), "kubectl")
    assert [(c["name"], c["image"]) for c in _containers(obj)] == [("nginx", "nginx:2"), ("proxy", "envoy")]


def test_container_ports_are_keyed_by_port_and_defaulted_protocol() -> None:
    """Docs "Merge strategy": ``listMapKey`` may be several fields (``["port", "protocol"]``); an
    omitted key field takes its schema default (protocol TCP).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(None, deployment(), "kubectl")
    key = 'k:{"containerPort":80,"protocol":"TCP"}'
    assert owns(obj, "kubectl", *POD_SPEC, "f:containers", 'k:{"name":"nginx"}', "f:ports", key)
    udp = deployment()
    _containers(udp)[0]["ports"] = [{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}]
    obj = do_apply(obj, udp, "kubectl")
    assert _containers(obj)[0]["ports"] == [{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}]


def test_service_ports_are_keyed_by_port_and_protocol() -> None:
    """Docs "Merge strategy" (``listMapKey`` example ``["port", "protocol"]``).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    svc = schema_for("", "Service")
    cfg = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "a"}, "ports": [{"port": 80, "targetPort": 8080}]},
    }
    obj = do_apply(None, cfg, "kubectl", schema=svc)
    fields = entry(obj, "kubectl")["fieldsV1"]  # type: ignore[index]
    assert fields["f:spec"] == {
        "f:ports": {'k:{"port":80,"protocol":"TCP"}': {"f:port": {}, "f:targetPort": {}, ".": {}}},
        "f:selector": {},
    }


def test_sets_merge_item_by_item() -> None:
    """Docs "Merge strategy": ``listType=set`` lets managers own scalar items separately (finalizers).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(
        None, configmap({}, finalizers=["a.example/one"]), "one", schema=schema_for("", "ConfigMap")
    )
    obj = do_apply(
        obj, configmap({}, finalizers=["b.example/two"]), "two", schema=schema_for("", "ConfigMap")
    )
    assert obj["metadata"]["finalizers"] == ["a.example/one", "b.example/two"]
    assert owns(obj, "two", "f:metadata", "f:finalizers", 'v:"b.example/two"')
    obj = do_apply(obj, configmap({}), "one", schema=schema_for("", "ConfigMap"))
    assert obj["metadata"]["finalizers"] == ["b.example/two"]


def test_atomic_list_has_a_single_owner_and_is_replaced_whole() -> None:
    """Docs "Merge strategy": an ``atomic`` list is replaced whole and owned by a single manager
    (tolerations).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    tol = [{"key": "a", "operator": "Exists"}]
    cfg = deployment()
    cfg["spec"]["template"]["spec"]["tolerations"] = tol
    obj = do_apply(None, cfg, "kubectl")
    assert owns(obj, "kubectl", *POD_SPEC, "f:tolerations")
    other = partial({"template": {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}}})
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, other, "team-b")
    assert err.value.conflicts[0].field == ".spec.template.spec.tolerations"
    obj = do_apply(obj, other, "team-b", force=True)
    assert obj["spec"]["template"]["spec"]["tolerations"] == [{"key": "b", "operator": "Exists"}]


def test_atomic_struct_is_owned_as_one_field() -> None:
    """Docs "Merge strategy": ``structType=atomic`` (a LabelSelector) is replaced and owned whole.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(None, deployment(), "kubectl")
    assert entry(obj, "kubectl")["fieldsV1"]["f:spec"]["f:selector"] == {}  # type: ignore[index]
    changed = partial({"selector": {"matchLabels": {"app": "other"}}})
    obj = do_apply(obj, changed, "kubectl")
    assert obj["spec"]["selector"] == {"matchLabels": {"app": "other"}}


CRD_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "items": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["id"],
                    "items": {
                        "type": "object",
                        "properties": {"id": {"type": "string"}, "v": {"type": "integer"}},
                    },
                },
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "plain": {"type": "array", "items": {"type": "string"}},
                "data": {
                    "type": "object",
                    "x-kubernetes-map-type": "atomic",
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    },
}


def _cr(**spec: object) -> dict:
    return {"apiVersion": "example.com/v1", "kind": "Foo", "metadata": {"name": "foo"}, "spec": spec}


def test_custom_resource_lists_follow_x_kubernetes_list_type() -> None:
    """Docs "Custom resources and Server-Side Apply": schema markers decide merging; lists without
    them are atomic.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#custom-resources-and-server-side-apply
    """
    sch = schema_for("example.com", "Foo", CRD_SCHEMA)
    obj = do_apply(None, _cr(items=[{"id": "a", "v": 1}], tags=["x"], plain=["p"]), "one", schema=sch)
    obj = do_apply(obj, _cr(items=[{"id": "b", "v": 2}], tags=["y"]), "two", schema=sch)
    assert obj["spec"]["items"] == [{"id": "a", "v": 1}, {"id": "b", "v": 2}]
    assert obj["spec"]["tags"] == ["x", "y"]
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, _cr(plain=["q"]), "two", schema=sch)
    assert err.value.conflicts[0].field == ".spec.plain"


def test_custom_resource_atomic_map() -> None:
    """Docs "Merge strategy" (``x-kubernetes-map-type: atomic`` for CRDs).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    sch = schema_for("example.com", "Foo", CRD_SCHEMA)
    obj = do_apply(None, _cr(data={"key1": "val1", "key2": "val2"}), "manager-one", schema=sch)
    assert entry(obj, "manager-one")["fieldsV1"] == {"f:spec": {"f:data": {}}}  # type: ignore[index]
    obj = do_apply(obj, _cr(data={"key1": "val1"}), "manager-one", schema=sch)
    assert obj["spec"]["data"] == {"key1": "val1"}


def test_custom_resource_without_markers_treats_lists_as_atomic() -> None:
    """Docs "Custom resources and Server-Side Apply": "all lists are considered atomic".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#custom-resources-and-server-side-apply
    """
    sch = schema_for(
        "example.com",
        "Bar",
        {
            "type": "object",
            "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
        },
    )  # no list markers at all
    cfg = {
        "apiVersion": "example.com/v1",
        "kind": "Bar",
        "metadata": {"name": "b"},
        "spec": {"l": [{"a": 1}]},
    }
    obj = do_apply(None, cfg, "m", schema=sch)
    assert entry(obj, "m")["fieldsV1"] == {"f:spec": {"f:l": {}}}  # type: ignore[index]


def test_controller_applies_without_reading_and_forces() -> None:
    """Docs "Using Server-Side Apply in a controller": no read or resourceVersion needed, force
    conflicts; fields the controller never applied cannot be removed by applying.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#using-server-side-apply-in-a-controller
    """
    obj = do_apply(None, deployment(), "kubectl")
    ctrl = partial({"replicas": 7})
    obj = do_apply(obj, ctrl, "my-controller", force=True)
    assert obj["spec"]["replicas"] == 7
    obj = do_apply(obj, partial({"replicas": 7}, labels={"x": "y"}), "my-controller", force=True)
    obj = do_apply(obj, partial({"replicas": 7}), "my-controller", force=True)
    assert "labels" not in obj["metadata"]  # its own label goes
    assert _containers(obj)[0]["image"] == "nginx:1.25"  # never applied by it: stays


def test_transferring_replicas_to_an_autoscaler() -> None:
    """Docs "Transferring ownership": hand ``replicas`` over via a temporary manager; the temporary
    manager disappears once the HPA writes the field.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership
    """
    obj = do_apply(None, deployment(replicas=3), "kubectl")
    obj = do_apply(obj, partial({"replicas": 3}), "handover-to-hpa")
    obj = do_apply(obj, deployment(replicas=None), "kubectl")
    assert obj["spec"]["replicas"] == 3  # never reset to the default
    assert owns(obj, "handover-to-hpa", "f:spec", "f:replicas")
    scaled = mutated(obj, lambda o: o["spec"].update(replicas=5))
    obj = do_update(obj, scaled, "kube-controller-manager")
    assert entry(obj, "handover-to-hpa") is None
    assert owns(obj, "kube-controller-manager", "f:spec", "f:replicas")


def test_transferring_ownership_between_managers() -> None:
    """Docs "Transferring ownership" → "Transferring ownership between managers": share, then drop.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership
    """
    obj = do_apply(None, deployment(minReadySeconds=10), "old-owner")
    obj = do_apply(obj, partial({"minReadySeconds": 10}), "new-owner")
    obj = do_apply(obj, deployment(), "old-owner")
    assert obj["spec"]["minReadySeconds"] == 10
    assert owns(obj, "new-owner", "f:spec", "f:minReadySeconds")
    assert not owns(obj, "old-owner", "f:spec", "f:minReadySeconds")


def test_clearing_managed_fields_with_a_single_empty_entry() -> None:
    """Docs "Clearing managedFields": ``[{}]`` strips them; ``[]`` does not; combined with other
    changes the updater then owns just those.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#clearing-managedfields
    """
    obj = do_apply(None, deployment(), "kubectl")
    cleared = do_update(obj, mutated(obj, lambda o: o["metadata"].update(managedFields=[{}])), "patcher")
    assert "managedFields" not in cleared["metadata"]
    kept = do_update(obj, mutated(obj, lambda o: o["metadata"].update(managedFields=[])), "patcher")
    assert entries(kept) == entries(obj)

    def reset_and_change(o: dict) -> None:
        o["metadata"]["managedFields"] = [{}]
        o["spec"]["replicas"] = 9

    both = do_update(obj, mutated(obj, reset_and_change), "patcher")
    assert [e["manager"] for e in entries(both)] == ["patcher"]
    assert entry(both, "patcher")["fieldsV1"] == {"f:spec": {"f:replicas": {}}}  # type: ignore[index]


def test_first_apply_after_clearing_conflicts_with_before_first_apply() -> None:
    """Docs "Clearing managedFields": with no managers left, the API server attributes the existing
    fields to ``before-first-apply`` when the next apply comes.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#clearing-managedfields
    """
    obj = do_apply(None, deployment(), "kubectl")
    cleared = do_update(obj, mutated(obj, lambda o: o["metadata"].update(managedFields=[{}])), "patcher")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(cleared, deployment(replicas=1), "kubectl")
    assert {c.manager for c in err.value.conflicts} == {"before-first-apply"}
    same = do_apply(cleared, deployment(), "kubectl")
    assert {e["manager"] for e in entries(same)} == {"before-first-apply", "kubectl"}


def test_upgrade_from_client_side_apply_takes_over_without_conflicts() -> None:
    """Docs "Upgrading from client-side apply to server-side apply": kubectl takes over the fields
    of the last-applied-configuration; a field changed since (kubectl scale) still conflicts.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#upgrading-from-client-side-apply-to-server-side-apply
    """
    csa = deployment()
    csa["metadata"]["annotations"] = {ssa.LAST_APPLIED: json.dumps(deployment())}
    obj = do_update(None, csa, "kubectl-client-side-apply")
    upgraded = do_apply(obj, deployment(image="nginx:2"), "kubectl")
    assert _containers(upgraded)[0]["image"] == "nginx:2"
    with pytest.raises(ssa.ApplyConflict):
        do_apply(obj, deployment(image="nginx:2"), "my-manager")  # only the kubectl manager upgrades
    scaled = do_update(obj, mutated(obj, lambda o: o["spec"].update(replicas=6)), "kubectl-scale")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(scaled, deployment(replicas=3), "kubectl")
    assert [(c.manager, c.field) for c in err.value.conflicts] == [("kubectl-scale", ".spec.replicas")]


def test_downgrade_keeps_last_applied_configuration_current() -> None:
    """Docs "Downgrading from server-side apply to client-side apply": kubectl's server-side apply
    keeps the annotation up to date (only for the ``kubectl`` manager).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#downgrading-from-server-side-apply-to-client-side-apply
    """
    csa = deployment()
    csa["metadata"]["annotations"] = {ssa.LAST_APPLIED: json.dumps(deployment())}
    obj = do_update(None, csa, "kubectl-client-side-apply")
    obj = do_apply(obj, deployment(replicas=4), "kubectl")
    last = json.loads(obj["metadata"]["annotations"][ssa.LAST_APPLIED])
    assert last["spec"]["replicas"] == 4
    other = do_apply(obj, partial({"minReadySeconds": 1}), "my-manager")
    assert other["metadata"]["annotations"] == obj["metadata"]["annotations"]


def test_invalid_apply_configurations_are_rejected() -> None:
    """Docs "Field management" → "Example": "If the fully specified intent does not produce a valid
    object, the request fails" (list-map items need their keys, keys must be unique).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    nameless = partial({"template": {"spec": {"containers": [{"image": "x"}]}}})
    with pytest.raises(PatchError, match='omits key field "name"'):
        do_apply(None, nameless, "kubectl")
    dup = partial({"template": {"spec": {"containers": [{"name": "a"}, {"name": "a"}]}}})
    with pytest.raises(PatchError, match="duplicate entries"):
        do_apply(None, dup, "kubectl")


def test_apply_of_a_typical_deployment_is_fast() -> None:
    """kubesim serves >1,000 requests/s: an apply must cost well under a couple of milliseconds."""
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_update(
        obj,
        mutated(obj, lambda o: o.update(status={"replicas": 3, "readyReplicas": 3})),
        "kube-controller-manager",
        subresource="status",
    )
    cfg = deployment(replicas=4)
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        ssa.apply(obj, cfg, manager="kubectl", force=False, schema=DEPLOY, api_version="apps/v1", now="t")
    per_apply = (time.perf_counter() - start) / n
    assert per_apply < 0.003, f"{per_apply * 1000:.2f} ms per apply"


def test_more_than_ten_update_managers_collapse_into_ancient_changes() -> None:
    """Docs "Field managers" (API server side: at most ten Update managers are kept, the oldest are
    merged into ``ancient-changes``).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers
    """
    obj = do_apply(None, deployment(), "kubectl")
    for i in range(12):
        label = mutated(obj, lambda o, i=i: o["metadata"].setdefault("labels", {}).update({f"l{i}": "x"}))
        obj = do_update(obj, label, f"updater-{i:02d}", now=f"2026-11-26T11:00:{i:02d}Z")
    updaters = [e["manager"] for e in entries(obj) if e["operation"] == "Update"]
    assert len(updaters) == 10
    assert "ancient-changes" in updaters
    assert "updater-00" not in updaters and "updater-11" in updaters
    assert owns(obj, "ancient-changes", "f:metadata", "f:labels", "f:l0")


def test_custom_resource_map_entries_holding_objects_are_members() -> None:
    """Docs "Merge strategy" (``mapType=granular``): an applier owns each entry of a free-form map.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "byName": {
                        "type": "object",
                        "additionalProperties": {"type": "object", "properties": {"x": {"type": "integer"}}},
                    }
                },
            }
        },
    }
    sch = schema_for("example.com", "Baz", schema)
    cfg = {
        "apiVersion": "example.com/v1",
        "kind": "Baz",
        "metadata": {"name": "b"},
        "spec": {"byName": {"a": {"x": 1}}},
    }
    obj = do_apply(None, cfg, "m", schema=sch)
    assert entry(obj, "m")["fieldsV1"] == {"f:spec": {"f:byName": {"f:a": {".": {}, "f:x": {}}}}}  # type: ignore[index]


def test_owner_references_are_atomic_items_of_a_list_map() -> None:
    """Docs "Merge strategy" (``structType=atomic`` items of a ``listType=map``): each owner reference
    is keyed by uid and owned whole.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": True}
    obj = do_update(
        None,
        configmap({}, ownerReferences=[ref]),
        "kube-controller-manager",
        schema=schema_for("", "ConfigMap"),
    )
    fields = entry(obj, "kube-controller-manager")["fieldsV1"]  # type: ignore[index]
    assert fields["f:metadata"]["f:ownerReferences"] == {".": {}, 'k:{"uid":"u1"}': {}}
