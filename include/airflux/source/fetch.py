"""The source stage: make the exact commit a GitRepository selects available as a directory.

Order of work, cheapest first: one ``ls-remote`` (none for a pinned bare commit), then nothing
more if ``artifacts/<repo-key>/<sha>`` already exists. Otherwise a depth-1 fetch of that one
commit into a bare cache shared by every GitRepository with the same URL (a full fetch of the ref
when the server refuses to serve a commit by hash), then an export of its tree, filtered by the
ignore rules, into a temporary directory that is renamed into place so readers never see a
half-written artifact. Old artifacts are kept: a force-push produces a new one next to them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from git import Git

from airflux.paths import Layout, write_atomic
from airflux.source.credentials import GitAccess, GitCredentials, git_access, redact_url
from airflux.source.export import export_commit, tree_digest
from airflux.source.gitcmd import GitCallError, repo_ref, run_git, source_error
from airflux.source.refs import ResolvedRef, Revision, check_pinned, list_refs, select
from airflux.specs.types import GitRepository

log = logging.getLogger("airflux.source")

# Failures after which a full fetch cannot succeed either.
_FINAL_REASONS = ("authentication failed", "timed out", "remote unreachable")


@dataclass(frozen=True)
class SourceArtifact:
    """The result of the source stage, small enough for XCom (no secrets, URL redacted)."""

    repository: str  # GitRepository/namespace/name
    url: str
    revision: str  # main@sha1:<sha>, v1.2.0@sha1:<sha>, sha1:<sha>
    commit: str
    digest: str  # sha256:<hex> over exported paths, modes and contents
    path: Path
    fetched: bool  # False when the artifact already existed and nothing was fetched


def repo_key(repo: GitRepository) -> str:
    """Artifact directory of one GitRepository; changes when its URL, ref or ignore rules change.

    Because the ref is part of the key, an artifact found here was exported for this very ref,
    after its commit was checked to belong to it; finding it again needs no further check.
    """
    clean = redact_url(repo.url)
    h = hashlib.sha256(f"{clean}\0{repo.ref!r}\0{repo.ignore or ''}".encode()).hexdigest()[:12]
    return f"{repo.meta.namespace}.{repo.meta.name}-{h}"


def cache_key(url: str) -> str:
    """Bare cache directory of one remote URL (userinfo removed first)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", url.rstrip("/").rsplit("/", 1)[-1])[:40] or "repo"
    return f"{name}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def _meta_file(store: Path, commit: str) -> Path:
    return store / f"{commit}.json"


def _present(store: Path, commit: str) -> str | None:
    """The digest of an existing artifact for ``commit``, or None."""
    try:
        meta = json.loads(_meta_file(store, commit).read_text())
    except (OSError, ValueError):
        return None
    if not (store / commit).is_dir():
        return None
    digest = meta.get("digest")
    return digest if isinstance(digest, str) else None


def _write_meta(store: Path, commit: str, digest: str, files: int) -> None:
    write_atomic(_meta_file(store, commit), json.dumps({"commit": commit, "digest": digest, "files": files}))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise fetch and export per cache across processes on this host."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _git_says_yes(git: Git, *args: str) -> bool:
    """A yes/no question to git, answered by its exit status (a non-zero exit is "no", not a failure)."""
    status, _, _ = git.execute(["git", *args], with_exceptions=False, with_extended_output=True)
    return status == 0


def _has_commit(git: Git, commit: str) -> bool:
    return _git_says_yes(git, "cat-file", "-e", f"{commit}^{{commit}}")


def _init_cache(cache: Path) -> Git:
    if not (cache / "HEAD").exists():
        tmp = cache.parent / f".init-{uuid.uuid4().hex}"
        Git().execute(["git", "init", "--bare", "--quiet", str(tmp)])
        Git(str(tmp)).execute(["git", "config", "gc.auto", "0"])
        os.rename(tmp, cache)
    return Git(str(cache))


def _fetch_commit(
    repo: GitRepository, access: GitAccess, cache: Path, resolved: ResolvedRef, timeout: float
) -> None:
    """Bring ``resolved.commit`` into the cache: by hash at depth 1, else the whole ref."""
    git = _init_cache(cache)
    if _has_commit(git, resolved.commit):
        return
    try:
        run_git(
            repo,
            access,
            [
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--depth",
                "1",
                access.url,
                resolved.commit,
            ],
            action=f"fetching commit {resolved.commit}",
            timeout=timeout,
            cwd=cache,
        )
    except GitCallError as exc:
        if exc.reason in _FINAL_REASONS:
            raise
        log.info("%s: server refused a fetch by hash, fetching the full ref", repo_ref(repo))
        _fetch_full(repo, access, cache, resolved.full_name, timeout)
    if not _has_commit(git, resolved.commit):
        raise source_error(repo, f"commit {resolved.commit} not found", retryable=False)


