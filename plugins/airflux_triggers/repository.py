"""A GitRepository as trigger kwargs and back, and its credentials read inside the triggerer.

The kwargs are the repository's identity and nothing else (no app, no poll setting): the triggerer
deduplicates watchers by classpath + kwargs, so every app using one GitRepository shares one watcher.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from airflux.source import GitCredentials
from airflux.specs.types import GitRef, GitRepository, Meta, Origin
from airflux_ops.secret_refs import connection_ids, git_credentials_from, missing_connection

__all__ = ["connection_ids", "git_credentials", "repository_from_kwargs", "repository_kwargs"]

_REF_KEYS = ("branch", "tag", "semver", "commit", "name")


def repository_kwargs(repo: GitRepository) -> dict[str, Any]:
    """What identifies a watched repository: where it is, which ref, which credentials, how long a call may take."""
    return {
        "namespace": repo.meta.namespace,
        "name": repo.meta.name,
        "url": repo.url,
        "ref": {key: value for key in _REF_KEYS if (value := getattr(repo.ref, key))},
        "secret_ref": repo.secret_ref,
        "timeout": repo.timeout.total_seconds(),
    }


def repository_from_kwargs(
    *, namespace: str, name: str, url: str, ref: dict[str, str], secret_ref: str | None, timeout: float
) -> GitRepository:
    """The GitRepository a trigger polls, rebuilt from its kwargs (origin: the trigger itself)."""
    return GitRepository(
        meta=Meta(name=name, namespace=namespace),
        origin=Origin(file=Path("<trigger>"), doc=0),
        url=url,
        ref=GitRef(**{key: ref.get(key) for key in _REF_KEYS}),
        timeout=timedelta(seconds=timeout),
        secret_ref=secret_ref,
    )


async def git_credentials(secret_ref: str | None) -> GitCredentials | None:
    """The credentials ``secretRef`` names, read with the triggerer's async connection API.

    Same connection fields as the fetch task: ``login``/``password``, extras ``bearer_token``,
    ``private_key`` (or ``identity``) and ``known_hosts``. None when no connection is named; a named
    but missing connection raises LookupError naming it (never its contents).
    """
    if not secret_ref:
        return None
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    for conn_id in connection_ids(secret_ref):
        try:
            conn = await Connection.async_get(conn_id)
        except AirflowNotFoundException:
            continue
        return git_credentials_from(conn.login, conn.password, await conn.aextra_dejson())
    raise LookupError(missing_connection(secret_ref))
