"""Where an app's inventory lives: a ConfigMap in the target cluster, not in Airflow's database.

The cluster is the one place that cannot disagree with itself: if Airflow's database is lost,
the next run still knows what it applied and prunes correctly. One ConfigMap per app in
``airflux-system`` named after the DAG id (lowercased, anything but ``[a-z0-9.-]`` turned into
``-``); the Namespace is created when missing. Entries are stored as JSON under ``entries``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from airflux.inventory.model import Entry, Inventory, parse_id
from airflux.kube import KubeApiError, KubeClient
from airflux.model import AirfluxError

INVENTORY_NAMESPACE = "airflux-system"
MANAGED_BY = {"app.kubernetes.io/managed-by": "airflux"}


class InventoryError(AirfluxError):
    stage = "inventory"


@dataclass(frozen=True, kw_only=True)
class InventoryOptions:
    dag_id: str
    namespace: str = INVENTORY_NAMESPACE


def configmap_name(dag_id: str) -> str:
    name = re.sub(r"[^a-z0-9.-]", "-", dag_id.lower()).strip(".-")
    return name[:253].rstrip(".-") or "airflux-app"


def _ref_obj(options: InventoryOptions) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": configmap_name(options.dag_id), "namespace": options.namespace}}


def encode(inventory: Inventory, *, dag_id: str) -> dict[str, str]:
    rows = [{"id": e.id, "v": e.version, "fp": e.fingerprint, "d": e.digest} for e in inventory.entries]
    return {"dagId": dag_id, "entries": json.dumps(rows, indent=0, separators=(",", ":"))}


def decode(data: dict[str, str]) -> Inventory:
    try:
        rows = json.loads(data.get("entries") or "[]")
        return Inventory.of(Entry(parse_id(r["id"]), str(r["v"]), str(r.get("fp", "")), str(r.get("d", "")))
                            for r in rows)
    except (ValueError, KeyError, TypeError) as e:
        raise InventoryError(f"inventory is unreadable: {e}") from e


def read_inventory(client: KubeClient, *, options: InventoryOptions) -> Inventory | None:
    """The app's inventory, or None when it has never been written (first run)."""
    live = client.get(_ref_obj(options))
    if live is None:
        return None
    return decode(live.get("data") or {})


def write_inventory(client: KubeClient, inventory: Inventory, *, options: InventoryOptions,
                    previous: Inventory | None = None) -> bool:
    """Store ``inventory``; skipped (False) when it equals ``previous``, the inventory read at the start."""
    data = encode(inventory, dag_id=options.dag_id)
    if previous is not None and encode(previous, dag_id=options.dag_id) == data:
        return False
    cm = _ref_obj(options)
    cm["data"] = data
    apply_record(client, cm)
    return True


def apply_record(client: KubeClient, configmap: dict[str, Any]) -> None:
    """Apply one of Airflux's own records (a ConfigMap in its namespace), creating the namespace the
    first time. Inventories and Helm release histories share this: both must survive Airflow's DB."""
    configmap["metadata"]["labels"] = dict(MANAGED_BY)
    try:
        client.apply(configmap, force=True)
    except KubeApiError as e:
        if not e.not_found:
            raise
        namespace = configmap["metadata"]["namespace"]
        client.apply({"apiVersion": "v1", "kind": "Namespace",
                      "metadata": {"name": namespace, "labels": dict(MANAGED_BY)}}, force=True)
        client.apply(configmap, force=True)
