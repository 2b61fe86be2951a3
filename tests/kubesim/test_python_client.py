"""The official Python ``kubernetes`` client against kubesim: typed APIs, DynamicClient, every patch type."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException


def test_typed_api_roundtrip_and_errors(kubesim):
    v1 = client.CoreV1Api(kubesim.api_client())
    v1.create_namespaced_config_map("default", client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="c", labels={"a": "1"}), data={"k": "v"}))
    assert v1.read_namespaced_config_map("c", "default").data == {"k": "v"}
    assert [c.metadata.name for c in v1.list_config_map_for_all_namespaces(label_selector="a=1").items] == ["c"]
    with pytest.raises(ApiException) as info:
        v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="c")))
    assert info.value.status == 409
    status = v1.delete_namespaced_config_map("c", "default")
    assert status.status == "Success"


def test_every_patch_type_through_dynamic_client(kubesim):
    dyn = kubesim.dynamic_client()
    deploys = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}},
                     "template": {"metadata": {"labels": {"app": "d"}},
                                  "spec": {"containers": [{"name": "a", "image": "x:1"}]}}}}
    applied = deploys.server_side_apply(body=body, field_manager="me", namespace="default")
    assert applied.metadata.managedFields[0].manager == "me"
    patched = deploys.patch(name="d", namespace="default", content_type="application/strategic-merge-patch+json",
                            body={"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "y:1"}]}}}})
    assert [c.name for c in patched.spec.template.spec.containers] == ["b", "a"]
    merged = deploys.patch(name="d", namespace="default", content_type="application/merge-patch+json",
                           body={"metadata": {"labels": {"x": "1"}}})
    assert merged.to_dict()["metadata"]["labels"] == {"x": "1"}
    jp = deploys.patch(name="d", namespace="default", content_type="application/json-patch+json",
                       body=[{"op": "replace", "path": "/spec/replicas", "value": 3}])
    assert jp.spec.replicas == 3
    dry = deploys.patch(name="d", namespace="default", content_type="application/merge-patch+json",
                        body={"spec": {"replicas": 9}}, dry_run="All")
    assert dry.spec.replicas == 9
    assert deploys.get(name="d", namespace="default").spec.replicas == 3


def test_dynamic_watch(kubesim):
    dyn = kubesim.dynamic_client()
    cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
    cms.create(body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}}, namespace="default")
    events = [(e["type"], e["object"].metadata.name) for e in cms.watch(namespace="default", timeout=1)]
    assert events == [("ADDED", "kube-root-ca.crt"), ("ADDED", "w")]  # every namespace has the CA bundle
