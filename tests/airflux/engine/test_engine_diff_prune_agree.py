"""Diff announces only the deletions prune makes: a stale Namespace something else lives in is "skipped"."""

from __future__ import annotations

from typing import Any

from engine_helpers import reconcile
from sample_app import DAG_ID, app, configmap

from airflux.kube import KubeClient
from airflux.model import Action, ObjRef

EXTRA = ObjRef("", "Namespace", "", "extra")
EXTRA_NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "extra"}}


def _namespace(client: KubeClient) -> dict[str, Any] | None:
    return client.get({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "extra"}})


def test_a_stale_namespace_holding_foreign_objects_is_reported_kept_and_survives(client: KubeClient) -> None:
    reconcile(client, app(extra=[EXTRA_NS, configmap("ours", namespace="extra")]), dag_id=DAG_ID)
    client.apply(configmap("theirs", namespace="extra"))  # no owner label: not ours

    result = reconcile(client, app(), dag_id=DAG_ID)

    ns = result.changes.get(EXTRA)
    assert ns is not None and ns.action is Action.SKIPPED
    assert ns.reason.startswith("kept: namespace still holds 1 object(s)")
    assert "ConfigMap/extra/theirs" in ns.reason
    ours = result.changes.get(ObjRef("", "ConfigMap", "extra", "ours"))
    assert ours is not None and ours.action is Action.DELETED
    assert "Namespace/extra deleted" not in result.changes.render()
    assert result.changes.counts()["deleted"] == 1
    live = _namespace(client)
    assert live is not None and not live["metadata"].get("deletionTimestamp")
    assert client.get(configmap("theirs", namespace="extra")) is not None
    assert result.pruned is not None and EXTRA in dict(result.pruned.kept)
    assert EXTRA in result.inventory.refs


def test_a_stale_namespace_that_still_gets_a_rendered_object_is_reported_kept(client: KubeClient) -> None:
    reconcile(client, app(extra=[EXTRA_NS]), dag_id=DAG_ID)

    # The Namespace leaves the render, a new object in it arrives: diff runs before apply creates it.
    result = reconcile(client, app(extra=[configmap("new", namespace="extra")]), dag_id=DAG_ID)

    ns = result.changes.get(EXTRA)
    assert ns is not None and ns.action is Action.SKIPPED
    assert "ConfigMap/extra/new" in ns.reason
    assert _namespace(client) is not None
    assert client.get(configmap("new", namespace="extra")) is not None


def test_a_stale_namespace_with_nothing_else_in_it_is_reported_deleted_and_deleted(client: KubeClient) -> None:
    reconcile(client, app(extra=[EXTRA_NS, configmap("ours", namespace="extra")]), dag_id=DAG_ID)

    result = reconcile(client, app(), dag_id=DAG_ID)

    ns = result.changes.get(EXTRA)
    assert ns is not None and ns.action is Action.DELETED
    assert result.pruned is not None and EXTRA in result.pruned.deleted
    live = _namespace(client)
    assert live is None or live["metadata"].get("deletionTimestamp")
