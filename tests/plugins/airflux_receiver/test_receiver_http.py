"""The receiver app over HTTP: a signed hook emits the asset event of each listed GitRepository; a bad
signature is 401/403 and logged without the secret; unknown paths are 404; big bodies 413; no other route."""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path
from textwrap import dedent

import pytest
from fastapi.testclient import TestClient

from airflux.specs import load_apps
from airflux.specs.types import CrossRef
from airflux_receiver.hooks import HookConfig, create_app

TOKEN = "hook-s3cret"
BODY = b'{"ref": "refs/heads/main"}'

APPS = dedent("""\
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: shop, namespace: apps}
    spec: {url: "https://git.example.com/shop.git", interval: 1m}
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: unused, namespace: apps}
    spec: {url: "https://git.example.com/unused.git", interval: 1m}
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1
    kind: Receiver
    metadata: {name: github, namespace: apps}
    spec:
      type: github
      events: ["push"]
      secretRef: {name: github-token}
      resources: [{kind: GitRepository, name: shop}, {kind: GitRepository, name: unused}]
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1
    kind: Receiver
    metadata: {name: plain, namespace: apps}
    spec:
      type: generic
      secretRef: {name: plain-token}
      resources: [{kind: GitRepository, name: shop}]
    """)


class AssetEvents:
    """Stands in for Airflow's asset table: the shop repository's asset exists, ``unused`` has none."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, object]]] = []

    def emit(self, ref: CrossRef, extra: dict[str, object]) -> bool:
        if ref.name == "unused":
            return False
        self.events.append((f"{ref.kind}/{ref.namespace}/{ref.name}", extra))
        return True


@pytest.fixture
def setup(tmp_path: Path) -> tuple[TestClient, AssetEvents]:
    (tmp_path / "apps.yaml").write_text(APPS)
    apps = load_apps(tmp_path)
    assert apps.errors == ()
    # Connection ids with '-' also resolve with '_', as for every secretRef.
    tokens = {"github_token": TOKEN, "plain-token": "plain-" + TOKEN}
    events = AssetEvents()
    config = HookConfig(receivers=lambda: apps.receivers, token_of=lambda ref: tokens.get(ref) or tokens.get(
        ref.replace("-", "_")), emit=events.emit, max_body=4096)
    return TestClient(create_app(config)), events


def path(name: str, token: str) -> str:
    return "/hook/" + hashlib.sha256(f"{token}{name}apps".encode()).hexdigest()


def signed(body: bytes, key: str = TOKEN) -> dict[str, str]:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest(),
            "X-GitHub-Event": "push"}


def test_signed_github_push_emits_the_asset_event(setup) -> None:
    client, events = setup
    response = client.post(path("github", TOKEN), content=BODY, headers=signed(BODY))
    assert response.status_code == 200
    assert response.json()["reconciling"] == ["GitRepository/apps/shop"]
    assert events.events == [("GitRepository/apps/shop", {"receiver": "Receiver/apps/github", "event": "push"})]


def test_generic_receiver_path_alone_is_enough(setup) -> None:
    client, events = setup
    assert client.post(path("plain", "plain-" + TOKEN), content=b"{}").status_code == 200
    assert [name for name, _ in events.events] == ["GitRepository/apps/shop"]


def test_bad_signatures_are_rejected_logged_without_secrets_and_emit_nothing(
    setup, caplog: pytest.LogCaptureFixture
) -> None:
    client, events = setup
    url = path("github", TOKEN)
    with caplog.at_level(logging.INFO, logger="airflux.receiver"):
        wrong = client.post(url, content=BODY, headers=signed(BODY, key="guess"))
        missing = client.post(url, content=BODY, headers={"X-GitHub-Event": "push"})
        replayed = client.post(url, content=b'{"ref": "refs/heads/evil"}', headers=signed(BODY))
    assert (wrong.status_code, missing.status_code, replayed.status_code) == (403, 401, 403)
    assert events.events == []
    assert "Rejected webhook" in caplog.text and "Receiver/apps/github" in caplog.text
    assert TOKEN not in caplog.text and signed(BODY)["X-Hub-Signature-256"] not in caplog.text
    assert TOKEN not in wrong.text + missing.text + replayed.text


def test_unknown_path_is_404_and_ignored_events_are_acknowledged(setup) -> None:
    client, events = setup
    assert client.post(path("github", "guessed"), content=BODY, headers=signed(BODY)).status_code == 404
    ignored = client.post(path("github", TOKEN), content=BODY,
                          headers={**signed(BODY), "X-GitHub-Event": "issues"})
    assert ignored.status_code == 200 and ignored.json()["reconciling"] == []
    assert events.events == []


def test_oversized_body_is_refused(setup) -> None:
    client, events = setup
    big = b"x" * 5000
    assert client.post(path("github", TOKEN), content=big, headers=signed(big)).status_code == 413
    assert events.events == []


def test_the_hook_is_the_only_route(setup) -> None:
    client, _ = setup
    for url in ("/docs", "/openapi.json", "/redoc", "/"):
        assert client.get(url).status_code == 404
    assert client.get(path("github", TOKEN)).status_code == 405
