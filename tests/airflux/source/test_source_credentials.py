"""Credentials reach git only through the environment and short-lived private files."""

from __future__ import annotations

import os
import shlex
import socket
import stat
from pathlib import Path

import pytest

from airflux.model import SourceError
from airflux.source import GitCredentials, redact_url, resolve
from airflux.source.credentials import git_access

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"
KNOWN_HOSTS = (
    "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("https://token@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"),
        ("ssh://git:pw@github.com/org/repo.git", "ssh://***@github.com/org/repo.git"),
        ("https://github.com/org/repo.git", "https://github.com/org/repo.git"),
    ],
)
def test_urls_are_redacted(url, shown):
    assert redact_url(url) == shown


def test_ssh_uses_the_given_key_and_known_hosts_with_strict_checking():
    creds = GitCredentials(identity=KEY, known_hosts=KNOWN_HOSTS)
    with git_access("ssh://git@git.example.com/org/repo.git", creds) as access:
        command = shlex.split(access.env["GIT_SSH_COMMAND"])
        options = {command[i + 1] for i, word in enumerate(command) if word == "-o"}
        identity = Path(command[command.index("-i") + 1])
        known_hosts = Path(next(o.split("=", 1)[1] for o in options if o.startswith("UserKnownHostsFile=")))
        assert "StrictHostKeyChecking=yes" in options and "BatchMode=yes" in options
        assert identity.read_text() == KEY and known_hosts.read_text() == KNOWN_HOSTS
        assert stat.S_IMODE(identity.stat().st_mode) == 0o600
        assert stat.S_IMODE(identity.parent.stat().st_mode) == 0o700
        assert KEY.strip() not in " ".join(command)
        assert access.url == "ssh://git@git.example.com/org/repo.git"
    assert not identity.exists() and not identity.parent.exists()


def test_ssh_without_known_hosts_still_checks_host_keys():
    with git_access("git@git.example.com:org/repo.git", None) as access:
        command = access.env["GIT_SSH_COMMAND"]
    assert "StrictHostKeyChecking=yes" in command
    assert "StrictHostKeyChecking=no" not in command and "accept-new" not in command


def test_https_password_travels_in_the_environment_only():
    creds = GitCredentials(username="bot", password="hunter2-hunter2")
    with git_access("https://other:inline-pw@example.com/r.git", creds) as access:
        askpass = Path(access.env["GIT_ASKPASS"])
        assert access.url == "https://example.com/r.git"
        assert access.env["AIRFLUX_GIT_PASSWORD"] == "hunter2-hunter2"
        assert "hunter2" not in askpass.read_text()
        assert os.access(askpass, os.X_OK)
    assert not askpass.exists()


def test_ssh_remote_that_is_down_is_retryable_and_shows_no_key(make_repo):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    creds = GitCredentials(identity=KEY, known_hosts=f"[127.0.0.1]:{port} {KNOWN_HOSTS.split(' ', 1)[1]}")
    with pytest.raises(SourceError) as err:
        resolve(make_repo(f"ssh://git@127.0.0.1:{port}/repo.git"), credentials=creds)
    assert err.value.retryable is True
    assert "remote unreachable" in str(err.value)
    assert "BEGIN OPENSSH" not in str(err.value) and "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" not in str(
        err.value
    )


@pytest.mark.parametrize(
    "url", ["ext::sh -c touch% /tmp/pwned", "git://example.com/r.git", "ftp://example.com/r"]
)
def test_unsupported_transports_are_refused(url, make_repo, tmp_path):
    with pytest.raises(SourceError, match="unsupported URL scheme") as err:
        resolve(make_repo(url))
    assert err.value.retryable is False


def test_credentials_from_a_flux_secret_shape():
    creds = GitCredentials.from_mapping(
        {"username": "bot", "password": "pw", "bearerToken": "", "identity": None, "known_hosts": "h k v"}
    )
    assert creds == GitCredentials(username="bot", password="pw", known_hosts="h k v")
    assert "pw" not in repr(creds).replace("known_hosts", "")
