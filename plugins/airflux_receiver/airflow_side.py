"""What the receiver needs from Airflow, inside the API server: tokens from connections, asset events.

Tokens come from the connection named by ``secretRef`` (``my-token`` also as ``my_token``): its
password, else its extra ``token``. The asset event goes through Airflow's own ``AssetManager``, as
``POST /api/v2/assets/events`` does, so the scheduler queues every DAG scheduled on the asset. Which
assets a listed resource means is ``target_of``: a GitRepository's, every chart asset of a HelmRepository,
or the request asset of a named Kustomization/HelmRelease (only that app starts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from airflux.specs import apps_dir_from_env, load_apps
from airflux.specs.receiver import Receiver
from airflux.specs.types import CrossRef
from airflux_triggers.helm_scheduling import repository_uri_prefix
from airflux_triggers.repository import connection_ids
from airflux_triggers.scheduling import asset_name, request_asset

# The same default as dags/airflux_apps.py: the apps/ directory of this checkout.
DEFAULT_APPS_DIR = Path(__file__).resolve().parents[2] / "apps"


def receivers() -> tuple[Receiver, ...]:
    return load_apps(apps_dir_from_env(default=DEFAULT_APPS_DIR)).receivers


def token_of(secret_ref: str) -> str | None:
    import json

    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    for conn_id in connection_ids(secret_ref):
        try:
            conn = Connection.get_connection_from_secrets(conn_id)
        except AirflowNotFoundException:
            continue
        if conn.password:
            return str(conn.password)
        try:
            extra = json.loads(conn.extra or "{}")
        except ValueError:
            return None
        token = extra.get("token") if isinstance(extra, dict) else None
        return str(token) if token else None
    return None


@dataclass(frozen=True)
class Target:
    """Which assets one listed resource means: one asset by name, or every asset under a URI prefix."""

    name: str | None = None
    uri_prefix: str | None = None


def target_of(ref: CrossRef) -> Target:
    """GitRepository: its asset (the apps deploying from it start); HelmRepository: every chart asset of it;
    Kustomization / HelmRelease: the app's own request asset (that app starts, nothing else)."""
    if ref.kind == "HelmRepository":
        return Target(uri_prefix=repository_uri_prefix(ref.namespace, ref.name))
    if ref.kind in ("Kustomization", "HelmRelease"):
        prefix = "hr" if ref.kind == "HelmRelease" else "ks"
        return Target(name=request_asset(f"{prefix}.{ref.namespace}.{ref.name}").name)
    return Target(name=asset_name(ref.namespace, ref.name))


def emit(ref: CrossRef, extra: dict[str, object]) -> bool:
    """Record an asset event for each asset ``ref`` means; False when Airflow knows none of them yet."""
    from airflow.assets.manager import AssetManager
    from airflow.models.asset import AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    target = target_of(ref)
    query = select(AssetModel)
    if target.uri_prefix is not None:
        escaped = target.uri_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AssetModel.uri.like(escaped + "%", escape="\\"))
    else:
        query = query.where(AssetModel.name == target.name)
    emitted = False
    with create_session() as session:
        for asset in session.scalars(query).all():
            event = AssetManager.register_asset_change(asset=asset, extra=extra, source_is_api=True, session=session)
            emitted = emitted or event is not None
    return emitted
