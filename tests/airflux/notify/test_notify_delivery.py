"""Delivery through the real slack-sdk: 429 Retry-After honoured, Slack outages recorded (never raised),
and no secret in anything that reaches the wire."""

from __future__ import annotations

import json
import socket
import time

from notify_helpers import BOT_TOKEN, CHANGED, FAILURE, Setup, applied, facts, provider

from airflux.notify import StageFailure, commit_info
from airflux.notify.recorder import token_digest
from airflux.reconcile import DiffSummary


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_429_with_retry_after_is_waited_out_then_the_message_arrives(setup: Setup) -> None:
    setup.recorder.rate_limit(times=1, retry_after=1)

    started = time.monotonic()
    result = setup.run(facts("run-1", applied=CHANGED))
    elapsed = time.monotonic() - started

    assert [d.delivered for d in result.deliveries] == [True]
    assert [r["status"] for r in setup.recorder.requests()] == [429, 200]
    assert elapsed >= 1.0
    assert len(setup.bodies()) == 1


def test_retry_after_longer_than_the_bound_gives_up_and_says_so(setup: Setup) -> None:
    setup.recorder.rate_limit(times=5, retry_after=600)

    result = setup.run(facts("run-1", applied=CHANGED))

    (delivery,) = result.deliveries
    assert not delivery.delivered and "429" in delivery.error
    assert [r["status"] for r in setup.recorder.requests()] == [429]


def test_slack_unreachable_is_recorded_as_not_delivered_and_retried_next_run(setup: Setup) -> None:
    port = _closed_port()
    if setup.mode == "token":
        setup.provider = provider({"type": "slack", "channel": "#deploys", "secretRef": {"name": "slack-bot"},
                                   "address": f"http://127.0.0.1:{port}/api/chat.postMessage"})
    else:
        setup.secret = f"http://127.0.0.1:{port}/services/T0/B0/planted-webhook-secret"

    result = setup.run(facts("run-1", failure=FAILURE))  # returns: a Slack outage never raises

    (delivery,) = result.deliveries
    assert not delivery.delivered and "Connection refused" in delivery.error
    assert result.to_dict()["delivered"] is False
    assert "planted-webhook-secret" not in delivery.error and BOT_TOKEN not in delivery.error
    # not recorded as told: once Slack is back, the next run reports the error instead of holding it
    back = Setup(setup.recorder, setup.store, setup.clock, setup.mode)  # same state store, Slack reachable
    again = back.run(facts("run-2", failure=FAILURE))
    assert [d.delivered for d in again.deliveries] == [True]


def test_slack_answering_503_is_not_delivered(setup: Setup) -> None:
    setup.recorder.fail()

    result = setup.run(facts("run-1", applied=CHANGED))

    assert [d.delivered for d in result.deliveries] == [False]
    assert all(r["status"] == 503 for r in setup.recorder.requests())


def test_missing_connection_is_a_clear_undelivered_entry(setup: Setup) -> None:
    setup.secret = None  # type: ignore[assignment]

    result = setup.run(facts("run-1", applied=CHANGED))

    (delivery,) = result.deliveries
    assert not delivery.delivered
    expected = "slack-bot" if setup.mode == "token" else "slack-webhook"
    assert delivery.error == f"spec.secretRef: no Airflow connection '{expected}'"


def test_token_mode_authenticates_with_the_bot_token(setup: Setup) -> None:
    setup.run(facts("run-1", applied=CHANGED))

    (request,) = setup.recorder.requests()
    if setup.mode == "token":
        assert request["path"] == "/api/chat.postMessage" and request["token"] == token_digest(BOT_TOKEN)
    else:
        assert request["path"].startswith("/services/") and request["token"] is None


def test_planted_secrets_never_appear_in_any_request(setup: Setup) -> None:
    """Secrets that reached an error message are masked; the token is never in a body or a header."""
    git_password = "PLANTED-git-password-1234"
    repo_url = f"https://bot:{git_password}@github.com/acme/shop.git"
    webhook_path = setup.recorder.webhook_url.split("/services/")[1]
    failure = StageFailure(stage="diff", obj="Secret/shop/db",
                           message=f"dry-run failed for Secret/shop/db: token {setup.secret} rejected\n"
                                   f"while fetching {repo_url} with {git_password}")
    diff = DiffSummary(dag_id="ks.flux-system.shop", revision="main@sha1:" + "1" * 40, rendered_digest="d",
                       object_count=1, counts={"configured": 1}, names={"configured": ("Secret/shop/db",)})
    commit = commit_info(repo_url=repo_url, revision="main@sha1:" + "1" * 40)

    setup.run(facts("run-1", failure=failure, diff=diff, commit=commit), mask=(git_password,))
    setup.run(facts("run-2", applied=applied({"configured": 1}, {"configured": ("Secret/shop/db",)}),
                    commit=commit), mask=(git_password,))

    rows = setup.recorder.requests()
    assert len(rows) == 2
    for row in rows:
        body = json.dumps(row["body"])
        for planted in (BOT_TOKEN, git_password, setup.recorder.webhook_url, webhook_path):
            assert planted not in body
        assert BOT_TOKEN not in json.dumps(row)
    assert "token *** rejected" in json.dumps(rows[0]["body"])
    assert "https://github.com/acme/shop/commit/" in json.dumps(rows[1]["body"])
