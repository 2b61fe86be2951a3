"""Render stage benchmark: Airflux's render vs raw ``kubectl kustomize`` on the same 1,000-resource overlay.

Targets (docs: DESIGN.md "Targets"): render ≤ 1.1x raw kustomize, repeated render of an unchanged
digest ≤ 50 ms. Runs alternate between the two tools and the best of N is compared, so a busy
shared machine skews both sides alike. The last line is machine-readable:
``RESULT render_ratio=... cached_ms=...``.

    .venv/bin/python bench/render_bench.py [--resources 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "include"))

from airflux.paths import Layout
from airflux.render import render
from airflux.render.kustomize import find_kubectl
from airflux.specs.types import CrossRef, Image, Kustomization, Meta, Origin


def write_tree(root: Path, count: int) -> None:
    base = root / "base"
    base.mkdir(parents=True)
    names = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            doc = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: value-{i}\n"
        elif kind == 1:
            doc = (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: a{i}\n"
                   "  ports:\n  - port: 80\n    targetPort: 8080\n")
        else:
            doc = (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dep-{i}\nspec:\n  replicas: 1\n"
                   f"  selector:\n    matchLabels:\n      app: a{i}\n  template:\n    metadata:\n      labels:\n"
                   f"        app: a{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n")
        (base / f"r{i}.yaml").write_text(doc)
        names.append(f"r{i}.yaml")
    (base / "kustomization.yaml").write_text("resources:\n" + "".join(f"- {n}\n" for n in names))
    patch = "patches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 2\n"
    (root / "overlay").mkdir()
    (root / "overlay" / "kustomization.yaml").write_text("resources: [../base]\nnamePrefix: prod-\n" + patch)
    # What kustomize-controller would build for the Flux-fields case, written by hand for the raw run.
    (root / "overlay-flux").mkdir()
    (root / "overlay-flux" / "kustomization.yaml").write_text(
        "resources: [../base]\nnamePrefix: prod-\nnamespace: shop\nimages:\n- name: nginx\n  newTag: '1.27'\n" + patch)


def ks(path: str, **fields: object) -> Kustomization:
    return Kustomization(
        meta=Meta(name="bench", namespace="flux-system"),
        origin=Origin(Path("bench.yaml"), 0),
        source_ref=CrossRef(kind="GitRepository", name="bench", namespace="flux-system"),
        path=path,
        **fields,  # type: ignore[arg-type]
    )


def timed_raw(kubectl: str, directory: Path) -> float:
    start = time.perf_counter()
    subprocess.run([kubectl, "kustomize", str(directory)], check=True, capture_output=True)
    return time.perf_counter() - start


def timed_render(spec: Kustomization, root: Path, home: Path, digest: str) -> float:
    start = time.perf_counter()
    result = render(spec, artifact_dir=root, artifact_digest=digest, layout=Layout(home))
    elapsed = time.perf_counter() - start
    assert not result.cached
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kubectl = find_kubectl()
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        root = Path(tmp) / "artifact"
        write_tree(root, args.resources)
        plain, flux = ks("./overlay"), ks("./overlay", target_namespace="shop", images=(Image(name="nginx", new_tag="1.27"),))
        raw_t, ours_t, raw_flux_t, ours_flux_t = [], [], [], []
        for run in range(args.runs):
            raw_t.append(timed_raw(kubectl, root / "overlay"))
            ours_t.append(timed_render(plain, root, Path(tmp) / f"home-{run}", f"sha256:{run}"))
            raw_flux_t.append(timed_raw(kubectl, root / "overlay-flux"))
            ours_flux_t.append(timed_render(flux, root, Path(tmp) / f"home-flux-{run}", f"sha256:{run}"))

        home = Path(tmp) / "home-cached"
        first = render(plain, artifact_dir=root, artifact_digest="sha256:cached", layout=Layout(home))
        cached = []
        for _ in range(20):
            start = time.perf_counter()
            again = render(plain, artifact_dir=root, artifact_digest="sha256:cached", layout=Layout(home))
            cached.append(time.perf_counter() - start)
            assert again.cached and again.digest == first.digest

    ratio = min(ours_t) / min(raw_t)
    flux_ratio = min(ours_flux_t) / min(raw_flux_t)
    cached_ms = statistics.median(cached) * 1000
    print(f"objects: {first.object_count} ({args.resources} resources), runs: {args.runs}, best of each")
    print(f"raw kubectl kustomize          {min(raw_t) * 1000:8.1f} ms")
    print(f"airflux render                 {min(ours_t) * 1000:8.1f} ms   ratio {ratio:.3f} (target <= 1.1)")
    print(f"raw kustomize, flux fields     {min(raw_flux_t) * 1000:8.1f} ms")
    print(f"airflux render, flux fields    {min(ours_flux_t) * 1000:8.1f} ms   ratio {flux_ratio:.3f}")
    print(f"repeated render (cache hit)    {cached_ms:8.2f} ms median of 20 (target <= 50)")
    print(f"RESULT render_ratio={ratio:.3f} cached_ms={cached_ms:.2f}")


if __name__ == "__main__":
    main()
