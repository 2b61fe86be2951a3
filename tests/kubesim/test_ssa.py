"""Server-side apply rules, one test per rule, each citing the Kubernetes documentation section.

Base document: https://kubernetes.io/docs/reference/using-api/server-side-apply/
"""

from __future__ import annotations

import pytest
from ssa_helpers import (
    CM,
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
from kubesim.smp import PatchError

C0 = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}')


def test_apply_creates_the_object_when_absent() -> None:
    """Docs "Server-Side Apply" (intro): an intent "either creates a new object ... or is combined".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/
    """
    obj = do_apply(None, deployment(), "kubectl")
    assert obj["spec"]["replicas"] == 3
    assert obj["metadata"]["name"] == "web"
    e = entry(obj, "kubectl")
    assert e is not None
    assert (e["operation"], e["apiVersion"], e["fieldsType"], e["time"]) == (
        "Apply",
        "apps/v1",
        "FieldsV1",
        "2026-11-26T10:00:00Z",
    )


def test_managed_fields_record_matches_the_documented_example() -> None:
    """Docs "Field management" → "Example": the FieldsV1 record of an applied ConfigMap.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(
        None, configmap({"key": "some value"}, labels={"test-label": "test"}), "kubectl", schema=CM
    )
    assert entries(obj) == [
        {
            "manager": "kubectl",
            "operation": "Apply",
            "apiVersion": "v1",
            "time": "2026-11-26T10:00:00Z",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {"f:key": {}}, "f:metadata": {"f:labels": {"f:test-label": {}}}},
        }
    ]


def test_applier_owns_exactly_its_configuration() -> None:
    """Docs "Merge strategy": the applied config is the applier's fully specified intent.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(None, deployment(), "kubectl")
    assert owns(obj, "kubectl", "f:spec", "f:replicas")
    assert owns(obj, "kubectl", *C0, "f:image")
    assert owns(obj, "kubectl", "f:spec", "f:selector")  # LabelSelector is an atomic struct
    assert not owns(obj, "kubectl", "f:metadata", "f:name")  # identity is never owned
    again = do_apply(obj, deployment(replicas=None), "kubectl")
    assert not owns(again, "kubectl", "f:spec", "f:replicas")


def test_field_dropped_from_config_is_removed_when_nobody_else_owns_it() -> None:
    """Docs "Field management": a removed field not owned by any other manager is deleted.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(None, deployment(revisionHistoryLimit=5), "kubectl")
    obj = do_apply(obj, deployment(), "kubectl")
    assert "revisionHistoryLimit" not in obj["spec"]


def test_field_dropped_from_config_stays_when_another_applier_owns_it() -> None:
    """Docs "Merge strategy": each missing item "not managed by any other appliers is removed".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, partial({"replicas": 3}), "team-b")
    obj = do_apply(obj, deployment(replicas=None), "kubectl")
    assert obj["spec"]["replicas"] == 3
    assert owns(obj, "team-b", "f:spec", "f:replicas")
    assert not owns(obj, "kubectl", "f:spec", "f:replicas")


def test_field_dropped_from_config_stays_disowned_when_an_update_manager_owns_it() -> None:
    """Docs "Field management": the check covers every other field manager, Update ones included.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_update(
        obj, mutated(obj, lambda o: o["metadata"].setdefault("labels", {}).update(team="a")), "kubectl-label"
    )
    labelled = deployment()
    labelled["metadata"]["labels"] = {"team": "a"}
    obj = do_apply(obj, labelled, "kubectl")
    assert owns(obj, "kubectl", "f:metadata", "f:labels", "f:team")
    obj = do_apply(obj, deployment(), "kubectl")
    assert obj["metadata"]["labels"] == {"team": "a"}
    assert owns(obj, "kubectl-label", "f:metadata", "f:labels", "f:team")
    assert not owns(obj, "kubectl", "f:metadata", "f:labels", "f:team")


def test_list_map_item_dropped_from_config_is_removed() -> None:
    """Docs "Field management": "The same rule applies to associative list or map items".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    cfg = deployment()
    cfg["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    obj = do_apply(None, cfg, "kubectl")
    obj = do_apply(obj, deployment(), "kubectl")
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_conflict_names_the_field_and_the_manager() -> None:
    """Docs "Conflicts": changing a field another manager claims is a conflict naming both.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
    """
    obj = do_apply(None, deployment(), "kubectl")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, partial({"replicas": 5}), "team-b")
    assert [(c.manager, c.field) for c in err.value.conflicts] == [("kubectl", ".spec.replicas")]
    assert err.value.message == 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas'
    assert err.value.causes == [
        {"type": "FieldManagerConflict", "message": 'conflict with "kubectl"', "field": ".spec.replicas"}
    ]


