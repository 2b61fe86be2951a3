"""A reconciled app over its life against kubesim: create, no-op, change, drift, prune safety."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import reconcile
from sample_app import DAG_ID, app, configmap

from airflux.inventory import InventoryOptions, read_inventory
from airflux.kube import KubeClient
from airflux.model import Action, ObjRef, PruneError
from airflux.ownership import OWNER_LABEL

KUBECTL = str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "kubectl")


def _live(client: KubeClient, api: str, kind: str, name: str, ns: str | None = "shop") -> dict[str, Any] | None:
    return client.get({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}})


def _rvs(client: KubeClient, objects: list[dict[str, Any]]) -> dict[str, str]:
    out = {}
    for o in objects:
        live = client.get(o)
        assert live is not None, ObjRef.of(o)
        out[str(ObjRef.of(o))] = live["metadata"]["resourceVersion"]
    return out


def _kubectl(kubesim: Any, *args: str) -> str:
    proc = subprocess.run([KUBECTL, "--kubeconfig", str(kubesim.kubeconfig), *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_first_apply_creates_every_object_labelled_and_records_the_inventory(client: KubeClient,
                                                                           kubesim: Any) -> None:
    result = reconcile(client, app(), dag_id=DAG_ID)
    listed = _kubectl(kubesim, "get", "deployments,services,configmaps,secrets", "-n", "shop",
                      "-l", f"{OWNER_LABEL}={DAG_ID}", "-o", "name")
    assert sorted(listed.split()) == ["configmap/cfg", "deployment.apps/web", "secret/db", "service/web"]
    assert {c.action for c in result.changes.changes} == {Action.CREATED}
    assert result.applied.counts()["created"] == 5
    deploy = _live(client, "apps/v1", "Deployment", "web")
    assert deploy is not None and deploy["metadata"]["labels"][OWNER_LABEL] == DAG_ID
    inventory = read_inventory(client, options=InventoryOptions(dag_id=DAG_ID))
    assert inventory is not None
    assert {e.id for e in inventory.entries} == {
        "_shop__Namespace", "shop_cfg__ConfigMap", "shop_db__Secret", "shop_web_apps_Deployment",
        "shop_web__Service"}
    cm = _live(client, "v1", "ConfigMap", "ks.shop.web", "airflux-system")
    assert cm is not None and "shop_web_apps_Deployment" in cm["data"]["entries"]


def test_a_second_reconcile_of_the_same_set_writes_nothing(client: KubeClient,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        reconcile(client, app(), dag_id=DAG_ID, wait=True)
    assert "Deployment/shop/web: 2/2 replicas available" in caplog.messages
    assert "5/5 ready" in caplog.messages
    before = _rvs(client, app())
    again = reconcile(client, app(), dag_id=DAG_ID)
    assert {c.action for c in again.changes.changes} == {Action.UNCHANGED}
    assert not again.changes.changed
    assert _rvs(client, app()) == before


def test_a_second_reconcile_without_the_inventory_shortcut_also_writes_nothing(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID, wait=True)
    before = _rvs(client, app())
    # force=False but no recorded fingerprints: every object goes through the server-side dry-run.
    from airflux.diff import DiffOptions, diff
    changes = diff(client, app(), options=DiffOptions(dag_id=DAG_ID))
    assert {c.action for c in changes.changes} == {Action.UNCHANGED}
    assert _rvs(client, app()) == before


def test_a_changed_value_and_a_removed_service_are_configured_and_deleted(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    result = reconcile(client, app(conf="port=80\nworkers=4\nlog=info\n", service=False), dag_id=DAG_ID)
    by_ref = {str(c.ref): c for c in result.changes.changes}
    assert by_ref["ConfigMap/shop/cfg"].action is Action.CONFIGURED
    assert by_ref["Service/shop/web"].action is Action.DELETED
    text = result.changes.render()
    assert "► ConfigMap/shop/cfg configured" in text and "► Service/shop/web deleted" in text
    assert "-    workers=2" in text and "+    workers=4" in text
    assert _live(client, "v1", "Service", "web") is None
    assert _live(client, "v1", "ConfigMap", "cfg")["data"]["app.conf"].startswith("port=80\nworkers=4")  # type: ignore[index]
    assert ObjRef("", "Service", "shop", "web") not in result.inventory.refs


def test_secret_changes_are_shown_masked(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    objs = app()
    objs[2]["stringData"] = {"password": "an0ther-value"}
    result = reconcile(client, objs, dag_id=DAG_ID)
    text = result.changes.render()
    assert "► Secret/shop/db configured" in text
    assert "*** (before)" in text and "*** (after)" in text
    assert "an0ther" not in text and "s3cr3t" not in text


@pytest.mark.kubectl
def test_manual_kubectl_changes_are_reverted(client: KubeClient, kubesim: Any) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    _kubectl(kubesim, "-n", "shop", "scale", "deployment/web", "--replicas=5")
    _kubectl(kubesim, "-n", "shop", "label", "configmap/cfg", "team=ops")
    _kubectl(kubesim, "-n", "shop", "patch", "secret/db", "-p", '{"stringData": {"password": "hacked"}}')
    _kubectl(kubesim, "-n", "shop", "annotate", "service/web", "note=manual")
    result = reconcile(client, app(), dag_id=DAG_ID)
    by_ref = {str(c.ref): c.action for c in result.changes.changes}
    assert by_ref["Deployment/shop/web"] is Action.CONFIGURED
    assert by_ref["ConfigMap/shop/cfg"] is Action.CONFIGURED
    assert "-    team: ops" in result.changes.render()
    assert _live(client, "apps/v1", "Deployment", "web")["spec"]["replicas"] == 2  # type: ignore[index]
    assert "team" not in _live(client, "v1", "ConfigMap", "cfg")["metadata"]["labels"]  # type: ignore[index]
    assert _kubectl(kubesim, "-n", "shop", "get", "deployment/web", "-o", "jsonpath={.spec.replicas}") == "2"
    assert by_ref["Secret/shop/db"] is Action.CONFIGURED and by_ref["Service/shop/web"] is Action.CONFIGURED
    assert "note" not in (_live(client, "v1", "Service", "web")["metadata"].get("annotations") or {})  # type: ignore[index]
    assert "hacked" not in result.changes.render()
    # Once reverted, the next run has nothing to do.
    assert not reconcile(client, app(), dag_id=DAG_ID).changes.changed


@pytest.mark.kubectl
def test_objects_we_do_not_own_or_that_opt_out_survive_pruning(client: KubeClient, kubesim: Any) -> None:
    keep = configmap("keep", annotations={"kustomize.toolkit.fluxcd.io/prune": "disabled"})
    adopted = configmap("adopted")
    extra_ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "extra"}}
    ours_in_extra = configmap("ours", namespace="extra")
    reconcile(client, app(extra=[keep, adopted, extra_ns, ours_in_extra]), dag_id=DAG_ID)
    # Someone else takes over one object and puts their own object into our namespace.
    _kubectl(kubesim, "-n", "shop", "label", "--overwrite", "configmap/adopted", f"{OWNER_LABEL}=ks.team.other")
    # (kubectl create sends protobuf, which kubesim does not accept yet; a server-side apply is JSON/YAML.)
    theirs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: theirs\n  namespace: extra\ndata:\n  a: b\n"
    proc = kubesim.kubectl("apply", "--server-side", "--field-manager=someone", "-f", "-", input=theirs)
    assert proc.returncode == 0, proc.stderr

    result = reconcile(client, app(), dag_id=DAG_ID)
    assert _live(client, "v1", "ConfigMap", "keep") is not None
    assert _live(client, "v1", "ConfigMap", "adopted") is not None
    assert _live(client, "v1", "ConfigMap", "ours", "extra") is None
    assert _live(client, "v1", "ConfigMap", "theirs", "extra") is not None
    assert _live(client, "v1", "Namespace", "extra", None) is not None
    assert result.pruned is not None
    kept = dict(result.pruned.kept)
    assert "ConfigMap/shop/theirs" not in kept
    assert "not being pruned" in kept[ObjRef("", "Namespace", "", "extra")]
    assert "ConfigMap/extra/theirs" in kept[ObjRef("", "Namespace", "", "extra")]
    # The namespace stays in the inventory so a later run deletes it once it is empty.
    assert ObjRef("", "Namespace", "", "extra") in result.inventory.refs


def test_an_empty_render_refuses_to_prune_unless_allowed(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    with pytest.raises(PruneError, match="allow-empty"):
        reconcile(client, [], dag_id=DAG_ID)
    assert _live(client, "apps/v1", "Deployment", "web") is not None
    reconcile(client, [], dag_id=DAG_ID, allow_empty=True)
    assert _live(client, "apps/v1", "Deployment", "web") is None


def test_force_reapplies_unchanged_objects(client: KubeClient) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    result = reconcile(client, app(), dag_id=DAG_ID, force=True)
    assert result.applied.counts()["created"] == 0
    assert {c.action for c in result.applied.changes.changes} <= {Action.UNCHANGED, Action.CONFIGURED}


@pytest.mark.kubectl
def test_objects_first_deployed_with_kubectl_apply_are_adopted_cleanly(client: KubeClient, kubesim: Any) -> None:
    legacy = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy\n  namespace: default\n"
              "  labels:\n    old: label\ndata:\n  a: b\n  stale: key\n")
    proc = kubesim.kubectl("apply", "-f", "-", input=legacy)
    assert proc.returncode == 0, proc.stderr
    desired = configmap("legacy", namespace="default")
    result = reconcile(client, [desired], dag_id=DAG_ID)
    assert result.changes.get(ObjRef("", "ConfigMap", "default", "legacy")).action is Action.CONFIGURED  # type: ignore[union-attr]
    live = _live(client, "v1", "ConfigMap", "legacy", "default")
    assert live is not None and live["data"] == {"k": "v"}
    assert live["metadata"]["labels"] == {OWNER_LABEL: DAG_ID}
    assert "kubectl.kubernetes.io/last-applied-configuration" not in (live["metadata"].get("annotations") or {})
    managers = {e["manager"] for e in live["metadata"]["managedFields"]}
    assert managers == {"airflux"}
