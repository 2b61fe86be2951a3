"""Run as a script in its own AIRFLOW_HOME: a fresh metadata database, the apps' DAGs written to it as the
DAG processor would, one signed webhook through the real plugin app (real tokens from a connection, real
``emit``), then print as JSON what Airflow recorded: asset events (asset uri, extra) and the DAGs the
scheduler would now start an asset-triggered run for (``DagModel.dags_needing_dagruns``, what it asks itself).

Usage: ``python hook_in_airflow.py <path> [<header>=<value> ...]`` with AIRFLUX_APPS_DIR set, body ``{}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "include")]


def main() -> None:
    from airflow.utils.db import initdb

    initdb()
    from airflow.dag_processing.collection import update_dag_parsing_results_in_db
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.models.dag import DagModel
    from airflow.models.dagbundle import DagBundleModel
    from airflow.serialization.serialized_objects import LazyDeserializedDAG
    from airflow.utils.session import create_session
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from airflux.specs import apps_dir_from_env, load_apps
    from airflux_ops.factory import app_dags
    from airflux_receiver.airflow_side import emit, receivers, token_of
    from airflux_receiver.hooks import HookConfig, create_app

    dags = app_dags(load_apps(apps_dir_from_env()))
    with create_session() as session:
        session.add(DagBundleModel(name="airflux"))
        session.flush()
        update_dag_parsing_results_in_db("airflux", None, [LazyDeserializedDAG.from_dag(d) for d in dags.values()],
                                         {}, None, set(), session=session)
    client = TestClient(create_app(HookConfig(receivers=receivers, token_of=token_of, emit=emit)))
    headers = dict(arg.split("=", 1) for arg in sys.argv[2:])
    answer = client.post(sys.argv[1], content=b"{}", headers=headers)
    with create_session() as session:
        events = [{"uri": uri, "extra": extra} for uri, extra in session.execute(
            select(AssetModel.uri, AssetEvent.extra).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .order_by(AssetModel.uri))]
        _, asset_triggered = DagModel.dags_needing_dagruns(session)  # the DAGs whose assets call for a run
        starting = sorted(asset_triggered)
    print(json.dumps({"status": answer.status_code, "answer": answer.json(), "events": events,
                      "starting": starting}))


if __name__ == "__main__":
    main()
