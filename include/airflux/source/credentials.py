"""Git credentials and the environment that hands them to git without leaking them.

Secrets travel to git only through environment variables of the child process (read back by a
tiny askpass script, or as ``GIT_CONFIG_*`` entries) and through files in a private temporary
directory that is removed after the call. They never appear on a command line (visible in ``ps``),
in a URL we log, in an exception message or in the artifact store. ``redact_url`` and ``scrub``
are the last line of defence for anything git itself prints.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

_ASKPASS_SCRIPT = """#!/bin/sh
# Answers git's credential prompts from the environment; holds no secret itself.
case "$1" in
  Username*|username*) printf '%s\\n' "$AIRFLUX_GIT_USERNAME" ;;
  *) printf '%s\\n' "$AIRFLUX_GIT_PASSWORD" ;;
esac
"""

_USERINFO_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")


@dataclass(frozen=True)
class GitCredentials:
    """What a ``secretRef`` connection resolves to; secrets are hidden from ``repr``.

    HTTPS: ``username`` + ``password`` (a password or a token), or ``bearer_token``.
    SSH: ``identity`` (private key, PEM/OpenSSH text) + ``known_hosts`` (required: host keys are
    always checked).
    """

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    bearer_token: str | None = field(default=None, repr=False)
    identity: str | None = field(default=None, repr=False)
    known_hosts: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, str | None]) -> GitCredentials:
        """Build from the keys of a Flux git Secret (``username``, ``password``, ``bearerToken``,
        ``identity``, ``known_hosts``); adapters pass an Airflow connection's login, password and
        extras in this shape. Empty values count as absent."""

        def get(*keys: str) -> str | None:
            for key in keys:
                value = data.get(key)
                if value:
                    return str(value)
            return None

        return cls(
            username=get("username", "login"),
            password=get("password"),
            bearer_token=get("bearerToken", "bearer_token"),
            identity=get("identity", "private_key"),
            known_hosts=get("known_hosts", "knownHosts"),
        )

    def secrets(self) -> tuple[str, ...]:
        """Every value that must never be shown, longest first so scrubbing replaces whole values."""
        values = [v for v in (self.password, self.bearer_token, self.identity) if v]
        return tuple(sorted(values, key=len, reverse=True))


def redact_url(url: str) -> str:
    """``https://user:pw@host/x`` → ``https://***@host/x``; ``ssh://git@host`` keeps a bare user name."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO_RE.sub(r"\g<scheme>***@", url)
    if "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    if parts.scheme == "ssh" and ":" not in userinfo:
        return url
    return urlunsplit(parts._replace(netloc=f"***@{hostport}"))


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """Remove userinfo from an http(s) URL so it never reaches the command line.

    Returns the clean URL and the user name and password it carried. SSH URLs keep their user
    (``git@``), which is not a secret and is needed by ssh.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit(SplitResult(parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) or None, unquote(password) if sep else None


def scrub(text: str, *, secrets: tuple[str, ...] = ()) -> str:
    """Remove secret values and URL userinfo from text that git (or we) produced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
            for line in secret.splitlines():
                if len(line.strip()) >= 8:
                    text = text.replace(line.strip(), "***")
    return _USERINFO_RE.sub(r"\g<scheme>***@", text)


SUPPORTED_SCHEMES = ("https", "http", "ssh", "file")


def url_scheme(url: str) -> str:
    """``https``, ``http``, ``ssh``, ``file``; scp-like ``git@host:path`` counts as ``ssh``.

    Transport-helper syntax (``ext::cmd``) yields the helper name so callers can refuse it.
    """
    helper = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)::", url)
    if helper:
        return helper.group(1).lower()
    if "://" in url:
        return urlsplit(url).scheme.lower()
    if re.match(r"^[^/]+@[^/:]+:", url) or re.match(r"^[^/:]+:[^/]", url):
        return "ssh"
    return "file"


@dataclass(frozen=True)
class GitAccess:
    """How to reach one remote: the URL to hand git and the environment for the child process."""

    url: str
    env: dict[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)


def _write_private(path: Path, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content if content.endswith("\n") else content + "\n")


def _base_env(config: list[tuple[str, str]]) -> dict[str, str]:
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "GCM_INTERACTIVE": "never",
        "GIT_CONFIG_NOSYSTEM": "1",
        # Belt and braces next to the scheme check: git itself refuses any other transport
        # (notably ext::, which runs commands), also for redirects and submodules.
        "GIT_ALLOW_PROTOCOL": ":".join(SUPPORTED_SCHEMES),
    }
    # A user's credential helper must neither answer nor store our credentials.
    entries = [("credential.helper", ""), *config]
    env["GIT_CONFIG_COUNT"] = str(len(entries))
    for i, (key, value) in enumerate(entries):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


@contextmanager
def git_access(url: str, credentials: GitCredentials | None) -> Iterator[GitAccess]:
    """Prepare URL and environment for one or more git calls against ``url``.

    Files (askpass script, SSH key, known_hosts) live in a 0700 temporary directory that exists
    only while the context is open.
    """
    scheme = url_scheme(url)
    clean_url, url_user, url_password = split_userinfo(url)
    creds = credentials or GitCredentials()
    username = creds.username or url_user
    password = creds.password or url_password
    secrets = tuple(s for s in (*creds.secrets(), url_password) if s)
    config: list[tuple[str, str]] = []
    if scheme in ("http", "https") and creds.bearer_token:
        config.append(("http.extraHeader", f"Authorization: Bearer {creds.bearer_token}"))
    with tempfile.TemporaryDirectory(prefix="airflux-git-") as tmp:
        private = Path(tmp)
        os.chmod(private, stat.S_IRWXU)
        env = _base_env(config)
        if scheme in ("http", "https") and (username or password):
            askpass = private / "askpass.sh"
            _write_private(askpass, _ASKPASS_SCRIPT)
            os.chmod(askpass, stat.S_IRWXU)
            env["GIT_ASKPASS"] = str(askpass)
            env["AIRFLUX_GIT_USERNAME"] = username or "git"
            env["AIRFLUX_GIT_PASSWORD"] = password or ""
        if scheme == "ssh":
            ssh = ["ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
            if creds.known_hosts:
                known_hosts = private / "known_hosts"
                _write_private(known_hosts, creds.known_hosts)
                ssh += ["-o", f"UserKnownHostsFile={known_hosts}"]
            if creds.identity:
                identity = private / "identity"
                _write_private(identity, creds.identity)
                ssh += ["-i", str(identity), "-o", "IdentitiesOnly=yes"]
            env["GIT_SSH_COMMAND"] = shlex.join(ssh)
            env["GIT_SSH_VARIANT"] = "ssh"
        yield GitAccess(url=clean_url, env=env, secrets=secrets)
