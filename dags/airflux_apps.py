"""Airflux: one Airflow DAG per app defined under AIRFLUX_APPS_DIR (Flux Kustomizations).

Every valid definition gets its DAG here. Broken definitions are reported by the sibling file
``airflux_app_errors.py`` as an Airflow import error: an import error on this file would mark all of
its DAGs stale, so one bad app would stop every other app.
"""

from pathlib import Path

from airflux.specs import apps_dir_from_env, load_apps
from airflux_ops.factory import app_dags

# Without AIRFLUX_APPS_DIR: the apps/ next to this dags/ folder, whatever the working directory.
APPS_DIR = apps_dir_from_env(default=Path(__file__).resolve().parents[1] / "apps")
globals().update(app_dags(load_apps(APPS_DIR)))
