"""The chart watcher fires once when the newest version matching a range changes, asks the index with
its ETag (304 when unchanged), remembers what it announced across restarts, and backs off on errors;
HelmRelease DAGs are scheduled on that watched chart asset (or their GitRepository's) OR their interval."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from airflow.sdk import AssetOrTimeSchedule
from trigger_helpers import Running, StateStore

from airflux.specs import load_apps
from airflux.specs.helm_types import HelmRepository
from airflux.specs.types import Meta, Origin
from airflux_ops.factory import app_dags
from airflux_triggers.chart_watcher import ChartVersionTrigger, chart_kwargs
from airflux_triggers.scheduling import interval_of


class IndexServer:
    """A HelmRepository over HTTP: ``index.yaml`` with an ETag, answering 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.versions: list[str] = []
        self.statuses: list[int] = []
        self.conditional: list[bool] = []

    def publish(self, *versions: str) -> None:
        self.versions.extend(versions)

    def body(self) -> bytes:
        entries = [{"name": "shop", "version": v, "digest": hashlib.sha256(v.encode()).hexdigest(),
                    "urls": [f"shop-{v}.tgz"]} for v in self.versions]
        return yaml.safe_dump({"apiVersion": "v1", "entries": {"shop": entries}}).encode()

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = server.body()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                server.conditional.append("If-None-Match" in self.headers)
                if self.headers.get("If-None-Match") == etag:
                    server.statuses.append(304)
                    self.send_response(304)
                    self.end_headers()
                    return
                server.statuses.append(200)
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def index() -> Iterator[tuple[IndexServer, str]]:
    state = IndexServer()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _fast_helm_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__AIRFLUX__HELM_POLL_INTERVAL", "0.05")


def repository(url: str) -> HelmRepository:
    return HelmRepository(meta=Meta(name="charts", namespace="apps"), origin=Origin(Path("x.yaml"), 0), url=url)


def watcher(url: str, version: str = ">=1.0.0 <2.0.0") -> ChartVersionTrigger:
    return ChartVersionTrigger(**chart_kwargs(repository(url), chart="shop", version=version))


async def settle(store: StateStore) -> None:
    for _ in range(200):
        if "last_revision" in store.values:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("watcher never read the index")


def test_fires_once_per_new_matching_version_and_polls_with_the_etag(index: tuple[IndexServer, str]) -> None:
    server, url = index

    async def scenario() -> None:
        server.publish("1.0.0")
        store = StateStore()
        trigger = watcher(url)
        trigger.asset_state_store = store
        running = Running(trigger.run())
        await settle(store)
        await asyncio.sleep(0.3)
        assert running.events == []  # the first look only records 1.0.0
        server.publish("2.0.0")  # outside the range: the index changes, the picked version does not
        await asyncio.sleep(0.3)
        assert running.events == []
        server.publish("1.1.0")
        await running.wait_for(1)
        await asyncio.sleep(0.3)
        await running.stop()
        assert running.events == [{"repository": "HelmRepository/apps/charts", "chart": "shop",
                                   "range": ">=1.0.0 <2.0.0", "version": "1.1.0", "previous": "1.0.0"}]
        assert store.values["last_revision"] == "1.1.0"

    asyncio.run(scenario())
    # Unchanged polls cost a 304 (no body, no parsing); every poll after the first carries the ETag.
    assert server.statuses.count(304) >= 5
    assert all(server.conditional[1:])


def test_restart_does_not_announce_again_but_announces_what_appeared_while_down(
        index: tuple[IndexServer, str]) -> None:
    server, url = index
    store = StateStore()
    server.publish("1.0.0", "1.1.0")
    store.values["last_revision"] = "1.1.0"

    async def run_once(expect: int) -> list[Any]:
        trigger = watcher(url)
        trigger.asset_state_store = store
        running = Running(trigger.run())
        events = await running.wait_for(expect, timeout=0.6 if expect == 0 else 10)
        await running.stop()
        return events

    assert asyncio.run(run_once(0)) == []
    server.publish("1.2.0")
    assert [e["version"] for e in asyncio.run(run_once(1))] == ["1.2.0"]


