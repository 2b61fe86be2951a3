"""dependsOn at run time: the DAG waits (deferred) before fetching until each dependency's newest
successful apply is at the same revision, and fails after spec.timeout naming the dependency."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowFailException, TaskDeferred
from airflow.sdk.execution_time.comms import AssetEventResult

from airflux.specs import load_apps
from airflux_ops.factory import app_dags
from airflux_triggers.dependencies import app_asset, run_asset

REV = "main@sha1:" + "b" * 40
OLD = "main@sha1:" + "a" * 40

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: src, namespace: apps}
spec: {url: "https://git.example.com/src.git", interval: 1m}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: db, namespace: apps}
spec: {interval: 10m, prune: true, sourceRef: {kind: GitRepository, name: src}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: apps}
spec:
  interval: 10m
  timeout: 2m
  prune: true
  sourceRef: {kind: GitRepository, name: src}
  dependsOn: [{name: db}]
"""


@pytest.fixture
def dags(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "apps.yaml").write_text(APPS)
    return app_dags(load_apps(tmp_path))


class RunHistory:
    """What the waiting task reads from Airflow: asset events of its inlets and the fetch summaries of runs."""

    def __init__(self) -> None:
        self.events: list[AssetEventResult] = []
        self.run_events: list[AssetEventResult] = []
        self.fetched: dict[tuple[str, str], dict[str, Any]] = {}
        self.xcoms: dict[tuple[str, str, str, str], Any] = {}

    def applied(self, dag_id: str, run_id: str, revision: str, second: int) -> None:
        asset = app_asset(dag_id)
        self.events.append(AssetEventResult(
            id=len(self.events) + 1, timestamp=datetime(2026, 11, 26, 12, 0, second, tzinfo=timezone.utc),  # noqa: UP017
            asset={"name": asset.name, "uri": asset.uri, "group": asset.group, "extra": {}},
            created_dagruns=[], source_dag_id=dag_id, source_run_id=run_id, source_task_id="apply",
            source_map_index=-1))
        self.fetched[(dag_id, run_id)] = {"repository": "GitRepository/apps/src", "revision": revision}

    def ended(self, dag_id: str, run_id: str, revision: str | None, second: int, *, failed: str | None = None,
              error: str | None = None) -> None:
        """A run of the dependency ended (its notify teardown ran): failed at ``failed`` with ``error``."""
        asset = run_asset(dag_id)
        self.run_events.append(AssetEventResult(
            id=100 + len(self.run_events), timestamp=datetime(2026, 11, 26, 12, 0, second, tzinfo=timezone.utc),  # noqa: UP017
            asset={"name": asset.name, "uri": asset.uri, "group": asset.group, "extra": {}},
            created_dagruns=[], source_dag_id=dag_id, source_run_id=run_id, source_task_id="notify",
            source_map_index=-1))
        if revision:
            self.fetched[(dag_id, run_id)] = {"repository": "GitRepository/apps/src", "revision": revision}
        self.xcoms[(dag_id, run_id, "notify", "return_value")] = {"failed": failed, "revision": ""}
        if failed and error:
            self.xcoms[(dag_id, run_id, failed, "error")] = {"stage": failed, "message": error}

    def xcom_pull(self, *, dag_id: str, run_id: str, task_ids: str, map_indexes: int,
                  key: str = "return_value") -> Any:
        if task_ids == "fetch_source" and key == "return_value":
            return self.fetched.get((dag_id, run_id))
        return self.xcoms.get((dag_id, run_id, task_ids, key))

    def context(self, revision: str) -> dict[str, Any]:
        return {"inlet_events": {app_asset("ks.apps.db"): self.events, run_asset("ks.apps.db"): self.run_events},
                "ti": self, "dag_run": SimpleNamespace(conf={"revision": revision}), "triggering_asset_events": {}}


def test_dependent_dag_waits_first_and_dependency_apply_announces_itself(dags) -> None:
    web, db = dags["ks.apps.web"], dags["ks.apps.db"]
    wait = web.get_task("wait_for_dependencies")
    assert wait.downstream_task_ids == {"fetch_source"}
    assert [a.uri for a in wait.inlets] == ["x-airflux://app/ks.apps.db", "x-airflux://app-run/ks.apps.db"]
    assert [a.uri for a in db.get_task("apply").outlets] == ["x-airflux://app/ks.apps.db"]
    assert [getattr(a, "uri", a.name) for a in db.get_task("notify").outlets] == [
        "x-airflux://app-run/ks.apps.db", "airflux-dependents-of.ks.apps.db"]
    assert "wait_for_dependencies" not in db.task_dict


def test_waits_deferred_while_the_dependency_never_applied(dags) -> None:
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    with pytest.raises(TaskDeferred) as deferred:
        wait.execute(RunHistory().context(REV))
    assert deferred.value.method_name == "recheck"
    assert type(deferred.value.trigger).__name__ == "TimeDeltaTrigger"


