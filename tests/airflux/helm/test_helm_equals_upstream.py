"""The in-process Helm engine renders the test chart to the same objects as the upstream ``helm template``.

Skipped (saying how to get the binary) when no ``helm`` binary is present; see ``helm_binary.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from charts import write_chart
from helm_binary import INSTALL_HINT, find_helm

from airflux.helm.engine import Capabilities, ReleaseFacts, load_chart, render_chart
from airflux.helm.manifests import split

HELM = find_helm()
pytestmark = pytest.mark.skipif(HELM is None, reason=INSTALL_HINT)

CAPS = Capabilities(kube_version="v1.37.1", api_versions=("example.com/v1", "example.com/v1/Widget"))


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    return (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


def _ours(chart: Path, values: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    release = ReleaseFacts(name="shop", namespace="shop", revision=1, is_install=True)
    with load_chart(chart) as loaded:
        manifests = render_chart(loaded, values, release=release, capabilities=CAPS)
    parts = split(manifests, namespace="shop", test_enable=False, is_namespaced=lambda api, kind: False)
    objects = [doc.obj for doc in parts.objects] + [hook.obj for hook in parts.hooks]
    return {_key(o): o for o in objects}


def _upstream(chart: Path, values: dict[str, Any], tmp: Path) -> dict[tuple[str, str, str], Any]:
    (tmp / "values.yaml").write_text(yaml.safe_dump(values))
    cmd = [str(HELM), "template", "shop", str(chart), "--namespace", "shop", "--skip-tests",
           "--kube-version", CAPS.kube_version, "--values", str(tmp / "values.yaml")]
    for api in CAPS.api_versions:
        cmd += ["--api-versions", api]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return {_key(o): o for o in yaml.safe_load_all(done.stdout) if o}


@pytest.mark.parametrize("values", [
    {},
    {"replicaCount": 4, "service": {"enabled": False}, "features": ["a", "b", "c"], "env": {"x": "1"},
     "deploymentAnnotations": {"team": "shop"}, "cache": {"maxMemory": "1gb"}, "widgetSize": 3},
], ids=["defaults", "overrides"])
def test_render_equals_helm_template(tmp_path: Path, values: dict[str, Any]) -> None:
    chart = write_chart(tmp_path / "src")
    ours, upstream = _ours(chart, values), _upstream(chart, values, tmp_path)
    assert sorted(ours) == sorted(upstream)
    for key, obj in upstream.items():
        assert ours[key] == obj, key


MANY = """{{- range $i := until (int .Values.count) }}
---
apiVersion: v1
kind: {{ ternary "ConfigMap" "Service" (eq (mod $i 2) 0) }}
metadata:
  name: {{ printf "obj-%d" $i }}
  labels: {app: {{ $.Release.Name | quote }}, index: {{ $i | quote }}}
{{- if eq (mod $i 3) 0 }}
data: {key: {{ printf "value-%d" $i | quote }}, count: "010"}
{{- else if eq (mod $i 3) 1 }}
data:
  key: {{ printf "value-%d" $i }}
  enabled: on
  mode: 0755
  ratio: 1.0
{{- else }}
spec: {ports: [{port: {{ add 8000 $i }}, targetPort: http}], selector: {app: shop}}
{{- end }}
{{- end }}
"""


def test_a_large_set_read_by_both_readers_equals_helm_template(tmp_path: Path) -> None:
    """A third of the documents hold YAML 1.1 scalars (``on``, ``0755``, ``1.0``) and go to Helm's reader,
    in chunks on two threads above ``PARALLEL_FROM`` documents; the rest take the fast reader. The
    objects are those upstream renders."""
    from airflux.helm.yaml_read import PARALLEL_FROM

    chart = write_chart(tmp_path / "src", extra_templates={"many.yaml": MANY})
    values = {"count": 3 * PARALLEL_FROM + 101}
    ours, upstream = _ours(chart, values), _upstream(chart, values, tmp_path)
    assert len(ours) > 3 * PARALLEL_FROM + 100
    assert sorted(ours) == sorted(upstream)
    for key, obj in upstream.items():
        assert ours[key] == obj, key
