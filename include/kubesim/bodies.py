"""Request bodies as the real API server's decoder sees them, before any strategy runs.

A real server decodes a body into the endpoint's Go type first, in any of the media types its
serializers accept (JSON, YAML and, for built-in kinds, Kubernetes protobuf, which kubectl's typed
clients send for ``kubectl create namespace|configmap|deployment|...``): a body in another media type
is a 415, one it cannot parse, of another kind or with a wrongly typed ObjectMeta field is a 400
BadRequest before defaulting, admission or validation. Every write verb goes through these checks, so
a protobuf body ends up as the same dict its JSON form gives.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml

from kubesim import errors, protobuf
from kubesim.protobuf_types import KINDS
from kubesim.store import Obj

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = protobuf.CONTENT_TYPE
BUILTIN_TYPES = (JSON, YAML, PROTOBUF)  # what the apiserver's serializers list in a 415
CUSTOM_TYPES = (JSON, YAML)  # custom resources have no protobuf encoding


def dumps(obj: Any) -> bytes:
    """Compact JSON, the encoding of every JSON body the emulator answers with."""
    return json.dumps(obj, separators=(",", ":")).encode()


def error_reply(err: errors.ApiError) -> tuple[int, str, bytes]:
    """``(code, content type, body)`` of an error, for the handlers that answer with a tuple."""
    return err.code, JSON, dumps(err.status())


def media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def decode_yaml(raw: bytes) -> Any:
    try:
        return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise errors.bad_request(f"error converting YAML to JSON: {exc}") from None


def decode_object(rt: ResourceType, ctype: str, raw: bytes) -> Any:
    """The body of a POST or PUT in the media type it was sent in, as a JSON-shaped value."""
    accepted = CUSTOM_TYPES if rt.is_custom else BUILTIN_TYPES
    if ctype not in accepted:
        raise errors.unsupported_media_type(accepted)
    if not raw.strip():
        raise errors.bad_request("the body of the request was empty")
    if ctype == YAML:
        return decode_yaml(raw)
    if ctype == PROTOBUF:
        return _from_protobuf(rt, raw)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(f"couldn't get version/kind; json parse error: {exc}") from None


def _summary(raw: bytes) -> str:
    """How the apiserver quotes an undecodable body: the first 30 bytes, in hex unless JSON."""
    head = raw[:30]
    text = head.decode(errors="replace") if head.startswith(b"{") else head.hex()
    return text + (" ..." if len(raw) > 30 else "")


def _type_meta(raw: bytes) -> tuple[str, str]:
    """apiVersion and kind of a protobuf envelope, or empty strings where it cannot be read."""
    try:
        envelope = dict(protobuf.fields(raw[len(protobuf.MAGIC) :]))
        type_meta = envelope.get(1)
        parts = dict(protobuf.fields(type_meta)) if isinstance(type_meta, bytes) else {}
        return tuple(  # type: ignore[return-value]
            v.decode("utf-8", errors="replace") if isinstance(v, bytes) else "" for v in (parts.get(1), parts.get(2))
        )
    except protobuf.ProtobufError:
        return "", ""


def _from_protobuf(rt: ResourceType, raw: bytes) -> Any:
    if not raw.startswith(protobuf.MAGIC):
        why = "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {rt.kind}): {why} "
                                 f"({_summary(raw)})")
    api_version, kind = _type_meta(raw)
    if kind and (api_version, kind) not in KINDS:
        if (api_version, kind) == (rt.api_version, rt.kind):  # a kind kubesim has no field table for
            raise errors.unsupported_media_type(CUSTOM_TYPES)
        return {"apiVersion": api_version, "kind": kind}  # check_type reports the mismatch
    try:
        return protobuf.decode_request(raw)
    except protobuf.ProtobufError as exc:
        if kind:
            version = api_version.rpartition("/")[2]
            raise errors.bad_request(f'{kind} in version "{version}" cannot be handled as a {rt.kind}: {exc}') from None
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {rt.kind}): {exc} "
                                 f"({_summary(raw)})") from None


def delete_options(ctype: str, raw: bytes) -> dict[str, Any]:
    """A DeleteOptions body (JSON, YAML or protobuf) as JSON would carry it; empty without a body."""
    if not raw.strip():
        return {}
    if ctype == PROTOBUF:
        try:
            return _delete_options_protobuf(raw)
        except protobuf.ProtobufError as exc:
            raise errors.bad_request(f'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: {exc}') from None
    if ctype == YAML:
        opts = decode_yaml(raw)
    else:
        try:
            opts = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {exc}") from None
    if not isinstance(opts, dict):
        raise errors.bad_request("the body of the request was not a DeleteOptions object")
    return opts


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise protobuf.ProtobufError("expected a length-delimited field")
    return value.decode("utf-8", errors="replace")


def _delete_options_protobuf(raw: bytes) -> dict[str, Any]:
    """meta/v1 DeleteOptions: gracePeriodSeconds 1, preconditions 2 (uid 1, resourceVersion 2),
    orphanDependents 3, propagationPolicy 4, dryRun 5 (repeated); other fields are skipped."""
    if not raw.startswith(protobuf.MAGIC):
        raise protobuf.ProtobufError("provided data does not appear to be a protobuf message, "
                                     "expected prefix [107 56 115 0]")
    envelope = dict(protobuf.fields(raw[len(protobuf.MAGIC) :]))
    body = envelope.get(2, b"")
    opts: dict[str, Any] = {}
    for num, value in protobuf.fields(body if isinstance(body, bytes) else b""):
        if num == 1 and isinstance(value, int):
            opts["gracePeriodSeconds"] = value - (1 << 64) if value >= 1 << 63 else value
        elif num == 3 and isinstance(value, int):
            opts["orphanDependents"] = bool(value)
        elif num == 2:
            names = {1: "uid", 2: "resourceVersion"}
            opts["preconditions"] = {names[n]: _text(v) for n, v in protobuf.fields(_bytes(value)) if n in names}
        elif num == 4:
            opts["propagationPolicy"] = _text(value)
        elif num == 5:
            opts.setdefault("dryRun", []).append(_text(value))
    return opts


def _bytes(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise protobuf.ProtobufError("expected a length-delimited field")
    return value


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


