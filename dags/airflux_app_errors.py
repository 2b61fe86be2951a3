"""Airflux: broken app definitions as an Airflow import error (this file defines no DAG).

Airflow attaches an import error to the file that raised it and marks every DAG of that file stale,
so the DAGs live in ``airflux_apps.py`` and the errors here: the import error of this file lists each
problem with its file, document, object (Kind/namespace/name) and field, while every valid app keeps
its DAG. When all definitions are valid this file imports cleanly and the error disappears.
"""

from pathlib import Path

from airflux.specs import DefinitionErrors, apps_dir_from_env, load_apps

_errors = load_apps(apps_dir_from_env(default=Path(__file__).resolve().parents[1] / "apps")).errors
if _errors:
    raise DefinitionErrors(_errors)
