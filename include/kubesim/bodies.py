"""Request bodies as the real API server's decoder sees them, before any strategy runs.

A real server decodes a body into the endpoint's Go type first: a body of another kind, a wrongly
typed ObjectMeta field or a body it cannot parse is a 400 BadRequest before defaulting, admission or
validation. Every write verb goes through these checks, whatever the body's content type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubesim import errors
from kubesim.store import Obj

if TYPE_CHECKING:
    from kubesim.resources import ResourceType


def check_type(rt: ResourceType, obj: Any) -> Obj:
    """The body must be an object of this endpoint's kind (missing apiVersion/kind default to it)."""
    if not isinstance(obj, dict):
        raise errors.bad_request("the object provided is not a JSON object")
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    if api_version and kind:
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        if group != rt.group or kind != rt.kind:
            raise errors.bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version ({rt.api_version})"
                if group != rt.group or kind == rt.kind
                else f"the kind in the data ({kind}) does not match the expected kind ({rt.kind})"
            )
    elif api_version and not kind:
        raise errors.bad_request(f"Object 'Kind' is missing in '{_short(obj)}'")
    if obj.get("metadata") is not None and not isinstance(obj.get("metadata"), dict):
        raise errors.bad_request("metadata must be an object")
    check_meta_types(rt, obj.get("metadata") or {})
    obj["apiVersion"] = rt.api_version
    obj["kind"] = rt.kind
    return obj


def _short(obj: Obj) -> str:
    text = repr(obj)
    return text if len(text) < 200 else text[:200] + "..."


_GO_TYPES = {str: "string", int: "number", float: "number", bool: "bool", list: "array", dict: "object"}


def _type_error(rt: ResourceType, value: Any, field: str, want: str) -> errors.ApiError:
    got = "null" if value is None else _GO_TYPES.get(type(value), "value")
    return errors.bad_request(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: json: cannot '
                              f"unmarshal {got} into Go struct field {field} of type {want}")


def check_meta_types(rt: ResourceType, m: dict[str, Any]) -> None:
    """What Go's JSON decoder rejects in ObjectMeta before any validation runs (400 BadRequest)."""
    for fld in ("name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp",
                "deletionTimestamp"):
        if m.get(fld) is not None and not isinstance(m[fld], str):
            raise _type_error(rt, m[fld], f"ObjectMeta.metadata.{fld}", "string")
    for fld in ("labels", "annotations"):
        value = m.get(fld)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise _type_error(rt, value, f"ObjectMeta.metadata.{fld}", "map[string]string")
        for v in value.values():
            if not isinstance(v, str):
                raise _type_error(rt, v, f"ObjectMeta.metadata.{fld}", "string")
    for fld, item in (("finalizers", str), ("ownerReferences", dict), ("managedFields", dict)):
        value = m.get(fld)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
            raise _type_error(rt, value, f"ObjectMeta.metadata.{fld}", "[]" + ("string" if item is str else fld))
    if m.get("generation") is not None and (not isinstance(m["generation"], int) or isinstance(m["generation"], bool)):
        raise _type_error(rt, m["generation"], "ObjectMeta.metadata.generation", "int64")