def test_conflict_with_an_update_manager_names_its_api_version() -> None:
    """Docs "Conflicts" + "Field managers": Update managers are printed with the version they used.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
    """
    obj = do_update(None, deployment(), "kube-controller-manager")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, deployment(image="nginx:2"), "kubectl")
    assert err.value.message == (
        'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: '
        '.spec.template.spec.containers[name="nginx"].image'
    )


def test_conflict_lists_every_field_of_every_manager() -> None:
    """Docs "Conflicts": every conflicting field is reported.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
    """
    obj = do_apply(None, deployment(), "alpha")
    obj = do_apply(obj, partial({"minReadySeconds": 1}), "beta")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, deployment(replicas=4, image="x", minReadySeconds=2), "gamma")
    assert sorted((c.manager, c.field) for c in err.value.conflicts) == [
        ("alpha", ".spec.replicas"),
        ("alpha", '.spec.template.spec.containers[name="nginx"].image'),
        ("beta", ".spec.minReadySeconds"),
    ]
    assert err.value.message == (
        'Apply failed with 3 conflicts: conflicts with "alpha":\n'
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="nginx"].image\n'
        'conflicts with "beta":\n'
        "- .spec.minReadySeconds"
    )


def test_force_overwrites_and_moves_only_the_conflicting_fields() -> None:
    """Docs "Conflicts" → "Overwrite value, become sole manager" (force=true).
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, partial({"replicas": 5}), "hpa-like", force=True)
    assert obj["spec"]["replicas"] == 5
    assert owns(obj, "hpa-like", "f:spec", "f:replicas")
    assert not owns(obj, "kubectl", "f:spec", "f:replicas")
    assert owns(obj, "kubectl", *C0, "f:image")  # untouched fields stay


def test_same_value_is_shared_ownership_without_conflict() -> None:
    """Docs "Field management": appliers setting the same value share ownership.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, partial({"replicas": 3}), "team-b")
    assert owns(obj, "kubectl", "f:spec", "f:replicas")
    assert owns(obj, "team-b", "f:spec", "f:replicas")


def test_changing_a_shared_field_conflicts_for_any_sharer() -> None:
    """Docs "Field management": changing a shared field, "by any of the appliers", conflicts.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, partial({"replicas": 3}), "team-b")
    with pytest.raises(ssa.ApplyConflict) as err:
        do_apply(obj, deployment(replicas=4), "kubectl")
    assert [(c.manager, c.field) for c in err.value.conflicts] == [("team-b", ".spec.replicas")]


def test_omitting_a_field_gives_up_the_claim_and_keeps_the_value() -> None:
    """Docs "Conflicts" → "Don't overwrite value, give up management claim".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, partial({"replicas": 3}), "team-b")
    obj = do_apply(
        obj, {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}, "team-b"
    )
    assert obj["spec"]["replicas"] == 3
    assert entry(obj, "team-b") is None  # empty managers disappear


