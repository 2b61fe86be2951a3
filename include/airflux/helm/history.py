"""Release history of a HelmRelease, kept in the target cluster like the inventory.

Each successful release is one record: revision, chart name and version, app version, values digest,
source revision, and the digest and store path of its rendered set (kept in the artifact store under
``helm/releases/`` so remediation can re-apply the last healthy release). Records live in the
ConfigMap ``airflux-system/<dag id>.releases`` (key ``releases``, JSON, newest last, at most
``MAX_HISTORY``), so they survive the loss of the Airflow database, and ``kubectl get configmap``
shows them. Airflux does not write Helm's own ``sh.helm.release.v1`` Secrets (see docs/helm.md).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from airflux.inventory.store import INVENTORY_NAMESPACE, apply_record, configmap_name
from airflux.kube import KubeClient
from airflux.paths import Layout

MAX_HISTORY = 10  # Flux's default spec.maxHistory


@dataclass(frozen=True)
class ReleaseRecord:
    revision: int
    chart: str
    version: str
    app_version: str
    values_digest: str
    source_revision: str
    rendered_digest: str
    status: str  # deployed | failed | rolled-back | uninstalled
    release_key: str = ""  # identity of (chart digest, values, settings): equal keys need no upgrade
    stored: str = ""  # path of the rendered set (and hooks) in the artifact store
    deployed_at: str = ""

    def describe(self) -> str:
        return (f"revision {self.revision}: {self.chart} {self.version} (app {self.app_version or '-'}), "
                f"values {self.values_digest[:19]}, source {self.source_revision}, {self.status}")


def _cm(dag_id: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"{configmap_name(dag_id)}.releases", "namespace": INVENTORY_NAMESPACE}}


def read_history(client: KubeClient, *, dag_id: str) -> list[ReleaseRecord]:
    """Every recorded release, oldest first (empty before the first install)."""
    live = client.get(_cm(dag_id))
    raw = ((live or {}).get("data") or {}).get("releases")
    if not raw:
        return []
    return [ReleaseRecord(**item) for item in json.loads(raw)]


def last_healthy(history: list[ReleaseRecord]) -> ReleaseRecord | None:
    for record in reversed(history):
        if record.status == "deployed":
            return record
    return None


def append_record(client: KubeClient, record: ReleaseRecord, *, dag_id: str) -> list[ReleaseRecord]:
    history = [r for r in read_history(client, dag_id=dag_id) if r.revision != record.revision]
    stamped = ReleaseRecord(**{**asdict(record),
                               "deployed_at": record.deployed_at or time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                   time.gmtime())})
    history = [*history, stamped][-MAX_HISTORY:]
    cm = _cm(dag_id)
    cm["data"] = {"releases": json.dumps([asdict(r) for r in history], separators=(",", ":"))}
    apply_record(client, cm)
    return history


def keep_rendered(layout: Layout, *, dag_id: str, revision: int, rendered: Path, hooks: Path | None) -> Path:
    """Copy a release's rendered set (and hooks) to ``helm/releases/<dag id>/<revision>/``; returns the dir."""
    where = layout.root / "helm" / "releases" / configmap_name(dag_id) / str(revision)
    where.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rendered, where / "objects.yaml")
    if hooks is not None and hooks.is_file():
        shutil.copyfile(hooks, where / "hooks.yaml")
    return where
