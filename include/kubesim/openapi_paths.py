"""OpenAPI path items (operations) for the resources kubesim serves.

kubectl decides from the PATCH operation of a kind whether the server validates fields itself
(`fieldValidation` query parameter) and whether strategic merge patch is accepted (request body
content types); both are keyed by `x-kubernetes-group-version-kind` on the operation. Each
resource gets the collection, item, all-namespaces and subresource paths a real server
publishes, with operation ids in the real naming scheme.
"""

from __future__ import annotations

import json
from typing import Any

from kubesim.openapi_types import META, definition_name
from kubesim.resources import ResourceType

V3_REF = "#/components/schemas/"
PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)

_PARAM_DOCS: dict[str, tuple[str, str]] = {
    "dryRun": (
        "string",
        "When present, indicates that modifications should not be persisted. Valid value: All",
    ),
    "fieldManager": (
        "string",
        "fieldManager is a name associated with the actor or entity making these changes.",
    ),
    "fieldValidation": (
        "string",
        "fieldValidation instructs the server on how to handle objects in the request containing unknown or "
        "duplicate fields. Valid values are: Ignore, Warn, Strict.",
    ),
    "force": ("boolean", 'Force is going to "force" Apply requests.'),
    "labelSelector": ("string", "A selector to restrict the list of returned objects by their labels."),
    "fieldSelector": ("string", "A selector to restrict the list of returned objects by their fields."),
    "limit": ("integer", "limit is a maximum number of responses to return for a list call."),
    "continue": ("string", "The continue option should be set when retrieving more results from the server."),
    "resourceVersion": (
        "string",
        "resourceVersion sets a constraint on what resource versions a request may be served from.",
    ),
    "resourceVersionMatch": (
        "string",
        "resourceVersionMatch determines how resourceVersion is applied to list calls.",
    ),
    "timeoutSeconds": ("integer", "Timeout for the list/watch call."),
    "watch": ("boolean", "Watch for changes to the described resources and return them as a stream."),
    "allowWatchBookmarks": ("boolean", 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
    "sendInitialEvents": ("boolean", "sendInitialEvents=true may be set together with watch=true."),
    "gracePeriodSeconds": ("integer", "The duration in seconds before the object should be deleted."),
    "propagationPolicy": (
        "string",
        "Whether and how garbage collection will be performed: Orphan, Background, Foreground.",
    ),
    "orphanDependents": ("boolean", "Deprecated: please use the PropagationPolicy."),
    "pretty": ("string", "If 'true', then the output is pretty printed."),
}
_WRITE = ("dryRun", "fieldManager", "fieldValidation")
_LIST = (
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
)
_DELETE = ("dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy")


def _param(name: str, where: str = "query") -> dict[str, Any]:
    typ, desc = _PARAM_DOCS.get(name, ("string", ""))
    p: dict[str, Any] = {
        "name": name,
        "in": where,
        "description": desc,
        "schema": {"type": typ, "uniqueItems": True},
    }
    if where == "path":
        p["required"] = True
    return p


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": V3_REF + name}


def _camel(rt: ResourceType) -> str:
    group = (rt.group or "core").removesuffix(".k8s.io")
    return (
        "".join(p[:1].upper() + p[1:] for p in group.replace("-", ".").split(".")) + rt.version.capitalize()
    )


def _op(
    verb: str,
    action: str,
    what: str,
    rt: ResourceType,
    gvk: tuple[str, str, str],
    *,
    params: tuple[str, ...] = (),
    body: str | None = None,
    content: tuple[str, ...] = ("*/*",),
    response: str | None = None,
    scope: str = "",
) -> dict[str, Any]:
    group, version, kind = gvk
    op: dict[str, Any] = {
        "tags": [f"{(rt.group or 'core').replace('.', '')}_{rt.version}"],
        "description": f"{action} {what}",
        "operationId": f"{verb}{_camel(rt)}{scope}{kind}",
        "parameters": [_param(p) for p in params],
    }
    if body:
        op["requestBody"] = {"content": {c: {"schema": _ref(body)} for c in content}, "required": True}
    if response:
        op["responses"] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": _ref(response)}}}
        }
    op["x-kubernetes-action"] = (
        verb
        if verb in ("get", "list", "patch", "delete", "deletecollection")
        else {"create": "post", "replace": "put", "read": "get"}.get(verb, verb)
    )
    op["x-kubernetes-group-version-kind"] = {"group": group, "kind": kind, "version": version}
    return op


