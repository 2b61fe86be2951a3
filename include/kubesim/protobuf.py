"""Decoding of `application/vnd.kubernetes.protobuf` request bodies into JSON-shaped objects.

kubectl's typed clients send built-in objects as Kubernetes protobuf: `kubectl create namespace`,
`create configmap|secret|deployment|service|job|cronjob|role|...`, `autoscale`. A real API server
accepts that encoding, so kubesim decodes it into the same dict the JSON form would give and
processes the request as usual (responses stay JSON, which kubectl also accepts).

Wire format: the 4-byte magic `k8s\\0`, then a `runtime.Unknown` message (typeMeta = 1 with
apiVersion = 1 and kind = 2, raw = 2, contentEncoding = 3, contentType = 4) whose `raw` is the
object's message. Field numbers come from the Kubernetes `generated.proto` files
(`kubesim.protobuf_types`); only the messages kubectl's generators produce are covered. Go writes
every non-pointer field, zero values included, so zero scalars are dropped (JSON `omitempty`) unless
the field is a pointer (marked `*`), and empty messages, lists and maps are dropped.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from kubesim.protobuf_types import KINDS, MESSAGES

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"


class ProtobufError(ValueError):
    """The body is not a Kubernetes protobuf message kubesim can decode (a 400/415 for the server)."""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ProtobufError("varint too long")


def fields(buf: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) pairs of one message: ints for varint/fixed fields, bytes otherwise."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if num == 0:
            raise ProtobufError("field number 0")
        if wire == 0:
            value, pos = _varint(buf, pos)
            out.append((num, value))
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ProtobufError("truncated length-delimited field")
            out.append((num, buf[pos : pos + size]))
            pos += size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            if pos + width > len(buf):
                raise ProtobufError("truncated fixed-width field")
            out.append((num, int.from_bytes(buf[pos : pos + width], "little")))
            pos += width
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _bytes(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise ProtobufError("expected a length-delimited field")
    return value


def _scalar(typ: str, value: int | bytes) -> Any:
    if typ == "str":
        return _bytes(value).decode("utf-8", errors="replace")
    if typ == "bytes":
        return base64.b64encode(_bytes(value)).decode()
    if typ == "bool":
        return bool(value)
    if typ == "int":
        if isinstance(value, bytes):
            raise ProtobufError("expected a varint")
        return _signed(value)
    if typ == "qty":
        return next((_scalar("str", v) for n, v in fields(_bytes(value)) if n == 1), "0")
    if typ == "time":
        parts = dict(fields(_bytes(value)))
        seconds = _scalar("int", parts.get(1, 0))
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds else None
    if typ == "ios":
        parts = dict(fields(_bytes(value)))
        if _scalar("int", parts.get(1, 0)) == 1:
            return _scalar("str", parts.get(3, b""))
        return _scalar("int", parts.get(2, 0))
    return decode_message(typ, _bytes(value))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == [] or value is False or value == 0


def decode_message(name: str, buf: bytes) -> dict[str, Any]:
    """Decode `buf` as the Kubernetes message `name` into a JSON-shaped dict."""
    schema = MESSAGES.get(name)
    if schema is None:
        raise ProtobufError(f"no protobuf schema for {name}")
    out: dict[str, Any] = {}
    for num, raw in fields(buf):
        spec = schema.get(num)
        if spec is None:
            continue  # a field kubesim does not know: Go wrote its zero value, or it is not modelled
        key, typ = spec
        pointer = typ.endswith("*")
        typ = typ.rstrip("*")
        if typ.startswith("map:"):
            entry = dict(fields(_bytes(raw)))
            k = _scalar("str", entry.get(1, b""))
            v = _scalar(typ[4:], entry.get(2, b"" if typ[4:] != "int" else 0))
            out.setdefault(key, {})[k] = v
        elif typ.startswith("[]"):
            out.setdefault(key, []).append(_scalar(typ[2:], raw))
        else:
            value = _scalar(typ, raw)
            if key == "...":
                out.update(value)
            elif pointer or not _empty(value):
                out[key] = value
    return {k: v for k, v in out.items() if v != {}}


def decode_request(body: bytes) -> dict[str, Any]:
    """The object of a protobuf request body, with apiVersion and kind, as JSON would carry it."""
    if not body.startswith(MAGIC):
        raise ProtobufError("the body does not start with the Kubernetes protobuf magic number")
    envelope = dict(fields(body[len(MAGIC) :]))
    type_meta = dict(fields(_bytes(envelope.get(1, b""))))
    api_version = _scalar("str", type_meta.get(1, b""))
    kind = _scalar("str", type_meta.get(2, b""))
    if envelope.get(3) not in (None, b""):
        raise ProtobufError("content encodings are not supported")
    message = KINDS.get((api_version, kind))
    if message is None:
        raise ProtobufError(f"no protobuf schema for {kind} in {api_version}")
    obj = decode_message(message, _bytes(envelope.get(2, b"")))
    return {"apiVersion": api_version, "kind": kind, **obj}
