"""Objects every real cluster has, kept the way its control plane keeps them.

GitOps tools meet these on any cluster and must neither prune nor diff them, so kubesim has them too:

- the namespaces ``default``, ``kube-system``, ``kube-public`` and ``kube-node-lease``, and the
  ``kubernetes`` Service in ``default`` (ClusterIP 10.96.0.1, port ``https`` 443 → 6443) with its
  Endpoints and EndpointSlice, which kube-apiserver creates at start and recreates when deleted;
- in every active namespace the ``default`` ServiceAccount (the serviceaccounts controller) and the
  ``kube-root-ca.crt`` ConfigMap with the cluster CA (the root-ca-cert-publisher), which
  kube-controller-manager creates shortly after the namespace, recreates when deleted and resets
  when edited.

``bootstrap`` runs once when the server starts; the controller loop calls ``sync`` for namespaces
whose system objects may have changed (``Store.resync``), so new namespaces get theirs a moment
after creation, as on a real cluster, and nothing happens when controllers are disabled.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kubesim import defaults, ssa, writes
from kubesim.store import Obj, Store, clone, now_rfc3339

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

log = logging.getLogger(__name__)

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
APISERVER = "kube-apiserver"
CONTROLLER_MANAGER = "kube-controller-manager"
ROOT_CA_NAME = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as "
    "the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of "
    "Kubernetes clusters.")
API_ENDPOINT = "172.18.0.2"  # the control-plane node (controllers.NODE_IP), where kube-apiserver listens
API_PORT = 6443
# A throw-away self-signed CA (CN=kubernetes, no key kept) for plain-HTTP servers; --tls uses its own.
PLACEHOLDER_CA = """-----BEGIN CERTIFICATE-----
MIIBkDCCATWgAwIBAgIUPl+QWYdmB98a8r8o2oq94QGZYo4wCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjExMjYxNTQ0NTJaFw0zNjExMjMx
NTQ0NTJaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT5TZmzG462ZhZ+n8xeEvRwxaaUaKGrhPewb6KiSKfkuPWo5xMD3+uB
3J3d7ni4C5zbwFVNfA8FumFyK7d8fspdo2MwYTAdBgNVHQ4EFgQUhVF/8uPR81VL
V52K0nmtbAH5HcIwHwYDVR0jBBgwFoAUhVF/8uPR81VLV52K0nmtbAH5HcIwDwYD
VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAqQwCgYIKoZIzj0EAwIDSQAwRgIh
AP6T5CswyTJApnzEJicPpKzz37Miv2HLE95WZg4LUg4YAiEAwlqXhnJzLD3S+NI4
SlybRV0gSo6/hDGr5qjNNXqUjkg=
-----END CERTIFICATE-----
"""


def _rt(store: Store, group: str, version: str, plural: str) -> ResourceType:
    rt = store.registry.lookup(group, version, plural)
    assert rt is not None, plural
    return rt


def _kubernetes_objects() -> list[tuple[tuple[str, str, str], Obj]]:
    https = {"name": "https", "port": API_PORT, "protocol": "TCP"}
    service = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": API_PORT}],
                 "sessionAffinity": "None"},
    }
    endpoints = {
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": API_ENDPOINT}], "ports": [https]}],
    }
    slice_ = {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [API_ENDPOINT], "conditions": {"ready": True}}],
        "ports": [https],
    }
    return [(("", "v1", "services"), service), (("", "v1", "endpoints"), endpoints),
            (("discovery.k8s.io", "v1", "endpointslices"), slice_)]


def _store_directly(store: Store, rt: ResourceType, obj: Obj, manager: str) -> None:
    """Create without admission: the ``kubernetes`` Service holds 10.96.0.1, which the allocator keeps
    out of every other Service's reach."""
    store.new_identity(obj, rt)
    defaults.apply_defaults(rt.group, rt.kind, obj)
    obj = ssa.track_update(None, obj, manager=manager, schema=writes.schema_of(store, rt),
                           api_version=rt.api_version, now=now_rfc3339())
    store.commit(rt, obj, None)


def _ensure_kubernetes_service(store: Store) -> None:
    for (group, version, plural), obj in _kubernetes_objects():
        rt = _rt(store, group, version, plural)
        if store.get(rt, "default", "kubernetes") is not None:
            continue
        if plural == "services":
            _store_directly(store, rt, obj, APISERVER)
        else:
            writes.create(store, rt, "default", obj, dry_run=False, manager=APISERVER)


def _ensure_root_ca(store: Store, namespace: str, ca: str) -> None:
    rt = _rt(store, "", "v1", "configmaps")
    live = store.get(rt, namespace, ROOT_CA_NAME)
    if live is None:
        cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": ROOT_CA_NAME, "namespace": namespace,
                           "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
              "data": {"ca.crt": ca}}
        writes.create(store, rt, namespace, cm, dry_run=False, manager=CONTROLLER_MANAGER)
        return
    annotations = live["metadata"].get("annotations") or {}
    if live.get("data") == {"ca.crt": ca} and annotations.get("kubernetes.io/description"):
        return
    fixed: dict[str, Any] = clone(live)  # the publisher puts its data and description back
    fixed["data"] = {"ca.crt": ca}
    fixed["metadata"]["annotations"] = {**annotations, "kubernetes.io/description": ROOT_CA_DESCRIPTION}
    writes.update(store, rt, namespace, ROOT_CA_NAME, fixed, subresource="", dry_run=False,
                  manager=CONTROLLER_MANAGER)


def sync(store: Store, namespace: str) -> None:
    """Create (or put back) the system objects of one namespace, if it is active."""
    with store.lock:
        if store.namespace_phase(namespace) != "Active":
            return  # nothing is created in a terminating namespace
        sa = _rt(store, "", "v1", "serviceaccounts")
        if store.get(sa, namespace, "default") is None:
            writes.create(store, sa, namespace, {"apiVersion": "v1", "kind": "ServiceAccount",
                                                 "metadata": {"name": "default", "namespace": namespace}},
                          dry_run=False, manager=CONTROLLER_MANAGER)
        _ensure_root_ca(store, namespace, store.cluster_ca or PLACEHOLDER_CA)
        if namespace == "default":
            _ensure_kubernetes_service(store)


def bootstrap(store: Store) -> None:
    """The cluster as it starts: system namespaces, then every namespace's system objects."""
    ns_rt = _rt(store, "", "v1", "namespaces")
    with store.lock:
        for name in SYSTEM_NAMESPACES:
            if store.get(ns_rt, "", name) is None:
                writes.create(store, ns_rt, "", {"apiVersion": "v1", "kind": "Namespace",
                                                 "metadata": {"name": name}}, dry_run=False, manager=APISERVER)
        for ns in store.items("", "namespaces"):
            sync(store, ns["metadata"]["name"])
        store.resync.clear()
