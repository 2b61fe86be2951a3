"""Building blocks of kubesim's validation: field causes worded like the API server's, and the
name, label, annotation, selector and ObjectMeta rules every kind shares.

The real API server reports each problem as a ``field.Error`` (k8s.io/apimachinery
pkg/util/validation/field) whose ``ErrorBody()`` becomes the cause message of the 422 Status.
GitOps tools and users match on those strings, so this module reproduces their wording and the
value rendering (strings quoted, numbers bare, structures as compact JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

Cause = dict[str, str]

REQUIRED = "FieldValueRequired"
INVALID = "FieldValueInvalid"
NOT_SUPPORTED = "FieldValueNotSupported"
DUPLICATE = "FieldValueDuplicate"
FORBIDDEN = "FieldValueForbidden"
TOO_LONG = "FieldValueTooLong"
TOO_MANY = "FieldValueTooMany"
NOT_FOUND = "FieldValueNotFound"
TYPE_INVALID = "FieldValueTypeInvalid"

IMMUTABLE = "field is immutable"


def render_value(value: Any) -> str:
    """Render a bad value the way ``field.Error.ErrorBody`` does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _cause(reason: str, field: str, body: str, detail: str) -> Cause:
    if detail:
        body = f"{body}: {detail}"
    return {"reason": reason, "message": body, "field": field}


def required(field: str, detail: str = "") -> Cause:
    return _cause(REQUIRED, field, "Required value", detail)


def forbidden(field: str, detail: str = "") -> Cause:
    return _cause(FORBIDDEN, field, "Forbidden", detail)


def invalid(field: str, value: Any, detail: str = "") -> Cause:
    return _cause(INVALID, field, f"Invalid value: {render_value(value)}", detail)


def type_invalid(field: str, value: Any, detail: str = "") -> Cause:
    return _cause(TYPE_INVALID, field, f"Invalid value: {render_value(value)}", detail)


def duplicate(field: str, value: Any) -> Cause:
    return _cause(DUPLICATE, field, f"Duplicate value: {render_value(value)}", "")


def not_found(field: str, value: Any) -> Cause:
    return _cause(NOT_FOUND, field, f"Not found: {render_value(value)}", "")


def not_supported(field: str, value: Any, valid: list[str] | tuple[str, ...]) -> Cause:
    detail = "supported values: " + ", ".join(json.dumps(v) for v in valid) if valid else ""
    return _cause(NOT_SUPPORTED, field, f"Unsupported value: {render_value(value)}", detail)


def too_long(field: str, max_length: int) -> Cause:
    unit = "byte" if max_length == 1 else "bytes"
    return _cause(TOO_LONG, field, "Too long", f"may not be more than {max_length} {unit}")


def too_many(field: str, actual: int, maximum: int) -> Cause:
    unit = "item" if maximum == 1 else "items"
    return _cause(TOO_MANY, field, f"Too many: {actual}", f"must have at most {maximum} {unit}")


def immutable(field: str, new: Any, old: Any) -> list[Cause]:
    """``ValidateImmutableField``: a change (semantic equality on the JSON form) is Invalid."""
    if new == old:
        return []
    return [invalid(field, new, IMMUTABLE)]


def nonnegative(field: str, value: Any) -> list[Cause]:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return [invalid(field, value, "must be greater than or equal to 0")]
    return []


# --- name syntax (k8s.io/apimachinery/pkg/util/validation) -------------------------------------


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    parts = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {parts}regex used for validation is '{fmt}')"


def max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = _LABEL_FMT + "(\\." + _LABEL_FMT + ")*"
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QNAME_FMT + ")?"
_LABEL_RE = re.compile(_LABEL_FMT)
_SUBDOMAIN_RE = re.compile(_SUBDOMAIN_FMT)
_DNS1035_RE = re.compile(_DNS1035_FMT)
_QNAME_RE = re.compile(_QNAME_FMT)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)

DNS1123_LABEL_MSG = regex_error(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character",
    _LABEL_FMT,
    "my-name",
    "123-abc",
)
DNS1123_SUBDOMAIN_MSG = regex_error(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character",
    _SUBDOMAIN_FMT,
    "example.com",
)
DNS1035_LABEL_MSG = regex_error(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character",
    _DNS1035_FMT,
    "my-name",
    "abc-123",
)
_QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
LABEL_VALUE_MSG = regex_error(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character",
    _LABEL_VALUE_FMT,
    "MyValue",
    "my_value",
    "12345",
)


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _LABEL_RE.fullmatch(value):
        if _SUBDOMAIN_RE.fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(DNS1123_LABEL_MSG)
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _SUBDOMAIN_RE.fullmatch(value):
        errs.append(DNS1123_SUBDOMAIN_MSG)
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _DNS1035_RE.fullmatch(value):
        errs.append(DNS1035_LABEL_MSG)
    return errs


