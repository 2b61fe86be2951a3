"""Small builders shared by the server-side apply tests: objects, applies and managedFields lookups."""

from __future__ import annotations

import copy
from typing import Any

from kubesim import ssa
from kubesim.schema import schema_for

DOCS = "https://kubernetes.io/docs/reference/using-api/server-side-apply/"
DEPLOY = schema_for("apps", "Deployment")
CM = schema_for("", "ConfigMap")


def deployment(replicas: int | None = 3, image: str = "nginx:1.25", **extra_spec: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    spec.update(extra_spec)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": spec,
    }


def partial(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", **meta},
        "spec": spec,
    }


def configmap(data: dict[str, str], **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "test-cm", "namespace": "default", **meta},
        "data": data,
    }


def do_apply(
    live: dict[str, Any] | None,
    config: dict[str, Any],
    manager: str,
    *,
    force: bool = False,
    schema: Any = DEPLOY,
    now: str = "2026-11-26T10:00:00Z",
    subresource: str = "",
) -> dict[str, Any]:
    api_version = config.get("apiVersion", "v1")
    before = copy.deepcopy(live)
    out = ssa.apply(
        live,
        copy.deepcopy(config),
        manager=manager,
        force=force,
        schema=schema,
        api_version=api_version,
        now=now,
        subresource=subresource,
    )
    assert live == before, "apply must not mutate the live object"
    return out


def do_update(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    *,
    schema: Any = DEPLOY,
    now: str = "2026-11-26T11:00:00Z",
    subresource: str = "",
) -> dict[str, Any]:
    return ssa.track_update(
        old,
        new,
        manager=manager,
        schema=schema,
        api_version=new.get("apiVersion", "v1"),
        now=now,
        subresource=subresource,
    )


def entries(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return obj["metadata"].get("managedFields", [])


def entry(obj: dict[str, Any], manager: str, operation: str | None = None) -> dict[str, Any] | None:
    for e in entries(obj):
        if e["manager"] == manager and (operation is None or e["operation"] == operation):
            return e
    return None


def owns(obj: dict[str, Any], manager: str, *path: str) -> bool:
    """True when ``manager``'s FieldsV1 has ``path`` (FieldsV1 path elements) as a member."""
    e = entry(obj, manager)
    if e is None:
        return False
    node: Any = e["fieldsV1"]
    for pe in path:
        if pe not in node:
            return False
        node = node[pe]
    return node == {} or "." in node


def mutated(obj: dict[str, Any], fn: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    fn(out)
    return out
