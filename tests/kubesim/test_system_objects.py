"""Objects every real cluster has, and the controllers that keep them.

Sources: "Namespaces → Initial namespaces" (default, kube-node-lease, kube-public, kube-system);
"Service Accounts → Default service accounts" (each namespace gets a ``default`` ServiceAccount, which
the control plane recreates if deleted); "Configure Service Accounts for Pods"/the root-ca-cert-publisher
(``kube-root-ca.crt`` with ``ca.crt`` in every namespace); "Accessing the Kubernetes API from a Pod"
(the ``kubernetes`` Service in ``default``, first IP of the service range, port 443).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.kubesim.conftest import ROOT_CA, settle
from tests.kubesim.kubectl_helpers import ok

from kubesim import system

SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"]


def _names(objs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs]


def _managers(obj: dict[str, Any]) -> list[str]:
    return [e["manager"] for e in obj["metadata"]["managedFields"]]


def test_a_fresh_cluster_has_the_initial_namespaces_and_their_objects(kubesim):
    assert [n for _, n in _names(kubesim.objects("v1", "Namespace"))] == SYSTEM_NAMESPACES
    assert _names(kubesim.objects("v1", "ServiceAccount")) == [(ns, "default") for ns in SYSTEM_NAMESPACES]
    cms = kubesim.objects("v1", "ConfigMap")
    assert _names(cms) == [(ns, ROOT_CA) for ns in SYSTEM_NAMESPACES]
    ca = cms[0]
    assert list(ca["data"]) == ["ca.crt"] and ca["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    assert ca["metadata"]["annotations"]["kubernetes.io/description"].startswith("Contains a CA bundle")
    assert _managers(ca) == ["kube-controller-manager"]
    assert kubesim.objects("v1", "Secret") == []


def test_the_kubernetes_service_and_its_endpoints(kubesim):
    assert _names(kubesim.objects("v1", "Service")) == [("default", "kubernetes")]
    svc = kubesim.get("v1", "Service", "kubernetes", "default")
    assert svc["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    assert svc["spec"]["clusterIP"] == "10.96.0.1" and svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]
    assert _managers(svc) == ["kube-apiserver"]
    endpoints = kubesim.get("v1", "Endpoints", "kubernetes", "default")
    assert endpoints["subsets"][0]["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]
    eps = kubesim.get("discovery.k8s.io/v1", "EndpointSlice", "kubernetes", "default")
    assert eps["metadata"]["labels"]["kubernetes.io/service-name"] == "kubernetes"
    rows = ok(kubesim, "get", "svc", "kubernetes").splitlines()
    assert rows[1].split()[:5] == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"]


def test_nobody_else_gets_the_kubernetes_service_ip(api):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "thief"},
           "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 80}]}}
    reply = api("POST", "/api/v1/namespaces/default/services", svc)
    assert reply.code == 422 and "provided IP is already allocated" in reply.body["message"]


def test_a_new_namespace_gets_its_objects_shortly_after_creation(kubesim):
    ok(kubesim, "create", "namespace", "team")
    settle(kubesim, "team")
    sa = kubesim.get("v1", "ServiceAccount", "default", "team")
    # nothing but identity fields: no managedFields entry and, since 1.24, no token Secret
    assert "managedFields" not in sa["metadata"] and "secrets" not in sa
    assert ok(kubesim, "get", "sa,cm", "-n", "team", "-o", "name").splitlines() == [
        "serviceaccount/default", f"configmap/{ROOT_CA}"]


def test_deleted_or_edited_system_objects_are_put_back(kubesim):
    uid = kubesim.get("v1", "ServiceAccount", "default", "default")["metadata"]["uid"]
    ok(kubesim, "delete", "serviceaccount", "default")
    kubesim.wait_for(lambda: (kubesim.get("v1", "ServiceAccount", "default", "default") or {}).get(
        "metadata", {}).get("uid") not in (None, uid))
    ok(kubesim, "patch", "configmap", ROOT_CA, "--type=merge", "-p", '{"data": {"ca.crt": "forged"}}')
    kubesim.wait_for(lambda: kubesim.get("v1", "ConfigMap", ROOT_CA, "default")["data"]["ca.crt"] != "forged")
    ok(kubesim, "delete", "service", "kubernetes")
    svc = kubesim.wait_for(lambda: kubesim.get("v1", "Service", "kubernetes", "default"))
    assert svc["spec"]["clusterIP"] == "10.96.0.1"


def test_namespace_deletion_is_not_held_up_by_its_system_objects(kubesim):
    ok(kubesim, "create", "namespace", "brief")
    settle(kubesim, "brief")
    ok(kubesim, "delete", "namespace", "brief", "--timeout=10s")
    assert kubesim.get("v1", "Namespace", "brief") is None
    assert kubesim.objects("v1", "ConfigMap", "brief") == []
    assert kubesim.objects("v1", "ServiceAccount", "brief") == []


def test_without_controllers_only_the_start_up_objects_exist(kubesim_factory):
    sim = kubesim_factory(controllers=False)
    assert len(sim.objects("v1", "ServiceAccount")) == len(SYSTEM_NAMESPACES)
    ok(sim, "create", "namespace", "frozen")
    assert sim.objects("v1", "ConfigMap", "frozen") == []
    sim.tick()
    assert _names(sim.objects("v1", "ConfigMap", "frozen")) == [("frozen", ROOT_CA)]


def test_with_tls_the_configmap_carries_the_servers_ca(kubesim_factory):
    sim = kubesim_factory(tls=True)
    assert sim.get("v1", "ConfigMap", ROOT_CA, "kube-public")["data"]["ca.crt"] == sim.sim.ca_pem.decode()


def test_restart_from_saved_state_keeps_the_same_objects(kubesim_factory, tmp_path):
    state = tmp_path / "state.json"
    first = kubesim_factory(state_file=state)
    uids = {(o["metadata"]["namespace"], o["metadata"]["uid"]) for o in first.objects("v1", "ConfigMap")}
    first.sim.stop()
    second = kubesim_factory(state_file=state)
    assert {(o["metadata"]["namespace"], o["metadata"]["uid"]) for o in second.objects("v1", "ConfigMap")} == uids
    assert len(second.objects("v1", "Service")) == 1


@pytest.mark.parametrize("namespace", SYSTEM_NAMESPACES)
def test_sync_is_idempotent(kubesim, namespace):
    before = kubesim.store.rv
    system.sync(kubesim.store, namespace)
    assert kubesim.store.rv == before
