"""Resolve a GitRepository's ``ref`` to a commit with one cheap remote lookup (``git ls-remote``).

This is the only thing a watcher needs to decide whether anything changed, so it is a standalone
function: no clone, no cache, no artifact store. ``fetch_source`` calls it too and then skips all
other network work when the commit is already exported.

Selection follows Flux's precedence: ``commit`` > ``name`` > ``semver`` > ``tag`` > ``branch``
(``commit`` may be combined with ``branch``). Annotated tags resolve to the commit they point to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from airflux.source import semver
from airflux.source.credentials import GitAccess, GitCredentials, git_access
from airflux.source.gitcmd import run_git, source_error
from airflux.specs.types import GitRepository

_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_REVISION_RE = re.compile(r"^(?:(?P<ref>.+)@)?(?:sha1|sha256):(?P<sha>[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class ResolvedRef:
    """What a ref points to right now.

    ``name`` is the short ref shown in the revision (``main``, ``v1.2.0``, ``refs/pull/1/head``),
    empty for a bare commit; ``full_name`` is the remote ref it came from (``refs/heads/main``),
    None for a bare commit.
    """

    name: str
    full_name: str | None
    commit: str

    @property
    def revision(self) -> str:
        """Flux's revision string: ``main@sha1:<sha>``, ``v1.2.0@sha1:<sha>`` or ``sha1:<sha>``."""
        algo = "sha256" if len(self.commit) == 64 else "sha1"
        return f"{self.name}@{algo}:{self.commit}" if self.name else f"{algo}:{self.commit}"


@dataclass(frozen=True)
class Revision:
    """A parsed revision string, as handed over by a trigger (``main@sha1:...``, ``sha1:...``)."""

    ref: str | None
    commit: str

    @classmethod
    def parse(cls, text: str) -> Revision:
        text = text.strip()
        if _SHA_RE.match(text):
            return cls(None, text)
        m = _REVISION_RE.match(text)
        if not m:
            raise ValueError(f"not a revision (expected '<ref>@sha1:<sha>', 'sha1:<sha>' or a sha): {text!r}")
        return cls(m.group("ref"), m.group("sha"))


def parse_ls_remote(output: str) -> dict[str, str]:
    """Map each ref name to the commit it resolves to; annotated tags are peeled (``^{}``)."""
    direct: dict[str, str] = {}
    peeled: dict[str, str] = {}
    for line in output.splitlines():
        sha, _, name = line.strip().partition("\t")
        if not name:
            continue
        if name.endswith("^{}"):
            peeled[name[:-3]] = sha
        else:
            direct[name] = sha
    return {**direct, **peeled}


def _timeout(repo: GitRepository, timeout: float | None) -> float:
    return timeout if timeout is not None else repo.timeout.total_seconds()


def list_refs(repo: GitRepository, access: GitAccess, *, timeout: float | None = None) -> dict[str, str]:
    """The one ``git ls-remote`` a ref needs (none for a bare commit): ref name → commit, peeled."""
    if not needs_lookup(repo):
        return {}
    patterns, tags_only = lookup_patterns(repo)
    args = ["ls-remote", *(["--tags"] if tags_only else []), "--", access.url, *patterns]
    out = run_git(repo, access, args, action="listing remote refs", timeout=_timeout(repo, timeout))
    return parse_ls_remote(out)


def lookup_patterns(repo: GitRepository) -> tuple[list[str], bool]:
    """The ls-remote patterns (and whether only tags are needed) for the repository's ref."""
    ref = repo.ref
    if ref.commit:
        return ([f"refs/heads/{ref.branch}"] if ref.branch else []), False
    if ref.name:
        return [ref.name, f"{ref.name}^{{}}"], False
    if ref.semver:
        return [], True
    if ref.tag:
        return [f"refs/tags/{ref.tag}", f"refs/tags/{ref.tag}^{{}}"], False
    return [f"refs/heads/{ref.branch or 'master'}"], False


def needs_lookup(repo: GitRepository) -> bool:
    """A bare commit needs no remote lookup: it cannot move."""
    return not (repo.ref.commit and not repo.ref.branch)


