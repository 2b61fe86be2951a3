"""Failures half-way never lose track of what Airflux applied, and never delete what it should keep."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import reconcile
from sample_app import DAG_ID, app, configmap

from airflux.apply import ApplyFailed
from airflux.inventory import InventoryOptions, read_inventory
from airflux.kube import KubeClient
from airflux.model import ObjRef
from airflux.prune import PruneFailed


def _live(client: KubeClient, name: str) -> dict[str, Any] | None:
    return client.get(configmap(name))


def test_a_failed_delete_stays_in_the_inventory_after_the_others_were_pruned(client: KubeClient,
                                                                             kubesim: Any) -> None:
    reconcile(client, app(extra=[configmap("a"), configmap("b"), configmap("c")]), dag_id=DAG_ID)
    kubesim.fail(method="DELETE", path="/configmaps/b", code=500, count=None)
    with pytest.raises(PruneFailed) as caught:
        reconcile(client, app(), dag_id=DAG_ID)
    assert [str(ref) for ref, _ in caught.value.result.failed] == ["ConfigMap/shop/b"]
    assert "ConfigMap/shop/b" in str(caught.value)
    assert _live(client, "a") is None and _live(client, "c") is None and _live(client, "b") is not None
    inventory = read_inventory(client, options=InventoryOptions(dag_id=DAG_ID))
    assert inventory is not None
    assert ObjRef("", "ConfigMap", "shop", "b") in inventory.refs
    assert ObjRef("", "ConfigMap", "shop", "a") not in inventory.refs
    kubesim.clear_faults()
    again = reconcile(client, app(), dag_id=DAG_ID)
    assert again.pruned is not None and [str(r) for r in again.pruned.deleted] == ["ConfigMap/shop/b"]
    assert _live(client, "b") is None


def test_objects_written_before_an_apply_failure_are_recorded(client: KubeClient, kubesim: Any) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    # The real apply of one object keeps failing (its dry-run passes): a server in trouble mid-way.
    kubesim.fail(method="PATCH", path=r"/configmaps/late\?(?!.*dryRun)", code=503, retry_after=0, count=None)
    objs = app(extra=[configmap("early"), configmap("late")])
    with pytest.raises(ApplyFailed) as caught:
        reconcile(client, objs, dag_id=DAG_ID)
    assert caught.value.retryable
    assert [str(ref) for ref, _ in caught.value.failures] == ["ConfigMap/shop/late"]
    inventory = read_inventory(client, options=InventoryOptions(dag_id=DAG_ID))
    assert inventory is not None and ObjRef("", "ConfigMap", "shop", "early") in inventory.refs
    assert ObjRef("apps", "Deployment", "shop", "web") in inventory.refs


def test_ssa_merge_keeps_fields_other_tools_added(client: KubeClient, kubesim: Any) -> None:
    merged = configmap("shared", annotations={"kustomize.toolkit.fluxcd.io/ssa": "Merge"})
    override = configmap("owned")
    reconcile(client, app(extra=[merged, override]), dag_id=DAG_ID)
    for name in ("shared", "owned"):
        proc = kubesim.kubectl("-n", "shop", "label", f"configmap/{name}", "team=ops")
        assert proc.returncode == 0, proc.stderr
    reconcile(client, app(extra=[merged, override]), dag_id=DAG_ID)
    assert _live(client, "shared")["metadata"]["labels"]["team"] == "ops"  # type: ignore[index]
    assert "team" not in _live(client, "owned")["metadata"]["labels"]  # type: ignore[index]
