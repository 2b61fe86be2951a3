"""Apply benchmark: Airflux's diff+apply vs ``kubectl apply --server-side`` on one kubesim.

Targets (DESIGN.md "Targets"): first apply of 1,000 mixed objects at most 0.5x kubectl, a no-op
reconcile of the same set at most 0.25x kubectl. Both tools get the same objects under different
namespace prefixes (``kc-*`` for kubectl, ``af-*`` for Airflux) in the same emulated cluster, so
they pay the same server. The no-op is the same command run again. The last line is
machine-readable: ``RESULT first_apply_ratio=... noop_ratio=...``.

    .venv/bin/python bench/apply_bench.py [--objects 1000] [--workers 8] [--latency-ms 0 --latency-ms 2]

kubesim runs in its own process. ``--latency-ms`` adds a per-request delay in the server (kubesim's
fault endpoint) to model the network round trip of a real cluster. By default the bench runs twice:
with no added latency, where both tools are bound by CPU (kubesim's per request, which the bench
reports as the floor no client can beat, and the Python client's), and with 2 ms, a LAN round trip
to a real API server, which serves requests on many cores at once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "include"))

from airflux.apply import ApplyOptions, apply  # noqa: E402
from airflux.diff import DiffOptions, diff  # noqa: E402
from airflux.inventory import (  # noqa: E402
    InventoryOptions,
    inventory_after_apply,
    read_inventory,
    write_inventory,
)
from airflux.kube import ClientOptions, KubeClient  # noqa: E402

NAMESPACES = 10
# Share of each kind in the non-namespace objects (kustomize-rendered apps look like this).
MIX = (("ConfigMap", 0.4), ("Secret", 0.2), ("Service", 0.15), ("Deployment", 0.15), ("ServiceAccount", 0.1))


def objects(prefix: str, count: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"{prefix}-{n}"}}
                                 for n in range(NAMESPACES)]
    rest = count - NAMESPACES
    for kind, share in MIX:
        for i in range(int(rest * share)):
            ns, name = f"{prefix}-{i % NAMESPACES}", f"{kind.lower()}-{i}"
            meta = {"name": name, "namespace": ns, "labels": {"app": name}}
            if kind == "ConfigMap":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta,
                            "data": {"app.conf": f"port={8000 + i}\nworkers=2\n", "mode": "prod"}})
            elif kind == "Secret":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta, "type": "Opaque",
                            "stringData": {"token": f"t-{i}"}})
            elif kind == "Service":
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta,
                            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]}})
            elif kind == "Deployment":
                labels = {"app": name}
                out.append({"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": {
                    "replicas": 1, "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels},
                                 "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}})
            else:
                out.append({"apiVersion": "v1", "kind": kind, "metadata": meta})
    while len(out) < count:
        i = len(out)
        out.append({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": f"fill-{i}", "namespace": f"{prefix}-0"}, "data": {"i": str(i)}})
    return out


def write_files(objs: list[dict[str, Any]], directory: Path) -> None:
    """Namespaces in their own file first (kubectl applies files in name order)."""
    directory.mkdir(parents=True, exist_ok=True)
    nss = [o for o in objs if o["kind"] == "Namespace"]
    rest = [o for o in objs if o["kind"] != "Namespace"]
    (directory / "00-namespaces.yaml").write_text(yaml.safe_dump_all(nss))
    for start in range(0, len(rest), 100):
        (directory / f"{10 + start // 100:02d}-objects.yaml").write_text(yaml.safe_dump_all(rest[start:start + 100]))


def start_kubesim(directory: Path) -> tuple[subprocess.Popen[str], Path]:
    """kubesim in its own process, as kubectl sees it: our client must not share its interpreter."""
    kubeconfig = directory / "kubeconfig"
    proc = subprocess.Popen([sys.executable, "-m", "kubesim", "--port", "0", "--kubeconfig", str(kubeconfig)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT / "include")
    assert proc.stdout is not None
    if not proc.stdout.readline().strip():  # the URL is printed once the server is up
        raise SystemExit(f"kubesim did not start (exit code {proc.wait()})")
    return proc, kubeconfig


def add_latency(kubeconfig: Path, seconds: float) -> None:
    """Every request waits ``seconds`` in the server (kubesim's fault endpoint), like a network RTT."""
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    body = json.dumps({"method": ".*", "path": "^/(api|apis)(/|$)", "latency": seconds, "count": None}).encode()
    req = urllib.request.Request(f"{server}/_kubesim/faults", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def kubectl_apply(kubectl: str, kubeconfig: Path, directory: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([kubectl, "--kubeconfig", str(kubeconfig), "apply", "--server-side",
                           "--field-manager=bench-kubectl", "-f", str(directory)],
                          capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"kubectl apply failed: {proc.stderr[-2000:]}")
    return elapsed


def airflux_reconcile(client: KubeClient, objs: list[dict[str, Any]], dag_id: str) -> tuple[float, str]:
    start = time.perf_counter()
    inv_opts = InventoryOptions(dag_id=dag_id)
    old = read_inventory(client, options=inv_opts)
    changes = diff(client, objs, options=DiffOptions(dag_id=dag_id, inventory=old, prune=True,
                                                     workers=client.options.workers))
    result = apply(client, objs, changes, options=ApplyOptions(dag_id=dag_id, workers=client.options.workers))
    write_inventory(client, inventory_after_apply(old, result.inventory, prune=True), options=inv_opts,
                    previous=old)
    return time.perf_counter() - start, result.changes.summary()


def measure(*, count: int, workers: int, latency_ms: float, kubectl: str) -> dict[str, Any]:
    """One kubesim, both tools, first apply then no-op: the ratios of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        sim, kubeconfig = start_kubesim(Path(tmp))
        if latency_ms > 0:
            add_latency(kubeconfig, latency_ms / 1000)
        files = Path(tmp) / "kubectl"
        write_files(objects("kc", count), files)
        af_objs = objects("af", count)
        client = KubeClient.from_kubeconfig(kubeconfig, options=ClientOptions(workers=workers))

        server = psutil.Process(sim.pid)
        kc_first = kubectl_apply(kubectl, kubeconfig, files)
        cpu_before = sum(server.cpu_times()[:2])
        af_first, first_summary = airflux_reconcile(client, af_objs, "ks.bench.app")
        # kubesim is one Python process: the CPU it spent serving Airflux's first apply is a floor no
        # client can go under on this emulator, whatever its parallelism.
        server_cpu_first = sum(server.cpu_times()[:2]) - cpu_before
        kc_noop = kubectl_apply(kubectl, kubeconfig, files)
        af_noop, noop_summary = airflux_reconcile(client, af_objs, "ks.bench.app")
        client.close()
        sim.terminate()
        sim.wait(timeout=30)

    print(f"objects: {count} (workers {workers}, added latency {latency_ms:g} ms per request)")
    print(f"  first apply: kubectl {kc_first:.2f}s  airflux {af_first:.2f}s  ({first_summary})")
    print(f"  no-op:       kubectl {kc_noop:.2f}s  airflux {af_noop:.2f}s  ({noop_summary})")
    print(f"  kubesim CPU serving Airflux's first apply: {server_cpu_first:.2f}s "
          f"(floor for any client: {server_cpu_first / kc_first:.2f}x kubectl)")
    return {"first": af_first / kc_first, "noop": af_noop / kc_noop, "floor": server_cpu_first / kc_first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, action="append",
                        help="per-request latency in ms to model a network round trip; repeat for several "
                             "runs (default: 0 and 2)")
    args = parser.parse_args()
    kubectl = shutil.which("kubectl", path=str(ROOT / ".venv" / "bin")) or "kubectl"
    results = {ms: measure(count=args.objects, workers=args.workers, latency_ms=ms, kubectl=kubectl)
               for ms in (args.latency_ms or [0.0, 2.0])}
    fields = " ".join(f"first_apply_ratio_{ms:g}ms={r['first']:.3f} noop_ratio_{ms:g}ms={r['noop']:.3f} "
                      f"server_floor_{ms:g}ms={r['floor']:.3f}" for ms, r in results.items())
    print(f"RESULT {fields}")


if __name__ == "__main__":
    main()
