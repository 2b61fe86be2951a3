"""Choosing the cluster: kubeconfig file, an existing ApiClient (the Airflow hook's), or KUBECONFIG."""

from __future__ import annotations

from typing import Any

import pytest
from sample_app import configmap

from airflux.kube import KubeApiError, KubeClient, NoKindMatch


def test_a_client_from_an_existing_api_client_talks_to_the_same_cluster(kubesim: Any) -> None:
    kubesim.apply(configmap("hello", namespace="default"))
    with KubeClient.from_api_client(kubesim.api_client()) as c:
        live = c.get(configmap("hello", namespace="default"))
    assert live is not None and live["data"] == {"k": "v"}


def test_kubeconfig_from_the_environment_is_used(kubesim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    with KubeClient.from_environment() as c:
        assert c.get(configmap("absent", namespace="default")) is None


def test_no_cluster_configured_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(KubeApiError, match="no cluster configured"):
        KubeClient.from_environment()


def test_discovery_is_per_client_and_sees_new_crds_after_refresh(kubesim: Any, kubesim_factory: Any) -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "gadgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
    other = kubesim_factory()
    with KubeClient.from_kubeconfig(kubesim.kubeconfig) as a, KubeClient.from_kubeconfig(other.kubeconfig) as b:
        with pytest.raises(NoKindMatch):
            a.resource("example.com/v1", "Gadget")
        a.apply(crd)
        kubesim.wait_for(lambda: a.knows_kind("example.com/v1", "Gadget"), timeout=5)
        assert a.resource("example.com/v1", "Gadget").plural == "gadgets"
        # The other cluster never learns the kind from a's cache.
        assert not b.knows_kind("example.com/v1", "Gadget")
