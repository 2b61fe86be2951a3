"""Raw HTTP access to the kubesim fixture, for tests that check wire-level behaviour."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest


@dataclass(frozen=True)
class Reply:
    code: int
    body: Any
    headers: dict[str, str]
    raw: bytes


def _call(url: str, method: str, path: str, body: Any = None, *, ctype: str = "application/json",
          headers: dict[str, str] | None = None) -> Reply:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    hdrs = {"Content-Type": ctype, **(headers or {})} if body is not None else dict(headers or {})
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    try:
        parsed_body: Any = json.loads(raw) if raw else None
    except ValueError:
        parsed_body = raw.decode(errors="replace")
    return Reply(resp.status, parsed_body, {k.lower(): v for k, v in resp.getheaders()}, raw)


@pytest.fixture
def api(kubesim: Any) -> Callable[..., Reply]:
    """``api("GET", "/api/v1/namespaces")`` → Reply(code, parsed body, headers)."""
    return lambda method, path, body=None, **kw: _call(kubesim.url, method, path, body, **kw)


def cm(name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace, "labels": labels}, "data": {"k": "v"}}


def deployment(name: str, *, replicas: int = 1, image: str = "nginx:1.25") -> dict[str, Any]:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "main", "image": image}]}}}}


ROOT_CA = "kube-root-ca.crt"  # the CA bundle ConfigMap every namespace has (kubesim.system), as on a real cluster


def settle(kubesim: Any, namespace: str) -> None:
    """Wait until the simulated controllers gave `namespace` its default ServiceAccount and kube-root-ca.crt,
    as a test against a real cluster would before listing what is in a new namespace."""
    kubesim.wait_for(lambda: kubesim.get("v1", "ConfigMap", ROOT_CA, namespace)
                     and kubesim.get("v1", "ServiceAccount", "default", namespace))