def select(repo: GitRepository, refs: dict[str, str]) -> ResolvedRef:
    """Pick the commit the ref selects from an ls-remote listing; SourceError if there is none."""
    ref = repo.ref
    if ref.commit:
        commit = ref.commit.lower()
        if not _SHA_RE.match(commit):
            raise source_error(repo, f"ref.commit {ref.commit!r} is not a full commit hash", retryable=False)
        if ref.branch:
            if f"refs/heads/{ref.branch}" not in refs:
                raise source_error(repo, f"branch {ref.branch!r} not found", retryable=False)
            return ResolvedRef(ref.branch, f"refs/heads/{ref.branch}", commit)
        return ResolvedRef("", None, commit)
    if ref.name:
        if ref.name not in refs:
            raise source_error(repo, f"reference {ref.name!r} not found", retryable=False)
        return ResolvedRef(ref.name, ref.name, refs[ref.name])
    if ref.semver:
        tags = {
            name.removeprefix("refs/tags/"): sha
            for name, sha in refs.items()
            if name.startswith("refs/tags/")
        }
        try:
            best = semver.latest(ref.semver, tags)
        except semver.SemverError as exc:
            raise source_error(repo, f"invalid ref.semver {ref.semver!r}: {exc}", retryable=False) from exc
        if best is None:
            raise source_error(repo, f"no tag matches semver {ref.semver!r}", retryable=False)
        return ResolvedRef(best, f"refs/tags/{best}", tags[best])
    if ref.tag:
        full = f"refs/tags/{ref.tag}"
        if full not in refs:
            raise source_error(repo, f"tag {ref.tag!r} not found", retryable=False)
        return ResolvedRef(ref.tag, full, refs[full])
    branch = ref.branch or "master"
    full = f"refs/heads/{branch}"
    if full not in refs:
        raise source_error(repo, f"branch {branch!r} not found", retryable=False)
    return ResolvedRef(branch, full, refs[full])


def resolve(
    repo: GitRepository,
    *,
    credentials: GitCredentials | None = None,
    timeout: float | None = None,
) -> ResolvedRef:
    """Resolve ``repo.ref`` to a commit with at most one ``git ls-remote``.

    ``timeout`` defaults to ``repo.timeout``. Raises SourceError (``retryable`` for network
    failures and timeouts, not for a missing ref or failed authentication).
    """
    with git_access(repo.url, credentials) as access:
        refs = list_refs(repo, access, timeout=timeout)
    return select(repo, refs)


def check_pinned(repo: GitRepository, refs: dict[str, str], pin: Revision) -> ResolvedRef | None:
    """Validate a pinned revision against a listing without history.

    Returns the ResolvedRef to use when the listing alone proves the pin belongs to the ref,
    None when ancestry must be checked in the cache (a branch or ``name`` ref that moved on since
    the pin), and raises SourceError when the pin cannot belong to the ref.
    """
    ref = repo.ref
    current = select(repo, refs)
    if current.commit == pin.commit:
        return current
    if ref.commit:
        raise source_error(repo, f"revision {pin.commit} is not ref.commit {ref.commit}", retryable=False)
    if ref.semver or ref.tag:
        tags = {n.removeprefix("refs/tags/"): s for n, s in refs.items() if n.startswith("refs/tags/")}
        candidates = [pin.ref] if pin.ref else [t for t, s in tags.items() if s == pin.commit]
        for tag in candidates:
            if tag is None or tags.get(tag) != pin.commit:
                continue
            if ref.tag and tag == ref.tag:
                return ResolvedRef(tag, f"refs/tags/{tag}", pin.commit)
            if ref.semver and semver.latest(ref.semver, [tag]) == tag:
                return ResolvedRef(tag, f"refs/tags/{tag}", pin.commit)
        raise source_error(
            repo, f"revision {pin.commit} is not a tag selected by {ref.describe()}", retryable=False
        )
    return None


__all__ = [
    "ResolvedRef",
    "Revision",
    "check_pinned",
    "list_refs",
    "lookup_patterns",
    "needs_lookup",
    "parse_ls_remote",
    "resolve",
    "select",
]
