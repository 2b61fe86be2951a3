"""CustomResourceDefinition validation (apiextensions-apiserver pkg/apis/apiextensions/validation)
and validation of custom resources against their version's ``openAPIV3Schema`` (the subset of
kube-openapi's validator that CRDs use most: type, required, enum, minimum/maximum, length,
pattern, items, additionalProperties, int-or-string, preserve-unknown-fields, nullable).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from kubesim.validation_common import (
    Cause,
    forbidden,
    immutable,
    invalid,
    is_dns1035_label,
    is_dns1123_subdomain,
    not_supported,
    required,
    too_long,
    too_many,
    type_invalid,
)


def _names(names: Mapping[str, Any], path: str) -> list[Cause]:
    out: list[Cause] = []
    for key in ("plural", "singular"):
        value = names.get(key) or ""
        if value and (errs := is_dns1035_label(value)):
            out.append(invalid(f"{path}.{key}", value, ",".join(errs)))
    for key in ("kind", "listKind"):
        value = names.get(key) or ""
        if value and (errs := is_dns1035_label(value.lower())):
            out.append(invalid(f"{path}.{key}", value, "may have mixed case, but should otherwise match: " + ",".join(errs)))
    for i, short in enumerate(names.get("shortNames") or []):
        if errs := is_dns1035_label(short):
            out.append(invalid(f"{path}.shortNames[{i}]", short, ",".join(errs)))
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        out.append(invalid(f"{path}.listKind", names["listKind"], "kind and listKind may not be the same"))
    for i, cat in enumerate(names.get("categories") or []):
        if errs := is_dns1035_label(cat):
            out.append(invalid(f"{path}.categories[{i}]", cat, ",".join(errs)))
    return out


def validate_crd(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    """CRD-specific rules; the name rule (``must be spec.names.plural+"."+spec.group``) is part of
    the ObjectMeta name check done by the caller through :func:`crd_name_errors`."""
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    group = spec.get("group") or ""
    if not group:
        out.append(required("spec.group", ""))
    elif errs := is_dns1123_subdomain(group):
        out.append(invalid("spec.group", group, ",".join(errs)))
    elif len(group.split(".")) < 2:
        out.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    scope = spec.get("scope") or ""
    if not scope:
        out.append(required("spec.scope", ""))
    elif scope not in ("Cluster", "Namespaced"):
        out.append(not_supported("spec.scope", scope, ["Cluster", "Namespaced"]))
    versions = spec.get("versions") or []
    seen: set[str] = set()
    unique = True
    storage = 0
    for i, version in enumerate(versions):
        name = version.get("name") or ""
        if version.get("storage"):
            storage += 1
        if name in seen:
            unique = False
        seen.add(name)
        if errs := is_dns1035_label(name):
            out.append(invalid(f"spec.versions[{i}].name", name, ",".join(errs)))
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            out.append(required(f"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"))
        elif isinstance(schema, Mapping):
            out.extend(_structural(schema, f"spec.versions[{i}].schema.openAPIV3Schema", root=True))
    if not unique:
        out.append(invalid("spec.versions", versions, "must contain unique version names"))
    if storage != 1:
        out.append(invalid("spec.versions", versions, "must have exactly one version marked as storage version"))
    if versions and not any(v.get("served") for v in versions):
        out.append(invalid("spec.versions", versions, "must have at least one version marked as served"))
    names = spec.get("names") or {}
    for key in ("plural", "singular", "kind", "listKind"):
        if not names.get(key):
            out.append(required(f"spec.names.{key}", ""))
    out.extend(_names(names, "spec.names"))
    conversion = spec.get("conversion")
    if isinstance(conversion, Mapping):
        strategy = conversion.get("strategy") or ""
        if not strategy:
            out.append(required("spec.conversion.strategy", ""))
        elif strategy not in ("None", "Webhook"):
            out.append(not_supported("spec.conversion.strategy", strategy, ["None", "Webhook"]))
        elif strategy == "Webhook" and not conversion.get("webhook"):
            out.append(required("spec.conversion.webhook", "required when strategy is set to Webhook"))
    if old is not None:
        old_spec = old.get("spec") or {}
        established = any(c.get("type") == "Established" and c.get("status") == "True"
                          for c in (old.get("status") or {}).get("conditions") or [])
        if established:
            out.extend(immutable("spec.scope", spec.get("scope"), old_spec.get("scope")))
            out.extend(immutable("spec.names.kind", names.get("kind"), (old_spec.get("names") or {}).get("kind")))
        out.extend(immutable("spec.group", spec.get("group"), old_spec.get("group")))
        out.extend(immutable("spec.names.plural", names.get("plural"), (old_spec.get("names") or {}).get("plural")))
    return out


def _structural(schema: Mapping[str, Any], path: str, *, root: bool = False) -> list[Cause]:
    """The structural-schema rules hand-written CRDs break most: every specified field has a
    type, arrays have items, properties and additionalProperties exclude each other."""
    out: list[Cause] = []
    stype = schema.get("type")
    free = schema.get("x-kubernetes-preserve-unknown-fields") or schema.get("x-kubernetes-int-or-string")
    if root:
        if not stype and not free:
            out.append(required(f"{path}.type", "must not be empty at the root"))
        elif stype and stype != "object":
            out.append(invalid(f"{path}.type", stype, "must be object at the root"))
    props = schema.get("properties") or {}
    if props and schema.get("additionalProperties") not in (None, True):
        out.append(forbidden(f"{path}.additionalProperties", "additionalProperties and properties are mutual exclusive"))
    if isinstance(props, Mapping):
        for name, sub in props.items():
            if not isinstance(sub, Mapping):
                continue
            child = f"{path}.properties[{name}]"
            if not sub.get("type") and not (sub.get("x-kubernetes-preserve-unknown-fields")
                                            or sub.get("x-kubernetes-int-or-string")):
                out.append(required(f"{child}.type", "must not be empty for specified object fields"))
            out.extend(_structural(sub, child))
    if stype == "array":
        items = schema.get("items")
        if not isinstance(items, Mapping):
            out.append(required(f"{path}.items", "must be specified"))
        else:
            if not items.get("type") and not (items.get("x-kubernetes-preserve-unknown-fields")
                                              or items.get("x-kubernetes-int-or-string")):
                out.append(required(f"{path}.items.type", "must not be empty for specified array items"))
            out.extend(_structural(items, f"{path}.items"))
    addl = schema.get("additionalProperties")
    if isinstance(addl, Mapping):
        out.extend(_structural(addl, f"{path}.additionalProperties"))
    return out


def crd_name_errors(obj: Mapping[str, Any]) -> Any:
    """The CRD's ObjectMeta name function: a DNS subdomain equal to ``<plural>.<group>``."""
    spec = obj.get("spec") or {}
    expected = f"{(spec.get('names') or {}).get('plural', '')}.{spec.get('group', '')}"

    def check(name: str, prefix: bool) -> list[str]:
        errs = is_dns1123_subdomain(name[:-1] + "a" if prefix and name.endswith("-") else name)
        if name != expected:
            errs.append('must be spec.names.plural+"."+spec.group')
        return errs
    return check


