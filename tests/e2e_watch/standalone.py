"""A real ``airflow standalone`` (scheduler, triggerer, DAG processor, API server) for the watcher's
end-to-end test and the latency bench: its own AIRFLOW_HOME, apps directory, git remote and cluster.

The apps directory is gated (empty until the API server answers) for the reason scripts/devstack.py
gives: a task started before the API server listens fails its first try.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


class Remote:
    """A bare repository plus a work tree that pushes to it; ``push`` commits files and returns the sha."""

    def __init__(self, root: Path) -> None:
        self.bare, self.work = root / "remote.git", root / "work"
        root.mkdir(parents=True, exist_ok=True)
        git("init", "-q", "--bare", "--initial-branch=main", str(self.bare), cwd=root)
        git("clone", "-q", str(self.bare), str(self.work), cwd=root)
        git("checkout", "-q", "-B", "main", cwd=self.work)

    @property
    def url(self) -> str:
        return self.bare.as_uri()

    def push(self, files: dict[str, str], message: str = "change") -> str:
        for name, text in files.items():
            path = self.work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git("add", "-A", cwd=self.work)
        git("commit", "-q", "--allow-empty", "-m", message, cwd=self.work)
        git("push", "-q", "origin", "main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work).strip()


class Standalone:
    def __init__(self, root: Path, *, apps: Path, kubeconfig: Path, poll_seconds: float = 1.0,
                 extra_env: dict[str, str] | None = None) -> None:
        self.root, self.apps = root, apps
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.gate = root / "apps-gate"
        self.gate.mkdir(parents=True, exist_ok=True)
        self.log = root / "standalone.log"
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(root / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.base,
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__AIRFLUX__GIT_POLL_INTERVAL": str(poll_seconds),
            "AIRFLUX_APPS_DIR": str(self.gate),
            "AIRFLUX_HOME": str(root / "airflux"),
            "KUBECONFIG": str(kubeconfig),
            "KUBECACHEDIR": str(root / "kube-cache"),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(ROOT / "include"),
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.token = ""
        self.password = ""

    def start(self, *, timeout: float = 150) -> None:
        out = open(self.log, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.proc = subprocess.Popen([str(BIN / "airflow"), "standalone"], env=self.env, stdout=out,
                                     stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True)
        self.wait(lambda: self.http("GET", "/api/v2/monitor/health"), timeout, "the API server")
        self.gate.rmdir()
        self.gate.symlink_to(self.apps, target_is_directory=True)
        pw_file = Path(self.env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
        self.password = self.wait(lambda: json.loads(pw_file.read_text()).get("admin"), 60, "the admin password")
        self.start_session()

    def start_session(self) -> None:
        """A JWT for the REST API, as a user gets from ``POST /auth/token``."""
        self.token = ""
        self.token = self.http("POST", "/auth/token", {"username": "admin", "password": self.password})["access_token"]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def http(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
             raw: bytes | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read()
        return json.loads(text) if text else None

    def wait(self, probe: Any, timeout: float, what: str, *, every: float = 0.5) -> Any:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"airflow standalone exited ({self.proc.returncode}); see {self.log}")
            try:
                result = probe()
                if result:
                    return result
            except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
                last = exc
            time.sleep(every)
        raise TimeoutError(f"timed out waiting for {what}" + (f" ({last})" if last else "") + f"; see {self.log}")

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return self.http("GET", f"/api/v2/dags/{dag_id}/dagRuns?order_by=-run_after&limit=50")["dag_runs"]

    def xcom(self, dag_id: str, run_id: str, task_id: str) -> Any:
        return self.http("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/"
                                "return_value?deserialize=true")["value"]