def test_same_chart_and_range_is_one_watcher_and_errors_back_off(
        index: tuple[IndexServer, str], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    _, url = index
    assert watcher(url).serialize() == ChartVersionTrigger(**watcher(url).serialize()[1]).serialize()
    assert watcher(url).serialize() != watcher(url, "~1.0").serialize()

    async def scenario() -> None:
        trigger = watcher("http://127.0.0.1:9/")  # nothing listens on the discard port
        trigger.asset_state_store = StateStore()
        running = Running(trigger.run())
        await asyncio.sleep(0.5)
        await running.stop()

    with caplog.at_level("WARNING"):
        asyncio.run(scenario())
    log = capsys.readouterr().out + caplog.text  # Airflow's structured log goes to stdout
    failures = [line for line in log.splitlines() if "cannot read the index" in line]
    assert 2 <= len(failures) <= 5, failures  # 0.05, 0.1, 0.2, 0.4 s: doubling, not a poll per 0.05 s
    assert "HelmRepository/apps/charts chart shop" in failures[0]


APPS = dedent("""\
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata: {name: charts, namespace: apps}
    spec: {url: "https://charts.example.com", interval: 10m}
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: shop, namespace: apps}
    spec: {url: "https://git.example.com/shop.git", interval: 1m, ref: {branch: main}}
    """)


def release(name: str, *, source: str = "HelmRepository/charts", chart: str = "shop", version: str | None = "1.x",
            extra: str = "") -> str:
    kind, source_name = source.split("/")
    pinned = f', version: "{version}"' if version else ""
    return dedent(f"""\
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {{name: {name}, namespace: apps}}
        spec:
          interval: 5m
          chart: {{spec: {{chart: {chart}{pinned}, sourceRef: {{kind: {kind}, name: {source_name}}}}}}}
        """) + extra


def test_helm_release_dags_run_on_their_chart_asset_or_interval(tmp_path: Path) -> None:
    text = (APPS + release("web") + release("web2") + release("edge", version=">=2.0.0")
            + release("git", source="GitRepository/shop", chart="./charts/shop", version=None))
    (tmp_path / "apps.yaml").write_text(text)
    apps = load_apps(tmp_path)
    assert apps.errors == ()
    dags = app_dags(apps)
    for dag_id in ("hr.apps.web", "hr.apps.web2", "hr.apps.edge", "hr.apps.git"):
        assert isinstance(dags[dag_id].timetable, AssetOrTimeSchedule)
        assert interval_of(dags[dag_id].timetable) == timedelta(minutes=5)
    web, web2, edge = (dags[d].timetable.asset_condition.objects[0]
                       for d in ("hr.apps.web", "hr.apps.web2", "hr.apps.edge"))
    assert dags["hr.apps.web"].timetable.asset_condition.objects[1].uri == "x-airflux://reconcile/hr.apps.web"
    # Same repository + chart + range: one asset, one watcher; another range: its own.
    assert web.uri == web2.uri and web.uri.startswith("x-airflux://helmrepository/apps/charts/chart/shop/")
    assert web.watchers[0].trigger.serialize() == web2.watchers[0].trigger.serialize()
    assert edge.uri != web.uri
    assert web.watchers[0].trigger.serialize()[1]["version"] == "1.x"
    # A chart from a GitRepository follows that repository's watcher.
    assert dags["hr.apps.git"].timetable.asset_condition.objects[0].uri == "x-airflux://gitrepository/apps/shop"


SENSOR = ", annotations: {airflux.io/trigger: sensor}"


def test_sensor_style_releases_run_continuously_led_by_their_wait(tmp_path: Path) -> None:
    text = (APPS + release("web").replace("namespace: apps}", "namespace: apps" + SENSOR + "}")
            + release("git", source="GitRepository/shop", chart="./c", version=None).replace(
                "namespace: apps}", "namespace: apps" + SENSOR + "}")
            + release("bad").replace("namespace: apps}", "namespace: apps, annotations: {airflux.io/trigger: poll}}"))
    (tmp_path / "apps.yaml").write_text(text)
    apps = load_apps(tmp_path)
    (error,) = apps.errors
    assert (error.obj, error.field) == ("HelmRelease/apps/bad", "metadata.annotations[airflux.io/trigger]")
    dags = app_dags(apps)
    assert "hr.apps.bad" not in dags
    for dag_id, first in (("hr.apps.web", "wait_for_chart"), ("hr.apps.git", "wait_for_commit")):
        assert type(dags[dag_id].timetable).__name__ == "ContinuousTimetable"
        assert dags[dag_id].get_task(first).downstream_task_ids == {"fetch_source"}


def test_chart_sensor_defers_until_the_range_picks_another_version(index: tuple[IndexServer, str]) -> None:
    from types import SimpleNamespace

    from airflow.sdk.exceptions import TaskDeferred

    from airflux.specs.helm_types import ChartRef, HelmRelease
    from airflux.specs.types import CrossRef
    from airflux_triggers.chart_sensor import ChartVersionSensor

    server, url = index
    server.publish("1.0.0")
    rel = HelmRelease(meta=Meta(name="web", namespace="apps"), origin=Origin(Path("x"), 0),
                      chart=ChartRef(chart="shop", version="1.x", source_ref=CrossRef(kind="HelmRepository", name="charts", namespace="apps")),
                      release_name="web", target_namespace="apps")
    sensor = ChartVersionSensor(release=rel, source=repository(url))
    applied = SimpleNamespace(xcom_pull=lambda **_: {"revision": "1.0.0@sha256:aa"})
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({"ti": applied})

    async def wait() -> list[Any]:
        running = Running(deferred.value.trigger.run())
        await asyncio.sleep(0.3)
        assert running.events == []  # still 1.0.0
        server.publish("1.1.0")
        return await running.wait_for(1)

    (event,) = asyncio.run(wait())
    assert sensor.execute_complete({}, event) == "1.1.0"
    assert sensor.execute({"ti": SimpleNamespace(xcom_pull=lambda **_: None)}) is None  # first run: go at once


def test_building_helm_release_dags_loads_neither_the_helm_engine_nor_the_kubernetes_client(tmp_path: Path) -> None:
    """The chart watcher is built at DAG parse time: the Helm engine (a Go runtime) and the kubernetes client
    must load only where a poll or a task runs, never in the parsing (and forking) processes."""
    import os
    import subprocess
    import sys

    (tmp_path / "apps.yaml").write_text(APPS + release("web") + release("sensed").replace(
        "namespace: apps}", "namespace: apps" + SENSOR + "}"))
    root = Path(__file__).resolve().parents[3]
    probe = ("import sys; from airflux.specs import load_apps; from airflux_ops.factory import app_dags; "
             f"dags = app_dags(load_apps({str(tmp_path)!r})); "
             "print(sorted(dags), [m for m in ('helm_python', 'kubernetes', 'airflux.helm') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": f"{root / 'include'}{os.pathsep}{root / 'plugins'}"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['hr.apps.sensed', 'hr.apps.web'] []"