def test_goes_once_the_newest_apply_is_at_the_same_revision(dags) -> None:
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    history = RunHistory()
    history.applied("ks.apps.db", "run-1", OLD, 1)
    with pytest.raises(TaskDeferred):
        wait.execute(history.context(REV))
    history.applied("ks.apps.db", "run-2", REV, 2)
    assert wait.recheck(history.context(REV), event=None, started=time.time()) is None


def test_fails_after_the_timeout_naming_the_dependency(dags) -> None:
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    history = RunHistory()
    history.applied("ks.apps.db", "run-1", OLD, 1)
    with pytest.raises(AirflowFailException, match=rf"Kustomization/apps/web: dependencies not ready after .*"
                                                   rf"ks.apps.db is at {OLD}, not {REV}"):
        wait.recheck(history.context(REV), started=time.time() - 121)


def test_fails_at_once_when_the_dependency_newest_run_failed_on_that_revision(dags) -> None:
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    history = RunHistory()
    history.applied("ks.apps.db", "run-1", OLD, 1)
    history.ended("ks.apps.db", "run-1", OLD, 1)
    # A failure on another revision: a run for REV may still come, so keep waiting (and say why).
    history.ended("ks.apps.db", "run-2", "main@sha1:" + "c" * 40, 2, failed="render", error="bad patch")
    with pytest.raises(TaskDeferred):
        wait.execute(history.context(REV))
    history.ended("ks.apps.db", "run-3", REV, 3, failed="apply", error="Deployment/db: field is immutable")
    began = time.time()
    with pytest.raises(AirflowFailException) as failure:
        wait.recheck(history.context(REV), started=began)
    assert str(failure.value) == (f"[dependsOn] Kustomization/apps/web: ks.apps.db failed at {REV}: "
                                  "[apply] Deployment/db: field is immutable")
    assert time.time() - began < 1  # no waiting out the 2-minute timeout


def test_timeout_message_names_the_dependency_last_failure(dags) -> None:
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    history = RunHistory()
    history.ended("ks.apps.db", "run-1", None, 1, failed="fetch_source", error="cannot reach the remote")
    with pytest.raises(AirflowFailException, match=r"ks.apps.db has not applied anything yet \(its newest run failed "
                                                   r"at an unknown revision: \[fetch_source\] cannot reach"):
        wait.recheck(history.context(REV), started=time.time() - 121)


def test_the_dependency_notify_is_wired_to_start_its_dependents(dags) -> None:
    from airflux_triggers.dependencies import dependents_alias

    notify = dags["ks.apps.db"].task_dict["notify"]
    assert notify.dependents == ("ks.apps.web",)
    assert dependents_alias("ks.apps.db") in notify.outlets and run_asset("ks.apps.db") in notify.inlets
    assert dags["ks.apps.web"].task_dict["notify"].dependents == ()


def _wake(history: RunHistory, *, failed: bool) -> tuple[list[str], list[Any]]:
    from airflow.sdk.execution_time.context import OutletEventAccessors

    from airflux_triggers.dependencies import dependents_alias, wake_dependents

    outlets = OutletEventAccessors()
    context = {**history.context(REV), "outlet_events": outlets}
    woken = wake_dependents(context, dag_id="ks.apps.db", dependents=("ks.apps.web",), failed=failed)
    return woken, list(outlets[dependents_alias("ks.apps.db")].asset_alias_events)


def test_a_dependency_that_recovers_starts_its_dependents_again() -> None:
    """Under Flux a dependent is requeued until its dependency is ready; here the dependency's first good
    run after a failed one records an event on each dependent's request asset (which schedules it)."""
    history = RunHistory()
    history.ended("ks.apps.db", "run-1", REV, 1, failed="apply", error="[apply] boom")
    woken, events = _wake(history, failed=False)
    assert woken == ["ks.apps.web"]
    (event,) = events
    assert event.dest_asset_key.uri == "x-airflux://reconcile/ks.apps.web"
    assert event.extra == {"woken_by": "ks.apps.db"}


def test_no_dependent_is_started_after_a_run_that_failed_or_followed_a_good_one() -> None:
    failed_before = RunHistory()
    failed_before.ended("ks.apps.db", "run-1", REV, 1, failed="apply", error="[apply] boom")
    assert _wake(failed_before, failed=True) == ([], [])  # still failing
    good_before = RunHistory()
    good_before.ended("ks.apps.db", "run-1", REV, 1)
    assert _wake(good_before, failed=False) == ([], [])  # nothing was waiting on a failure
    assert _wake(RunHistory(), failed=False) == ([], [])  # the first run ever


def test_the_wait_is_retried_on_airflow_s_own_failures_only(dags) -> None:
    """Its verdicts raise AirflowFailException (never retried); retries cover Airflow failing a resumed
    deferral by a race (apache/airflow#72716), which this looking-only task survives by running again."""
    wait = dags["ks.apps.web"].get_task("wait_for_dependencies")
    assert wait.retries == 2 and dags["ks.apps.web"].get_task("fetch_source").retries == 0
