"""Protobuf request bodies over raw HTTP: bad bodies are the real 400/415, never a crash.

"API Concepts → Protobuf encoding": the body is ``k8s\\x00`` + a ``runtime.Unknown`` (typeMeta 1,
raw 2); only built-in kinds have a protobuf form, so a custom resource endpoint answers 415. Error
wording follows the apiserver's decode path (``transformDecodeError``); DeleteOptions are decoded
like any other body (meta/v1 ``DeleteOptions`` fields 1-5).
"""

from __future__ import annotations

import random
from typing import Any

from tests.kubesim.conftest import cm
from tests.kubesim.protobuf_captures import CAPTURES

PROTOBUF = "application/vnd.kubernetes.protobuf"
CMS = "/api/v1/namespaces/default/configmaps"
ENDPOINTS = {
    "Namespace": "/api/v1/namespaces", "ConfigMap": CMS, "Secret": "/api/v1/namespaces/default/secrets",
    "Deployment": "/apis/apps/v1/namespaces/default/deployments", "Service": "/api/v1/namespaces/default/services",
    "Ingress": "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
    "RoleBinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
    "CronJob": "/apis/batch/v1/namespaces/default/cronjobs",
}


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(num: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    return _varint(num << 3 | 2) + _varint(len(value)) + value


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return b"k8s\x00" + _field(1, _field(1, api_version.encode()) + _field(2, kind.encode())) + _field(2, raw)


def configmap(name: str, **data: str) -> bytes:
    entries = b"".join(_field(2, _field(1, k.encode()) + _field(2, v.encode())) for k, v in data.items())
    return envelope("v1", "ConfigMap", _field(1, _field(1, name.encode())) + entries)


def test_a_hand_encoded_configmap_is_created(api):
    reply = api("POST", CMS, configmap("hand", mode="fast"), ctype=PROTOBUF)
    assert reply.code == 201 and reply.headers["content-type"] == "application/json"
    assert reply.body["data"] == {"mode": "fast"} and reply.body["metadata"]["namespace"] == "default"


def test_put_takes_protobuf_too(api):
    created = api("POST", CMS, cm("upd")).body
    meta = _field(1, b"upd") + _field(6, created["metadata"]["resourceVersion"].encode())
    body = envelope("v1", "ConfigMap", _field(1, meta) + _field(2, _field(1, b"k") + _field(2, b"new")))
    reply = api("PUT", f"{CMS}/upd", body, ctype=PROTOBUF)
    assert reply.code == 200 and reply.body["data"] == {"k": "new"}


def test_body_without_the_magic_is_a_bad_request(api):
    reply = api("POST", CMS, b'{"kind": "ConfigMap"}', ctype=PROTOBUF)
    assert (reply.code, reply.body["reason"]) == (400, "BadRequest")
    assert reply.body["message"] == (
        "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a "
        'protobuf message, expected prefix [107 56 115 0] ({"kind": "ConfigMap"})')


def test_undecodable_object_names_its_kind_when_the_envelope_is_readable(api, kubesim):
    before = kubesim.snapshot()
    inner = api("POST", CMS, envelope("v1", "ConfigMap", b"\x0a\x05ab"), ctype=PROTOBUF)
    assert (inner.code, inner.body["reason"]) == (400, "BadRequest")
    assert inner.body["message"].startswith('ConfigMap in version "v1" cannot be handled as a ConfigMap: ')
    cut = api("POST", CMS, configmap("cut", a="b")[:-3], ctype=PROTOBUF)  # the envelope itself is cut
    assert (cut.code, cut.body["reason"]) == (400, "BadRequest")
    assert cut.body["message"].startswith("the object provided is unrecognized (must be of type ConfigMap): ")
    assert cut.body["message"].endswith("(6b3873000a0f0a0276311209436f6e6669674d6170120f0a050a03637574 ...)")
    assert kubesim.diff(before, kubesim.snapshot()) == []


def test_wrong_kind_for_the_endpoint_is_the_usual_mismatch(api):
    reply = api("POST", "/api/v1/namespaces/default/secrets", configmap("x"), ctype=PROTOBUF)
    assert reply.code == 400 and "does not match the expected kind (Secret)" in reply.body["message"]


def test_custom_resources_have_no_protobuf_form(api, kubesim):
    kubesim.apply({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": "widgets.example.com"},
                   "spec": {"group": "example.com", "scope": "Namespaced",
                            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                            "versions": [{"name": "v1", "served": True, "storage": True,
                                          "schema": {"openAPIV3Schema": {"type": "object",
                                                     "x-kubernetes-preserve-unknown-fields": True}}}]}})
    kubesim.wait_for(lambda: api("GET", "/apis/example.com/v1").code == 200)
    body = envelope("example.com/v1", "Widget", _field(1, _field(1, b"w")))
    reply = api("POST", "/apis/example.com/v1/namespaces/default/widgets", body, ctype=PROTOBUF)
    assert (reply.code, reply.body["reason"]) == (415, "UnsupportedMediaType")
    assert reply.body["message"].endswith("accepted media types include: application/json, application/yaml")


def test_unsupported_body_type_lists_protobuf_for_built_ins(api):
    reply = api("POST", CMS, "x", ctype="text/plain")
    assert reply.code == 415 and reply.body["message"] == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf")


def _delete_options(**fields: Any) -> bytes:
    raw = b""
    if "grace" in fields:
        raw += _field(1, fields["grace"])
    if "uid" in fields:
        raw += _field(2, _field(1, fields["uid"].encode()))
    if "policy" in fields:
        raw += _field(4, fields["policy"].encode())
    for value in fields.get("dry_run", []):
        raw += _field(5, value.encode())
    return envelope("v1", "DeleteOptions", raw)


def test_delete_options_in_protobuf(api):
    api("POST", CMS, cm("gone"))
    stale = api("DELETE", f"{CMS}/gone", _delete_options(uid="not-the-uid"), ctype=PROTOBUF)
    assert stale.code == 409 and "Precondition failed: UID in precondition: not-the-uid" in stale.body["message"]
    dry = api("DELETE", f"{CMS}/gone", _delete_options(grace=0, dry_run=["All"]), ctype=PROTOBUF)
    assert dry.code == 200 and api("GET", f"{CMS}/gone").code == 200
    bad = api("DELETE", f"{CMS}/gone", _delete_options(dry_run=["Sometimes"]), ctype=PROTOBUF)
    assert bad.code == 400
    done = api("DELETE", f"{CMS}/gone", _delete_options(policy="Background", grace=0), ctype=PROTOBUF)
    assert done.code == 200 and api("GET", f"{CMS}/gone").code == 404
    broken = api("DELETE", f"{CMS}/other", b"k8s\x00\x0f", ctype=PROTOBUF)
    assert (broken.code, broken.body["reason"]) == (400, "BadRequest")


def test_corrupted_kubectl_bodies_never_crash_the_server(api):
    rnd = random.Random(11)
    api("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "nsq"}})
    captures = [(ENDPOINTS[c[2]["kind"]], bytes.fromhex(c[1])) for c in CAPTURES.values()
                if c[2]["kind"] in ENDPOINTS]
    codes = set()
    for _ in range(150):
        path, body = rnd.choice(captures)
        data = bytearray(body)
        for _ in range(rnd.randint(1, 3)):
            pos = rnd.randrange(4, len(data))
            data[pos] = rnd.randrange(256)
        reply = api("POST", path, bytes(data), ctype=PROTOBUF)
        codes.add(reply.code)
        assert reply.code < 500, reply.body
    assert 400 in codes
    assert api("GET", "/api/v1/namespaces/default").code == 200
