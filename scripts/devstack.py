"""`make run`: the whole Airflux demo on one machine, with nothing installed by hand.

Starts (and on Ctrl-C stops) everything the demo needs:
  * the kubesim API emulator as the cluster, unless KUBECONFIG or an Airflow connection
    `kubernetes_default` (AIRFLOW_CONN_KUBERNETES_DEFAULT) says which cluster to use;
  * a demo Git repository made from examples/shop, at the URL that apps/shop.yaml names;
  * `airflow standalone` (LocalExecutor on SQLite, examples off, bound to 127.0.0.1);
then unpauses and follows (or triggers) the demo DAGs, the Kustomization ks.flux-system.shop and the
HelmRelease hr.flux-system.cache, and prints the UI URL, the admin password and the results.
Running it twice reuses the Airflow home, the cluster state and the demo repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEMO_DIR = Path("/tmp/airflux-demo")
DEMO_REMOTE = DEMO_DIR / "shop.git"
DEMO_DAG = "ks.flux-system.shop"
DEMO_DAGS = (DEMO_DAG, "hr.flux-system.cache")  # apps/shop.yaml, apps/shop-cache.yaml
LAUNCHED = datetime.now(UTC)
BIN = Path(sys.executable).parent
# `airflow standalone` starts the scheduler and the API server together, and a task the scheduler
# launches before the API server listens fails its first try (then waits for retryInterval). So the
# DAG processor first sees an empty apps directory; once the API answers, it becomes a link to the
# real one (AIRFLUX_APPS_DIR, default apps/), and the apps appear on the next parse (≤ 5 s).
GATED_APPS = VAR / "apps"


def say(msg: str) -> None:
    print(f"[make run] {msg}", flush=True)


def free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Airflux Demo", "GIT_AUTHOR_EMAIL": "demo@airflux.local",
           "GIT_COMMITTER_NAME": "Airflux Demo", "GIT_COMMITTER_EMAIL": "demo@airflux.local"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def ensure_demo_repo() -> None:
    """Create the demo repository from examples/shop once; after that it is the user's to push to."""
    work = DEMO_DIR / "work"
    if DEMO_REMOTE.exists():
        say(f"demo repository {DEMO_REMOTE} exists (rm -rf {DEMO_DIR} to start it again from examples/shop)")
        listed = subprocess.run(["git", "--git-dir", str(DEMO_REMOTE), "ls-tree", "-r", "--name-only", "main"],
                                capture_output=True, text=True, check=False).stdout.split()
        if "charts/cache/Chart.yaml" not in listed:
            say(f"note: that repository predates the Helm demo (charts/cache), so hr.flux-system.cache will fail; "
                f"rm -rf {DEMO_DIR} to recreate it")
        return
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    git("init", "--bare", "--initial-branch=main", str(DEMO_REMOTE), cwd=DEMO_DIR)
    shutil.rmtree(work, ignore_errors=True)
    git("clone", str(DEMO_REMOTE), str(work), cwd=DEMO_DIR)
    git("checkout", "-B", "main", cwd=work)
    shutil.copytree(ROOT / "examples" / "shop", work, dirs_exist_ok=True)
    git("add", "-A", cwd=work)
    git("commit", "-m", "Demo app from examples/shop", cwd=work)
    git("push", "origin", "main", cwd=work)
    say(f"demo repository {DEMO_REMOTE} created from examples/shop (working copy: {work})")


