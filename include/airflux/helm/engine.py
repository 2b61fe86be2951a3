"""The Helm engine in-process (``helm-python-sdk``): load a chart, render it with given values,
release facts and capabilities, and turn Helm's errors into Airflux's typed ones.

``helm_python.Chart.render`` exposes no capability options, but the library's render call accepts
``kube_version`` and ``api_versions`` in its options payload (the same ones ``helm template
--kube-version --api-versions`` sets), so this one module calls it at that level. A values-schema
violation names the value (``at '/replicas': got string, want integer``); a template error names the
template file and line (``demo/templates/cm.yaml:12:39``). Nothing here touches a cluster except
``lookup`` when a kubeconfig is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
from helm_python import _native

from airflux.render.result import RenderFileError


@dataclass(frozen=True)
class Capabilities:
    """``.Capabilities`` of the target cluster: its version and every served group/version(/Kind)."""

    kube_version: str = ""
    api_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleaseFacts:
    """``.Release``: name, namespace, revision and whether this is an install or an upgrade."""

    name: str
    namespace: str
    revision: int
    is_install: bool

    @property
    def is_upgrade(self) -> bool:
        return not self.is_install


@contextmanager
def load_chart(path: Path) -> Iterator[helm.Chart]:
    try:
        chart = helm.Chart.load(path)
    except helm.HelmError as e:
        raise RenderFileError(f"cannot load chart: {_first_line(e)}", file=path.name, retryable=False) from e
    with chart:
        yield chart


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def render_chart(chart: helm.Chart, values: dict[str, Any], *, release: ReleaseFacts, capabilities: Capabilities,
                 kubeconfig: Path | None = None) -> dict[str, str]:
    """Template path → rendered text. Raises ``RenderFileError`` naming the value or the file and line."""
    opts: dict[str, Any] = {"name": release.name, "namespace": release.namespace, "revision": release.revision,
                            "is_install": release.is_install, "is_upgrade": release.is_upgrade}
    if capabilities.kube_version:
        opts["kube_version"] = capabilities.kube_version
    if capabilities.api_versions:
        opts["api_versions"] = list(capabilities.api_versions)
    try:
        if kubeconfig is None:
            out = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(opts))
        else:
            with helm.Config(kubeconfig_path=str(kubeconfig), namespace=release.namespace) as config:
                out = _native.call_string("helm_render_with_config", config._raw(), chart._raw(),
                                          json.dumps(values), json.dumps(opts))
    except helm.HelmValuesError as e:
        raise RenderFileError(f"values do not match the chart's values.schema.json: {_schema_problems(e)}",
                              file="values.schema.json", retryable=False) from e
    except helm.HelmRenderError as e:
        file, message = _template_error(str(e))
        raise RenderFileError(message, file=file, retryable=False) from e
    except helm.HelmError as e:
        raise RenderFileError(f"helm render failed: {_first_line(e)}", retryable=False) from e
    manifests: dict[str, str] = json.loads(out)
    return manifests


def _schema_problems(e: Exception) -> str:
    lines = [ln.strip().lstrip("- ").strip() for ln in str(e).splitlines()]
    found = [ln for ln in lines if ln.startswith("at '")]
    return "; ".join(found) if found else _first_line(e)


_WHERE = re.compile(r"(?P<file>[\w./-]+\.(?:yaml|yml|tpl|txt|json)):(?P<line>\d+)(?::\d+)?")
_EXECUTING = re.compile(r'executing "[^"]*" at <[^>]*>:\s*')


def _template_error(text: str) -> tuple[str | None, str]:
    """Helm's error (``... (demo/templates/x.yaml:12:39): reason``) → (template file, ``line N: reason``)."""
    flat = " ".join(ln.strip() for ln in text.strip().splitlines() if ln.strip())
    matches = list(_WHERE.finditer(flat))
    if not matches:
        return None, flat or "template error"
    last = matches[-1]
    reason = flat[last.end():].lstrip(") :")
    reason = _EXECUTING.sub("", reason).strip() or flat
    if "error calling required:" in reason:
        reason = reason.split("error calling required:", 1)[1].strip()
    return last.group("file"), f"line {last.group('line')}: {reason}"
