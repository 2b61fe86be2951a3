"""One way to run git for the source stage: bounded in time, scrubbed, and typed on failure.

Every remote call goes through :func:`run_git` so that ``spec.timeout`` is always applied
(GitPython's ``kill_after_timeout``), git's own messages are scrubbed of secrets before they can
reach an exception or a log, and failures become a :class:`SourceError` that says what went
wrong (auth, not found, unreachable, timeout) and whether retrying can help.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from git import Git
from git.exc import GitCommandError

from airflux.model import SourceError
from airflux.source.credentials import SUPPORTED_SCHEMES, GitAccess, redact_url, scrub, url_scheme
from airflux.specs.types import GitRepository

log = logging.getLogger("airflux.source")

_AUTH_MARKERS = (
    "authentication failed",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "permission denied",
    "host key verification failed",
    "no matching host key",
    "requested url returned error: 401",
    "requested url returned error: 403",
    "invalid username or password",
    "access denied",
)
_NOT_FOUND_MARKERS = (
    "does not appear to be a git repository",
    "repository not found",
    "requested url returned error: 404",
    "not found",
    "no such file or directory",
)
_NETWORK_MARKERS = (
    "could not resolve host",
    "failed to connect",
    "connection refused",
    "connection timed out",
    "connection reset",
    "operation timed out",
    "early eof",
    "remote end hung up",
    "unable to access",
    "could not connect",
    "network is unreachable",
    "requested url returned error: 5",
    "gnutls",
    "ssl",
)


def repo_ref(repo: GitRepository) -> str:
    """How errors and logs name a source: ``GitRepository/namespace/name``."""
    return repo.ident


@dataclass(frozen=True)
class GitFailure:
    """A classified git failure, before it is turned into a SourceError."""

    reason: str
    detail: str
    retryable: bool


def classify(stderr: str, *, timed_out: bool) -> GitFailure:
    text = stderr.lower()
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("Timeout:")]
    detail = "; ".join(ln for ln in lines if ln.lower().startswith(("fatal", "error", "ssh", "remote:")))
    detail = detail or (lines[-1] if lines else "")
    if timed_out:
        return GitFailure("timed out", "", True)
    if any(m in text for m in _AUTH_MARKERS):
        return GitFailure("authentication failed", detail, False)
    if any(m in text for m in _NOT_FOUND_MARKERS):
        return GitFailure("repository not found", detail, False)
    if any(m in text for m in _NETWORK_MARKERS):
        return GitFailure("remote unreachable", detail, True)
    return GitFailure("git failed", detail, True)


class GitCallError(SourceError):
    """A failed git call; ``reason`` says why (``authentication failed``, ``timed out``, ...)."""

    def __init__(self, message: str, *, obj: str, retryable: bool, reason: str) -> None:
        super().__init__(message, obj=obj, retryable=retryable)
        self.reason = reason


def source_error(repo: GitRepository, what: str, *, retryable: bool, url: str | None = None) -> SourceError:
    shown = redact_url(url or repo.url)
    return SourceError(f"{what} ({shown})", obj=repo_ref(repo), retryable=retryable)


def run_git(
    repo: GitRepository,
    access: GitAccess,
    args: list[str],
    *,
    action: str,
    timeout: float | None,
    cwd: Path | None = None,
) -> str:
    """Run ``git <args>`` and return stdout; raise a scrubbed, classified SourceError on failure."""
    scheme = url_scheme(repo.url)
    if scheme not in SUPPORTED_SCHEMES:
        raise GitCallError(
            f"unsupported URL scheme {scheme!r}, use one of {', '.join(SUPPORTED_SCHEMES)} "
            f"({redact_url(repo.url)})",
            obj=repo_ref(repo),
            retryable=False,
            reason="unsupported URL",
        )
    git = Git(str(cwd) if cwd else None)
    started = time.monotonic()
    try:
        out = git.execute(
            ["git", *args],
            env=access.env,
            kill_after_timeout=timeout,
            stdout_as_string=True,
            with_extended_output=False,
        )
    except GitCommandError as exc:
        stderr = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr or "")
        failed_after = time.monotonic() - started
    else:
        log.debug("git %s for %s took %.3fs", args[0], repo_ref(repo), time.monotonic() - started)
        return str(out)
    # Raised outside the except block on purpose: GitCommandError carries git's raw stderr, which
    # must not ride along as __context__ into tracebacks.
    # GitPython wraps stderr as "\n  stderr: '<text>'".
    stderr = re.sub(r"^\s*stderr: '(.*)'\s*$", r"\1", stderr, flags=re.DOTALL)
    timed_out = "did not complete in" in stderr or (timeout is not None and failed_after >= timeout)
    failure = classify(scrub(stderr, secrets=access.secrets), timed_out=timed_out)
    if failure.reason == "timed out":
        what = f"{action}: timed out after {timeout:g}s"
    else:
        what = f"{action}: {failure.reason}"
        if failure.detail:
            what += f": {scrub(failure.detail, secrets=access.secrets)}"
    err = GitCallError(
        f"{what} ({redact_url(repo.url)})",
        obj=repo_ref(repo),
        retryable=failure.retryable,
        reason=failure.reason,
    )
    log.warning("%s", err)
    raise err