class Stack:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def start_kubesim(stack: Stack, env: dict[str, str]) -> str:
    kubeconfig = VAR / "kubesim" / "kubeconfig"
    kubeconfig.unlink(missing_ok=True)
    log = VAR / "logs" / "kubesim.log"
    log.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "kubesim", "--port", "0", "--kubeconfig", str(kubeconfig),
           "--state", str(VAR / "kubesim" / "state.json")]
    proc = stack.start(cmd, env=env, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kubesim exited with {proc.returncode}; see {log}")
        found = re.search(r"https?://127\.0\.0\.1:\d+", log.read_text(errors="replace")) if log.exists() else None
        if found and kubeconfig.exists():
            say(f"no cluster configured: started the kubesim API emulator at {found.group(0)}")
            return str(kubeconfig)
        time.sleep(0.2)
    raise SystemExit(f"kubesim did not start within 30 s; see {log}")


SLACK_MESSAGES = VAR / "slack" / "messages.jsonl"


def slack_connection(stack: Stack, env: dict[str, str]) -> dict[str, str]:
    """The Airflow connection `slack` that apps/notifications.yaml's Provider names: the user's, if
    AIRFLOW_CONN_SLACK is set (a real Slack), else a local Slack recorder's incoming-webhook URL."""
    if env.get("AIRFLOW_CONN_SLACK"):
        say("Slack: notifications go to the connection `slack` from AIRFLOW_CONN_SLACK")
        return {}
    log = VAR / "logs" / "slack-recorder.log"
    log.unlink(missing_ok=True)
    proc = stack.start([sys.executable, "-m", "airflux.notify.recorder", "--port", "0", "--out", str(SLACK_MESSAGES)],
                       env=env, log=log)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the Slack recorder exited with {proc.returncode}; see {log}")
        found = re.search(r"webhook: (http://[^\s);]+)", log.read_text(errors="replace")) if log.exists() else None
        if found:
            say(f"Slack: no AIRFLOW_CONN_SLACK, so messages go to a local recorder; see them with "
                f"`tail -f {SLACK_MESSAGES}`")
            return {"AIRFLOW_CONN_SLACK": json.dumps({"conn_type": "http", "password": found.group(1)})}
        time.sleep(0.2)
    raise SystemExit(f"the Slack recorder did not start within 15 s; see {log}")


def http(method: str, url: str, *, body: Any = None, token: str | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def wait_for(what: str, probe: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result:
                return result
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
        time.sleep(1)
    raise SystemExit(f"timed out waiting for {what}" + (f": {last}" if last else ""))


def airflow_env(port: int, kubeconfig: str | None) -> dict[str, str]:
    home = VAR / "airflow"
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
        "AIRFLUX_APPS_DIR": str(GATED_APPS),
        # The demo remote is a local file: poll it every 2 s so a push shows up within seconds.
        "AIRFLOW__AIRFLUX__GIT_POLL_INTERVAL": env.get("AIRFLOW__AIRFLUX__GIT_POLL_INTERVAL", "2"),
        "AIRFLUX_HOME": env.get("AIRFLUX_HOME", str(VAR / "airflux")),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "include"), env.get("PYTHONPATH")])),
    })
    if kubeconfig:
        env["KUBECONFIG"] = kubeconfig
    return env


def close_apps_gate() -> None:
    if GATED_APPS.is_symlink() or GATED_APPS.is_file():
        GATED_APPS.unlink()
    GATED_APPS.mkdir(parents=True, exist_ok=True)


def open_apps_gate() -> None:
    apps = Path(os.environ.get("AIRFLUX_APPS_DIR", ROOT / "apps")).resolve()
    GATED_APPS.rmdir()
    GATED_APPS.symlink_to(apps, target_is_directory=True)
    say(f"apps from {apps} are now visible to Airflow")


