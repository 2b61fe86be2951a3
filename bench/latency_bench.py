"""Latency benchmark: commit pushed → objects applied and Ready, on a real ``airflow standalone``.

The same stack as ``make run`` (standalone: scheduler, triggerer, DAG processor, API server,
LocalExecutor on SQLite) with its own AIRFLOW_HOME, a local bare repository and an in-process kubesim.
One app deploys a ConfigMap from the repository. For each of ``--commits`` commits, pushed one by one,
it measures push → the new value is in the cluster ("applied") and push → the run succeeded (apply
waits for health, so "Ready"), and splits the time into: poll (push → asset event), scheduling (asset
event → run start), task start-up (gaps between tasks) and each stage (fetch_source, render, diff,
apply). Two modes, each on a fresh stack:

- ``watcher``: the git watcher alone, polling every ``--poll`` seconds (default: Airflux's default);
- ``webhook``: a ``generic-hmac`` Receiver called right after each push, the watcher slowed to 300 s.

    .venv/bin/python bench/latency_bench.py [--commits 20] [--poll 5] [--modes watcher,webhook]

The last line is machine-readable: ``RESULT watcher_p50=... watcher_p95=... webhook_p50=... ...``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "include"), str(ROOT / "tests" / "e2e_watch")]

from standalone import Remote, Standalone  # noqa: E402

from kubesim.testing import start as start_kubesim  # noqa: E402

DAG_ID = "ks.bench.web"
TOKEN = "bench-webhook-token"
STAGES = ("fetch_source", "render", "diff", "apply")


def files(value: str) -> dict[str, str]:
    return {"deploy/kustomization.yaml": "resources: [cm.yaml]\n",
            "deploy/cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web, namespace: default}}\n"
                              f"data: {{value: \"{value}\"}}\n"}


def apps_yaml(url: str, *, webhook: bool) -> str:
    text = f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: web, namespace: bench}}
spec: {{url: "{url}", interval: 1m, ref: {{branch: main}}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: web, namespace: bench}}
spec: {{interval: 1h, timeout: 1m, prune: true, path: ./deploy, sourceRef: {{kind: GitRepository, name: web}}}}
"""
    if webhook:
        text += """\
---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: push, namespace: bench}
spec:
  type: generic-hmac
  secretRef: {name: bench-hook-token}
  resources: [{kind: GitRepository, name: web}]
"""
    return text


def ts(text: str | None) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_mode(mode: str, commits: int, poll: float, work: Path) -> dict[str, list[float]]:
    kube = start_kubesim(work / "kubesim")
    remote = Remote(work / "git")
    remote.push(files("v0"), "v0")
    apps = work / "apps"
    apps.mkdir()
    (apps / "web.yaml").write_text(apps_yaml(remote.url, webhook=mode == "webhook"))
    extra = {"AIRFLOW_CONN_BENCH_HOOK_TOKEN": f'{{"conn_type": "generic", "password": "{TOKEN}"}}'}
    stack = Standalone(work / "stack", apps=apps, kubeconfig=kube.kubeconfig,
                       poll_seconds=300 if mode == "webhook" else poll, extra_env=extra)
    hook_path = "/airflux/hook/" + hashlib.sha256(f"{TOKEN}pushbench".encode()).hexdigest()

    def value() -> str | None:
        obj = kube.get("v1", "ConfigMap", "web", "default")
        return (obj or {}).get("data", {}).get("value")

    out: dict[str, list[float]] = {k: [] for k in ("applied", "ready", "poll", "scheduling", "startup", *STAGES)}
    try:
        t0 = time.monotonic()
        stack.start()
        stack.wait(lambda: value() == "v0", 180, "the first reconcile")
        stack.wait(lambda: all(r["state"] == "success" for r in stack.runs(DAG_ID)), 60, "the first run")
        print(f"[{mode}] stack up and first reconcile done in {time.monotonic() - t0:.1f} s", flush=True)
        time.sleep(max(3.0, poll + 1) if mode == "watcher" else 3.0)
        asset = next(a for a in stack.http("GET", "/api/v2/assets?limit=100")["assets"]
                     if a["uri"] == "x-airflux://gitrepository/bench/web")
        for i in range(1, commits + 1):
            known = {r["dag_run_id"] for r in stack.runs(DAG_ID)}
            pushed = time.time()
            sha = remote.push(files(f"v{i}"), f"v{i}")
            if mode == "webhook":
                body = b'{"commit": "%s"}' % sha.encode()
                signature = "sha256=" + hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
                stack.http("POST", hook_path, raw=body, headers={"X-Signature": signature})
            stack.wait(lambda i=i: value() == f"v{i}", 120, f"commit {i} in the cluster", every=0.05)
            applied = time.time() - pushed
            run = stack.wait(lambda known=known: next((r for r in stack.runs(DAG_ID) if r["dag_run_id"] not in known
                                                       and r["state"] in ("success", "failed")), None),
                             120, f"the run of commit {i}", every=0.2)
            tis = {t["task_id"]: t for t in stack.http(
                "GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances")["task_instances"]}
            events = stack.http("GET", f"/api/v2/assets/events?asset_id={asset['id']}&order_by=-timestamp&limit=5")
            event_at = max((ts(e["timestamp"]) for e in events["asset_events"] if ts(e["timestamp"]) >= pushed - 1),
                           default=float("nan"))
            out["applied"].append(applied)
            out["ready"].append(ts(tis["apply"]["end_date"]) - pushed)
            out["poll"].append(event_at - pushed)
            out["scheduling"].append(ts(tis["fetch_source"]["start_date"]) - event_at)
            gaps = [ts(tis[b]["start_date"]) - ts(tis[a]["end_date"]) for a, b in itertools.pairwise(STAGES)]
            out["startup"].append(sum(gaps))
            for stage in STAGES:
                out[stage].append(ts(tis[stage]["end_date"]) - ts(tis[stage]["start_date"]))
            print(f"[{mode}] commit {i:2d} ({sha[:8]}, {run['state']}, {run['run_type']}): applied {applied:5.1f} s, "
                  f"ready {out['ready'][-1]:5.1f} s (poll {out['poll'][-1]:4.1f}, sched {out['scheduling'][-1]:4.1f}, "
                  f"start-up {out['startup'][-1]:4.1f}, " + ", ".join(f"{s} {out[s][-1]:.1f}" for s in STAGES) + ")",
                  flush=True)
    finally:
        stack.stop()
        kube.sim.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--poll", type=float, default=5.0, help="watcher poll period in seconds")
    parser.add_argument("--modes", default="watcher,webhook")
    args = parser.parse_args()
    result: list[str] = []
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(prefix=f"airflux-latency-{mode}-") as tmp:
            data = run_mode(mode, args.commits, args.poll, Path(tmp))
        print(f"[{mode}] push → applied: p50 {pct(data['applied'], .5):.1f} s, p95 {pct(data['applied'], .95):.1f} s; "
              f"push → Ready: p50 {pct(data['ready'], .5):.1f} s, p95 {pct(data['ready'], .95):.1f} s")
        print(f"[{mode}] where the time goes (median s): " + ", ".join(
            f"{k} {statistics.median(v):.2f}" for k, v in data.items() if k not in ("applied", "ready")))
        result += [f"{mode}_p50={pct(data['ready'], .5):.1f}", f"{mode}_p95={pct(data['ready'], .95):.1f}",
                   f"{mode}_applied_p50={pct(data['applied'], .5):.1f}"]
    print("RESULT " + " ".join(result))


if __name__ == "__main__":
    main()
