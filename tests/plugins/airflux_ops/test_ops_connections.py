"""``secretRef`` names resolve to Airflow connections (also with ``-`` as ``_``) and become git credentials."""

from __future__ import annotations

import json

import pytest

from airflux.model import SourceError
from airflux_ops.connections import git_credentials

REPO = "GitRepository/default/shop"


def define(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: object) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps({"conn_type": "generic", **fields}))


def test_https_login_and_token_from_the_connection(monkeypatch) -> None:
    define(monkeypatch, "shop_git", login="bot", password="tok-123456789")
    creds = git_credentials("shop_git", repository=REPO)
    assert creds is not None
    assert (creds.username, creds.password) == ("bot", "tok-123456789")
    assert "tok-123456789" not in repr(creds)


def test_hyphenated_secret_ref_finds_the_underscore_connection(monkeypatch) -> None:
    define(monkeypatch, "my_git_creds", login="bot", password="pw-987654321")
    creds = git_credentials("my-git-creds", repository=REPO)
    assert creds is not None and creds.password == "pw-987654321"


def test_ssh_key_and_known_hosts_come_from_extras(monkeypatch) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n"
    define(monkeypatch, "deploy_key", extra={"private_key": key, "known_hosts": "git.example.com ssh-ed25519 AAAA"})
    creds = git_credentials("deploy_key", repository=REPO)
    assert creds is not None
    assert (creds.identity, creds.known_hosts, creds.username) == (key, "git.example.com ssh-ed25519 AAAA", None)


def test_missing_connection_is_a_terminal_error_naming_both_ids() -> None:
    with pytest.raises(SourceError) as caught:
        git_credentials("no-such-creds", repository=REPO)
    assert caught.value.retryable is False
    assert str(caught.value) == (
        "[source] GitRepository/default/shop: spec.secretRef: no Airflow connection 'no-such-creds' or 'no_such_creds'"
    )


def test_no_secret_ref_means_anonymous() -> None:
    assert git_credentials(None, repository=REPO) is None
