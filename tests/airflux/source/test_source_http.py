"""Smart-HTTP remotes (git http-backend behind a local server): fetch, basic auth, secrecy,
fallback when the server refuses fetch-by-hash, timeouts and unreachable remotes."""

from __future__ import annotations

import logging
import socket

import pytest

from airflux.model import SourceError
from airflux.source import GitCredentials, fetch_source, resolve

PASSWORD = "s3cr3t-Pa55w0rd-xyzzy"


def test_fetch_over_http(upstream, layout, make_repo, http_server):
    sha = upstream.commit({"deploy/app.yaml": "kind: Service\n"})
    art = fetch_source(make_repo(http_server.url(upstream)), layout=layout)
    assert art.revision == f"main@sha1:{sha}"
    assert (art.path / "deploy/app.yaml").read_text() == "kind: Service\n"
    before = http_server.requests
    resolve(make_repo(http_server.url(upstream)))
    one_lookup = http_server.requests - before
    before = http_server.requests
    again = fetch_source(make_repo(http_server.url(upstream)), layout=layout)
    assert again.fetched is False
    assert http_server.requests - before == one_lookup  # the skip path did one ls-remote, nothing else


def test_basic_auth_with_the_right_password(upstream, layout, make_repo, http_server, caplog):
    sha = upstream.commit({"a.yaml": "a\n"})
    http_server.auth = ("deployer", PASSWORD)
    creds = GitCredentials(username="deployer", password=PASSWORD)
    with caplog.at_level(logging.DEBUG):
        art = fetch_source(make_repo(http_server.url(upstream)), layout=layout, credentials=creds)
    assert art.commit == sha
    assert http_server.leaked_in_cmdline == []
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(creds) and PASSWORD not in repr(art)
    stored = b"".join(p.read_bytes() for p in layout.root.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in stored


def test_wrong_password_is_a_terminal_auth_error_without_the_secret(upstream, make_repo, http_server, caplog):
    upstream.commit({"a.yaml": "a\n"})
    http_server.auth = ("deployer", "the-right-one")
    creds = GitCredentials(username="deployer", password=PASSWORD)
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceError) as err:
        resolve(make_repo(http_server.url(upstream)), credentials=creds)
    message = str(err.value)
    assert err.value.retryable is False
    assert "GitRepository/flux-system/app" in message and "authentication failed" in message
    assert http_server.url(upstream) in message
    assert err.value.__cause__ is None and err.value.__context__ is None
    assert PASSWORD not in message and PASSWORD not in caplog.text
    assert http_server.leaked_in_cmdline == []


def test_missing_credentials_fail_fast_instead_of_prompting(upstream, make_repo, http_server):
    upstream.commit({"a.yaml": "a\n"})
    http_server.auth = ("deployer", PASSWORD)
    with pytest.raises(SourceError, match="authentication failed") as err:
        resolve(make_repo(http_server.url(upstream)))
    assert err.value.retryable is False


def test_password_in_url_userinfo_is_never_shown(upstream, layout, make_repo, http_server, caplog):
    upstream.commit({"a.yaml": "a\n"})
    http_server.auth = ("deployer", "the-right-one")
    base = http_server.url(upstream).replace("http://", f"http://deployer:{PASSWORD}@")
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceError) as err:
        fetch_source(make_repo(base), layout=layout)
    assert PASSWORD not in str(err.value) and PASSWORD not in caplog.text
    assert "http://***@127.0.0.1" in str(err.value)
    assert http_server.leaked_in_cmdline == []
    right = http_server.url(upstream).replace("http://", "http://deployer:the-right-one@")
    art = fetch_source(make_repo(right), layout=layout)
    assert "the-right-one" not in art.url and "the-right-one" not in str(art.path)


def test_server_refusing_fetch_by_hash_falls_back_to_full_fetch(
    upstream, layout, make_repo, http_server, caplog
):
    pinned = upstream.commit({"a.yaml": "v: 1\n"})
    upstream.commit({"a.yaml": "v: 2\n"})
    http_server.protocol_v2 = False  # protocol v0 upload-pack refuses wants that are not ref tips
    with caplog.at_level(logging.INFO, logger="airflux.source"):
        bare = fetch_source(make_repo(http_server.url(upstream), commit=pinned), layout=layout)
    assert bare.revision == f"sha1:{pinned}"
    assert (bare.path / "a.yaml").read_text() == "v: 1\n"
    assert "server refused a fetch by hash" in caplog.text


def test_pinned_older_commit_over_http(upstream, layout, make_repo, http_server):
    pinned = upstream.commit({"a.yaml": "v: 1\n"})
    upstream.commit({"a.yaml": "v: 2\n"})
    art = fetch_source(make_repo(http_server.url(upstream)), layout=layout, revision=f"main@sha1:{pinned}")
    assert art.revision == f"main@sha1:{pinned}"
    assert (art.path / "a.yaml").read_text() == "v: 1\n"


def test_timeout_is_retryable_and_says_so(upstream, make_repo, http_server):
    upstream.commit({"a.yaml": "a\n"})
    http_server.delay = 3
    with pytest.raises(SourceError) as err:
        resolve(make_repo(http_server.url(upstream)), timeout=0.5)
    assert err.value.retryable is True
    assert "timed out after 0.5s" in str(err.value)


def test_unreachable_remote_is_retryable(make_repo):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError) as err:
        resolve(make_repo(f"http://127.0.0.1:{port}/repo.git"))
    assert err.value.retryable is True
    assert "remote unreachable" in str(err.value)


def test_bearer_token_is_sent_without_showing_it(upstream, layout, make_repo, http_server, caplog):
    sha = upstream.commit({"a.yaml": "a\n"})
    http_server.bearer = "tok-" + PASSWORD
    with caplog.at_level(logging.DEBUG):
        art = fetch_source(
            make_repo(http_server.url(upstream)),
            layout=layout,
            credentials=GitCredentials(bearer_token="tok-" + PASSWORD),
        )
    assert art.commit == sha
    assert http_server.leaked_in_cmdline == [] and PASSWORD not in caplog.text
    with pytest.raises(SourceError, match="authentication failed") as err:
        resolve(make_repo(http_server.url(upstream)), credentials=GitCredentials(bearer_token=PASSWORD))
    assert PASSWORD not in str(err.value)


def test_process_list_scan_detects_a_visible_secret(http_server, tmp_path):
    """The instrument behind the "not in ps" assertions does see a secret on a command line."""
    import subprocess
    import sys

    http_server.auth = ("deployer", PASSWORD)
    # The child says when it runs, so the scan cannot race its exec (under load it used to).
    proc = subprocess.Popen([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(5)", PASSWORD],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
        http_server.scan_process_list()
    finally:
        proc.kill()
        proc.wait()
    assert any(PASSWORD in line for line in http_server.leaked_in_cmdline)


def test_missing_repository_over_http_is_terminal(make_repo, http_server):
    with pytest.raises(SourceError, match="repository not found") as err:
        resolve(make_repo(f"{http_server.base}/no-such-repo.git"))
    assert err.value.retryable is False