# --- custom resources against openAPIV3Schema --------------------------------------------------------

def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_ok(expected: str, value: Any) -> bool:
    actual = _json_type(value)
    if expected == "number":
        return actual in ("integer", "number")
    if expected == "integer" and actual == "number":
        return float(value).is_integer()
    return actual == expected


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def validate_against_schema(value: Any, schema: Mapping[str, Any], path: str) -> list[Cause]:
    """Errors of ``value`` at ``path`` against one ``JSONSchemaProps`` node."""
    out: list[Cause] = []
    if value is None and (schema.get("nullable") or not schema.get("type")):
        return out
    stype = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        if not isinstance(value, int | str) or isinstance(value, bool):
            out.append(type_invalid(path, value, f"{path} in body must be of type integer,string: {json.dumps(_json_type(value))}"))
            return out
    elif stype and not _type_ok(stype, value):
        out.append(type_invalid(path, value, f"{path} in body must be of type {stype}: {json.dumps(_json_type(value))}"))
        return out
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        out.append(not_supported(path, value, [json.dumps(e) if not isinstance(e, str) else e for e in enum]))
    if isinstance(value, int | float) and not isinstance(value, bool):
        mn, mx = schema.get("minimum"), schema.get("maximum")
        if mn is not None:
            if schema.get("exclusiveMinimum") and value <= mn:
                out.append(invalid(path, value, f"{path} in body should be greater than {_num(mn)}"))
            elif value < mn:
                out.append(invalid(path, value, f"{path} in body should be greater than or equal to {_num(mn)}"))
        if mx is not None:
            if schema.get("exclusiveMaximum") and value >= mx:
                out.append(invalid(path, value, f"{path} in body should be less than {_num(mx)}"))
            elif value > mx:
                out.append(invalid(path, value, f"{path} in body should be less than or equal to {_num(mx)}"))
        mult = schema.get("multipleOf")
        if mult and (value / mult) != int(value / mult):
            out.append(invalid(path, value, f"{path} in body should be a multiple of {_num(mult)}"))
    if isinstance(value, str):
        if schema.get("maxLength") is not None and len(value) > schema["maxLength"]:
            out.append(too_long(path, int(schema["maxLength"])))
        if schema.get("minLength") is not None and len(value) < schema["minLength"]:
            out.append(invalid(path, value, f"{path} in body should be at least {schema['minLength']} chars long"))
        pattern = schema.get("pattern")
        if pattern and (rx := _compile(pattern)) is not None and not rx.search(value):
            out.append(invalid(path, value, f"{path} in body should match '{pattern}'"))
    if isinstance(value, list):
        if schema.get("maxItems") is not None and len(value) > schema["maxItems"]:
            out.append(too_many(path, len(value), int(schema["maxItems"])))
        if schema.get("minItems") is not None and len(value) < schema["minItems"]:
            out.append(invalid(path, len(value), f"{path} in body should have at least {schema['minItems']} items"))
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                out.extend(validate_against_schema(item, items, f"{path}[{i}]"))
    if isinstance(value, Mapping):
        props = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in value:
                out.append(required(f"{path}.{name}" if path else name, ""))
        addl = schema.get("additionalProperties")
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            if key in props:
                out.extend(validate_against_schema(child, props[key], child_path))
            elif isinstance(addl, Mapping):
                out.extend(validate_against_schema(child, addl, child_path))
        if schema.get("maxProperties") is not None and len(value) > schema["maxProperties"]:
            out.append(too_many(path, len(value), int(schema["maxProperties"])))
    return out


def validate_custom_resource(obj: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Cause]:
    """Validate a custom resource's body (everything but ``apiVersion``, ``kind``, ``metadata``)."""
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}
    root = dict(schema)
    props = {k: v for k, v in (schema.get("properties") or {}).items() if k not in ("apiVersion", "kind", "metadata")}
    root["properties"] = props
    root["required"] = [r for r in schema.get("required") or [] if r not in ("apiVersion", "kind", "metadata")]
    return validate_against_schema(body, root, "")

