"""Unknown-field detection for `fieldValidation=Strict|Warn` (kubectl's default is Strict).

A real API server decodes request bodies strictly when asked: a typo such as `imagePullPolicyy`
or a field at the wrong level is a 400 "strict decoding error: unknown field ..." (Strict) or a
`Warning` header (Warn) instead of being silently dropped. GitOps manifests hit this often, so
kubesim does the same, walking the object against the published OpenAPI schemas: built-in kinds
from kubesim's type table, custom resources against their CRD's structural schema. Free-form
parts (`x-kubernetes-preserve-unknown-fields`, schema-less objects) and `status` are not checked.
"""

from __future__ import annotations

from typing import Any

from kubesim import openapi
from kubesim.openapi_types import definition_name
from kubesim.resources import Registry, ResourceType

_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def unknown_fields(registry: Registry, rt: ResourceType, obj: dict[str, Any]) -> list[str]:
    """Paths of fields the kind's schema does not know, as a real server names them
    (`spec.template.spec.containers[0].imagex`), in document order. [] when all are known."""
    defs = openapi.definitions_for(registry, rt)
    root = defs.get(definition_name(rt.api_version, rt.kind))
    if root is None:
        return []
    out: list[str] = []
    for key, value in obj.items():
        if key == "status":
            continue
        props = root.get("properties") or {}
        if key not in props:
            if not root.get("x-kubernetes-preserve-unknown-fields"):
                out.append(key)
            continue
        _walk(defs, props[key], value, key, out)
    return out


def strict_error_message(rt: ResourceType, fields: list[str]) -> str:
    """The BadRequest message of a real server for unknown fields under fieldValidation=Strict."""
    listed = ", ".join(f'unknown field "{f}"' for f in fields)
    return f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: strict decoding error: {listed}'


def warning_texts(fields: list[str]) -> list[str]:
    """`Warning` header texts of a real server under fieldValidation=Warn."""
    return [f'unknown field "{f}"' for f in fields]


def _resolve(defs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    for _ in range(8):
        if "allOf" in schema and len(schema["allOf"]) == 1 and not schema.get("properties"):
            schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema
        target = defs.get(ref.rsplit("/", 1)[-1], {})
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _walk(defs: dict[str, Any], schema: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    schema = _resolve(defs, schema)
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        if schema.get("x-kubernetes-embedded-resource"):
            schema = {
                **schema,
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"$ref": f"#/components/schemas/{_META}"},
                    **(schema.get("properties") or {}),
                },
            }
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = f"{path}.{key}"
            if props is not None and key in props:
                _walk(defs, props[key], item, sub, out)
            elif isinstance(extra, dict):
                _walk(defs, extra, item, sub, out)
            elif props is not None and extra is not True:
                out.append(sub)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _walk(defs, schema["items"], item, f"{path}[{i}]", out)
