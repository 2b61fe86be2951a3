"""What the end-to-end tests drive: a migrated Airflow, a runner process, a Git repo and an app.

``AirflowStack`` is made once per session (``airflow db migrate`` and Airflow's start-up are the slow
parts); each test gets its own kubesim, Git repository, apps directory and artifact store, and runs
its app's DAG through ``run()``, which returns what a user would look at: the run and task states,
the XCom summaries and the whole log of the run.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
KUBECTL = str(Path(sys.executable).with_name("kubectl"))


@dataclass(frozen=True)
class Run:
    state: str
    run_id: str
    tasks: dict[str, tuple[str, int]]  # task_id -> (state, try_number)
    xcom: dict[str, Any]  # task_id -> return value
    log: str

    def errors(self) -> str:
        """The exception lines of the run's log (and the objects they list), for assertion messages."""
        keep = re.compile(r"^(\S.*(Exception|Error|Failed|Timeout): |  (?!File )\S)")
        return "\n".join(line[:400] for line in self.log.splitlines() if keep.match(line))[-4000:]


class AirflowStack:
    """A private AIRFLOW_HOME with a migrated SQLite DB and one long-lived ``dag.test()`` runner."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.dags = work / "dags"
        self.dags.mkdir(parents=True)
        for name in ("airflux_apps.py", "airflux_app_errors.py"):
            shutil.copy(ROOT / "dags" / name, self.dags)
        self.db = work / "airflow" / "airflow.db"
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("AIRFLOW", "KUBECONFIG", "AIRFLUX"))}
        self.env.update({
            "AIRFLOW_HOME": str(work / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "0",
            # An empty apps dir until a test points the runner at its own.
            "AIRFLUX_APPS_DIR": str(work / "no-apps"),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), self.env.get("PYTHONPATH", "")]),
        })
        (work / "no-apps").mkdir()
        done = subprocess.run([AIRFLOW, "db", "migrate"], env=self.env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-3000:]
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("airflow_runner.py"))],
                                     env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     bufsize=1)
        self.runs = 0

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def run(self, dag_id: str, *, apps: Path, home: Path, kubeconfig: Path, conf: dict[str, Any] | None = None,
            env: dict[str, str] | None = None, timeout: float = 90) -> Run:
        self.runs += 1
        log = home.parent / f"run-{self.runs}.log"
        request = {"dag_id": dag_id, "conf": conf, "log": str(log),
                   "env": {"AIRFLUX_APPS_DIR": str(apps), "AIRFLUX_HOME": str(home), "KUBECONFIG": str(kubeconfig),
                           **(env or {})}}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"dag.test({dag_id}) did not finish in {timeout}s; log:\n{_tail(log)}")
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the Airflow runner died; log:\n{_tail(log)}")
            if line.startswith("RESULT "):
                break
        answer = json.loads(line.removeprefix("RESULT "))
        text = log.read_text() if log.exists() else ""
        if "error" in answer:
            raise RuntimeError(f"{answer['error']}\n--- log ---\n{text[-4000:]}")
        run_id = answer["run_id"]
        with sqlite3.connect(self.db) as db:
            tasks = {t: (s, n) for t, s, n in db.execute(
                "select task_id, state, try_number from task_instance where dag_id = ? and run_id = ?",
                (dag_id, run_id))}
            xcom = {t: json.loads(v) for t, v in db.execute(
                "select task_id, value from xcom where dag_id = ? and run_id = ? and key = 'return_value'",
                (dag_id, run_id))}
        return Run(answer["state"], run_id, tasks, xcom, text)


def _tail(path: Path) -> str:
    return path.read_text()[-4000:] if path.exists() else "(no log)"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


class Repo:
    """A local Git repository the test commits to, as a developer would push."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")

    def commit(self, files: dict[str, str | None], message: str = "change") -> str:
        """Write (or with None delete) files, commit them and return the commit SHA."""
        for name, text in files.items():
            target = self.path / name
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        git(self.path, "add", "-A", ".")
        git(self.path, "-c", "user.email=test@example.com", "-c", "user.name=test", "commit", "-qm", message)
        return git(self.path, "rev-parse", "HEAD")


APP = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: repo, namespace: flux-system}}
spec: {{url: "file://{repo}", ref: {{branch: main}}, interval: 1m}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  sourceRef: {{kind: GitRepository, name: repo}}
  path: ./deploy
  interval: {interval}
  retryInterval: {retry_interval}
  timeout: {timeout}
  prune: {prune}
  wait: {wait}
"""


@dataclass
class App:
    """One app under test: its repository, definition, artifact store and cluster."""

    stack: AirflowStack
    repo: Repo
    apps: Path
    home: Path
    kubesim: Any
    name: str

    @property
    def dag_id(self) -> str:
        return f"ks.flux-system.{self.name}"

    def define(self, *, prune: bool = True, wait: bool = False, timeout: str = "30s", interval: str = "10m",
               retry_interval: str | None = None) -> None:
        """Write the app's definitions; without ``retry_interval`` tasks are not retried (Flux's default)."""
        (self.apps / "app.yaml").write_text(APP.format(
            repo=self.repo.path, name=self.name, prune=str(prune).lower(), wait=str(wait).lower(), timeout=timeout,
            interval=interval, retry_interval=retry_interval or interval))

    def run(self, *, conf: dict[str, Any] | None = None, kubeconfig: Path | None = None,
            env: dict[str, str] | None = None) -> Run:
        """Run the app's DAG; the cluster is this test's kubesim via KUBECONFIG unless told otherwise."""
        return self.stack.run(self.dag_id, apps=self.apps, home=self.home,
                              kubeconfig=kubeconfig or self.kubesim.kubeconfig, conf=conf, env=env)

    def kubectl(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """The real kubectl against this test's cluster."""
        result: subprocess.CompletedProcess[str] = self.kubesim.kubectl(*args, input=input)
        return result

    def kubectl_json(self, *args: str) -> Any:
        done = self.kubectl(*args, "-o", "json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
