"""Guarantees against kubesim: bad sets apply nothing, Flux annotations, CRDs, health timeouts, retries."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import reconcile
from sample_app import DAG_ID, app, configmap

from airflux.diff import DryRunFailed
from airflux.health import HealthCheckFailed, HealthOptions, Target, wait_healthy
from airflux.kube import KubeClient
from airflux.model import Action, DryRunError, HealthTimeout, ObjRef


def _live(client: KubeClient, api: str, kind: str, name: str, ns: str | None = "shop") -> dict[str, Any] | None:
    return client.get({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}})


def test_an_object_the_api_rejects_fails_the_diff_and_nothing_is_applied(client: KubeClient, kubesim: Any) -> None:
    reconcile(client, app(), dag_id=DAG_ID, wait=True)  # let the simulated controllers settle
    before = kubesim.snapshot()
    bad = app(conf="changed\n", extra=[configmap("new")])
    bad[3]["spec"]["replicas"] = -1
    bad.append({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "shop"}})
    with pytest.raises(DryRunError) as caught:
        reconcile(client, bad, dag_id=DAG_ID)
    err = caught.value
    assert isinstance(err, DryRunFailed)
    failing = {str(ref) for ref, _ in err.failures}
    assert failing == {"Deployment/shop/web", "Widget/shop/w"}
    assert "spec.replicas" in str(err) and "Widget" in str(err)
    assert kubesim.diff(before, kubesim.snapshot()) == []


def test_a_crd_and_its_custom_resource_apply_in_one_run(client: KubeClient) -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                      "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "shop"},
              "spec": {"size": 3}}
    result = reconcile(client, app(extra=[crd, widget]), dag_id=DAG_ID)
    assert result.changes.get(ObjRef("example.com", "Widget", "shop", "w")).action is Action.CREATED  # type: ignore[union-attr]
    live = _live(client, "example.com/v1", "Widget", "w")
    assert live is not None and live["spec"]["size"] == 3
    again = reconcile(client, app(extra=[crd, widget]), dag_id=DAG_ID)
    assert not again.changes.changed


def test_a_rollout_that_never_becomes_ready_times_out_naming_object_and_reason(client: KubeClient) -> None:
    objs = app()
    objs[3]["metadata"]["annotations"] = {"kubesim.io/fail": "true"}
    with pytest.raises(HealthTimeout) as caught:
        reconcile(client, objs, dag_id=DAG_ID, wait=True, timeout=1.5)
    err = caught.value
    assert isinstance(err, HealthCheckFailed)
    assert [str(h.ref) for h in err.not_ready] == ["Deployment/shop/web"]
    assert "Deployment/shop/web: InProgress: 0/2 replicas ready" in str(err)
    assert "Available=False: MinimumReplicasUnavailable" in str(err)


def test_ssa_annotations_ignore_and_if_not_present_leave_existing_objects_alone(client: KubeClient) -> None:
    ignored = configmap("ignored", annotations={"kustomize.toolkit.fluxcd.io/ssa": "Ignore"})
    once = configmap("once", annotations={"kustomize.toolkit.fluxcd.io/ssa": "IfNotPresent"})
    first = reconcile(client, app(extra=[ignored, once]), dag_id=DAG_ID)
    assert first.changes.get(ObjRef("", "ConfigMap", "shop", "ignored")).action is Action.SKIPPED  # type: ignore[union-attr]
    assert _live(client, "v1", "ConfigMap", "ignored") is None
    assert _live(client, "v1", "ConfigMap", "once") is not None
    once["data"] = {"k": "changed"}
    second = reconcile(client, app(extra=[ignored, once]), dag_id=DAG_ID)
    assert second.changes.get(ObjRef("", "ConfigMap", "shop", "once")).action is Action.SKIPPED  # type: ignore[union-attr]
    assert _live(client, "v1", "ConfigMap", "once")["data"] == {"k": "v"}  # type: ignore[index]


def test_an_immutable_change_recreates_the_object_only_when_forced(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    objs = app()
    for path in (("selector", "matchLabels"), ("template", "metadata", "labels")):
        target = objs[3]["spec"]
        for key in path:
            target = target[key]
        target["tier"] = "front"
    with pytest.raises(DryRunError, match="immutable"):
        reconcile(client, objs, dag_id=DAG_ID)
    objs[3]["metadata"]["annotations"] = {"kustomize.toolkit.fluxcd.io/force": "Enabled"}
    uid = _live(client, "apps/v1", "Deployment", "web")["metadata"]["uid"]  # type: ignore[index]
    result = reconcile(client, objs, dag_id=DAG_ID, recreate=False)
    assert ObjRef("apps", "Deployment", "shop", "web") in result.applied.recreated
    live = _live(client, "apps/v1", "Deployment", "web")
    assert live is not None and live["metadata"]["uid"] != uid
    assert live["spec"]["selector"]["matchLabels"]["tier"] == "front"


def test_health_checks_without_api_version_find_the_kind(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    targets = [Target.from_check(kind="Deployment", name="web", namespace="shop"),
               Target.from_check(kind="Service", name="web", namespace="shop", api_version="v1")]
    result = wait_healthy(client, targets, options=HealthOptions(timeout=5, interval=0.1))
    assert result.counts() == {"ready": 2, "not_ready": 0}
    with pytest.raises(HealthCheckFailed, match="Deployment/shop/missing: NotFound"):
        wait_healthy(client, [Target.from_check(kind="Deployment", name="missing", namespace="shop")],
                     options=HealthOptions(timeout=0.3, interval=0.1))


def test_a_live_object_marked_ignore_or_reconcile_disabled_is_left_alone(client: KubeClient, kubesim: Any) -> None:
    reconcile(client, app(extra=[configmap("a"), configmap("b")]), dag_id=DAG_ID)
    for name, note in (("a", "kustomize.toolkit.fluxcd.io/ssa=Ignore"),
                       ("b", "kustomize.toolkit.fluxcd.io/reconcile=disabled")):
        proc = kubesim.kubectl("-n", "shop", "annotate", f"configmap/{name}", note)
        assert proc.returncode == 0, proc.stderr
    changed = [configmap("a"), configmap("b")]
    for cm in changed:
        cm["data"] = {"k": "new"}
    result = reconcile(client, app(extra=changed), dag_id=DAG_ID)
    for name in ("a", "b"):
        assert result.changes.get(ObjRef("", "ConfigMap", "shop", name)).action is Action.SKIPPED  # type: ignore[union-attr]
        assert _live(client, "v1", "ConfigMap", name)["data"] == {"k": "v"}  # type: ignore[index]
