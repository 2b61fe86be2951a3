"""fetch_source over file://: export, revisions, skip-when-present, force-push, pinned revisions."""

from __future__ import annotations

import os

import pytest

from airflux.model import SourceError
from airflux.source import fetch_source, tree_digest


def test_branch_is_exported_with_flux_revision_and_digest(upstream, layout, make_repo):
    sha = upstream.commit({"deploy/app.yaml": "kind: ConfigMap\n", "README.md": "hi\n"})
    art = fetch_source(make_repo(upstream.url, branch="main"), layout=layout)
    assert art.fetched is True
    assert art.commit == sha
    assert art.revision == f"main@sha1:{sha}"
    assert art.path == layout.artifacts / art.path.parent.name / sha
    assert (art.path / "deploy/app.yaml").read_text() == "kind: ConfigMap\n"
    assert not (art.path / ".git").exists()
    assert art.digest.startswith("sha256:") and art.digest == tree_digest(art.path)
    assert art.repository == "GitRepository/flux-system/app"


def test_lightweight_and_annotated_tags_export_the_tagged_commit(upstream, layout, make_repo):
    first = upstream.commit({"v.txt": "1\n"})
    upstream.tag("v1.0.0")
    second = upstream.commit({"v.txt": "2\n"})
    upstream.tag("v2.0.0", annotated=True)
    upstream.commit({"v.txt": "3\n"})
    light = fetch_source(make_repo(upstream.url, tag="v1.0.0"), layout=layout)
    annotated = fetch_source(make_repo(upstream.url, tag="v2.0.0"), layout=layout)
    assert (light.commit, light.revision) == (first, f"v1.0.0@sha1:{first}")
    assert (annotated.commit, annotated.revision) == (second, f"v2.0.0@sha1:{second}")
    assert (annotated.path / "v.txt").read_text() == "2\n"


def test_semver_exports_highest_matching_tag(upstream, layout, make_repo):
    upstream.commit({"v.txt": "1.0\n"})
    upstream.tag("v1.0.0")
    wanted = upstream.commit({"v.txt": "1.4\n"})
    upstream.tag("v1.4.0", annotated=True)
    upstream.commit({"v.txt": "2.0-rc\n"})
    upstream.tag("v2.0.0-rc.1")
    art = fetch_source(make_repo(upstream.url, semver=">=1.0.0 <3.0.0"), layout=layout)
    assert art.revision == f"v1.4.0@sha1:{wanted}"
    assert (art.path / "v.txt").read_text() == "1.4\n"


def test_exact_commit_alone_and_with_branch(upstream, layout, make_repo):
    old = upstream.commit({"a.txt": "old\n"})
    upstream.commit({"a.txt": "new\n"})
    bare = fetch_source(make_repo(upstream.url, commit=old), layout=layout)
    assert bare.revision == f"sha1:{old}"
    assert (bare.path / "a.txt").read_text() == "old\n"
    with_branch = fetch_source(
        make_repo(upstream.url, obj_name="other", branch="main", commit=old), layout=layout
    )
    assert with_branch.revision == f"main@sha1:{old}"


def test_refs_name_pull_request_head(upstream, layout, make_repo):
    upstream.commit({"a.txt": "main\n"})
    upstream.git("checkout", "-q", "-b", "feature")
    pr = upstream.commit({"a.txt": "pr\n"})
    upstream.git("update-ref", "refs/pull/1/head", pr)
    upstream.git("checkout", "-q", "main")
    art = fetch_source(make_repo(upstream.url, name="refs/pull/1/head"), layout=layout)
    assert art.revision == f"refs/pull/1/head@sha1:{pr}"
    assert (art.path / "a.txt").read_text() == "pr\n"


def test_second_fetch_of_same_commit_is_skipped(upstream, layout, make_repo):
    upstream.commit({"a.yaml": "x: 1\n"})
    repo = make_repo(upstream.url)
    first = fetch_source(repo, layout=layout)
    cache = next(p for p in layout.git_cache.iterdir() if p.is_dir())
    before = {p: p.stat().st_mtime_ns for p in [cache, cache / "objects", *cache.rglob("*")]}
    second = fetch_source(repo, layout=layout)
    after = {p: p.stat().st_mtime_ns for p in [cache, cache / "objects", *cache.rglob("*")]}
    assert second.fetched is False
    assert (second.commit, second.digest, second.path) == (first.commit, first.digest, first.path)
    assert before == after


def test_force_push_resolves_new_commit_and_keeps_old_artifact(upstream, layout, make_repo):
    base = upstream.commit({"a.yaml": "v: 1\n"})
    old = upstream.commit({"a.yaml": "v: 2\n"})
    repo = make_repo(upstream.url)
    before = fetch_source(repo, layout=layout)
    upstream.git("reset", "-q", "--hard", base)
    new = upstream.commit({"a.yaml": "v: 3\n"}, message="rewritten")
    after = fetch_source(repo, layout=layout)
    assert (before.commit, after.commit) == (old, new)
    assert after.fetched is True
    assert (after.path / "a.yaml").read_text() == "v: 3\n"
    assert (before.path / "a.yaml").read_text() == "v: 2\n"


