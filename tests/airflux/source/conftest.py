"""Fixtures for the source stage: upstream Git repositories made by the tests and a smart-HTTP
server (``git http-backend`` as CGI) on 127.0.0.1 with optional basic auth."""

from __future__ import annotations

import base64
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from airflux.paths import Layout
from airflux.specs.types import GitRef, GitRepository, Meta, Origin


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration leaks into the tests; commits are reproducible."""
    cfg = tmp_path / "gitconfig"
    cfg.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("NAME", "EMAIL"):
        monkeypatch.setenv(f"GIT_AUTHOR_{var}", "tester" if var == "NAME" else "t@example.com")
        monkeypatch.setenv(f"GIT_COMMITTER_{var}", "tester" if var == "NAME" else "t@example.com")


class Upstream:
    """A non-bare repository the tests commit to; served over file:// or the HTTP fixture."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self._clock = 1_700_000_000

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.path, check=True, capture_output=True, text=True
        ).stdout.strip()

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def commit(self, files: dict[str, str | bytes | None], message: str = "change") -> str:
        """Write (or delete, with None) files and commit; returns the new commit sha."""
        for name, content in files.items():
            target = self.path / name
            if content is None:
                self.git("rm", "-q", "--", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
            self.git("add", "--", name)
        self._clock += 60
        stamp = f"{self._clock} +0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", message],
            cwd=self.path,
            check=True,
            capture_output=True,
            env=env,
        )
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, *, annotated: bool = False, at: str = "HEAD") -> str:
        if annotated:
            self.git("tag", "-a", "-m", f"release {name}", name, at)
        else:
            self.git("tag", name, at)
        return self.git("rev-parse", f"{name}^{{commit}}")


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path / "upstream")


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path / "home")


def _make_repo(
    url: str,
    *,
    obj_name: str = "app",
    namespace: str = "flux-system",
    ignore: str | None = None,
    timeout: float = 20,
    **ref: str,
) -> GitRepository:
    return GitRepository(
        meta=Meta(name=obj_name, namespace=namespace),
        origin=Origin(Path("apps/source.yaml"), 0),
        url=url,
        ref=GitRef(**ref) if ref else GitRef(branch="main"),
        timeout=timedelta(seconds=timeout),
        ignore=ignore,
    )


@pytest.fixture
def make_repo() -> object:
    """Factory for GitRepository specs: ``make_repo(url, branch="main", ignore=...)``."""
    return _make_repo


class GitHttpServer(ThreadingHTTPServer):
    """Smart-HTTP remote: runs ``git http-backend`` per request, like a CGI web server."""

    daemon_threads = True

    def __init__(self, project_root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _GitCgiHandler)
        self.project_root = project_root
        self.auth: tuple[str, str] | None = None
        self.bearer: str | None = None
        self.delay = 0.0
        self.protocol_v2 = True
        self.requests = 0
        self.leaked_in_cmdline: list[str] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients killed by a timeout test leave broken pipes behind; that is expected

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, repo: Upstream) -> str:
        return f"{self.base}/{repo.path.relative_to(self.project_root).as_posix()}"

    def scan_process_list(self) -> None:
        """Record any process whose command line shows the password (as ``ps`` would)."""
        secret_text = self.bearer or (self.auth[1] if self.auth else None)
        if not secret_text:
            return
        secret = secret_text.encode()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    cmdline = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if secret in cmdline:
                    self.leaked_in_cmdline.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))


class _GitCgiHandler(BaseHTTPRequestHandler):
    server: GitHttpServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if self.server.bearer:
            return header == f"Bearer {self.server.bearer}"
        if not self.server.auth:
            return True
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return (user, password) == self.server.auth

    def _handle(self) -> None:
        self.server.requests += 1
        self.server.scan_process_list()
        if self.server.delay:
            time.sleep(self.server.delay)
        if not self._authorized():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        env = {
            "PATH": os.environ["PATH"],
            "GIT_PROJECT_ROOT": str(self.server.project_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_USER": self.server.auth[0] if self.server.auth else "",
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.server.protocol_v2 and self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
        head, _, payload = proc.stdout.partition(b"\r\n\r\n")
        status = 200
        headers: list[tuple[str, str]] = []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[GitHttpServer]:
    server = GitHttpServer(tmp_path)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
