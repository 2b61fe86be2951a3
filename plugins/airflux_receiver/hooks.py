"""The webhook route: ``POST <prefix>/hook/<digest>``, the only route of the Airflux plugin app.

It is reachable without Airflow login because senders (GitHub, GitLab, CI jobs) cannot log in; the
digest in the path (Flux's ``sha256(token + name + namespace)``) and the per-type signature are the
authentication, checked by ``airflux.receivers``. A verified hook does one thing: emit the asset events
the listed resources mean (``airflow_side.target_of``), which start the apps deploying from a listed source
or the listed apps themselves. Rejections are logged with the
receiver and the reason, never the token or the signature. The app has no docs or OpenAPI routes.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from airflux.receivers import MAX_BODY_BYTES, HookRejected, handle_hook
from airflux.receivers.webhook import webhook_digest
from airflux.specs.receiver import Receiver
from airflux.specs.types import CrossRef

log = logging.getLogger("airflux.receiver")

Emit = Callable[[CrossRef, dict[str, object]], bool]  # False: the resource's asset is not known to Airflow


@dataclass(frozen=True)
class HookConfig:
    """Where receivers and their tokens come from, and how to emit; refreshed every ``refresh_seconds``."""

    receivers: Callable[[], Iterable[Receiver]]
    token_of: Callable[[str], str | None]  # secretRef name → token (None: no such connection)
    emit: Emit
    max_body: int = MAX_BODY_BYTES
    refresh_seconds: float = 10.0


class _Directory:
    """digest → (receiver, token), rebuilt at most every ``refresh_seconds`` (definitions and tokens change)."""

    def __init__(self, config: HookConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._built_at = float("-inf")
        self._entries: list[tuple[str, Receiver, str]] = []

    def _rebuild(self) -> None:
        entries: list[tuple[str, Receiver, str]] = []
        for receiver in self._config.receivers():
            try:
                token = self._config.token_of(receiver.secret_ref)
            except Exception as exc:  # one unreadable connection must not disable the other receivers
                log.warning("%s: cannot read connection %r: %s", receiver.ident, receiver.secret_ref,
                            type(exc).__name__)
                continue
            if not token:
                log.warning("%s: no token in connection %r (password or extra 'token')", receiver.ident,
                            receiver.secret_ref)
                continue
            entries.append((webhook_digest(token, receiver.meta.name, receiver.meta.namespace), receiver, token))
        self._entries = entries

    def find(self, digest: str) -> tuple[Receiver, str] | None:
        with self._lock:
            if time.monotonic() - self._built_at > self._config.refresh_seconds:
                self._rebuild()
                self._built_at = time.monotonic()
            entries = list(self._entries)
        found = None
        for known, receiver, token in entries:
            # Compare every entry in constant time, so timing does not reveal how much of a digest matched.
            if hmac.compare_digest(known.encode(), digest.encode()):
                found = (receiver, token)
        return found


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it exceeds ``limit`` bytes (never buffers more than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(config: HookConfig) -> FastAPI:
    app = FastAPI(title="Airflux webhook receivers", docs_url=None, redoc_url=None, openapi_url=None)
    directory = _Directory(config)

    @app.post("/hook/{digest}")
    async def hook(digest: str, request: Request) -> JSONResponse:
        found = await run_in_threadpool(directory.find, digest)
        if found is None:
            return JSONResponse({"message": "no receiver at this path"}, status_code=404)
        receiver, token = found
        body = await _read_limited(request, config.max_body)
        if body is None:
            log.warning("%s: refused a body over %d bytes", receiver.ident, config.max_body)
            return JSONResponse({"message": f"body exceeds {config.max_body} bytes"}, status_code=413)
        try:
            outcome = handle_hook(receiver, token=token, headers=dict(request.headers), body=body,
                                  max_body=config.max_body)
        except HookRejected as rejected:
            client = request.client.host if request.client else "?"
            log.warning("Rejected webhook from %s: %s (%d)", client, rejected.message, rejected.status)
            return JSONResponse({"message": rejected.message}, status_code=rejected.status)
        emitted: list[str] = []
        for ref in outcome.resources:
            name = f"{ref.kind}/{ref.namespace}/{ref.name}"
            extra: dict[str, object] = {"receiver": receiver.ident, "event": outcome.event}
            if await run_in_threadpool(config.emit, ref, extra):
                emitted.append(name)
            else:
                log.warning("%s: %s has no asset in Airflow yet (no unpaused app uses it?)", receiver.ident, name)
        log.info("%s: %s; asset events for %s", receiver.ident, outcome.message, ", ".join(emitted) or "nothing")
        return JSONResponse({"message": outcome.message, "reconciling": emitted}, status_code=200)

    return app
