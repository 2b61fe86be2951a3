"""Against a real Helm repository (charts packaged and indexed by the Helm engine, served over HTTP): the
chart watcher's poll is a 304 while nothing changed, and a run started by its event deploys the version it
announced, although the HelmRepository's index is cached for its interval; a run without one keeps the cache.
Against a local OCI registry (charts pushed by the Helm engine): the watcher reads the tag list."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor

from airflux.specs import load_apps
from airflux_ops.factory import app_dags
from airflux_triggers.chart_index import ChartIndexPoller

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "airflux" / "helm"))
from charts import package, serve, write_chart  # the Helm tests' chart and repository

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {{name: charts, namespace: apps}}
spec: {{url: "{url}", interval: 10m}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: shop, namespace: apps}}
spec:
  interval: 5m
  chart: {{spec: {{chart: shop, version: "1.x", sourceRef: {{kind: HelmRepository, name: charts}}}}}}
"""


class TaskInstance:
    def xcom_push(self, key: str, value: Any) -> None:
        pass


def chart_event(version: str) -> TriggeringAssetEventsAccessor:
    return TriggeringAssetEventsAccessor.build([AssetEventDagRunReferenceResult(
        asset={"name": "helmchart.apps.charts.shop.x", "uri": "x-airflux://helmrepository/apps/charts/chart/shop/x",
               "extra": {}},
        extra={"from_trigger": True, "payload": {"chart": "shop", "version": version}}, source_task_id=None,
        source_dag_id=None, source_run_id=None, source_map_index=None, source_aliases=[],
        timestamp=datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc))])  # noqa: UP017


def test_event_run_deploys_the_announced_version_despite_the_cached_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLUX_HOME", str(tmp_path / "home"))
    chart, repo = write_chart(tmp_path / "src", hooks=False), tmp_path / "repo"
    package(chart, repo, version="1.0.0")
    with serve(repo) as url:
        (tmp_path / "apps").mkdir()
        (tmp_path / "apps" / "apps.yaml").write_text(APPS.format(url=url))
        apps = load_apps(tmp_path / "apps")
        assert apps.errors == ()
        fetch = app_dags(apps)["hr.apps.shop"].get_task("fetch_source")
        fetch.revision = ""  # the rendered template of a run without conf

        def run(events: Any) -> dict[str, Any]:
            return fetch.execute({"ti": TaskInstance(), "triggering_asset_events": events, "dag_run": None})

        poller = ChartIndexPoller(apps.helm_repositories[0], chart="shop", version="1.x")
        assert poller.poll().version == "1.0.0"  # Last-Modified of this very second: not trusted yet
        hour_ago = time.time() - 3600
        os.utime(repo / "index.yaml", (hour_ago, hour_ago))
        assert poller.poll().downloaded is True
        assert (poller.poll().version, poller.poll().downloaded) == ("1.0.0", False)  # If-Modified-Since: 304
        assert run({})["version"] == "1.0.0"
        package(chart, repo, version="1.1.0")
        assert poller.poll().version == "1.1.0"
        assert run({})["version"] == "1.0.0"  # an interval run: the index cached for spec.interval
        fetched = run(chart_event("1.1.0"))
        assert (fetched["version"], fetched["fetched"]) == ("1.1.0", True)


def test_oci_watcher_reads_the_tag_list_and_announces_a_new_matching_tag(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    import helm_python as helm
    from oci_registry import registry
    from trigger_helpers import Running, StateStore

    from airflux.specs.helm_types import HelmRepository
    from airflux.specs.types import Meta, Origin
    from airflux_triggers.chart_watcher import ChartVersionTrigger, chart_kwargs

    chart = write_chart(tmp_path / "src", hooks=False)
    monkeypatch.setenv("AIRFLOW__AIRFLUX__HELM_POLL_INTERVAL", "0.05")
    with registry() as host:
        def push(version: str) -> None:
            helm.push(helm.package(chart, destination=tmp_path / "pkg", version=version), f"oci://{host}/charts",
                      plain_http=True)

        push("1.0.0")
        push("2.0.0")  # outside the range
        repo = HelmRepository(meta=Meta(name="oci", namespace="apps"), origin=Origin(Path("x"), 0),
                              url=f"oci://{host}/charts", type="oci")
        trigger = ChartVersionTrigger(**chart_kwargs(repo, chart="shop", version="1.x"))
        store = StateStore()
        trigger.asset_state_store = store

        async def scenario() -> list[Any]:
            running = Running(trigger.run())
            for _ in range(200):
                if "last_revision" in store.values:
                    break
                await asyncio.sleep(0.02)
            assert store.values.get("last_revision") == "1.0.0"
            await asyncio.to_thread(push, "1.2.0")
            events = await running.wait_for(1)
            await running.stop()
            return events

        assert [(e["version"], e["previous"]) for e in asyncio.run(scenario())] == [("1.2.0", "1.0.0")]
