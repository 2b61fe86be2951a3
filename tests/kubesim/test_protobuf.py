"""Kubernetes protobuf request bodies, as kubectl's typed clients send them (`kubectl create ...`).

Ground truth: bodies kubectl 1.37 sent to a recording server, and the objects the same commands
print with `--dry-run=client -o json` (tests/kubesim/protobuf_captures.py). Wire format per
https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import ok
from tests.kubesim.protobuf_captures import CAPTURES

from kubesim.protobuf import ProtobufError, decode_request, fields


def _without_status(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "status"}


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_kubectl_create_bodies_decode_to_the_objects_kubectl_means(name: str) -> None:
    command, hex_body, expected = CAPTURES[name]
    assert _without_status(decode_request(bytes.fromhex(hex_body))) == expected, command


def test_zero_values_of_pointer_fields_survive() -> None:
    # kubectl create deployment web --image=nginx --replicas=0: replicas is a pointer, 0 is meaningful
    deploy = bytes.fromhex(CAPTURES["deploy"][1])
    obj = decode_request(deploy.replace(b"\x08\x03", b"\x08\x00", 1))
    assert obj["spec"]["replicas"] == 0


@pytest.mark.parametrize(("body", "message"), [
    (b'{"kind": "ConfigMap"}', "magic"),
    (b"k8s\x00\x0a\x05\x0a\x02v1", "truncated"),
    (b"k8s\x00\x0a\x0e\x0a\x02v1\x12\x08Frobnitz\x12\x00", "no protobuf schema for Frobnitz"),
    (b"k8s\x00\x0f", "wire type"),
])
def test_bad_bodies_are_protobuf_errors(body: bytes, message: str) -> None:
    with pytest.raises(ProtobufError, match=message):
        decode_request(body)


def test_wire_fields() -> None:
    assert fields(b"\x08\x96\x01\x12\x02hi\x1d\x01\x00\x00\x00") == [(1, 150), (2, b"hi"), (3, 1)]


@pytest.mark.kubectl
def test_kubectl_create_generators_against_kubesim(kubesim: Any) -> None:
    # "svc" is left out: its two ports ask for the same nodePort, which a real server refuses too
    for name in ("ns", "cm", "secret", "deploy", "ing", "rb", "cj"):
        command = shlex.split(CAPTURES[name][0])[1:]
        if name == "cm":
            ok(kubesim, "create", "namespace", "nsq")
        ok(kubesim, *command)
    live = json.loads(ok(kubesim, "get", "deploy", "depx", "-o", "json"))
    assert live["spec"]["replicas"] == 3
    assert [c["image"] for c in live["spec"]["template"]["spec"]["containers"]] == ["nginx:1.25", "busybox:1.36"]
    assert json.loads(ok(kubesim, "get", "cm", "cmx", "-n", "nsq", "-o", "json"))["data"] == {"ka": "va", "kb": "vb"}


def test_corrupted_bodies_only_ever_raise_protobuf_errors() -> None:
    import contextlib
    import random

    rnd = random.Random(7)
    bodies = [bytes.fromhex(capture[1]) for capture in CAPTURES.values()]
    for _ in range(3000):
        body = bytearray(rnd.choice(bodies))
        for _ in range(rnd.randint(1, 4)):
            pos = rnd.randrange(4, len(body))
            roll = rnd.random()
            if roll < 0.5:
                body[pos] = rnd.randrange(256)
            elif roll < 0.75:
                del body[pos]
            else:
                body.insert(pos, rnd.randrange(256))
        with contextlib.suppress(ProtobufError):  # anything else would be a crash of the server
            decode_request(bytes(body))
