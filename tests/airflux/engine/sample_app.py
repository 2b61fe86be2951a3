"""A small app as kustomize would render it: Namespace, ConfigMap, Secret, Service, Deployment."""

from __future__ import annotations

import copy
from typing import Any

DAG_ID = "ks.shop.web"
APP_CONF = "port=80\nworkers=2\nlog=info\n"


def app(*, conf: str = APP_CONF, replicas: int = 2, service: bool = True,
        extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    labels = {"app": "web"}
    objs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"},
         "data": {"app.conf": conf, "mode": "prod"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
         "type": "Opaque", "stringData": {"password": "s3cr3t-value"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
         "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels},
                               "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}},
    ]
    if service:
        objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
                     "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 80}]}})
    return copy.deepcopy(objs + (extra or []))


def configmap(name: str, namespace: str = "shop", **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace, **meta},
            "data": {"k": "v"}}