def run_demo(base: str, env: dict[str, str]) -> str:
    pw_file = Path(env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
    wait_for("the Airflow API server", lambda: http("GET", f"{base}/api/v2/monitor/health"), 180)
    open_apps_gate()
    password = wait_for("the admin password", lambda: json.loads(pw_file.read_text()).get("admin"), 60)
    token = http("POST", f"{base}/auth/token", body={"username": "admin", "password": password})["access_token"]
    say(f"Airflow UI: {base}  (user admin, password {password})")

    def dag_listed(dag_id: str) -> bool:
        errors = http("GET", f"{base}/api/v2/importErrors", token=token).get("import_errors", [])
        for err in errors:
            say(f"import error in {err.get('filename')}: {err.get('stack_trace', '').strip()[-500:]}")
        try:
            return bool(http("GET", f"{base}/api/v2/dags/{dag_id}", token=token))
        except urllib.error.HTTPError:
            return False

    states = [follow(base, token, dag_id, listed=dag_listed) for dag_id in DEMO_DAGS]
    return "success" if all(state == "success" for state in states) else "failed"


def follow(base: str, token: str, dag_id: str, *, listed: Any) -> str:
    """Unpause ``dag_id``, follow its first run (or trigger one) and print its tasks and summary."""
    wait_for(f"DAG {dag_id} to be parsed", lambda: listed(dag_id), 180)
    http("PATCH", f"{base}/api/v2/dags/{dag_id}", body={"is_paused": False}, token=token)
    started = time.monotonic()
    # A new app is unpaused on creation, so the scheduler may already be running its first reconcile:
    # follow that run rather than queueing a second one behind it.
    def latest_run() -> list[dict[str, Any]]:
        """The newest run if it is still going or was started by this `make run` (not one from before)."""
        runs = http("GET", f"{base}/api/v2/dags/{dag_id}/dagRuns?order_by=-run_after&limit=1", token=token)
        return [r for r in runs.get("dag_runs", []) if r["state"] in ("queued", "running")
                or datetime.fromisoformat(r["run_after"].replace("Z", "+00:00")) >= LAUNCHED]

    runs: list[dict[str, Any]] = []
    for _ in range(10):
        runs = latest_run()
        if runs:
            break
        time.sleep(1)
    if runs:
        run_id = runs[0]["dag_run_id"]
        say(f"following the scheduled run {run_id} of {dag_id}")
    else:
        run = http("POST", f"{base}/api/v2/dags/{dag_id}/dagRuns", body={"logical_date": None}, token=token)
        run_id = run["dag_run_id"]
        say(f"triggered {dag_id} run {run_id}")

    def finished() -> dict[str, Any] | None:
        state = http("GET", f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}", token=token)
        return state if state["state"] in ("success", "failed") else None

    final = wait_for(f"run {run_id} to finish", finished, 600)
    tis = http("GET", f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", token=token)
    for ti in sorted(tis["task_instances"], key=lambda t: t.get("start_date") or ""):
        say(f"  {ti['task_id']:<14} {ti['state']}")
    try:
        notify = http("GET", f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/notify/xcomEntries/"
                      "return_value?deserialize=true", token=token)
        value = notify.get("value")
        summary = value.get("summary") if isinstance(value, dict) else None
        for line in (summary or "").splitlines():
            say(f"  | {line}")
    except urllib.error.HTTPError as exc:
        say(f"  (no run summary: notify left no result, HTTP {exc.code})")
    say(f"{dag_id}: reconcile {final['state']} in {time.monotonic() - started:.1f} s "
        f"(run {run_id}; grid: {base}/dags/{dag_id}/runs/{run_id})")
    return str(final["state"])


def main() -> int:
    stack = Stack()
    # Ctrl-C must stop the stack even when this runs from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    t0 = time.monotonic()
    try:
        ensure_demo_repo()
        env = dict(os.environ, PYTHONPATH=str(ROOT / "include"))
        kubeconfig = os.environ.get("KUBECONFIG")
        if kubeconfig:
            say(f"using the cluster from KUBECONFIG={kubeconfig}")
        elif os.environ.get("AIRFLOW_CONN_KUBERNETES_DEFAULT"):
            say("using the cluster from the Airflow connection kubernetes_default")
        else:
            kubeconfig = start_kubesim(stack, env)
        close_apps_gate()
        port = free_port(8080)
        aenv = airflow_env(port, kubeconfig)
        aenv.update(slack_connection(stack, aenv))
        stack.start([str(BIN / "airflow"), "standalone"], env=aenv, log=VAR / "logs" / "airflow-standalone.log")
        say(f"starting Airflow standalone on 127.0.0.1:{port} (log: {VAR / 'logs' / 'airflow-standalone.log'})")
        state = run_demo(f"http://127.0.0.1:{port}", aenv)
        say(f"first reconcile reached after {time.monotonic() - t0:.1f} s from `make run`")
        if not os.environ.get("AIRFLOW_CONN_SLACK"):
            count = len(SLACK_MESSAGES.read_text().splitlines()) if SLACK_MESSAGES.exists() else 0
            say(f"Slack: {count} message(s) recorded in {SLACK_MESSAGES} (a run that changed nothing and "
                "is healthy sends none)")
        if kubeconfig:
            say(f"inspect the cluster: {BIN / 'kubectl'} --kubeconfig {kubeconfig} get all -n shop  (the Helm "
                "release is in -n cache)")
        say(f"try a push: cd {DEMO_DIR / 'work'} && edit overlays/demo/greeting.yaml (or the chart in charts/cache) "
            "&& git commit -am 'new greeting' && git push  (the git watcher starts a run within seconds)")
        if os.environ.get("AIRFLUX_RUN_ONCE"):
            return 0 if state == "success" else 1
        say("running; press Ctrl-C to stop every process this command started")
        while all(p.poll() is None for p in stack.procs):
            time.sleep(1)
        say("a process exited; stopping the rest")
        return 1
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
