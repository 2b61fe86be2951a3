"""kubesim over real HTTP/1.1: the request handler, the threaded server and the ``KubeSim`` facade.

One thread per connection (stdlib ``ThreadingHTTPServer``), keep-alive, chunked watch streams. Every
request first passes the fault injector, then goes to discovery (non-resource GETs), the control
endpoint (``/_kubesim/``) or the REST verbs in ``api``. Any failure becomes a Status; an unexpected
exception is a 500 InternalError and never takes the server down.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import shutil
import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from kubesim import api, bodies, control, discovery, errors, system, watch
from kubesim.faults import Faults
from kubesim.loop import Loop
from kubesim.resources import Registry
from kubesim.store import Store

log = logging.getLogger(__name__)
MAX_BODY = 3 * 1024 * 1024          # kube-apiserver's --max-request-body-bytes default (3 MiB)
DRAIN_LIMIT = 64 * 1024 * 1024      # larger bodies are not read: the connection is closed instead


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kubesim"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        self.connection = self.request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):  # TLS handshake in this connection's thread
            self.connection.settimeout(10)
            self.connection.do_handshake()
            self.connection.settimeout(None)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    # ---- plumbing -------------------------------------------------------------------------
    def _send(self, code: int, body: bytes, content_type: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        lines = [f"HTTP/1.1 {code} {self.responses.get(code, ('',))[0]}",
                 f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                 "Cache-Control: no-cache, private", f"Date: {self.date_time_string()}"]
        lines.extend(f"{k}: {v}" for k, v in headers)
        if self.close_connection:
            lines.append("Connection: close")
        self._log(code)
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def _send_error(self, exc: errors.ApiError) -> int:
        headers: tuple[tuple[str, str], ...] = ()
        if exc.retry_after is not None:
            headers = (("Retry-After", str(exc.retry_after)),)
        self._send(exc.code, bodies.dumps(exc.status()), api.JSON, headers)
        return exc.code

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    self.close_connection = True
                    raise errors.entity_too_large(MAX_BODY)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        raw = self.headers.get("Content-Length")
        if not raw:
            return b""
        try:
            length = int(raw)
        except ValueError:
            self.close_connection = True
            raise errors.bad_request("invalid Content-Length") from None
        if length > MAX_BODY:
            if length <= DRAIN_LIMIT:  # read and discard so the client sees the 413, not a broken pipe
                while length > 0:
                    length -= len(self.rfile.read(min(length, 1 << 20)) or b"\0" * length)
            else:
                self.close_connection = True
            raise errors.entity_too_large(MAX_BODY)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        app: KubeSim = self.server.app
        path, _, query = self.path.partition("?")
        code = 0
        self._logged = path.startswith("/_kubesim/")
        self._log_args = (method, path, query, started)
        try:
            if path.startswith("/_kubesim/"):
                status, payload = control.handle(app.store, app.faults, method, path, self._read_body())
                body = payload.encode() if isinstance(payload, str) else bodies.dumps(payload)
                self._send(status, body, "text/plain" if isinstance(payload, str) else api.JSON)
                return
            decision = app.faults.decide(method, self.path)
            if decision is not None:
                if decision.latency > 0:
                    time.sleep(decision.latency)
                if decision.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
            body = self._read_body()  # always consumed, so a keep-alive connection stays in sync
            if decision is not None and decision.code is not None:
                raise errors.for_code(decision.code, decision.message, retry_after=decision.retry_after)
            code = self._serve(app, method, path, query, body)
        except errors.ApiError as exc:
            code = self._send_error(exc)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        except Exception as exc:  # the server must survive anything a request does
            log.exception("kubesim: %s %s failed", method, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                code = self._send_error(errors.internal(type(exc).__name__))
        finally:
            self._log(code)

    def _log(self, code: int) -> None:
        """Record the request once, before its answer leaves (so a client's next request sees it logged)."""
        if self._logged:
            return
        self._logged = True
        method, path, query, started = self._log_args
        self.server.app.faults.log(method, path, query, code, started, self.headers.get("Content-Type", ""),
                                   self.headers.get("User-Agent", ""))

    def _serve(self, app: KubeSim, method: str, path: str, query: str, body: bytes) -> int:
        accept = self.headers.get("Accept", "")
        if method == "GET":
            if path in ("/healthz", "/livez", "/readyz"):
                self._send(200, b"ok", "text/plain; charset=utf-8")
                return 200
            found = discovery.handle(app.registry, self.path, accept, server_address=app.address)
            if found is not None:
                status, ctype, payload = found
                self._send(status, payload, ctype)
                return status
        if not path.startswith(("/api/", "/apis/")):
            self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
            return 404
        headers = {k.lower(): v for k, v in self.headers.items()}
        params = dict(parse_qsl(query, keep_blank_values=True))
        result = api.handle(app.store, api.Request(method, path, params, headers, body))
        if isinstance(result, watch.WatchRequest):
            return self._stream(app, result)
        self._send(result.code, result.body, result.content_type, result.headers)
        return result.code

    def _stream(self, app: KubeSim, req: watch.WatchRequest) -> int:
        head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                f"Cache-Control: no-cache, private\r\nDate: {self.date_time_string()}\r\n\r\n")
        self._log(200)
        self.wfile.write(head.encode("latin-1"))

        def write(data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        watch.stream(app.store, req, write, bookmark_interval=app.bookmark_interval)
        self.wfile.write(b"0\r\n\r\n")
        return 200


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: KubeSim) -> None:
        self.app = app
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("kubesim: connection error from %s", client_address, exc_info=True)


