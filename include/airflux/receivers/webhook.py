"""Decide what one webhook request means for one Receiver, as Flux's notification-controller does.

The URL is ``/hook/<sha256 hex of token + name + namespace>`` (Flux's ``Receiver.GetWebhookPath``), so
only someone who knows the token can find a receiver. Then, per type:

- ``generic``: the path is the proof; nothing else to check.
- ``generic-hmac``: ``X-Signature: <algo>=<hex HMAC of the body>`` with the token as key
  (sha1, sha224, sha256, sha384, sha512).
- ``github``: ``X-Hub-Signature-256: sha256=<hex HMAC>``; the event is ``X-GitHub-Event``; ``ping``
  is always acknowledged without a reconcile.
- ``gitlab``: ``X-Gitlab-Token`` equals the token; the event is ``X-Gitlab-Event``.

Every comparison of secret material is constant-time (``hmac.compare_digest``). A missing signature is
401, a wrong one 403. An event outside ``spec.events`` is acknowledged (200) and ignored. Messages never
contain the token or the signature values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from airflux.specs.receiver import Receiver
from airflux.specs.types import CrossRef

HOOK_PREFIX = "/hook/"
MAX_BODY_BYTES = 1024 * 1024  # GitHub caps payloads at 25 MB; a push event is a few KB
_HMAC_ALGORITHMS = {"sha1": hashlib.sha1, "sha224": hashlib.sha224, "sha256": hashlib.sha256,
                    "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def webhook_digest(token: str, name: str, namespace: str) -> str:
    return hashlib.sha256(f"{token}{name}{namespace}".encode()).hexdigest()


def webhook_path(token: str, receiver: Receiver) -> str:
    """Flux's webhook path for a receiver: ``/hook/sha256sum(token+name+namespace)``."""
    return HOOK_PREFIX + webhook_digest(token, receiver.meta.name, receiver.meta.namespace)


def same_secret(a: str, b: str) -> bool:
    """Constant-time equality of two secrets (compared as bytes, so any characters are allowed)."""
    return hmac.compare_digest(a.encode(), b.encode())


class HookRejected(Exception):
    """The request is not from someone who holds the token (401 missing, 403 wrong) or is unusable (413, 400).

    The message names the receiver and the header, never a secret.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class HookOutcome:
    """What a verified request asks for: the resources to reconcile now (empty when ignored) and why."""

    receiver: str
    event: str | None
    resources: tuple[CrossRef, ...]
    message: str


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _check_hmac(receiver: Receiver, header_name: str, value: str | None, token: str, body: bytes,
                *, algorithms: tuple[str, ...]) -> None:
    if not value:
        raise HookRejected(401, f"{receiver.ident}: missing {header_name} header")
    algo, sep, signature = value.strip().partition("=")
    if not sep or algo.lower() not in algorithms:
        raise HookRejected(403, f"{receiver.ident}: {header_name} must be '<algorithm>=<hex>' with one of "
                                f"{', '.join(algorithms)}")
    expected = hmac.new(token.encode(), body, _HMAC_ALGORITHMS[algo.lower()]).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise HookRejected(403, f"{receiver.ident}: {header_name} does not match the body")


def verify(receiver: Receiver, *, token: str, headers: Mapping[str, str], body: bytes) -> str | None:
    """Check the request's proof of the token; returns the event type it announces (None if the type has none)."""
    kind = receiver.type
    if kind == "generic":
        return None
    if kind == "generic-hmac":
        _check_hmac(receiver, "X-Signature", _header(headers, "X-Signature"), token, body,
                    algorithms=tuple(_HMAC_ALGORITHMS))
        return None
    if kind == "github":
        _check_hmac(receiver, "X-Hub-Signature-256", _header(headers, "X-Hub-Signature-256"), token, body,
                    algorithms=("sha256",))
        return _header(headers, "X-GitHub-Event") or ""
    if kind == "gitlab":
        given = _header(headers, "X-Gitlab-Token")
        if not given:
            raise HookRejected(401, f"{receiver.ident}: missing X-Gitlab-Token header")
        if not same_secret(given, token):
            raise HookRejected(403, f"{receiver.ident}: X-Gitlab-Token does not match the secret")
        return _header(headers, "X-Gitlab-Event") or ""
    raise HookRejected(400, f"{receiver.ident}: receiver type {kind!r} is not supported")


def handle_hook(receiver: Receiver, *, token: str, headers: Mapping[str, str], body: bytes,
                max_body: int = MAX_BODY_BYTES) -> HookOutcome:
    """Verify one request for ``receiver`` and say which resources to reconcile; HookRejected otherwise."""
    if len(body) > max_body:
        raise HookRejected(413, f"{receiver.ident}: body of {len(body)} bytes exceeds the {max_body}-byte limit")
    event = verify(receiver, token=token, headers=headers, body=body)
    if receiver.suspend:
        return HookOutcome(receiver.ident, event, (), "receiver is suspended; nothing to do")
    if receiver.type == "github" and event == "ping":
        return HookOutcome(receiver.ident, event, (), "pong")
    if event is not None and receiver.events and event not in receiver.events:
        return HookOutcome(receiver.ident, event, (), f"event {event!r} is not in spec.events; ignored")
    names = ", ".join(ref.ident for ref in receiver.resources)
    return HookOutcome(receiver.ident, event, receiver.resources, f"reconcile requested for {names}")