def test_update_takes_ownership_and_never_conflicts() -> None:
    """Docs "Operations in scope for field management": an update changing a managed field succeeds
    and moves that field's management to the updater.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#apply-and-update
    """
    obj = do_apply(
        None, configmap({"key": "some value"}, labels={"test-label": "test"}), "kubectl", schema=CM
    )
    obj = do_update(
        obj, mutated(obj, lambda o: o["data"].update(key="new value")), "kube-controller-manager", schema=CM
    )
    assert obj["data"] == {"key": "new value"}
    assert owns(obj, "kube-controller-manager", "f:data", "f:key")
    assert not owns(obj, "kubectl", "f:data", "f:key")
    assert owns(obj, "kubectl", "f:metadata", "f:labels", "f:test-label")
    e = entry(obj, "kube-controller-manager")
    assert e is not None and (e["operation"], e["time"]) == ("Update", "2026-11-26T11:00:00Z")


def test_update_that_removes_a_field_drops_it_from_every_manager() -> None:
    """Docs "Operations in scope for field management": both operations update managedFields.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#apply-and-update
    """
    obj = do_apply(None, deployment(minReadySeconds=3), "kubectl")
    obj = do_update(obj, mutated(obj, lambda o: o["spec"].pop("minReadySeconds")), "editor")
    assert not owns(obj, "kubectl", "f:spec", "f:minReadySeconds")
    assert entry(obj, "editor") is None  # it changed nothing it could own


def test_apply_rejects_managed_fields_in_the_body() -> None:
    """Docs "Operations in scope for field management": Apply cannot define managedFields.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#apply-and-update
    """
    cfg = deployment()
    cfg["metadata"]["managedFields"] = [{"manager": "x"}]
    with pytest.raises(PatchError):
        do_apply(None, cfg, "kubectl")


def test_noop_apply_returns_an_object_equal_to_the_live_one() -> None:
    """Docs "Serialization": a body with nothing to change "would make a no-change update".
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#serialization
    """
    obj = do_apply(None, deployment(), "kubectl")
    same = do_apply(obj, deployment(), "kubectl", now="2026-11-26T12:00:00Z")
    assert same == obj  # timestamps untouched: nothing written
    nothing = do_apply(
        obj,
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"}},
        "someone-else",
    )
    assert nothing == obj


def test_timestamp_moves_only_when_the_object_changes() -> None:
    """Docs "Field management" → "Example": ``time`` records when the manager last changed the object.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_apply(obj, deployment(replicas=4), "kubectl", now="2026-11-26T13:00:00Z")
    assert entry(obj, "kubectl")["time"] == "2026-11-26T13:00:00Z"  # type: ignore[index]


def test_managers_are_told_apart_by_operation_and_subresource() -> None:
    """Docs "Field managers": the same name as Apply and as Update are distinct managers.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers
    """
    obj = do_apply(None, deployment(), "kubectl")
    obj = do_update(obj, mutated(obj, lambda o: o["spec"].update(paused=True)), "kubectl")
    ops = sorted((e["manager"], e["operation"]) for e in entries(obj))
    assert ops == [("kubectl", "Apply"), ("kubectl", "Update")]
    status = mutated(obj, lambda o: o.update(status={"replicas": 3}))
    obj = do_update(obj, status, "kube-controller-manager", subresource="status")
    e = entry(obj, "kube-controller-manager")
    assert e is not None and e["subresource"] == "status"
    assert e["fieldsV1"] == {"f:status": {"f:replicas": {}}}
    assert [x["operation"] for x in entries(obj)] == [
        "Apply",
        "Update",
        "Update",
    ]  # sorted like a real server


def test_empty_struct_in_config_owns_nothing() -> None:
    """Docs "Merge strategy" (structured-merge-diff ToFieldSet): a declared struct field is not a
    field of its own; an empty one (``emptyDir: {}``) claims nothing, list items and leaves do.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
    """
    cfg = deployment()
    cfg["spec"]["template"]["spec"]["volumes"] = [{"name": "cache", "emptyDir": {}}]
    obj = do_apply(None, cfg, "kubectl")
    vol = entry(obj, "kubectl")["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:volumes"]  # type: ignore[index]
    assert vol == {'k:{"name":"cache"}': {".": {}, "f:name": {}}}
    assert obj["spec"]["template"]["spec"]["volumes"] == [{"name": "cache", "emptyDir": {}}]
