"""Check one parsed document against the field table of its kind, collecting every problem.

Walking the table (instead of hand-written checks per field) is what guarantees that every field
Airflux does not know is reported by name and that the docs list exactly what is accepted.
Problems are ``(field path, message)`` pairs; paths use list indexes (``spec.patches[1].patch``).
"""

from __future__ import annotations

import re
from typing import Any

from airflux.specs.durations import DurationSyntaxError, parse_duration
from airflux.specs.fields import KNOWN_UNSUPPORTED, Field, FieldType, KindSpec

Problem = tuple[str, str]

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

_TYPE_NAMES = {bool: "boolean", int: "number", float: "number", str: "string", list: "list", dict: "mapping"}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def check_document(doc: dict[str, Any], spec: KindSpec) -> list[Problem]:
    """Every problem of ``doc`` as a ``spec.kind``; empty when it is valid."""
    problems: list[Problem] = []
    _walk(doc, "", "", spec, problems)
    if not problems:
        problems.extend(_check_names(doc))
    return problems


def _walk(value: dict[str, Any], table_path: str, shown_path: str, spec: KindSpec, out: list[Problem]) -> None:
    allowed = spec.children.get(table_path, {})
    for raw_key, item in value.items():
        key = str(raw_key)
        shown = f"{shown_path}.{key}" if shown_path else key
        field = allowed.get(key) if isinstance(raw_key, str) else None
        if field is None:
            out.append((shown, _unknown_message(spec, table_path, key)))
            continue
        _check_value(field, item, shown, spec, out)
    for key, field in allowed.items():
        if field.required and key not in value:
            out.append((f"{shown_path}.{key}" if shown_path else key, "required field is missing"))


def _unknown_message(spec: KindSpec, table_path: str, key: str) -> str:
    path = f"{table_path}.{key}" if table_path else key
    if path.replace("[]", "") in KNOWN_UNSUPPORTED.get(spec.kind, frozenset()):
        return f"field is not supported by Airflux yet (it is valid in Flux {spec.api_version})"
    known = ", ".join(sorted(spec.children.get(table_path, {}))) or "none"
    return f"unknown field; supported here: {known}"


def _check_value(field: Field, value: Any, shown: str, spec: KindSpec, out: list[Problem]) -> None:
    kind = field.type
    if kind is FieldType.STRING:
        if not isinstance(value, str):
            hint = " (quote it)" if isinstance(value, int | float | bool) else ""
            out.append((shown, f"must be a string, got {_type_name(value)}{hint}"))
        elif field.choices and value not in field.choices:
            out.append((shown, _choice_message(field, value)))
    elif kind is FieldType.BOOL:
        if not isinstance(value, bool):
            out.append((shown, f"must be true or false, got {_type_name(value)} {value!r}"))
    elif kind is FieldType.DURATION:
        try:
            if parse_duration(value).total_seconds() <= 0:
                out.append((shown, f"must be longer than zero, got {value!r}"))
        except DurationSyntaxError as exc:
            out.append((shown, str(exc)))
    elif kind is FieldType.INT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            out.append((shown, f"must be a whole number >= 0, got {_type_name(value)} {value!r}"))
    elif kind is FieldType.VALUES:
        if not isinstance(value, dict):
            out.append((shown, f"must be a mapping, got {_type_name(value)}"))
    elif kind is FieldType.OBJECT:
        if not isinstance(value, dict):
            out.append((shown, f"must be a mapping, got {_type_name(value)}"))
        else:
            _walk(value, field.path, shown, spec, out)
    elif kind is FieldType.LIST:
        if not isinstance(value, list):
            out.append((shown, f"must be a list, got {_type_name(value)}"))
            return
        for index, item in enumerate(value):
            if isinstance(item, dict):
                _walk(item, f"{field.path}[]", f"{shown}[{index}]", spec, out)
            else:
                out.append((f"{shown}[{index}]", f"must be a mapping, got {_type_name(item)}"))
    elif kind is FieldType.STRINGS:
        if not isinstance(value, list):
            out.append((shown, f"must be a list of strings, got {_type_name(value)}"))
            return
        out.extend(
            (f"{shown}[{index}]", f"must be a string, got {_type_name(item)}")
            for index, item in enumerate(value)
            if not isinstance(item, str)
        )
    elif kind is FieldType.MAP:
        if not isinstance(value, dict):
            out.append((shown, f"must be a mapping of strings, got {_type_name(value)}"))
            return
        out.extend(
            (f"{shown}.{key}", f"must be a string, got {_type_name(item)} (quote it)")
            for key, item in value.items()
            if not isinstance(item, str)
        )


def _choice_message(field: Field, value: str) -> str:
    choices = ", ".join(field.choices)
    if field.key == "kind" and field.parent.endswith("sourceRef"):
        return f"source kind {value!r} is not supported yet; supported: {choices}"
    return f"{value!r} is not supported; use one of: {choices}"


def _check_names(doc: dict[str, Any]) -> list[Problem]:
    meta = doc["metadata"]
    problems: list[Problem] = []
    name = meta["name"]
    if len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        problems.append(("metadata.name", f"{name!r} is not a valid name (lowercase letters, digits, '-', '.')"))
    namespace = meta.get("namespace")
    if namespace is not None and (len(namespace) > 63 or not DNS1123_LABEL.match(namespace)):
        problems.append(
            ("metadata.namespace", f"{namespace!r} is not a valid namespace (lowercase letters, digits, '-')")
        )
    return problems
