"""What the notify adapter reads from Airflow becomes the right run facts: which app (a HelmRelease's DAG
notifies as a HelmRelease), which stage failed (the engine's stage, not the task id), and a Helm rollback."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from airflux.notify import AppRef, Rollback, RunFacts, StageFailure, render, run_event
from airflux.specs import load_apps
from airflux.specs.helm_types import RemediationOutcome, engine_app
from airflux_ops.notify_ops import app_ref, rollback_of, stage_failure

APP = AppRef(kind="HelmRelease", namespace="data", name="redis", dag_id="hr.data.redis")
APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {url: "https://charts.example.com", interval: 30m}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: redis, namespace: data, labels: {team: storage}}
spec:
  interval: 5m
  chart: {spec: {chart: redis, sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}}
"""


def test_a_helm_release_dag_notifies_as_its_helm_release(tmp_path: Path) -> None:
    (tmp_path / "redis.yaml").write_text(textwrap.dedent(APPS))
    (release,) = load_apps(tmp_path).helm_releases

    ref = app_ref(engine_app(release))

    assert (ref.kind, ref.namespace, ref.name, ref.dag_id) == ("HelmRelease", "data", "redis", "hr.data.redis")
    assert ref.labels == (("team", "storage"),)


def test_the_engine_stage_and_object_win_over_the_task_id() -> None:
    failure = stage_failure({"task": "apply", "message": "[health] 1/2 ready after 30s"},
                            {"stage": "health", "object": "Deployment/shop/web", "message": "..."})

    assert failure == StageFailure(stage="health", message="[health] 1/2 ready after 30s", obj="Deployment/shop/web")
    assert stage_failure({"task": "render", "message": "failed (see the task's log)"}, None) == \
        StageFailure(stage="render", message="failed (see the task's log)")
    assert stage_failure(None, None) is None


def test_a_typed_helm_rollback_outcome_is_a_rollback_naming_both_revisions() -> None:
    failure = StageFailure(stage="release", obj="HelmRelease/data/redis",
                           message="[release] upgrade to revision 4 failed, rolled back to revision 3: timed out")
    outcome = RemediationOutcome(action="rolled back", from_revision=4, to_revision=3, recorded_revision=5)

    rollback = rollback_of(failure, outcome.to_dict())
    assert rollback == Rollback(to_revision="revision 3", from_revision="revision 4", failure=failure)
    event = run_event(RunFacts(app=APP, run_id="r1", rollback=rollback), previous_revision=None, open_failure=False)
    assert event.message.startswith("HelmRelease/data/redis rolled back to revision 3 from revision 4 after release")
    assert "*Rolled back to* `revision 3` *from* `revision 4`" in json.dumps(render(event).blocks)


def test_only_the_typed_outcome_makes_a_rollback_never_the_error_text() -> None:
    failure = StageFailure(stage="release", message="[release] upgrade to revision 4 failed, rolled back to revision 3")

    assert rollback_of(failure, None) is None  # the words alone are not a rollback
    uninstalled = RemediationOutcome(action="uninstalled", from_revision=2)
    assert rollback_of(failure, uninstalled.to_dict()) is None  # an uninstall stays a failure
    assert rollback_of(None, RemediationOutcome(action="rolled back", from_revision=2, to_revision=1).to_dict()) is None
