"""Airflux: one Airflow DAG per app defined under AIRFLUX_APPS_DIR (Flux Kustomizations).

Every valid definition gets its DAG here. Broken definitions are reported by the sibling file
``airflux_app_errors.py`` as an Airflow import error: an import error on this file would mark all of
its DAGs stale, so one bad app would stop every other app.
"""

from airflux.specs import load_apps
from airflux_ops.factory import app_dags

globals().update(app_dags(load_apps()))