def test_pinned_revision_fetches_that_commit_even_if_branch_moved(upstream, layout, make_repo):
    pinned = upstream.commit({"a.yaml": "v: 1\n"})
    upstream.commit({"a.yaml": "v: 2\n"})
    art = fetch_source(make_repo(upstream.url), layout=layout, revision=f"main@sha1:{pinned}")
    assert art.revision == f"main@sha1:{pinned}"
    assert (art.path / "a.yaml").read_text() == "v: 1\n"


def test_pinned_revision_not_on_the_branch_is_refused(upstream, layout, make_repo):
    upstream.commit({"a.yaml": "v: 1\n"})
    upstream.git("checkout", "-q", "-b", "other")
    stray = upstream.commit({"a.yaml": "stray\n"})
    upstream.git("checkout", "-q", "main")
    with pytest.raises(SourceError) as err:
        fetch_source(make_repo(upstream.url), layout=layout, revision=f"main@sha1:{stray}")
    assert err.value.retryable is False
    assert f"commit {stray} is not reachable from main" in str(err.value)
    assert "GitRepository/flux-system/app" in str(err.value)


def test_executable_bit_is_kept_and_symlinks_are_left_out(upstream, layout, make_repo):
    upstream.commit({"run.sh": "#!/bin/sh\n", "plain.txt": "p\n"})
    os.chmod(upstream.path / "run.sh", 0o755)
    os.symlink("/etc/passwd", upstream.path / "link")
    upstream.git("add", "-A")
    upstream.commit({})
    art = fetch_source(make_repo(upstream.url), layout=layout)
    assert os.stat(art.path / "run.sh").st_mode & 0o111
    assert not os.stat(art.path / "plain.txt").st_mode & 0o111
    assert not os.path.lexists(art.path / "link")


def test_missing_branch_is_a_terminal_error_naming_the_repository(upstream, layout, make_repo):
    upstream.commit({"a": "1"})
    with pytest.raises(SourceError) as err:
        fetch_source(make_repo(upstream.url, branch="nope"), layout=layout)
    assert err.value.retryable is False
    assert str(err.value).startswith("[source] GitRepository/flux-system/app: branch 'nope' not found")
    assert upstream.url in str(err.value)


def test_pinned_tag_revision_must_be_selected_by_the_semver_range(upstream, layout, make_repo):
    old = upstream.commit({"v.txt": "1.0\n"})
    upstream.tag("v1.0.0", annotated=True)
    upstream.commit({"v.txt": "1.1\n"})
    upstream.tag("v1.1.0")
    other = upstream.commit({"v.txt": "2.0\n"})
    upstream.tag("v2.0.0")
    repo = make_repo(upstream.url, semver="^1.0.0")
    art = fetch_source(repo, layout=layout, revision=f"v1.0.0@sha1:{old}")
    assert art.revision == f"v1.0.0@sha1:{old}"
    assert (art.path / "v.txt").read_text() == "1.0\n"
    with pytest.raises(SourceError, match="is not a tag selected by semver") as err:
        fetch_source(repo, layout=layout, revision=f"v2.0.0@sha1:{other}")
    assert err.value.retryable is False


def test_malformed_revision_is_a_terminal_error(upstream, layout, make_repo):
    upstream.commit({"a": "1"})
    with pytest.raises(SourceError, match="not a revision") as err:
        fetch_source(make_repo(upstream.url), layout=layout, revision="main@abc")
    assert err.value.retryable is False


def test_concurrent_fetches_of_one_commit_export_it_once(upstream, layout, make_repo):
    from concurrent.futures import ThreadPoolExecutor

    upstream.commit({f"f{i}.yaml": f"n: {i}\n" for i in range(50)})
    repo = make_repo(upstream.url)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: fetch_source(repo, layout=layout), range(4)))
    assert sum(r.fetched for r in results) == 1
    assert len({(r.commit, r.digest, r.path) for r in results}) == 1
    assert sorted(p.name for p in results[0].path.parent.iterdir()) == sorted(
        [results[0].commit, f"{results[0].commit}.json"]
    )


def test_commit_with_branch_must_be_on_that_branch(upstream, layout, make_repo):
    on_main = upstream.commit({"a.yaml": "main\n"})
    upstream.git("checkout", "-q", "-b", "other")
    elsewhere = upstream.commit({"a.yaml": "other\n"})
    upstream.git("checkout", "-q", "main")
    upstream.commit({"a.yaml": "main 2\n"})
    ok = fetch_source(make_repo(upstream.url, branch="main", commit=on_main), layout=layout)
    assert (ok.path / "a.yaml").read_text() == "main\n"
    with pytest.raises(SourceError, match=f"commit {elsewhere} is not reachable from main") as err:
        fetch_source(make_repo(upstream.url, branch="main", commit=elsewhere), layout=layout)
    assert err.value.retryable is False
