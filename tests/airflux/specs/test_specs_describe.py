"""What an app's DAG says about itself and how often it retries, decided from the definition."""

from __future__ import annotations

from datetime import timedelta

import pytest
from specs_helpers import app_yaml

from airflux.specs import load_apps
from airflux.specs.describe import doc_md, public_url, retries, retry_delay, tags


def one_app(write, apps_dir, text: str):
    write("a.yaml", text)
    apps = load_apps(apps_dir)
    assert apps.errors == ()
    (app,) = apps.kustomizations
    return app, apps.source_of(app)


@pytest.mark.parametrize(
    ("interval", "retry_interval", "expected"),
    [("10m", None, 0), ("10m", "2m", 4), ("10m", "3m", 2), ("10m", "10m", 0), ("10m", "20m", 0), ("1h", "1m", 59)],
)
def test_retries_fit_in_one_interval(write, apps_dir, interval, retry_interval, expected) -> None:
    text = app_yaml("a").replace("interval: 10m", f"interval: {interval}")
    if retry_interval:
        text += f"  retryInterval: {retry_interval}\n"
    app, _ = one_app(write, apps_dir, text)
    assert retries(app) == expected
    assert retry_delay(app) == (app.retry_interval if retry_interval else app.interval)


def test_tags_name_the_namespace_and_source(write, apps_dir) -> None:
    app, source = one_app(write, apps_dir, app_yaml("a", namespace="team-x") + "  suspend: true\n")
    assert tags(app, source) == ["airflux", "kustomization", "namespace:team-x", "source:a", "suspended"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://bot:s3cret@git.example.com/a.git", "https://***@git.example.com/a.git"),
        ("https://token@git.example.com/a.git", "https://***@git.example.com/a.git"),
        ("ssh://git@git.example.com/a.git", "ssh://git@git.example.com/a.git"),
        ("ssh://git:pw@git.example.com/a.git", "ssh://***@git.example.com/a.git"),
        ("file:///srv/git/a.git", "file:///srv/git/a.git"),
    ],
)
def test_urls_never_show_credentials(url: str, shown: str) -> None:
    assert public_url(url) == shown


def test_doc_never_shows_url_credentials(write, apps_dir) -> None:
    text = app_yaml("a").replace("https://git.example.com", "https://bot:s3cret@git.example.com")
    app, source = one_app(write, apps_dir, text)
    doc = doc_md(app, source)
    assert "s3cret" not in doc
    assert "| interval | 10m (drift correction) |" in doc
    assert "| new commits | the GitRepository's git watcher starts a run within seconds of a push |" in doc
    assert "| retries | 0, every 10m |" in doc
    assert app.timeout == timedelta(minutes=9, seconds=30) and "| timeout | 9m30s per task |" in doc
