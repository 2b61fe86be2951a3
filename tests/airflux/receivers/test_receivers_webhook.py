"""Each receiver type accepts a request signed with the token and rejects a wrong, missing or
replayed-with-another-body one; the path is Flux's digest; events outside spec.events are ignored."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from textwrap import dedent

import pytest

from airflux.receivers import HookRejected, handle_hook, webhook_path
from airflux.specs import load_apps
from airflux.specs.receiver import Receiver

TOKEN = "s3cr3t-t0ken"
BODY = b'{"ref": "refs/heads/main", "after": "abc"}'
OTHER_BODY = b'{"ref": "refs/heads/main", "after": "evil"}'

REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: shop, namespace: apps}
spec: {url: "https://git.example.com/shop.git", interval: 1m}
"""


def receiver_yaml(kind: str, events: str = "") -> str:
    return dedent(f"""\
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1
        kind: Receiver
        metadata: {{name: {kind}-hook, namespace: apps}}
        spec:
          type: {kind}
          {events or "events: []"}
          secretRef: {{name: hook-token}}
          resources:
            - {{kind: GitRepository, name: shop}}
        """)


def receiver(tmp_path: Path, kind: str, events: str = "") -> Receiver:
    (tmp_path / "r.yaml").write_text(REPO + receiver_yaml(kind, events))
    apps = load_apps(tmp_path)
    assert apps.errors == ()
    (only,) = apps.receivers
    return only


def sign(body: bytes, algo: str = "sha256", key: str = TOKEN) -> str:
    return f"{algo}=" + hmac.new(key.encode(), body, getattr(hashlib, algo)).hexdigest()


def test_webhook_path_is_flux_digest_of_token_name_namespace(tmp_path: Path) -> None:
    hook = receiver(tmp_path, "generic")
    expected = hashlib.sha256(f"{TOKEN}generic-hookapps".encode()).hexdigest()
    assert webhook_path(TOKEN, hook) == f"/hook/{expected}"


def test_generic_needs_nothing_but_the_path(tmp_path: Path) -> None:
    outcome = handle_hook(receiver(tmp_path, "generic"), token=TOKEN, headers={}, body=BODY)
    assert [f"{r.kind}/{r.namespace}/{r.name}" for r in outcome.resources] == ["GitRepository/apps/shop"]


@pytest.mark.parametrize("algo", ["sha1", "sha256", "sha512"])
def test_generic_hmac_accepts_a_correct_signature(tmp_path: Path, algo: str) -> None:
    hook = receiver(tmp_path, "generic-hmac")
    outcome = handle_hook(hook, token=TOKEN, headers={"X-Signature": sign(BODY, algo)}, body=BODY)
    assert len(outcome.resources) == 1


@pytest.mark.parametrize(("kind", "header"), [("generic-hmac", "X-Signature"), ("github", "X-Hub-Signature-256")])
def test_hmac_types_reject_wrong_missing_and_replayed_signatures(tmp_path: Path, kind: str, header: str) -> None:
    hook = receiver(tmp_path, kind)
    events = {"X-GitHub-Event": "push"} if kind == "github" else {}
    ok = handle_hook(hook, token=TOKEN, headers={header: sign(BODY), **events}, body=BODY)
    assert len(ok.resources) == 1
    cases = {
        "wrong key": ({header: sign(BODY, key="guess")}, BODY, 403),
        "missing": ({}, BODY, 401),
        "replayed with another body": ({header: sign(BODY)}, OTHER_BODY, 403),
        "garbage": ({header: "nonsense"}, BODY, 403),
    }
    for name, (headers, body, status) in cases.items():
        with pytest.raises(HookRejected) as rejected:
            handle_hook(hook, token=TOKEN, headers={**headers, **events}, body=body)
        assert rejected.value.status == status, name
        assert TOKEN not in rejected.value.message
        assert sign(BODY) not in rejected.value.message


def test_github_headers_are_case_insensitive_and_ping_only_pongs(tmp_path: Path) -> None:
    hook = receiver(tmp_path, "github")
    outcome = handle_hook(hook, token=TOKEN, headers={"x-hub-signature-256": sign(BODY), "x-github-event": "ping"},
                          body=BODY)
    assert (outcome.event, outcome.resources, outcome.message) == ("ping", (), "pong")


def test_gitlab_compares_its_token_header(tmp_path: Path) -> None:
    hook = receiver(tmp_path, "gitlab")
    ok = handle_hook(hook, token=TOKEN, headers={"X-Gitlab-Token": TOKEN, "X-Gitlab-Event": "Push Hook"}, body=BODY)
    assert ok.event == "Push Hook" and len(ok.resources) == 1
    for headers, status in (({"X-Gitlab-Token": "guess"}, 403), ({}, 401), ({"X-Gitlab-Token": TOKEN[:-1]}, 403)):
        with pytest.raises(HookRejected) as rejected:
            handle_hook(hook, token=TOKEN, headers=headers, body=BODY)
        assert rejected.value.status == status
        assert TOKEN not in rejected.value.message


def test_events_outside_the_list_are_acknowledged_and_ignored(tmp_path: Path) -> None:
    hook = receiver(tmp_path, "github", events='events: ["push"]')
    ignored = handle_hook(hook, token=TOKEN, headers={"X-Hub-Signature-256": sign(BODY), "X-GitHub-Event": "issues"},
                          body=BODY)
    assert ignored.resources == () and "not in spec.events" in ignored.message
    used = handle_hook(hook, token=TOKEN, headers={"X-Hub-Signature-256": sign(BODY), "X-GitHub-Event": "push"},
                       body=BODY)
    assert len(used.resources) == 1


def test_oversized_body_is_refused_before_any_check(tmp_path: Path) -> None:
    hook = receiver(tmp_path, "generic")
    with pytest.raises(HookRejected) as rejected:
        handle_hook(hook, token=TOKEN, headers={}, body=b"x" * 2048, max_body=1024)
    assert rejected.value.status == 413


def test_receiver_listing_an_undefined_repository_is_a_definition_error(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(receiver_yaml("github").replace("name: shop", "name: nope"))
    apps = load_apps(tmp_path)
    (error,) = apps.errors
    assert (error.obj, error.field) == ("Receiver/apps/github-hook", "spec.resources[0].name")
    assert "GitRepository apps/nope is not defined" in error.message
    assert apps.receivers == ()


def test_unsupported_receiver_type_and_fields_are_named(tmp_path: Path) -> None:
    text = REPO + receiver_yaml("bitbucket") + receiver_yaml("github").replace(
        "name: github-hook", "name: other").replace("events: []", "resourceFilter: 'true'")
    (tmp_path / "r.yaml").write_text(text)
    messages = {(e.field, e.message) for e in load_apps(tmp_path).errors}
    assert any(f == "spec.type" and "bitbucket" in m for f, m in messages), messages
    assert ("spec.resourceFilter",
            "field is not supported by Airflux yet (it is valid in Flux notification.toolkit.fluxcd.io/v1)") in messages
