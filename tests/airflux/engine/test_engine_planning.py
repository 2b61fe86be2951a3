"""Pure planning rules: kind order and staging, prune decisions, inventory ids, takeover of kubectl fields."""

from __future__ import annotations

import pytest

from airflux.apply.kinds import apply_order, prune_order, stages
from airflux.diff.takeover import needs_takeover, predict_takeover, takeover_patch
from airflux.inventory.model import Entry, Inventory, object_id, parse_id
from airflux.model import ObjRef, PruneError
from airflux.ownership import OWNER_LABEL
from airflux.prune.namespaces import blocking_objects
from airflux.prune.plan import check_empty_render, plan_prune


def _obj(kind: str, name: str, api: str = "v1", ns: str | None = None, **meta: object) -> dict:
    m: dict = {"name": name, **meta}
    if ns:
        m["namespace"] = ns
    return {"apiVersion": api, "kind": kind, "metadata": m}


def test_definitions_come_first_then_class_kinds_then_the_rest_in_kind_order() -> None:
    objs = [_obj("Deployment", "web", "apps/v1", "shop"), _obj("Widget", "w", "example.com/v1", "shop"),
            _obj("Service", "web", ns="shop"), _obj("StorageClass", "fast", "storage.k8s.io/v1"),
            _obj("Namespace", "shop"), _obj("ConfigMap", "cfg", ns="shop"),
            _obj("CustomResourceDefinition", "widgets.example.com", "apiextensions.k8s.io/v1"),
            _obj("ClusterRole", "reader", "rbac.authorization.k8s.io/v1")]
    kinds = [[o["kind"] for o in s] for s in stages(objs)]
    assert kinds == [["CustomResourceDefinition", "Namespace", "ClusterRole"], ["StorageClass"],
                     ["ConfigMap", "Service", "Deployment", "Widget"]]


def test_prune_order_is_apply_order_reversed() -> None:
    refs = [ObjRef("", "Namespace", "", "shop"), ObjRef("apps", "Deployment", "shop", "web"),
            ObjRef("", "ConfigMap", "shop", "cfg")]
    assert prune_order(refs) == list(reversed(apply_order(refs)))
    assert prune_order(refs)[0].kind == "Deployment" and prune_order(refs)[-1].kind == "Namespace"


def test_inventory_ids_use_flux_form_and_round_trip() -> None:
    ref = ObjRef("apps", "Deployment", "shop", "web")
    assert object_id(ref) == "shop_web_apps_Deployment"
    assert parse_id("_shop__Namespace") == ObjRef("", "Namespace", "", "shop")
    assert parse_id(object_id(ref)) == ref
    with pytest.raises(ValueError):
        parse_id("nonsense")


def test_stale_entries_are_old_minus_new() -> None:
    a, b = Entry(ObjRef("", "ConfigMap", "shop", "a"), "v1"), Entry(ObjRef("", "Service", "shop", "b"), "v1")
    old, new = Inventory.of([a, b]), Inventory.of([a])
    assert old.stale(new) == (b,)


def test_prune_deletes_only_our_objects_that_did_not_opt_out() -> None:
    dag = "ks.shop.web"
    ours = _obj("ConfigMap", "ours", ns="shop", labels={OWNER_LABEL: dag})
    other_app = _obj("ConfigMap", "other", ns="shop", labels={OWNER_LABEL: "ks.shop.other"})
    unlabelled = _obj("ConfigMap", "manual", ns="shop")
    keep_me = _obj("ConfigMap", "keep", ns="shop", labels={OWNER_LABEL: dag},
                   annotations={"kustomize.toolkit.fluxcd.io/prune": "disabled"})
    live = {ObjRef.of(o): o for o in (ours, other_app, unlabelled, keep_me)}
    gone = ObjRef("", "ConfigMap", "shop", "gone")
    live[gone] = None
    entries = [Entry(r, "v1") for r in live]
    plan = plan_prune(entries, live, dag_id=dag)
    assert [e.ref.name for e in plan.delete] == ["ours"]
    assert sorted(e.ref.name for e, _ in plan.keep) == ["keep", "manual", "other"]
    assert [e.ref for e in plan.gone] == [gone]


def test_an_empty_render_never_prunes_everything_unless_allowed() -> None:
    with pytest.raises(PruneError, match="allow-empty"):
        check_empty_render(rendered=0, stale=5, allow_empty=False)
    check_empty_render(rendered=0, stale=5, allow_empty=True)
    check_empty_render(rendered=0, stale=0, allow_empty=False)


