"""dependsOn for HelmReleases: missing dependencies and cycles are definition errors (one graph with the
Kustomizations), an ``hr.*`` DAG with dependsOn waits first, and its dependencies' applies announce themselves."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from textwrap import dedent
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred
from airflow.sdk.execution_time.comms import AssetEventResult

from airflux.deps import order
from airflux.specs import load_apps
from airflux_ops.factory import app_dags
from airflux_triggers.dependencies import app_asset

SOURCES = dedent("""\
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata: {name: charts, namespace: apps}
    spec: {url: "https://charts.example.com", interval: 10m}
    """)


def hr(name: str, *deps: str) -> str:
    depends = "".join(f"\n    - name: {dep}" for dep in deps)
    return dedent(f"""\
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {{name: {name}, namespace: apps}}
        spec:
          interval: 5m
          timeout: 2m
          chart: {{spec: {{chart: {name}, version: "1.x", sourceRef: {{kind: HelmRepository, name: charts}}}}}}
          dependsOn: []""").replace("dependsOn: []", f"dependsOn:{depends}" if deps else "dependsOn: []") + "\n"


def load(tmp_path: Path, text: str) -> Any:
    (tmp_path / "apps.yaml").write_text(text)
    return load_apps(tmp_path)


def test_missing_and_cyclic_helm_dependencies_are_definition_errors(tmp_path: Path) -> None:
    apps = load(tmp_path, SOURCES + hr("web", "db") + hr("a", "b") + hr("b", "a") + hr("free"))
    by_obj = {e.obj: e for e in apps.errors}
    assert set(by_obj) == {"HelmRelease/apps/web", "HelmRelease/apps/a", "HelmRelease/apps/b"}
    assert by_obj["HelmRelease/apps/web"].field == "spec.dependsOn[0].name"
    assert "HelmRelease/apps/db is not defined in the apps directory" in by_obj["HelmRelease/apps/web"].message
    assert ("dependency cycle: HelmRelease/apps/a -> HelmRelease/apps/b -> HelmRelease/apps/a"
            in by_obj["HelmRelease/apps/a"].message)
    assert [r.meta.name for r in apps.helm_releases] == ["free"]
    assert list(app_dags(apps)) == ["hr.apps.free"]


def test_helm_dependencies_come_first_and_the_dag_waits_for_them(tmp_path: Path) -> None:
    apps = load(tmp_path, SOURCES + hr("web", "db") + hr("db", "crds") + hr("crds"))
    assert apps.errors == ()
    assert [r.meta.name for r in order(apps.helm_releases)] == ["crds", "db", "web"]
    dags = app_dags(apps)
    wait = dags["hr.apps.web"].get_task("wait_for_dependencies")
    assert wait.downstream_task_ids == {"fetch_source"}
    assert [a.uri for a in wait.inlets] == ["x-airflux://app/hr.apps.db", "x-airflux://app-run/hr.apps.db"]
    assert [a.uri for a in dags["hr.apps.db"].get_task("apply").outlets] == ["x-airflux://app/hr.apps.db"]
    assert "wait_for_dependencies" not in dags["hr.apps.crds"].task_dict


class Applied:
    """The dependency's successful applies as the waiting task reads them (asset events + fetch summaries)."""

    def __init__(self) -> None:
        self.events: list[AssetEventResult] = []
        self.fetched: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, dag_id: str, run_id: str, summary: dict[str, Any]) -> None:
        asset = app_asset(dag_id)
        self.events.append(AssetEventResult(
            id=len(self.events) + 1, timestamp=datetime(2026, 11, 26, 12, 0, len(self.events), tzinfo=timezone.utc),  # noqa: UP017
            asset={"name": asset.name, "uri": asset.uri, "group": asset.group, "extra": {}}, created_dagruns=[],
            source_dag_id=dag_id, source_run_id=run_id, source_task_id="apply", source_map_index=-1))
        self.fetched[(dag_id, run_id)] = summary

    def xcom_pull(self, *, dag_id: str, run_id: str, task_ids: str, map_indexes: int, key: str = "return_value") -> Any:
        return self.fetched.get((dag_id, run_id)) if task_ids == "fetch_source" and key == "return_value" else None

    def context(self) -> dict[str, Any]:
        return {"inlet_events": {app_asset("hr.apps.db"): self.events}, "ti": self,
                "dag_run": SimpleNamespace(conf={}), "triggering_asset_events": {}}


def test_helm_release_waits_until_its_dependency_applied_any_chart_version(tmp_path: Path) -> None:
    dags = app_dags(load(tmp_path, SOURCES + hr("web", "db") + hr("db")))
    wait = dags["hr.apps.web"].get_task("wait_for_dependencies")
    applied = Applied()
    with pytest.raises(TaskDeferred):
        wait.execute(applied.context())
    # Charts of one HelmRepository are different charts: no version matching, applied + Ready is enough.
    applied.add("hr.apps.db", "run-1", {"repository": "HelmRepository/apps/charts", "revision": "1.4.0@sha256:ab"})
    assert wait.recheck(applied.context(), event=None, started=time.time()) is None
