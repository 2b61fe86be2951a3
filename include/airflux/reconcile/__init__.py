"""Reconcile: the orchestration of diff → apply → inventory → prune → health that DAG tasks call.

One function per Airflow task (``diff_app``, ``apply_app``, ``run_summary``), each taking plain
values and returning a small frozen summary; change sets and apply results stay on disk under the
artifact store (``runs/<dag_id>/<run_id>/``), never in XCom. No Airflow import here.
"""

from airflux.reconcile.report import Failure, run_summary
from airflux.reconcile.runs import RunDataError, load_rendered, read_changes, run_dir
from airflux.reconcile.stages import apply_app, diff_app, health_targets
from airflux.reconcile.summaries import ApplySummary, DiffSummary, HealthSummary

__all__ = [
    "ApplySummary",
    "DiffSummary",
    "Failure",
    "HealthSummary",
    "RunDataError",
    "apply_app",
    "diff_app",
    "health_targets",
    "load_rendered",
    "read_changes",
    "run_dir",
    "run_summary",
]
