"""The git watcher fires once per new revision, remembers what it announced across restarts, and
backs off on an unreachable remote with the reason in the triggerer log."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from pathlib import Path

import pytest
from trigger_helpers import Running, StateStore, Upstream

from airflux.specs.types import GitRef, GitRepository, Meta, Origin
from airflux_triggers.git_watcher import GitRevisionTrigger
from airflux_triggers.repository import repository_kwargs


def watcher(url: str, *, branch: str = "main", secret_ref: str | None = None) -> GitRevisionTrigger:
    repo = GitRepository(meta=Meta(name="shop", namespace="apps"), origin=Origin(Path("x.yaml"), 0), url=url,
                         ref=GitRef(branch=branch), secret_ref=secret_ref)
    return GitRevisionTrigger(**repository_kwargs(repo))


def started(trigger: GitRevisionTrigger, store: StateStore) -> Running:
    trigger.asset_state_store = store
    return Running(trigger.run())


async def settle(running: Running, store: StateStore) -> None:
    """Wait until the watcher has looked at the remote once (it records the revision it saw)."""
    for _ in range(200):
        if "last_revision" in store.values:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"watcher never resolved the ref; events: {running.events}")


def test_serialize_round_trip_keeps_the_repository_identity_only() -> None:
    trigger = watcher("https://git.example.com/shop.git", secret_ref="git-creds")
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflux_triggers.git_watcher.GitRevisionTrigger"
    again = GitRevisionTrigger(**kwargs)
    assert again.serialize() == (classpath, kwargs)
    assert set(kwargs) == {"namespace", "name", "url", "ref", "secret_ref", "timeout"}
    # Two apps on the same repository produce the same trigger, so the triggerer runs it once.
    assert GitRevisionTrigger.hash(classpath, kwargs) == GitRevisionTrigger.hash(*watcher(
        "https://git.example.com/shop.git", secret_ref="git-creds").serialize())


def test_fires_once_per_new_commit_with_the_revision(upstream: Upstream) -> None:
    async def scenario() -> None:
        store = StateStore()
        running = started(watcher(upstream.url), store)
        await settle(running, store)
        first = upstream.commit("one")
        events = await running.wait_for(1)
        await asyncio.sleep(0.3)  # several more polls: no repeat for the same commit
        assert [e["revision"] for e in running.events] == [f"main@sha1:{first}"]
        second = upstream.commit("two")
        await running.wait_for(2)
        await asyncio.sleep(0.3)
        events = running.events
        await running.stop()
        assert [e["commit"] for e in events] == [first, second]
        assert events[1]["previous"] == f"main@sha1:{first}"
        assert events[0]["repository"] == "GitRepository/apps/shop"

    asyncio.run(scenario())


def test_first_look_records_the_revision_without_firing(upstream: Upstream) -> None:
    async def scenario() -> None:
        store = StateStore()
        running = started(watcher(upstream.url), store)
        await settle(running, store)
        await asyncio.sleep(0.3)
        await running.stop()
        assert running.events == []
        assert store.values["last_revision"] == f"main@sha1:{upstream.git('rev-parse', 'HEAD')}"

    asyncio.run(scenario())


def test_force_push_fires_once(upstream: Upstream) -> None:
    async def scenario() -> None:
        before = upstream.git("rev-parse", "HEAD")
        upstream.commit("to be rewritten")
        store = StateStore()
        running = started(watcher(upstream.url), store)
        await settle(running, store)
        upstream.git("reset", "-q", "--hard", before)
        rewritten = upstream.commit("rewritten history")
        await running.wait_for(1)
        await asyncio.sleep(0.3)
        await running.stop()
        assert [e["commit"] for e in running.events] == [rewritten]

    asyncio.run(scenario())


def test_restart_does_not_fire_again_for_an_announced_commit(upstream: Upstream) -> None:
    async def scenario() -> None:
        store = StateStore()
        first = started(watcher(upstream.url), store)
        await settle(first, store)
        new = upstream.commit("one")
        await first.wait_for(1)
        await first.stop()
        # The triggerer restarts: a new trigger object, the same asset state store.
        second = started(watcher(upstream.url), store)
        await asyncio.sleep(0.4)
        assert second.events == []
        newer = upstream.commit("two")
        await second.wait_for(1)
        await second.stop()
        assert [e["commit"] for e in first.events] == [new]
        assert [e["commit"] for e in second.events] == [newer]

    asyncio.run(scenario())


def test_commit_pushed_while_the_triggerer_was_down_fires_after_restart(upstream: Upstream) -> None:
    async def scenario() -> None:
        store = StateStore()
        first = started(watcher(upstream.url), store)
        await settle(first, store)
        await first.stop()
        missed = upstream.commit("pushed during the restart")
        second = started(watcher(upstream.url), store)
        await second.wait_for(1)
        await second.stop()
        assert [e["commit"] for e in second.events] == [missed]

    asyncio.run(scenario())


def triggerer_log(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> str:
    """What the triggerer log would show: Airflow's structured log goes to stdout, the engine's to logging."""
    return capsys.readouterr().out + caplog.text


def test_unreachable_remote_backs_off_logs_why_and_recovers(
    upstream: Upstream, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = tmp_path / "moved-away"
    shutil.move(str(upstream.path), str(gone))

    async def scenario() -> None:
        store = StateStore()
        running = started(watcher(upstream.url), store)
        with caplog.at_level(logging.INFO):
            await asyncio.sleep(1.6)
            log = triggerer_log(capsys, caplog)
            delays = [float(d) for d in re.findall(r"next attempt in ([0-9.]+)s", log)]
            # 0.05 s polls would make ~30 attempts; doubling waits make at most 5.
            assert 2 <= len(delays) <= 5, log
            assert delays == sorted(delays) and delays[1] == 2 * delays[0]
            assert "GitRepository/apps/shop: cannot resolve the ref" in log
            assert "does not appear to be a git repository" in log
            shutil.move(str(gone), str(upstream.path))
            await settle(running, store)
            await running.stop()
        assert "reachable again" in triggerer_log(capsys, caplog)
        assert running.events == []

    asyncio.run(scenario())


def test_failure_log_does_not_carry_url_credentials(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> None:
        running = started(watcher("http://user:s3cr3t-token@127.0.0.1:9/shop.git"), StateStore())
        with caplog.at_level(logging.INFO):
            await asyncio.sleep(0.5)
            await running.stop()

    asyncio.run(scenario())
    log = triggerer_log(capsys, caplog)
    assert "cannot resolve the ref" in log
    assert "s3cr3t-token" not in log
