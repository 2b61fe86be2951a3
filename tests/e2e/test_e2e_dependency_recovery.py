"""A dependency that recovers starts its dependents again, as Flux requeues them until it is ready.

``web`` depends on ``db``. A commit breaks ``db``: its run fails, and ``web`` (which would give up at
once waiting on a failed dependency) is not started by anything. The next good commit fixes ``db``;
its notify task records an event on ``web``'s request asset, and Airflow queues a run of ``web``
(the scheduler's asset queue, read here from the metadata database, is what starts it). A later good
run of ``db`` starts nothing more.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from e2e_stack import AirflowStack, Repo

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: src, namespace: {ns}}}
spec: {{url: "file://{repo}", ref: {{branch: main}}, interval: 1m}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: db, namespace: {ns}}}
spec: {{interval: 10m, timeout: 30s, prune: true, path: ./db, sourceRef: {{kind: GitRepository, name: src}}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: web, namespace: {ns}}}
spec:
  interval: 10m
  timeout: 30s
  prune: true
  path: ./web
  sourceRef: {{kind: GitRepository, name: src}}
  dependsOn: [{{name: db}}]
"""


def _files(db_port: int) -> dict[str, str | None]:
    return {
        "db/kustomization.yaml": "resources: [svc.yaml]\n",
        "db/svc.yaml": ("apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: default}\n"
                        f"spec: {{selector: {{app: db}}, ports: [{{port: {db_port}}}]}}\n"),
        "web/kustomization.yaml": "resources: [cm.yaml]\n",
        "web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: default}\ndata: {a: b}\n",
    }


def _queued(db: Path, dag_id: str) -> list[tuple[str, str]]:
    """Asset events recorded on the app's request asset (by which DAG), and whether its run is queued."""
    with sqlite3.connect(db) as conn:
        events = conn.execute(
            "select e.source_dag_id, a.uri from asset_event e join asset a on a.id = e.asset_id "
            "where a.uri = ?", (f"x-airflux://reconcile/{dag_id}",)).fetchall()
        queued = conn.execute(
            "select q.target_dag_id from asset_dag_run_queue q join asset a on a.id = q.asset_id where a.uri = ?",
            (f"x-airflux://reconcile/{dag_id}",)).fetchall()
    return [*events, *(("queued", q[0]) for q in queued)]


def test_a_recovered_dependency_starts_its_dependent_again(airflow_stack: AirflowStack, kubesim: Any,
                                                           tmp_path: Path) -> None:
    ns = "recovery"
    db, web = f"ks.{ns}.db", f"ks.{ns}.web"
    repo = Repo(tmp_path / "repo")
    repo.commit(_files(80000), "db with a port out of range")  # the API server rejects it at diff
    apps = tmp_path / "apps"
    apps.mkdir()
    (apps / "apps.yaml").write_text(APPS.format(ns=ns, repo=repo.path))

    def run(dag_id: str) -> Any:
        return airflow_stack.run(dag_id, apps=apps, home=tmp_path / "store", kubeconfig=kubesim.kubeconfig)

    broken = run(db)
    assert broken.state == "failed" and broken.tasks["diff"][0] == "failed"
    assert _queued(airflow_stack.db, web) == []

    repo.commit(_files(5432), "fix the port")
    fixed = run(db)
    assert fixed.state == "success", fixed.errors()
    assert f"{db} recovered: starting its dependents again: {web}" in fixed.log
    assert _queued(airflow_stack.db, web) == [(db, f"x-airflux://reconcile/{web}"), ("queued", web)]

    again = run(db)  # a good run after a good run wakes nobody
    assert again.state == "success", again.errors()
    assert [e for e in _queued(airflow_stack.db, web) if e[0] == db] == [(db, f"x-airflux://reconcile/{web}")]