def resource_paths(rt: ResourceType) -> dict[str, Any]:
    prefix = f"/apis/{rt.group}/{rt.version}" if rt.group else f"/api/{rt.version}"
    kind_def = definition_name(rt.api_version, rt.kind)
    list_def = definition_name(rt.api_version, rt.list_kind)
    gvk = (rt.group, rt.version, rt.kind)
    scope = "Namespaced" if rt.namespaced else ""
    coll = f"{prefix}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{prefix}/{rt.plural}"
    item = coll + "/{name}"
    ns_param = [_param("namespace", "path")] if rt.namespaced else []
    patch_types = tuple(p for p in PATCH_TYPES if not (rt.is_custom and "strategic" in p))
    status = f"{META}.Status"
    paths: dict[str, Any] = {
        coll: {
            "get": _op(
                "list",
                "list or watch objects of kind",
                rt.kind,
                rt,
                gvk,
                params=_LIST,
                response=list_def,
                scope=scope,
            ),
            "post": _op(
                "create",
                "create a",
                rt.kind,
                rt,
                gvk,
                params=_WRITE,
                body=kind_def,
                response=kind_def,
                scope=scope,
            ),
            "delete": _op(
                "deletecollection",
                "delete collection of",
                rt.kind,
                rt,
                gvk,
                params=_LIST + _DELETE,
                body=f"{META}.DeleteOptions",
                response=status,
                scope=scope,
            ),
            "parameters": [*ns_param, _param("pretty")],
        },
        item: {
            "get": _op("read", "read the specified", rt.kind, rt, gvk, response=kind_def, scope=scope),
            "put": _op(
                "replace",
                "replace the specified",
                rt.kind,
                rt,
                gvk,
                params=_WRITE,
                body=kind_def,
                response=kind_def,
                scope=scope,
            ),
            "patch": _op(
                "patch",
                "partially update the specified",
                rt.kind,
                rt,
                gvk,
                params=(*_WRITE, "force"),
                body=f"{META}.Patch",
                content=patch_types,
                response=kind_def,
                scope=scope,
            ),
            "delete": _op(
                "delete",
                "delete a",
                rt.kind,
                rt,
                gvk,
                params=_DELETE,
                body=f"{META}.DeleteOptions",
                response=status,
                scope=scope,
            ),
            "parameters": [_param("name", "path"), *ns_param, _param("pretty")],
        },
    }
    if rt.namespaced:
        paths[f"{prefix}/{rt.plural}"] = {
            "get": _op(
                "list",
                "list or watch objects of kind",
                rt.kind,
                rt,
                gvk,
                params=_LIST,
                response=list_def,
                scope="ForAllNamespaces",
            ),
            "parameters": [_param("pretty")],
        }
    for sub in sorted(rt.subresources & {"status", "scale"}):
        sub_gvk = ("autoscaling", "v1", "Scale") if sub == "scale" else gvk
        sub_def = definition_name("autoscaling/v1", "Scale") if sub == "scale" else kind_def
        suffix = sub.capitalize()
        paths[f"{item}/{sub}"] = {
            "get": _op(
                "read", f"read {sub} of the specified", rt.kind, rt, sub_gvk, response=sub_def, scope=scope
            ),
            "put": _op(
                "replace",
                f"replace {sub} of the specified",
                rt.kind,
                rt,
                sub_gvk,
                params=_WRITE,
                body=sub_def,
                response=sub_def,
                scope=scope,
            ),
            "patch": _op(
                "patch",
                f"partially update {sub} of the specified",
                rt.kind,
                rt,
                sub_gvk,
                params=(*_WRITE, "force"),
                body=f"{META}.Patch",
                content=patch_types,
                response=sub_def,
                scope=scope,
            ),
            "parameters": [_param("name", "path"), *ns_param, _param("pretty")],
        }
        for verb in ("get", "put", "patch"):
            paths[f"{item}/{sub}"][verb]["operationId"] += suffix
    return paths


def gv_paths(types: list[ResourceType]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for rt in types:
        paths.update(resource_paths(rt))
    return dict(sorted(paths.items()))


def _v2_op(op: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in op.items() if k not in ("parameters", "requestBody", "responses")}
    params = [_v2_param(p) for p in op.get("parameters", [])]
    body = op.get("requestBody")
    if body:
        out["consumes"] = list(body["content"])
        schema = next(iter(body["content"].values()))["schema"]
        params.insert(0, {"name": "body", "in": "body", "required": True, "schema": schema})
    out["produces"] = ["application/json", "application/yaml"]
    out["schemes"] = ["https"]
    out["parameters"] = params
    resp = op.get("responses", {}).get("200")
    out["responses"] = (
        {"200": {"description": "OK", "schema": resp["content"]["application/json"]["schema"]}}
        if resp
        else {"200": {"description": "OK"}}
    )
    return out


def _v2_param(p: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in p.items() if k != "schema"}
    out.update(p.get("schema", {}))
    return out


def v2_paths(types: list[ResourceType]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, item in gv_paths(sorted(types, key=lambda rt: (rt.group, rt.version, rt.plural))).items():
        paths[path] = {
            verb: ([_v2_param(p) for p in op] if verb == "parameters" else _v2_op(op))
            for verb, op in item.items()
        }
    return json.loads(json.dumps(paths).replace(V3_REF, "#/definitions/"))
