"""A minimal in-memory OCI distribution registry over plain HTTP, enough for Helm to push and pull charts:
blob uploads (monolithic or chunked), manifests by tag or digest, the tag list; optionally behind basic
auth (every request without the right ``Authorization`` gets 401 and a ``Basic`` challenge)."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

_BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>sha256:[0-9a-f]+)$")
_UPLOAD = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/(?P<id>[^/]*)$")
_MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")
_TAGS = re.compile(r"^/v2/(?P<name>.+)/tags/list$")


class Store:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.uploads: dict[str, bytes] = {}
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}  # (name, tag or digest) → (type, body)
        self.tags: dict[str, list[str]] = {}


class _Handler(http.server.BaseHTTPRequestHandler):
    store: Store
    auth: str | None = None  # "user:password" when the registry asks for basic auth
    refused: list[str]  # the request lines refused for missing or wrong credentials
    protocol_version = "HTTP/1.1"

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline or not self.parse_request():
            self.close_connection = True
            return
        if self.auth is not None:
            expected = "Basic " + base64.b64encode(self.auth.encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._body()
                self.refused.append(self.requestline)
                return self._send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                                  {"WWW-Authenticate": 'Basic realm="test-registry"',
                                   "Content-Type": "application/json"}, head=self.command == "HEAD")
        method = getattr(self, f"do_{self.command}", None)
        if method is None:
            return self._send(405)
        method()
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, body: bytes = b"", headers: dict[str, str] | None = None, *,
              head: bool = False) -> None:
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _get(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path in ("/v2", "/v2/"):
            return self._send(200, b"{}", {"Content-Type": "application/json"}, head=head)
        if m := _BLOB.match(path):
            blob = self.store.blobs.get(m["digest"])
            if blob is None:
                return self._send(404)
            return self._send(200, blob, {"Docker-Content-Digest": m["digest"],
                                          "Content-Type": "application/octet-stream"}, head=head)
        if m := _MANIFEST.match(path):
            found = self.store.manifests.get((m["name"], m["ref"]))
            if found is None:
                return self._send(404)
            kind, body = found
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            return self._send(200, body, {"Content-Type": kind, "Docker-Content-Digest": digest}, head=head)
        if m := _TAGS.match(path):
            body = json.dumps({"name": m["name"], "tags": self.store.tags.get(m["name"], [])}).encode()
            return self._send(200, body, {"Content-Type": "application/json"}, head=head)
        return self._send(404)

    def do_GET(self) -> None:
        self._get(False)

    def do_HEAD(self) -> None:
        self._get(True)

    def do_POST(self) -> None:
        split = urlsplit(self.path)
        m = _UPLOAD.match(split.path)
        if not m:
            return self._send(404)
        data = self._body()
        digest = parse_qs(split.query).get("digest", [None])[0]
        if digest:  # monolithic upload
            self.store.blobs[digest] = data
            return self._send(201, headers={"Location": f"/v2/{m['name']}/blobs/{digest}",
                                            "Docker-Content-Digest": digest})
        upload = uuid.uuid4().hex
        self.store.uploads[upload] = data
        return self._send(202, headers={"Location": f"/v2/{m['name']}/blobs/uploads/{upload}",
                                        "Range": "0-0", "Docker-Upload-UUID": upload})

    def do_PATCH(self) -> None:
        m = _UPLOAD.match(urlsplit(self.path).path)
        if not m or m["id"] not in self.store.uploads:
            return self._send(404)
        self.store.uploads[m["id"]] += self._body()
        size = len(self.store.uploads[m["id"]])
        return self._send(202, headers={"Location": f"/v2/{m['name']}/blobs/uploads/{m['id']}",
                                        "Range": f"0-{max(size - 1, 0)}"})

    def do_PUT(self) -> None:
        split = urlsplit(self.path)
        if m := _UPLOAD.match(split.path):
            data = self.store.uploads.pop(m["id"], b"") + self._body()
            digest = parse_qs(split.query)["digest"][0]
            self.store.blobs[digest] = data
            return self._send(201, headers={"Location": f"/v2/{m['name']}/blobs/{digest}",
                                            "Docker-Content-Digest": digest})
        if m := _MANIFEST.match(split.path):
            body = self._body()
            kind = self.headers.get("Content-Type") or "application/vnd.oci.image.manifest.v1+json"
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            self.store.manifests[(m["name"], m["ref"])] = (kind, body)
            self.store.manifests[(m["name"], digest)] = (kind, body)
            if not m["ref"].startswith("sha256:"):
                self.store.tags.setdefault(m["name"], []).append(m["ref"])
            return self._send(201, headers={"Location": f"/v2/{m['name']}/manifests/{digest}",
                                            "Docker-Content-Digest": digest})
        return self._send(404)


@contextmanager
def registry(*, auth: str | None = None, refused: list[str] | None = None) -> Iterator[str]:
    """``host:port`` of a fresh registry on 127.0.0.1 (behind basic auth with ``auth="user:password"``;
    ``refused`` collects the requests it turned away)."""
    handler = type("Handler", (_Handler,), {"store": Store(), "auth": auth,
                                            "refused": refused if refused is not None else []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
