"""Label and field selectors for list, watch and deletecollection.

The grammar follows k8s.io/apimachinery/pkg/labels (``=``, ``==``, ``!=``, ``in``, ``notin``, ``key``,
``!key``) and pkg/fields (``=``, ``==``, ``!=`` over ``metadata.name``, ``metadata.namespace`` and the few
kind-specific fields the real server indexes). Parse errors are 400 BadRequest as on a real server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubesim.errors import bad_request

_KEY = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!exists"
    values: frozenset[str] = frozenset()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        if self.op == "exists":
            return present
        if self.op == "!exists":
            return not present
        if self.op in ("=", "in"):
            return present and labels[self.key] in self.values
        # "!=" and "notin" match objects without the label too
        return not present or labels[self.key] not in self.values


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _check_key(key: str, raw: str) -> str:
    if not key or len(key.rpartition("/")[2]) > 63 or not _KEY.match(key):
        raise bad_request(f"unable to parse requirement: invalid label key {key!r} in {raw!r}")
    return key


def _check_value(value: str, raw: str) -> str:
    if len(value) > 63 or not _VALUE.match(value):
        raise bad_request(f"unable to parse requirement: invalid label value {value!r} in {raw!r}")
    return value


_SET_RE = re.compile(r"^\s*(\S+?)\s+(in|notin)\s*\((.*)\)\s*$")


def parse_label_selector(text: str | None) -> list[Requirement]:
    if not text or not text.strip():
        return []
    reqs: list[Requirement] = []
    for raw in _split_top(text):
        part = raw.strip()
        if not part:
            raise bad_request(f"unable to parse requirement: found '', expected: identifier in {text!r}")
        set_match = _SET_RE.match(part)
        if set_match:
            key, op, inner = set_match.groups()
            values = frozenset(
                _check_value(v.strip(), text) for v in inner.split(",") if v.strip() or inner.strip()
            )
            reqs.append(Requirement(_check_key(key, text), op, values))
            continue
        for op in ("!=", "==", "="):
            if op in part:
                key, _, value = part.partition(op)
                key, value = key.strip(), value.strip()
                reqs.append(
                    Requirement(
                        _check_key(key, text),
                        "!=" if op == "!=" else "=",
                        frozenset({_check_value(value, text)}),
                    )
                )
                break
        else:
            if part.startswith("!"):
                reqs.append(Requirement(_check_key(part[1:].strip(), text), "!exists"))
            elif " " in part or "(" in part or ")" in part:
                raise bad_request(f"unable to parse requirement: couldn't parse {part!r} in {text!r}")
            else:
                reqs.append(Requirement(_check_key(part, text), "exists"))
    return reqs


def labels_match(reqs: list[Requirement], obj: dict[str, Any]) -> bool:
    if not reqs:
        return True
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(r.matches(labels) for r in reqs)


# Fields the real server lets you select on, beyond metadata.name/metadata.namespace.
_EXTRA_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "Pod"): (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    ("", "Secret"): ("type",),
    ("", "Namespace"): ("status.phase",),
    ("", "Event"): (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    ("", "PersistentVolumeClaim"): ("spec.volumeName",),
    ("batch", "Job"): ("status.successful",),
    ("apps", "ReplicaSet"): ("status.replicas",),
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    negate: bool
    value: str


def parse_field_selector(text: str | None, group: str, kind: str) -> list[FieldRequirement]:
    if not text or not text.strip():
        return []
    allowed = ("metadata.name", "metadata.namespace", *_EXTRA_FIELDS.get((group, kind), ()))
    reqs: list[FieldRequirement] = []
    for raw in text.split(","):
        part = raw.strip()
        for op in ("!=", "==", "="):
            if op in part:
                field, _, value = part.partition(op)
                field = field.strip()
                if field not in allowed:
                    raise bad_request(f"field label not supported: {field}")
                reqs.append(FieldRequirement(field, op == "!=", value.strip()))
                break
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
    return reqs


def _field_value(obj: dict[str, Any], dotted: str) -> str:
    cur: Any = obj
    for piece in dotted.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(piece)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, dict):  # Event "source" is matched on its component
        return str(cur.get("component", ""))
    return str(cur)


def fields_match(reqs: list[FieldRequirement], obj: dict[str, Any]) -> bool:
    for req in reqs:
        equal = _field_value(obj, req.field) == req.value
        if equal == req.negate:
            return False
    return True


def make_filter(
    label_selector: str | None, field_selector: str | None, group: str, kind: str
) -> Callable[[dict[str, Any]], bool] | None:
    """One predicate for both selectors, or None when nothing is selected (everything matches)."""
    lreqs = parse_label_selector(label_selector)
    freqs = parse_field_selector(field_selector, group, kind)
    if not lreqs and not freqs:
        return None
    return lambda obj: labels_match(lreqs, obj) and fields_match(freqs, obj)
