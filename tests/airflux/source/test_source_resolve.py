"""resolve(): one ls-remote turns a ref into a commit, with typed errors when it cannot."""

from __future__ import annotations

import pytest

from airflux.model import SourceError
from airflux.source import resolve


def test_branch_resolves_to_its_tip(upstream, make_repo):
    upstream.commit({"a": "1"})
    tip = upstream.commit({"a": "2"})
    ref = resolve(make_repo(upstream.url, branch="main"))
    assert (ref.name, ref.full_name, ref.commit) == ("main", "refs/heads/main", tip)
    assert ref.revision == f"main@sha1:{tip}"


def test_annotated_tag_resolves_to_the_commit_not_the_tag_object(upstream, make_repo):
    commit = upstream.commit({"a": "1"})
    upstream.tag("v1.0.0", annotated=True)
    tag_object = upstream.git("rev-parse", "v1.0.0")
    assert tag_object != commit
    assert resolve(make_repo(upstream.url, tag="v1.0.0")).commit == commit
    assert resolve(make_repo(upstream.url, name="refs/tags/v1.0.0")).commit == commit


def test_semver_selects_highest_matching_tag_and_skips_prereleases(upstream, make_repo):
    upstream.commit({"a": "1"})
    upstream.tag("v1.0.0")
    stable = upstream.commit({"a": "2"})
    upstream.tag("v1.1.0", annotated=True)
    pre = upstream.commit({"a": "3"})
    upstream.tag("v1.2.0-rc.1")
    assert resolve(make_repo(upstream.url, semver="^1.0.0")).revision == f"v1.1.0@sha1:{stable}"
    assert resolve(make_repo(upstream.url, semver=">=1.0.0-0")).revision == f"v1.2.0-rc.1@sha1:{pre}"


def test_semver_without_match_is_terminal(upstream, make_repo):
    upstream.commit({"a": "1"})
    upstream.tag("v1.0.0")
    with pytest.raises(SourceError) as err:
        resolve(make_repo(upstream.url, semver=">=2.0.0"))
    assert err.value.retryable is False
    assert "no tag matches semver '>=2.0.0'" in str(err.value)


def test_bare_commit_needs_no_remote_lookup(make_repo):
    sha = "0123456789abcdef0123456789abcdef01234567"
    ref = resolve(make_repo("https://git.invalid/none.git", commit=sha))
    assert ref.revision == f"sha1:{sha}"


def test_commit_with_branch_checks_the_branch_exists(upstream, make_repo):
    old = upstream.commit({"a": "1"})
    upstream.commit({"a": "2"})
    assert resolve(make_repo(upstream.url, branch="main", commit=old)).revision == f"main@sha1:{old}"
    with pytest.raises(SourceError, match="branch 'gone' not found"):
        resolve(make_repo(upstream.url, branch="gone", commit=old))


def test_refs_name_resolves_pull_request_heads(upstream, make_repo):
    upstream.commit({"a": "1"})
    pr = upstream.commit({"a": "pr"})
    upstream.git("update-ref", "refs/pull/7/head", pr)
    upstream.git("reset", "-q", "--hard", "HEAD~1")
    ref = resolve(make_repo(upstream.url, name="refs/pull/7/head"))
    assert ref.revision == f"refs/pull/7/head@sha1:{pr}"


def test_missing_repository_is_terminal_and_names_source_and_url(tmp_path, make_repo):
    url = (tmp_path / "nothing-here").as_uri()
    with pytest.raises(SourceError) as err:
        resolve(make_repo(url))
    message = str(err.value)
    assert err.value.retryable is False
    assert message.startswith(
        "[source] GitRepository/flux-system/app: listing remote refs: repository not found"
    )
    assert url in message