def test_a_namespace_is_in_use_while_it_holds_anything_that_is_not_pruned_now() -> None:
    dag = "ks.shop.web"
    ours = _obj("ConfigMap", "ours", ns="shop", labels={OWNER_LABEL: dag})
    contents = [_obj("ConfigMap", "kube-root-ca.crt", ns="shop"), _obj("ServiceAccount", "default", ns="shop"),
                _obj("ReplicaSet", "web-1", "apps/v1", "shop", ownerReferences=[{"kind": "Deployment"}]), ours]
    deleting = frozenset({ObjRef.of(ours)})
    assert blocking_objects(contents, deleting=deleting) == []
    theirs = _obj("Secret", "theirs", ns="shop")
    kept = _obj("ConfigMap", "kept", ns="shop", labels={OWNER_LABEL: dag},
                annotations={"kustomize.toolkit.fluxcd.io/prune": "disabled"})
    assert blocking_objects([*contents, theirs, kept], deleting=deleting) == [ObjRef.of(kept), ObjRef.of(theirs)]


def _with_fields(obj: dict, *entries: dict) -> dict:
    obj = dict(obj)
    obj["metadata"] = {**obj["metadata"], "managedFields": list(entries)}
    return obj


def test_fields_kubectl_added_are_taken_over_and_dropped_when_our_config_lacks_them() -> None:
    desired = _obj("ConfigMap", "cfg", ns="shop", labels={OWNER_LABEL: "d"})
    ours = {"manager": "airflux", "operation": "Apply", "fieldsV1": {"f:metadata": {"f:labels": {
        f"f:{OWNER_LABEL}": {}}}}}
    kubectl = {"manager": "kubectl-label", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {
        "f:team": {}}}}}
    live = _with_fields(_obj("ConfigMap", "cfg", ns="shop", labels={OWNER_LABEL: "d", "team": "x"}), ours, kubectl)
    assert needs_takeover(live)
    predicted = predict_takeover(live, live, desired, manager="airflux")
    assert predicted["metadata"]["labels"] == {OWNER_LABEL: "d"}
    ops = takeover_patch(live, manager="airflux")
    managers = [(e["manager"], e["operation"]) for e in ops[0]["value"]]
    assert managers == [("airflux", "Apply")]
    assert "f:team" in ops[0]["value"][0]["fieldsV1"]["f:metadata"]["f:labels"]


def test_subresource_writes_and_other_controllers_are_not_taken_over() -> None:
    scale = {"manager": "kubectl", "operation": "Update", "subresource": "scale", "fieldsV1": {}}
    hpa = {"manager": "hpa-controller", "operation": "Update", "fieldsV1": {}}
    live = _with_fields(_obj("Deployment", "web", "apps/v1", "shop"), scale, hpa)
    assert not needs_takeover(live) and takeover_patch(live, manager="airflux") == []


def test_live_fingerprint_ignores_status_but_sees_every_edit() -> None:
    from airflux.inventory.model import live_fingerprint

    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "shop", "generation": 1, "resourceVersion": "5",
                           "labels": {"app": "web"},
                           "managedFields": [{"manager": "airflux", "operation": "Apply"},
                                             {"manager": "kube-controller-manager", "operation": "Update",
                                              "subresource": "status"}]},
              "spec": {"replicas": 2}, "status": {"readyReplicas": 1}}
    base = live_fingerprint(deploy)
    status_moved = {**deploy, "status": {"readyReplicas": 2},
                    "metadata": {**deploy["metadata"], "resourceVersion": "6"}}
    assert live_fingerprint(status_moved) == base
    scaled = {**deploy, "metadata": {**deploy["metadata"], "generation": 2}, "spec": {"replicas": 5}}
    labelled = {**deploy, "metadata": {**deploy["metadata"], "labels": {"app": "web", "team": "ops"}}}
    edited_by = {**deploy, "metadata": {**deploy["metadata"], "managedFields": [
        *deploy["metadata"]["managedFields"], {"manager": "kubectl-edit", "operation": "Update"}]}}
    assert len({base, live_fingerprint(scaled), live_fingerprint(labelled), live_fingerprint(edited_by)}) == 4
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    assert live_fingerprint(cm) != live_fingerprint({**cm, "data": {"a": "2"}})
