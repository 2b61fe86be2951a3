"""What the receiver needs from Airflow, inside the API server: tokens from connections, asset events.

Tokens come from the connection named by ``secretRef`` (``my-token`` also as ``my_token``): its
password, else its extra ``token``. The asset event goes through Airflow's own ``AssetManager``, as
``POST /api/v2/assets/events`` does, so the scheduler queues every DAG scheduled on the asset.
"""

from __future__ import annotations

from pathlib import Path

from airflux.specs import apps_dir_from_env, load_apps
from airflux.specs.receiver import Receiver
from airflux.specs.types import CrossRef
from airflux_triggers.repository import connection_ids
from airflux_triggers.scheduling import asset_name

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


def emit(ref: CrossRef, extra: dict[str, object]) -> bool:
    """Record an asset event for the GitRepository's asset; False when Airflow does not know the asset."""
    from airflow.assets.manager import AssetManager
    from airflow.models.asset import AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        asset = session.scalar(select(AssetModel).where(AssetModel.name == asset_name(ref.namespace, ref.name)))
        if asset is None:
            return False
        event = AssetManager.register_asset_change(asset=asset, extra=extra, source_is_api=True, session=session)
        return event is not None
