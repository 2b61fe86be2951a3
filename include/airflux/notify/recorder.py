"""A local stand-in for Slack's API: records chat.postMessage and incoming-webhook posts to a JSONL file.

Tests drive the real slack-sdk against it, and ``make run`` points the demo's Provider at it when no
real Slack connection is configured, so every message can be read back (``tail -f`` the file).
It answers like Slack (``{"ok": true, ...}`` for the Web API, ``ok`` for webhooks), can answer 429 with
``Retry-After`` for the next N requests (``rate_limit()``, or ``POST /_recorder/rate-limit?times=N&
retry_after=S``), and never writes a bearer token: only its SHA-256 prefix, so tests can tell which
token was used. Run it on its own: ``python -m airflux.notify.recorder --port 0 --out messages.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEB_API_PREFIX = "/api/"
WEBHOOK_PATH = "/services/T0AIRFLUX/B0RECORDER/recorder-webhook"


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()[:12]


class Recorder:
    """The server; ``url`` is its base (``http://127.0.0.1:<port>``)."""

    def __init__(self, out: Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._limited = 0
        self._retry_after = 1
        self._down = False
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_address(self) -> str:
        return f"{self.url}{WEB_API_PREFIX}chat.postMessage"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{WEBHOOK_PATH}"

    def rate_limit(self, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` posts with 429 and ``Retry-After: retry_after``."""
        with self._lock:
            self._limited, self._retry_after = times, retry_after

    def fail(self, down: bool = True) -> None:
        """Answer every post with 503 until called with False (Slack is having an outage)."""
        self._down = down

    def requests(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]

    def messages(self) -> list[dict[str, Any]]:
        """Accepted posts only (status 200)."""
        return [r for r in self.requests() if r["status"] == 200 and r.get("accepted", True)]

    def start(self) -> Recorder:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-recorder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, row: dict[str, Any]) -> None:
        with self._lock, open(self.out, "a") as fh:
            fh.write(json.dumps(row, sort_keys=True) + "\n")

    def _take_limit(self) -> int | None:
        with self._lock:
            if self._limited > 0:
                self._limited -= 1
                return self._retry_after
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet: the JSONL file is the log
                return

            def _answer(self, status: int, body: bytes, *, content_type: str, headers: dict[str, str] | None = None
                        ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if parts.path == "/_recorder/rate-limit":
                    query = parse_qs(parts.query)
                    recorder.rate_limit(times=int(query.get("times", ["1"])[0]),
                                        retry_after=int(query.get("retry_after", ["1"])[0]))
                    self._answer(200, b"ok", content_type="text/plain")
                    return
                api = parts.path.startswith(WEB_API_PREFIX)
                try:
                    body: Any = json.loads(raw) if raw else {}
                except ValueError:
                    body = {k: v[0] for k, v in parse_qs(raw.decode(errors="replace")).items()}
                auth = self.headers.get("Authorization") or ""
                row = {"time": time.time(), "path": parts.path, "mode": "token" if api else "webhook",
                       "token": token_digest(auth.removeprefix("Bearer ").strip()) if auth else None,
                       "body": body}
                retry_after = recorder._take_limit()
                if retry_after is not None:
                    recorder._record({**row, "status": 429})
                    self._answer(429, b'{"ok": false, "error": "ratelimited"}' if api else b"rate_limited",
                                 content_type="application/json" if api else "text/plain",
                                 headers={"Retry-After": str(retry_after)})
                    return
                if recorder._down:
                    recorder._record({**row, "status": 503})
                    self._answer(503, b"service unavailable", content_type="text/plain")
                    return
                recorder._record({**row, "status": 200, "accepted": bool(auth) or not api})
                if not api:
                    self._answer(200, b"ok", content_type="text/plain")
                    return
                if not auth:
                    answer = {"ok": False, "error": "not_authed"}
                else:
                    answer = {"ok": True, "channel": body.get("channel", ""), "ts": f"{time.time():.6f}",
                              "message": {"text": body.get("text", "")}}
                self._answer(200, json.dumps(answer).encode(), content_type="application/json")

        return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="JSONL file the posts are appended to")
    args = parser.parse_args(argv)
    recorder = Recorder(args.out, port=args.port)
    print(f"Slack recorder listening at {recorder.url} (chat.postMessage: {recorder.api_address}; "
          f"webhook: {recorder.webhook_url}); messages in {args.out}", flush=True)
    try:
        recorder._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        recorder._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