def is_qualified_name(value: str) -> list[str]:
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _QNAME_RE.fullmatch(name):
        errs.append("name part " + regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(LABEL_VALUE_MSG)
    return errs


def _segment_name(value: str) -> list[str]:
    """``path.IsValidPathSegmentName``: RBAC object names."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]


NameFn = Callable[[str, bool], list[str]]


def _mask(fn: Callable[[str], list[str]]) -> NameFn:
    def check(name: str, prefix: bool) -> list[str]:
        if prefix and name.endswith("-"):
            name = name[:-1] + "a"
        return fn(name)

    return check


name_is_dns_subdomain: NameFn = _mask(is_dns1123_subdomain)
name_is_dns_label: NameFn = _mask(is_dns1123_label)
name_is_dns1035_label: NameFn = _mask(is_dns1035_label)
name_is_path_segment: NameFn = lambda name, prefix: _segment_name(name)  # noqa: E731


# --- labels, annotations, selectors --------------------------------------------------------------


def validate_labels(labels: Any, field: str) -> list[Cause]:
    if labels is None:
        return []
    if not isinstance(labels, Mapping):
        return [invalid(field, labels, "must be a map of string keys to string values")]
    out: list[Cause] = []
    for key, value in labels.items():
        out.extend(invalid(field, key, m) for m in is_qualified_name(str(key)))
        if not isinstance(value, str):
            out.append(invalid(field, value, "label values must be strings"))
        else:
            out.extend(invalid(field, value, m) for m in is_label_value(value))
    return out


TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


def validate_annotations(annotations: Any, field: str) -> list[Cause]:
    if annotations is None:
        return []
    if not isinstance(annotations, Mapping):
        return [invalid(field, annotations, "must be a map of string keys to string values")]
    out: list[Cause] = []
    total = 0
    for key, value in annotations.items():
        out.extend(invalid(field, key, m) for m in is_qualified_name(str(key).lower()))
        total += len(str(key)) + len(str(value) if value is not None else "")
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        out.append(too_long(field, TOTAL_ANNOTATION_SIZE_LIMIT))
    return out


_SELECTOR_OPS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(selector: Any, field: str) -> list[Cause]:
    if selector is None:
        return []
    if not isinstance(selector, Mapping):
        return [invalid(field, selector, "invalid label selector")]
    out = validate_labels(selector.get("matchLabels"), f"{field}.matchLabels")
    for i, req in enumerate(selector.get("matchExpressions") or []):
        p = f"{field}.matchExpressions[{i}]"
        op = req.get("operator")
        values = req.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                out.append(required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                out.append(
                    forbidden(
                        f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    )
                )
        else:
            out.append(invalid(f"{p}.operator", op, "not a valid selector operator"))
        out.extend(
            invalid(f"{p}.key", req.get("key", ""), m) for m in is_qualified_name(str(req.get("key", "")))
        )
    return out


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any] | None) -> bool:
    """``metav1.LabelSelectorAsSelector(selector).Matches(labels)``."""
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for req in selector.get("matchExpressions") or []:
        key, op, values = req.get("key"), req.get("operator"), req.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selector_is_empty(selector: Mapping[str, Any]) -> bool:
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


# --- ObjectMeta ------------------------------------------------------------------------------------


def validate_object_meta(meta: Any, name_fn: NameFn) -> list[Cause]:
    """``ValidateObjectMeta``: name/generateName syntax, labels, annotations, finalizers, owners."""
    if not isinstance(meta, Mapping):
        return [required("metadata.name", "name or generateName is required")]
    out: list[Cause] = []
    generate = meta.get("generateName") or ""
    if generate:
        out.extend(invalid("metadata.generateName", generate, m) for m in name_fn(str(generate), True))
    name = meta.get("name") or ""
    if not name:
        out.append(required("metadata.name", "name or generateName is required"))
    else:
        out.extend(invalid("metadata.name", name, m) for m in name_fn(str(name), False))
    out.extend(validate_labels(meta.get("labels"), "metadata.labels"))
    out.extend(validate_annotations(meta.get("annotations"), "metadata.annotations"))
    finalizers = meta.get("finalizers") or []
    for i, fin in enumerate(finalizers):
        out.extend(invalid(f"metadata.finalizers[{i}]", fin, m) for m in is_qualified_name(str(fin)))
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        out.append(invalid("metadata.finalizers", finalizers,
                           "finalizer orphan and foregroundDeletion cannot be both set"))
    for i, ref in enumerate(meta.get("ownerReferences") or []):
        p = f"metadata.ownerReferences[{i}]"
        if not ref.get("apiVersion"):
            out.append(invalid(f"{p}.apiVersion", ref.get("apiVersion", ""), "version must not be empty"))
        if not ref.get("kind"):
            out.append(invalid(f"{p}.kind", ref.get("kind", ""), "kind must not be empty"))
        if not ref.get("name"):
            out.append(invalid(f"{p}.name", ref.get("name", ""), "name must not be empty"))
        if not ref.get("uid"):
            out.append(invalid(f"{p}.uid", ref.get("uid", ""), "uid must not be empty"))
    return out


def validate_object_meta_update(meta: Mapping[str, Any], old_meta: Mapping[str, Any]) -> list[Cause]:
    """``ValidateObjectMetaUpdate``: identity fields may not change."""
    out: list[Cause] = []
    for key in ("name", "namespace", "uid"):
        new, old = meta.get(key) or "", old_meta.get(key) or ""
        if old and new and new != old:
            out.extend(immutable(f"metadata.{key}", new, old))
    return out


def _zero(value: Any) -> bool:
    return value is None or value == "" or value is False or value == 0 or value == {} or value == []


def normalize(value: Any) -> Any:
    """Drop zero-valued fields so that comparisons follow Go's ``Semantic.DeepEqual`` on typed
    structs (an absent field and its zero value are the same)."""
    if isinstance(value, Mapping):
        return {k: normalize(v) for k, v in value.items() if not _zero(normalize(v))}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def semantic_equal(a: Any, b: Any) -> bool:
    return a == b or normalize(a) == normalize(b)