def _fetch_full(
    repo: GitRepository, access: GitAccess, cache: Path, full_ref: str | None, timeout: float
) -> None:
    refspecs = (
        [f"+{full_ref}:refs/airflux/{full_ref}"]
        if full_ref
        else ["+refs/heads/*:refs/airflux/refs/heads/*", "+refs/tags/*:refs/airflux/refs/tags/*"]
    )
    unshallow = ["--unshallow"] if (cache / "shallow").exists() else []
    run_git(
        repo,
        access,
        ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", *unshallow, access.url, *refspecs],
        action=f"fetching {full_ref or 'all refs'}",
        timeout=timeout,
        cwd=cache,
    )


def _branch_tip(repo: GitRepository, refs: dict[str, str]) -> ResolvedRef | None:
    """For ``commit`` + ``branch``: the branch tip the commit must be reachable from, if not the tip."""
    if not (repo.ref.commit and repo.ref.branch):
        return None
    full = f"refs/heads/{repo.ref.branch}"
    if refs.get(full) == repo.ref.commit.lower():
        return None
    return ResolvedRef(repo.ref.branch, full, refs[full])


def _check_ancestry(
    repo: GitRepository, access: GitAccess, cache: Path, tip: ResolvedRef, commit: str, timeout: float
) -> None:
    """A commit on a branch that has moved on (or a pinned older commit) must be in its history."""
    git = _init_cache(cache)
    _fetch_full(repo, access, cache, tip.full_name, timeout)
    reachable = _has_commit(git, commit) and _git_says_yes(git, "merge-base", "--is-ancestor", commit, tip.commit)
    if not reachable:
        raise source_error(
            repo, f"commit {commit} is not reachable from {tip.name} ({tip.commit})", retryable=False
        )


def _export(repo: GitRepository, cache: Path, store: Path, commit: str, *, replace: bool = False) -> str:
    """Export into a temporary directory and rename it into place; returns the digest.

    ``replace`` exports again even when the artifact exists and swaps it in (``with_source`` runs).
    """
    store.mkdir(parents=True, exist_ok=True)
    final = store / commit
    if replace and final.is_dir():
        old = store / f".old-{commit}-{uuid.uuid4().hex}"
        os.rename(final, old)
        shutil.rmtree(old, ignore_errors=True)
    if final.is_dir():
        # Renamed into place by an earlier run that stopped before writing its metadata.
        digest = tree_digest(final)
        _write_meta(store, commit, digest, sum(1 for p in final.rglob("*") if p.is_file()))
        return digest
    tmp = store / f".tmp-{commit}-{uuid.uuid4().hex}"
    try:
        result = export_commit(cache=cache, commit=commit, dest=tmp, spec_ignore=repo.ignore)
        os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _write_meta(store, commit, result.digest, result.files)
    return result.digest


def fetch_source(
    repo: GitRepository,
    *,
    layout: Layout,
    credentials: GitCredentials | None = None,
    revision: str | None = None,
    refetch: bool = False,
) -> SourceArtifact:
    """Make the commit ``repo.ref`` selects (or the pinned ``revision``) available on disk.

    ``revision`` (``main@sha1:<sha>``, ``sha1:<sha>`` or a bare sha, e.g. from a trigger) pins
    the exact commit; it must belong to the ref (be reachable from the branch, be the tag, ...).
    ``refetch`` (a manual run's ``{"with_source": true}``) exports the commit again even when its
    artifact exists (a commit's objects never change, so the git cache is still reused). Every git call is bounded by ``repo.timeout``. Raises SourceError naming
    the repository.
    """
    started = time.monotonic()
    timeout = repo.timeout.total_seconds()
    pin: Revision | None = None
    if revision:
        try:
            pin = Revision.parse(revision)
        except ValueError as exc:
            raise source_error(repo, str(exc), retryable=False) from None
    store = layout.artifacts / repo_key(repo)
    with git_access(repo.url, credentials) as access:
        refs = list_refs(repo, access, timeout=timeout)
        tip = select(repo, refs)
        # verify_from: a branch tip the commit must be reachable from, checked before export.
        resolved, verify_from = tip, _branch_tip(repo, refs)
        if pin:
            pinned = check_pinned(repo, refs, pin)
            if pinned is None:  # the branch moved on since the pin; its history decides
                resolved, verify_from = ResolvedRef(tip.name, tip.full_name, pin.commit), tip
            else:
                resolved = pinned
        digest = None if refetch else _present(store, resolved.commit)
        fetched = False
        if digest is None:
            key = cache_key(access.url)
            cache = layout.git_cache / key
            with _locked(layout.git_cache / f"{key}.lock"):
                digest = None if refetch else _present(store, resolved.commit)
                if digest is None:
                    if verify_from is not None:
                        _check_ancestry(repo, access, cache, verify_from, resolved.commit, timeout)
                    _fetch_commit(repo, access, cache, resolved, timeout)
                    digest = _export(repo, cache, store, resolved.commit, replace=refetch)
                    fetched = True
    artifact = SourceArtifact(
        repository=repo_ref(repo),
        url=redact_url(repo.url),
        revision=resolved.revision,
        commit=resolved.commit,
        digest=digest,
        path=store / resolved.commit,
        fetched=fetched,
    )
    log.info(
        "%s: %s %s (%s) in %.2fs",
        artifact.repository,
        "fetched" if fetched else "unchanged",
        artifact.revision,
        artifact.digest,
        time.monotonic() - started,
    )
    return artifact
