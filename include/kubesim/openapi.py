"""OpenAPI documents (/openapi/v3 index, per group-version v3 documents, /openapi/v2).

kubectl reads OpenAPI v3 for three things: whether a kind's PATCH endpoint accepts the
`fieldValidation` query parameter (if it does, `kubectl apply` leaves validation to the server; if
the kind is missing, apply fails), the patch merge keys and strategies it needs to compute a
strategic merge patch for client-side `apply`/`diff`, and field docs for `kubectl explain`.
Documents are expanded from the compact table in `kubesim.openapi_types` (built-ins) and from
CRD `openAPIV3Schema`s, and cached per registry generation.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from kubesim import errors
from kubesim import openapi_extra as extra
from kubesim import openapi_kinds as kinds_table
from kubesim import openapi_types as t
from kubesim.bodies import dumps, error_reply
from kubesim.openapi_paths import gv_paths, v2_paths
from kubesim.resources import Registry, ResourceType

JSON = "application/json"
V3_REF = "#/components/schemas/"
PROTO_V2 = "application/com.github.proto-openapi.spec.v2"

_STD = {
    "apiVersion": "APIVersion defines the versioned schema of this representation of an object.",
    "kind": "Kind is a string value representing the REST resource this object represents.",
    "metadata": "Standard object's metadata.",
    "listMetadata": "Standard list metadata.",
}
_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer", "format": "int32"},
    "i64": {"type": "integer", "format": "int64"},
    "bool": {"type": "boolean"},
    "num": {"type": "number", "format": "double"},
    "bytes": {"type": "string", "format": "byte"},
    "obj": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}
_NAMED_SCALARS: dict[str, tuple[str, dict[str, Any]]] = {
    "time": (
        f"{t.META}.Time",
        {"type": "string", "format": "date-time", "description": "Time is an RFC 3339 timestamp."},
    ),
    "ios": (
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        {
            "type": "string",
            "format": "int-or-string",
            "description": "IntOrString holds an int32 or a string.",
        },
    ),
    "qty": (
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        {
            "type": "string",
            "description": "Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi.",
        },
    ),
}
_EXTRA_DEFS: dict[str, dict[str, Any]] = {
    f"{t.META}.Patch": {
        "type": "object",
        "description": "Patch is provided to give a concrete name and type to the patch body.",
    },
    f"{t.META}.FieldsV1": {
        "type": "object",
        "description": "FieldsV1 stores a set of fields in a JSON-like format.",
    },
    **{name: schema for name, schema in _NAMED_SCALARS.values()},
}


definition_name = t.definition_name


def _all_types() -> list[tuple[str, str, dict[str, str]]]:
    refined: dict[str, dict[str, str]] = {}
    for name, field, spec in extra.REFINED:
        refined.setdefault(name, {})[field] = spec
    out = []
    for name, desc, fields in t.TYPES + kinds_table.GROUP_TYPES + extra.EXTRA_TYPES:
        if name in refined:
            missing = set(refined[name]) - set(fields)
            if missing:
                raise ValueError(f"openapi_extra: {name} has no fields {sorted(missing)}")
            fields = {**fields, **refined[name]}
        out.append((name, desc, fields))
    return out


_ALL_TYPES = _all_types()


def _short_index() -> dict[str, str]:
    index: dict[str, str] = {}
    names = [name for name, _, _ in _ALL_TYPES] + [
        definition_name(gv, kind) for gv, kind in kinds_table.KINDS
    ]
    for name in names:
        short = name.rsplit(".", 1)[1]
        if short in index:
            raise ValueError(f"openapi_types: ambiguous short type name {short}")
        index[short] = name
    return index


_SHORT = _short_index()


def _type_schema(typ: str) -> dict[str, Any]:
    if typ.startswith("[]"):
        return {"type": "array", "items": _type_schema(typ[2:])}
    if typ in _SCALARS:
        return dict(_SCALARS[typ])
    if typ in _NAMED_SCALARS:
        return {"$ref": V3_REF + _NAMED_SCALARS[typ][0]}
    if typ.startswith("map"):
        value = typ.partition(":")[2] or "str"
        return {"type": "object", "additionalProperties": _type_schema(value)}
    if typ not in _SHORT:
        raise ValueError(f"openapi_types: unknown type {typ}")
    return {"$ref": V3_REF + _SHORT[typ]}


def _field(spec: str) -> tuple[dict[str, Any], bool]:
    text, _, desc = spec.partition("#")
    tokens = text.split()
    typ = tokens[0]
    required = typ.startswith("!")
    schema = _type_schema(typ.lstrip("!"))
    for opt in tokens[1:]:
        key, _, val = opt.partition("=")
        if key == "map":
            schema["x-kubernetes-list-type"] = "map"
            schema["x-kubernetes-list-map-keys"] = val.split(",")
        elif key in ("set", "atomic"):
            schema["x-kubernetes-list-type"] = key
        elif key == "mapatomic":
            schema["x-kubernetes-map-type"] = "atomic"
        elif key == "mk":
            schema["x-kubernetes-patch-merge-key"] = val
        elif key == "ps":
            schema["x-kubernetes-patch-strategy"] = val
        else:
            raise ValueError(f"openapi_types: unknown option {opt}")
    desc = desc.strip()
    if "$ref" in schema and (desc or len(schema) > 1):
        ref = schema.pop("$ref")
        schema = {"allOf": [{"$ref": ref}], **schema}
    if desc:
        schema["description"] = desc
    return schema, required


def _object(description: str, fields: dict[str, str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in fields.items():
        props[name], req = _field(spec)
        if req:
            required.append(name)
    out: dict[str, Any] = {"description": description, "type": "object", "properties": props}
    if required:
        out["required"] = sorted(required)
    return out


def _gvk(group_version: str, kind: str) -> list[dict[str, str]]:
    group, _, version = group_version.rpartition("/")
    return [{"group": group, "kind": kind, "version": version}]


def _kind_schema(group_version: str, kind: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "apiVersion": {"type": "string", "description": _STD["apiVersion"]},
        "kind": {"type": "string", "description": _STD["kind"]},
        "metadata": {
            "allOf": [{"$ref": f"{V3_REF}{t.META}.ObjectMeta"}],
            "default": {},
            "description": _STD["metadata"],
        },
    }
    props.update({k: v for k, v in body.get("properties", {}).items() if k not in props})
    out: dict[str, Any] = {"type": "object", "properties": props}
    if description:
        out = {"description": description, **out}
    if body.get("required"):
        out["required"] = body["required"]
    for k, v in body.items():
        if k.startswith("x-kubernetes-") and k != "x-kubernetes-group-version-kind":
            out[k] = v
    out["x-kubernetes-group-version-kind"] = _gvk(group_version, kind)
    return out


def _list_schema(group_version: str, kind: str, list_kind: str) -> dict[str, Any]:
    return {
        "description": f"{list_kind} is a list of {kind}",
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string", "description": _STD["apiVersion"]},
            "items": {"type": "array", "items": {"$ref": V3_REF + definition_name(group_version, kind)}},
            "kind": {"type": "string", "description": _STD["kind"]},
            "metadata": {
                "allOf": [{"$ref": f"{V3_REF}{t.META}.ListMeta"}],
                "default": {},
                "description": _STD["listMetadata"],
            },
        },
        "x-kubernetes-group-version-kind": _gvk(group_version, list_kind),
    }


def _builtin_definitions() -> dict[str, dict[str, Any]]:
    defs: dict[str, dict[str, Any]] = copy.deepcopy(_EXTRA_DEFS)
    for name, desc, fields in _ALL_TYPES:
        defs[name] = _object(desc, fields)
    for (gv, kind), (desc, fields) in kinds_table.KINDS.items():
        fields = dict(fields)
        for name, text in (
            ("spec", "Specification of the desired behavior of the {}."),
            ("status", "Most recently observed status of the {}. This data may not be up to date."),
        ):
            if name in fields and "#" not in fields[name]:
                fields[name] += " # " + text.format(kind)
        defs[definition_name(gv, kind)] = _kind_schema(gv, kind, desc, _object(desc, fields))
    return defs


_BUILTIN_DEFS = _builtin_definitions()


def _crd_schema(registry: Registry, rt: ResourceType) -> dict[str, Any]:
    user = copy.deepcopy(
        registry.openapi_schema(rt) or {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    )
    body: dict[str, Any] = {"properties": dict(user.get("properties") or {})}
    body["properties"].pop("metadata", None)
    if user.get("required"):
        body["required"] = [r for r in user["required"] if r != "metadata"]
    for k, v in user.items():
        if k.startswith("x-kubernetes-"):
            body[k] = v
    desc = str(user.get("description") or "")  # kubectl explain prints <empty> for none, as for a real CRD
    out = _kind_schema(rt.api_version, rt.kind, desc, body)
    if not user.get("properties") and user.get("x-kubernetes-preserve-unknown-fields"):
        out["x-kubernetes-preserve-unknown-fields"] = True
    return out


def _refs(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(V3_REF):
            out.add(ref[len(V3_REF) :])
        for v in node.values():
            _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)


def _closure(defs: dict[str, dict[str, Any]], roots: set[str]) -> dict[str, dict[str, Any]]:
    seen: set[str] = set()
    todo = [r for r in roots if r in defs]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found: set[str] = set()
        _refs(defs[name], found)
        todo.extend(n for n in found if n in defs and n not in seen)
    return {n: defs[n] for n in sorted(seen)}


def gv_document(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    """The OpenAPI v3 document of one group/version, or None when it is not served."""
    types = registry.resources_in(group, version)
    if not types:
        return None
    defs = dict(_BUILTIN_DEFS)
    gv = f"{group}/{version}" if group else version
    roots = {f"{t.META}.Status", f"{t.META}.DeleteOptions", f"{t.META}.Patch"}
    for rt in types:
        name = definition_name(gv, rt.kind)
        if rt.is_custom or name not in defs:
            defs[name] = (
                _crd_schema(registry, rt)
                if rt.is_custom
                else _kind_schema(
                    gv,
                    rt.kind,
                    f"{rt.kind} of {gv}",
                    {"properties": {}, "x-kubernetes-preserve-unknown-fields": True},
                )
            )
        list_name = definition_name(gv, rt.list_kind)
        defs[list_name] = _list_schema(gv, rt.kind, rt.list_kind)
        roots.update({name, list_name})
        if "scale" in rt.subresources:
            roots.add(definition_name("autoscaling/v1", "Scale"))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.36.0"},
        "paths": gv_paths(types),
        "components": {"schemas": _closure(defs, roots)},
    }


def _gv_bytes(registry: Registry, gv_key: str) -> tuple[bytes, str] | None:
    return registry.cached(("openapi-v3", gv_key), lambda: _build_gv(registry, gv_key))


def _build_gv(registry: Registry, gv_key: str) -> tuple[bytes, str] | None:
    parts = gv_key.split("/")
    if parts[0] == "api" and len(parts) == 2:
        doc = gv_document(registry, "", parts[1])
    elif parts[0] == "apis" and len(parts) == 3:
        doc = gv_document(registry, parts[1], parts[2])
    else:
        doc = None
    if doc is None:
        return None
    body = dumps(doc)
    return body, hashlib.sha512(body).hexdigest().upper()[:128]


def definitions_for(registry: Registry, rt: ResourceType) -> dict[str, dict[str, Any]]:
    """Schema definitions (by definition name) that describe `rt`, for walking objects of it."""
    if not rt.is_custom:
        return _BUILTIN_DEFS
    return registry.cached(
        ("definitions", rt),
        lambda: {**_BUILTIN_DEFS, definition_name(rt.api_version, rt.kind): _crd_schema(registry, rt)},
    )


def index_document(registry: Registry) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for group, versions in registry.groups():
        for version in versions:
            gv_key = f"apis/{group}/{version}" if group else f"api/{version}"
            found = _gv_bytes(registry, gv_key)
            if found is not None:
                paths[gv_key] = {"serverRelativeURL": f"/openapi/v3/{gv_key}?hash={found[1]}"}
    return {"paths": paths}


def all_definitions(registry: Registry) -> dict[str, dict[str, Any]]:
    defs = dict(_BUILTIN_DEFS)
    for rt in registry.all():
        if rt.is_custom:
            defs[definition_name(rt.api_version, rt.kind)] = _crd_schema(registry, rt)
        defs[definition_name(rt.api_version, rt.list_kind)] = _list_schema(
            rt.api_version, rt.kind, rt.list_kind
        )
    return defs


def v2_document(registry: Registry) -> dict[str, Any]:
    """The whole API as one Swagger 2.0 document (JSON form of /openapi/v2)."""
    defs = json.loads(json.dumps(all_definitions(registry)).replace(V3_REF, "#/definitions/"))
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.36.0"},
        "paths": v2_paths(registry.all()),
        "definitions": defs,
    }


def _status_404() -> tuple[int, str, bytes]:
    return error_reply(errors.not_found_page())


def handle(registry: Registry, path: str, query: str, accept: str) -> tuple[int, str, bytes]:
    if path == "/openapi/v3":
        return 200, JSON, dumps(index_document(registry))
    if path.startswith("/openapi/v3/"):
        found = _gv_bytes(registry, path[len("/openapi/v3/") :])
        return (200, JSON, found[0]) if found else _status_404()
    if path == "/openapi/v2":
        accept = accept or ""
        if PROTO_V2 in accept and JSON not in accept and "*/*" not in accept:
            # client-go asks for the gnostic protobuf form only. kubesim does not encode protobuf;
            # an empty message decodes to an empty document, which kubectl treats as "no v2 schema"
            # and falls back to OpenAPI v3 / its compiled-in types.
            return 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", b""
        hit = registry.cached(
            ("openapi-v2",), lambda: (dumps(v2_document(registry)), "")
        )
        return 200, JSON, hit[0]
    return _status_404()
