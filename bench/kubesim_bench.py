"""kubesim throughput and latency: GET, list, apply and dry-run apply, plus ``kubectl apply --server-side``.

kubesim must never be the bottleneck of an Airflux benchmark (issue 2 target: at least 1,000 simple
requests per second on one core). The server runs as its own process (``python -m kubesim``), pinned
to one CPU with ``taskset`` when available, and is driven over keep-alive HTTP connections by
``--clients`` threads. The last line is machine-readable::

    RESULT get_rps=... get_p50_ms=... get_p99_ms=... list_rps=... apply_rps=... dryrun_apply_rps=... kubectl_apply_1000_s=...

    .venv/bin/python bench/kubesim_bench.py [--requests 2000] [--clients 4] [--objects 1000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
KUBECTL = Path(sys.executable).parent / "kubectl"
MIX = (("ConfigMap", 0.4), ("Secret", 0.2), ("Service", 0.15), ("Deployment", 0.15), ("ServiceAccount", 0.1))


def start_server(workdir: Path) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "kubesim", "--port", "0", "--kubeconfig", str(workdir / "kubeconfig")]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT / "include"), "PATH": "/usr/bin:/bin"})
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def cm(name: str, value: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default",
                                                                  "labels": {"bench": "1"}}, "data": {"k": value}}


def measure(url: str, clients: int, total: int,
            make: Callable[[int], tuple[str, str, bytes | None, str]]) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) for `total` requests spread over `clients` keep-alive connections."""
    parsed = urlparse(url)
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[int] = []

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        for i in range(offset, total, clients):
            method, path, body, ctype = make(i)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers={"Content-Type": ctype} if body is not None else {})
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - started)
            if resp.status >= 400:
                errors.append(resp.status)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. HTTP {errors[0]}")
    latencies.sort()
    return total / elapsed, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


def mixed_objects(count: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for kind, share in MIX:
        for i in range(int(count * share)):
            meta = {"name": f"{kind.lower()}-{i}", "namespace": "default", "labels": {"app": f"a{i}"}}
            if kind == "ConfigMap":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta, "data": {"i": str(i)}})
            elif kind == "Secret":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta, "stringData": {"i": str(i)}})
            elif kind == "Service":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta,
                            "spec": {"selector": {"app": f"a{i}"}, "ports": [{"port": 80}]}})
            elif kind == "Deployment":
                labels = {"app": f"a{i}"}
                out.append({"apiVersion": "apps/v1", "kind": kind, "metadata": meta,
                            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                                     "template": {"metadata": {"labels": labels},
                                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}})
            else:
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--objects", type=int, default=1000)
    args = parser.parse_args()
    n, c = args.requests, args.clients
    cms = "/api/v1/namespaces/default/configmaps"
    apply_ct = "application/apply-patch+yaml"
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp))
        try:
            for i in range(50):
                measure(url, 1, 1, lambda _, i=i: ("POST", cms, json.dumps(cm(f"seed-{i}", "x")).encode(),
                                                   "application/json"))
            rows = {
                "get": lambda i: ("GET", f"{cms}/seed-{i % 50}", None, ""),
                "list": lambda i: ("GET", f"{cms}?labelSelector=bench%3D1", None, ""),
                "apply": lambda i: ("PATCH", f"{cms}/app-{i % 200}?fieldManager=bench&force=true",
                                    json.dumps(cm(f"app-{i % 200}", str(i))).encode(), apply_ct),
                "dryrun_apply": lambda i: ("PATCH", f"{cms}/app-{i % 200}?fieldManager=bench&dryRun=All",
                                           json.dumps(cm(f"app-{i % 200}", f"d{i}")).encode(), apply_ct),
            }
            for key, make in rows.items():
                total = n // 4 if key == "list" else n
                rps, p50, p99 = measure(url, c, total, make)
                results |= {f"{key}_rps": rps, f"{key}_p50_ms": p50, f"{key}_p99_ms": p99}
                print(f"{key:13s} {total:6d} req  {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
            manifest = Path(tmp) / "mixed.yaml"
            manifest.write_text(yaml.safe_dump_all(mixed_objects(args.objects)))
            started = time.perf_counter()
            done = subprocess.run([str(KUBECTL), "--kubeconfig", str(Path(tmp) / "kubeconfig"), "apply",
                                   "--server-side", "-f", str(manifest)], capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"kubectl apply failed: {done.stderr[-2000:]}")
            results["kubectl_apply_objects"] = args.objects
            results["kubectl_apply_s"] = elapsed
            print(f"kubectl apply --server-side of {args.objects} mixed objects: {elapsed:.2f} s")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("RESULT " + " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in results.items()))


if __name__ == "__main__":
    main()