class KubeSim:
    """One emulated API server: store, HTTP server and controller loop, started and stopped together."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, state_file: Path | None = None,
                 history: int = 10000, controllers: bool = True, interval: float = 0.05,
                 bookmark_interval: float = 5.0, tls: bool = False) -> None:
        self.registry = Registry()
        self.store = Store(registry=self.registry, history=history)
        self.faults = Faults()
        self.state_file = state_file
        self.bookmark_interval = bookmark_interval
        if state_file is not None and state_file.exists():
            from kubesim import persist

            persist.load(self.store, state_file)
        self._httpd = _HTTPServer((host, port), self)
        self.host, self.port = str(self._httpd.server_address[0]), int(self._httpd.server_address[1])
        self.address = f"{self.host}:{self.port}"
        self.ca_pem: bytes | None = None
        self._tls_dir: str | None = None
        if tls:
            from kubesim import tls as tls_support

            self._tls_dir = tempfile.mkdtemp(prefix="kubesim-tls-")
            cert = tls_support.self_signed(Path(self._tls_dir), self.host)
            self.ca_pem = cert.cert_pem
            self._httpd.socket = cert.server_context().wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.url = f"{'https' if tls else 'http'}://{self.address}"
        if self.ca_pem is not None:
            self.store.cluster_ca = self.ca_pem.decode()
        system.bootstrap(self.store)
        self._loop = Loop(self.store, interval=interval) if controllers else None
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="kubesim-http", daemon=True)

    def start(self) -> KubeSim:
        self._thread.start()
        if self._loop is not None:
            self._loop.start()
        return self

    def stop(self) -> None:
        self.store.close()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._loop is not None:
            self._loop.stop()
        if self.state_file is not None:
            from kubesim import persist

            persist.save(self.store, self.state_file)
        if self._tls_dir is not None:
            shutil.rmtree(self._tls_dir, ignore_errors=True)

    def _cluster_entry(self) -> dict[str, str]:
        entry = {"server": self.url}
        if self.ca_pem is not None:
            entry["certificate-authority-data"] = base64.b64encode(self.ca_pem).decode()
        return entry

    def write_kubeconfig(self, path: Path, *, namespace: str = "default") -> Path:
        config = {
            "apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": "kubesim", "cluster": self._cluster_entry()}],
            # kubectl prompts for a username over TLS when the user has no credentials at all; kubesim
            # does not authenticate, so a fixed placeholder token stops the prompt
            "users": [{"name": "kubesim", "user": {"token": "kubesim"} if self.ca_pem is not None else {}}],
            "contexts": [{"name": "kubesim", "context": {"cluster": "kubesim", "user": "kubesim",
                                                         "namespace": namespace}}],
            "current-context": "kubesim",
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2) + "\n")
        return path
