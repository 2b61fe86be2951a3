"""App DAGs start on their GitRepository's asset (watched by one shared trigger) or their interval,
and the revision of the newest triggering event is what ``fetch_source`` pins."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

import pytest
from airflow.sdk import AssetOrTimeSchedule
from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor
from airflow.serialization.serialized_objects import DagSerialization

from airflux.specs import load_apps
from airflux_ops.factory import app_dags
from airflux_triggers.scheduling import TriggerStyle, interval_of, trigger_style, triggering_revision

REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: shop, namespace: apps}
spec: {url: "https://git.example.com/shop.git", interval: 1m, ref: {branch: main}}
"""


def app(name: str, *, interval: str = "10m", annotations: str = "", suspend: bool = False) -> str:
    return dedent(f"""\
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {{name: {name}, namespace: apps{annotations}}}
        spec: {{interval: {interval}, prune: true, sourceRef: {{kind: GitRepository, name: shop}},
                suspend: {str(suspend).lower()}}}
        """)


def dags_for(tmp_path: Path, text: str) -> dict:
    (tmp_path / "apps.yaml").write_text(text)
    apps = load_apps(tmp_path)
    assert apps.errors == ()
    return app_dags(apps)


def test_apps_on_one_repository_share_its_asset_and_one_watcher(tmp_path: Path) -> None:
    dags = dags_for(tmp_path, REPO + app("web") + app("api", interval="5m"))
    web, api = dags["ks.apps.web"], dags["ks.apps.api"]
    for dag, interval in ((web, timedelta(minutes=10)), (api, timedelta(minutes=5))):
        assert isinstance(dag.timetable, AssetOrTimeSchedule)
        assert interval_of(dag.timetable) == interval
        assert dag.max_active_runs == 1
    # Source asset OR the app's own request asset (a Receiver naming the app).
    web_asset, web_request = web.timetable.asset_condition.objects
    api_asset, api_request = api.timetable.asset_condition.objects
    assert (web_request.uri, api_request.uri) == ("x-airflux://reconcile/ks.apps.web", "x-airflux://reconcile/ks.apps.api")
    assert web_request.watchers == []
    assert web_asset.uri == api_asset.uri == "x-airflux://gitrepository/apps/shop"
    web_trigger, api_trigger = web_asset.watchers[0].trigger, api_asset.watchers[0].trigger
    # The triggerer deduplicates by classpath + kwargs: identical kwargs mean one running watcher.
    assert web_trigger.serialize() == api_trigger.serialize()
    assert web_trigger.serialize()[1]["url"] == "https://git.example.com/shop.git"


def test_asset_scheduled_dags_serialize_with_their_watcher(tmp_path: Path) -> None:
    dags = dags_for(tmp_path, REPO + app("web"))
    data = DagSerialization.to_dict(dags["ks.apps.web"])
    assert "airflux_triggers.git_watcher.GitRevisionTrigger" in str(data)
    back = DagSerialization.from_dict(data)
    assert back.dag_id == "ks.apps.web"


def test_suspended_app_has_no_schedule_and_sensor_app_runs_continuously(tmp_path: Path) -> None:
    text = REPO + app("paused", suspend=True) + app("waits", annotations=", annotations: {airflux.io/trigger: sensor}")
    dags = dags_for(tmp_path, text)
    assert not dags["ks.apps.paused"].timetable.can_be_scheduled
    assert type(dags["ks.apps.waits"].timetable).__name__ == "ContinuousTimetable"


def test_unknown_trigger_annotation_is_a_definition_error_of_that_app_only(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(REPO + app("web", annotations=", annotations: {airflux.io/trigger: push}")
                                        + app("api"))
    apps = load_apps(tmp_path)
    (error,) = apps.errors
    assert (error.obj, error.field) == ("Kustomization/apps/web", "metadata.annotations[airflux.io/trigger]")
    assert "'push' is not one of watcher, sensor" in error.message
    assert list(app_dags(apps)) == ["ks.apps.api"]
    (api,) = apps.kustomizations
    assert trigger_style(api) is TriggerStyle.WATCHER


def event(extra: dict, at: int) -> AssetEventDagRunReferenceResult:
    return AssetEventDagRunReferenceResult(
        asset={"name": "gitrepository.apps.shop", "uri": "x-airflux://gitrepository/apps/shop", "extra": {}},
        extra=extra, source_task_id=None, source_dag_id=None, source_run_id=None, source_map_index=None,
        source_aliases=[], timestamp=datetime(2026, 11, 26, 12, 0, at, tzinfo=timezone.utc),  # noqa: UP017
    )


def test_revision_of_the_newest_triggering_event_is_pinned() -> None:
    a, b = "main@sha1:" + "a" * 40, "main@sha1:" + "b" * 40
    events = TriggeringAssetEventsAccessor.build([
        event({"from_trigger": True, "payload": {"revision": b}}, 2),
        event({"from_trigger": True, "payload": {"revision": a}}, 1),
    ])
    assert triggering_revision(events) == b
    # A webhook's event names no revision: the run takes whatever the ref points to then.
    with_hook = TriggeringAssetEventsAccessor.build([event({"payload": {"revision": a}}, 1),
                                                     event({"receiver": "apps/github"}, 3)])
    assert triggering_revision(with_hook) is None
    assert triggering_revision(TriggeringAssetEventsAccessor.build([])) is None
    assert triggering_revision(None) is None


def test_manual_conf_with_source_asks_for_a_fresh_export() -> None:
    from types import SimpleNamespace

    from airflux_triggers.scheduling import with_source

    assert with_source({"dag_run": SimpleNamespace(conf={"with_source": True})}) is True
    assert with_source({"dag_run": SimpleNamespace(conf={"with_source": "true"})}) is True
    assert with_source({"dag_run": SimpleNamespace(conf={"force": True})}) is False
    assert with_source({"dag_run": SimpleNamespace(conf=None)}) is False


def test_event_revision_force_pushed_away_deploys_the_new_tip_but_a_conf_revision_is_kept(tmp_path: Path) -> None:
    import logging
    import subprocess

    from trigger_helpers import Upstream

    from airflux.model import SourceError
    from airflux.paths import Layout
    from airflux.specs.types import GitRef, GitRepository, Meta, Origin
    from airflux_triggers.scheduling import fetch_for_run

    upstream = Upstream(tmp_path / "up")
    base = upstream.commit("base")
    gone = upstream.commit("pushed, then force-pushed away")
    subprocess.run(["git", "reset", "-q", "--hard", base], cwd=upstream.path, check=True)
    tip = upstream.commit("replacement")
    repo = GitRepository(meta=Meta("shop", "apps"), origin=Origin(Path("x"), 0), url=upstream.url,
                         ref=GitRef(branch="main"))
    events = TriggeringAssetEventsAccessor.build([event({"payload": {"revision": f"main@sha1:{gone}"}}, 1)])
    layout = Layout(tmp_path / "home")
    log = logging.getLogger("test")
    art = fetch_for_run(repo, layout=layout, credentials=None, conf_revision=None, events=events, refetch=False,
                        log=log)
    assert art.commit == tip
    with pytest.raises(SourceError, match="not reachable"):
        fetch_for_run(repo, layout=layout, credentials=None, conf_revision=f"main@sha1:{gone}", events=None,
                      refetch=False, log=log)
