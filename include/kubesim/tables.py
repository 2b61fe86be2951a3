"""meta.k8s.io/v1 Table rendering: what `kubectl get` prints by default.

kubectl asks the server for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the
columns the server chose. A real server has a printer per built-in kind (Deployment READY,
UP-TO-DATE, AVAILABLE...) and uses a CRD's additionalPrinterColumns for custom resources, with
NAME and AGE when none are declared. This module renders the same column definitions and cells
(with the same wording and age formatting) from stored objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubesim.resources import ResourceType
from kubesim.tables_builtin import OWN_NAME_COLUMN, PRINTERS, Column, age
from kubesim.tables_pod import row_conditions

DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"

# The `autoscaling/v1 Scale` of a /scale subresource, for rendering it as a Table
# (`kubectl get deploy web --subresource=scale` prints NAME DESIRED AVAILABLE).
SCALE_TYPE = ResourceType(
    group="autoscaling",
    version="v1",
    kind="Scale",
    plural="scale",
    singular="scale",
    namespaced=True,
    verbs=("get", "patch", "update"),
    has_generation=False,
)
NAME_COLUMN: Column = (
    "Name",
    "string",
    "name",
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically.",
    0,
)
AGE_COLUMN: Column = (
    "Age",
    "string",
    "",
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
    0,
)


def _column_definition(col: Column) -> dict[str, Any]:
    name, typ, fmt, desc, priority = col
    return {"name": name, "type": typ, "format": fmt, "description": desc, "priority": priority}


def _row_object(obj: dict[str, Any], include_object: str) -> dict[str, Any] | None:
    if include_object == "Object":
        return obj
    if include_object == "None":
        return None
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def to_table(
    rt: ResourceType,
    objects: list[dict[str, Any]],
    list_metadata: dict[str, Any],
    *,
    include_object: str = "Metadata",
    now: float,
) -> dict[str, Any]:
    """A meta.k8s.io/v1 Table for `objects` of type `rt`.

    Custom resources use their CRD version's additionalPrinterColumns (`rt.printer_columns`), or
    NAME and AGE when it declares none. `now` is the epoch time ages are measured from.
    `include_object` is the request's includeObject: None, Metadata (default) or Object.
    """
    columns: list[Column]
    cells_for: Callable[[dict[str, Any], float], list[Any]]
    printer = None if rt.is_custom else PRINTERS.get((rt.group, rt.kind))
    if printer is not None:
        columns, row = printer
        if (rt.group, rt.kind) in OWN_NAME_COLUMN:
            cells_for = row
        else:
            columns = [NAME_COLUMN, *columns]

            def cells_for(obj: dict[str, Any], now: float) -> list[Any]:
                return [_name(obj), *row(obj, now)]
    elif rt.is_custom and rt.printer_columns:
        columns, cells_for = _custom_columns(rt.printer_columns)
    else:
        columns = [NAME_COLUMN, AGE_COLUMN]

        def cells_for(obj: dict[str, Any], now: float) -> list[Any]:
            return [_name(obj), age(obj, now)]

    rows = []
    for obj in objects:
        row_doc: dict[str, Any] = {"cells": cells_for(obj, now)}
        if rt.kind == "Pod" and not rt.is_custom and (conditions := row_conditions(obj)):
            row_doc["conditions"] = conditions
        embedded = _row_object(obj, include_object)
        if embedded is not None:
            row_doc["object"] = embedded
        rows.append(row_doc)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": dict(list_metadata),
        "columnDefinitions": [_column_definition(c) for c in columns],
        "rows": rows,
    }


def _name(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    name = str(meta.get("name", ""))
    if obj.get("kind") == "StorageClass" and (meta.get("annotations") or {}).get(DEFAULT_CLASS) == "true":
        return f"{name} (default)"
    return name


# ---- custom resources: additionalPrinterColumns -----------------------------------------------
def _custom_columns(
    printer_columns: tuple[tuple[str, str, str, str, int, str], ...],
) -> tuple[list[Column], Callable[[dict[str, Any], float], list[Any]]]:
    columns: list[Column] = [NAME_COLUMN]
    paths: list[tuple[str, str]] = []
    for name, typ, fmt, desc, priority, path in printer_columns:
        columns.append((name, typ, fmt, desc, priority))
        paths.append((path, typ))

    def cells(obj: dict[str, Any], now: float) -> list[Any]:
        out: list[Any] = [_name(obj)]
        for path, typ in paths:
            values = jsonpath(obj, path)
            out.append(_cell(values[0], typ, now) if values else None)
        return out

    return columns, cells


def _cell(value: Any, typ: str, now: float) -> Any:
    if typ == "date":
        if not isinstance(value, str):
            return "<invalid>"
        try:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return "<invalid>"
        return age({"metadata": {"creationTimestamp": value}}, now) if ts else "<unknown>"
    if typ == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"))
        return str(value)
    if typ == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if typ == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if typ == "boolean":
        return value if isinstance(value, bool) else None
    return value


_TOKEN = re.compile(
    r"\.([A-Za-z0-9_\-$/]+)|\[(\*|-?\d+)\]|\[\?\(@\.([A-Za-z0-9_.\-]+)\s*==\s*[\"']([^\"']*)[\"']\)\]|\['([^']+)'\]"
)


def jsonpath(obj: Any, path: str) -> list[Any]:
    """Evaluate the simple JSONPath subset CRD printer columns use (.a.b, [n], [*], [?(@.k=="v")])."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    if path.startswith("$"):
        path = path[1:]
    current = [obj]
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if m is None:
            return []
        pos = m.end()
        field, index, fkey, fval, quoted = m.groups()
        nxt: list[Any] = []
        for node in current:
            if field is not None or quoted is not None:
                key = field if field is not None else quoted
                if isinstance(node, dict) and key in node:
                    nxt.append(node[key])
            elif index is not None:
                if not isinstance(node, list):
                    continue
                if index == "*":
                    nxt.extend(node)
                elif -len(node) <= int(index) < len(node):
                    nxt.append(node[int(index)])
            elif isinstance(node, list):
                nxt.extend(item for item in node if str(_dig(item, fkey)) == fval)
        current = nxt
    return current


def _dig(node: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def watch_table(
    rt: ResourceType, obj: dict[str, Any], *, include_object: str = "Metadata", now: float, headers: bool
) -> dict[str, Any]:
    """The object of one watch event when the client asked for `as=Table` (kubectl get -w).

    A real server sends a one-row Table per event and includes the column definitions only in the
    first event of the stream (`headers=True`); kubectl keeps the headers it already has.
    """
    meta = obj.get("metadata") or {}
    table = to_table(
        rt,
        [obj],
        {"resourceVersion": meta.get("resourceVersion", "")},
        include_object=include_object,
        now=now,
    )
    if not headers:
        table["columnDefinitions"] = []
    return table
