"""The commit a run deployed, as people know it: a link to its web page, its subject line and author.

The link is derived from the repository URL for GitHub-, GitLab- and Gitea-style hosts (the only
ones whose commit URL can be guessed); the subject and author are read from the bare git cache the
source stage already fetched into, so no network call is made. Credentials in URLs never survive.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from airflux.notify.events import CommitInfo
from airflux.source.credentials import split_userinfo
from airflux.source.fetch import cache_key

_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")  # git@github.com:org/repo.git
_SHA = re.compile(r"(?:sha1:)?(?P<sha>[0-9a-f]{40})$")
# Host name hints → the path of a commit page under the repository.
COMMIT_PATHS = (("gitlab", "/-/commit/"), ("github", "/commit/"), ("gitea", "/commit/"),
                ("codeberg", "/commit/"), ("forgejo", "/commit/"))


def commit_sha(revision: str) -> str:
    """``main@sha1:<sha>`` → ``<sha>`` (empty when the revision names no commit)."""
    match = _SHA.search(revision or "")
    return match["sha"] if match else ""


def _web_base(url: str) -> tuple[str, str] | None:
    """``(host, https://host/org/repo)`` for http(s), ssh:// and scp-style git URLs."""
    scp = _SCP.match(url) if "://" not in url else None
    if scp:
        host, path = scp["host"], scp["path"]
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh", "git"):
            return None
        host, path = (parts.hostname or ""), parts.path
    path = path.strip("/").removesuffix(".git")
    if not host or not path:
        return None
    return host, f"https://{host}/{path}"


def commit_url(repo_url: str, sha: str) -> str | None:
    """The commit's web page, or None when the host is not recognisably GitHub, GitLab or Gitea."""
    base = _web_base(repo_url)
    if base is None or not sha:
        return None
    host, web = base
    for hint, page in COMMIT_PATHS:
        if hint in host.lower():
            return f"{web}{page}{sha}"
    return None


def read_commit(git_cache: Path, repo_url: str, sha: str) -> tuple[str, str]:
    """``(subject, author)`` of ``sha`` from the source stage's bare cache; empty when unknown."""
    if not sha:
        return "", ""
    cache = git_cache / cache_key(split_userinfo(repo_url)[0])
    if not (cache / "HEAD").exists():
        return "", ""
    try:
        out = subprocess.run(["git", "--git-dir", str(cache), "log", "-1", "--format=%s%x00%an", sha],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "", ""
    if out.returncode != 0 or "\0" not in out.stdout:
        return "", ""
    subject, _, author = out.stdout.strip().partition("\0")
    return subject, author


def commit_info(*, repo_url: str, revision: str, git_cache: Path | None = None) -> CommitInfo | None:
    sha = commit_sha(revision)
    if not sha:
        return None
    subject, author = read_commit(git_cache, repo_url, sha) if git_cache else ("", "")
    return CommitInfo(sha=sha, url=commit_url(repo_url, sha), subject=subject, author=author)
