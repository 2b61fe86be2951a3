"""How a Flux ``secretRef`` becomes an Airflow connection, shared by every adapter (tasks, triggerer, plugin).

Kept free of heavy imports (no cluster client) because the triggerer and the webhook plugin load it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflux.source import GitCredentials


def connection_ids(secret_ref: str) -> tuple[str, ...]:
    """``my-git-creds`` is looked up as itself, then as ``my_git_creds`` (env vars cannot carry hyphens)."""
    alternative = secret_ref.replace("-", "_")
    return (secret_ref,) if alternative == secret_ref else (secret_ref, alternative)


def missing_connection(secret_ref: str) -> str:
    names = " or ".join(f"'{conn_id}'" for conn_id in connection_ids(secret_ref))
    return f"spec.secretRef: no Airflow connection {names}"


def git_credentials_from(login: str | None, password: str | None, extra: Mapping[str, Any]) -> GitCredentials:
    """Connection fields → git credentials: ``login``/``password`` for HTTPS (a token goes in ``password``);
    extras ``bearer_token``, ``private_key`` (or ``identity``) and ``known_hosts`` for SSH."""
    return GitCredentials(
        username=login or None,
        password=password or None,
        bearer_token=extra.get("bearer_token") or None,
        identity=extra.get("private_key") or extra.get("identity") or None,
        known_hosts=extra.get("known_hosts") or None,
    )
