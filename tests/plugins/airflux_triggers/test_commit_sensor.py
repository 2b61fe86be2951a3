"""The commit sensor reconciles at once on the first run, otherwise defers to the triggerer until the
source moves off the applied revision (or the interval passes) and then resumes the run."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred
from trigger_helpers import Running, Upstream

from airflux.specs import load_apps
from airflux_ops.factory import app_dags
from airflux_triggers.commit_sensor import GitCommitSensor, GitCommitTrigger


class TaskInstanceXCom:
    """The one thing the sensor asks the task instance: the newest ``apply`` summary of its DAG."""

    def __init__(self, applied: dict[str, Any] | None) -> None:
        self.applied = applied

    def xcom_pull(self, *, task_ids: str, include_prior_dates: bool, map_indexes: int) -> Any:
        assert (task_ids, include_prior_dates) == ("apply", True)
        return self.applied


def sensor_dag(tmp_path: Path, url: str, interval: str = "1m") -> Any:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "app.yaml").write_text(f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: shop, namespace: apps}}
spec: {{url: "{url}", interval: 1m, ref: {{branch: main}}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: apps
  annotations: {{airflux.io/trigger: sensor}}
spec: {{interval: {interval}, prune: true, sourceRef: {{kind: GitRepository, name: shop}}}}
""")
    return app_dags(load_apps(tmp_path / "apps"))["ks.apps.web"]


def test_sensor_app_dag_waits_for_a_commit_before_fetching(tmp_path: Path, upstream: Upstream) -> None:
    dag = sensor_dag(tmp_path, upstream.url)
    sensor = dag.get_task("wait_for_commit")
    assert isinstance(sensor, GitCommitSensor)
    assert sensor.downstream_task_ids == {"fetch_source"}


def test_first_run_reconciles_without_waiting(tmp_path: Path, upstream: Upstream) -> None:
    sensor = sensor_dag(tmp_path, upstream.url).get_task("wait_for_commit")
    assert sensor.execute({"ti": TaskInstanceXCom(None)}) is None


def test_defers_until_a_new_commit_then_resumes_with_its_revision(tmp_path: Path, upstream: Upstream) -> None:
    sensor = sensor_dag(tmp_path, upstream.url).get_task("wait_for_commit")
    applied = f"main@sha1:{upstream.git('rev-parse', 'HEAD')}"
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({"ti": TaskInstanceXCom({"revision": applied})})
    assert deferred.value.method_name == "execute_complete"
    trigger = deferred.value.trigger
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflux_triggers.commit_sensor.GitCommitTrigger"
    trigger = GitCommitTrigger(**kwargs)  # as the triggerer rebuilds it

    async def scenario() -> list[Any]:
        running = Running(trigger.run())
        await asyncio.sleep(0.3)
        assert running.events == []  # still waiting: nothing new
        new = upstream.commit("new")
        events = await running.wait_for(1)
        await running.stop()
        assert events[0]["revision"] == f"main@sha1:{new}"
        return events

    (event,) = asyncio.run(scenario())
    assert sensor.execute_complete({}, event) == event["revision"]


def test_interval_passing_ends_the_wait_for_drift_correction(upstream: Upstream) -> None:
    from airflux.specs.types import GitRef, GitRepository, Meta, Origin
    from airflux_triggers.repository import repository_kwargs

    repo = GitRepository(meta=Meta("shop", "apps"), origin=Origin(Path("x"), 0), url=upstream.url,
                         ref=GitRef(branch="main"))
    since = f"main@sha1:{upstream.git('rev-parse', 'HEAD')}"
    trigger = GitCommitTrigger(repository=repository_kwargs(repo), since=since, deadline=time.time() + 0.3)

    async def scenario() -> list[Any]:
        running = Running(trigger.run())
        return await running.wait_for(1, timeout=5)

    (event,) = asyncio.run(scenario())
    assert event == {"reason": "interval", "revision": None, "since": since}
