"""Running Helm hooks: ``pre-*`` before the main set, ``post-*`` after it is healthy, as Helm does.

Hooks of one event run in ``helm.sh/hook-weight`` order (then kind and name, as Helm sorts), one by
one: each is applied, then waited for (a Job until it completes, anything else until ready). The
``helm.sh/hook-delete-policy`` is honoured: ``before-hook-creation`` (the default) deletes the
previous object first, ``hook-succeeded`` / ``hook-failed`` delete it after. Hooks carry the owner
label but are never in the inventory, so prune never touches them.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import yaml

from airflux.health import HealthCheckFailed, HealthOptions, Target, wait_healthy
from airflux.helm.manifests import Hook
from airflux.kube import KubeClient
from airflux.model import AirfluxError, ObjRef
from airflux.ownership import with_owner_label

log = logging.getLogger(__name__)


class HookFailed(AirfluxError):
    stage = "hooks"


def load_hooks(text: str) -> list[Hook]:
    return [Hook(obj=item["object"], template=item["template"], events=tuple(item["events"]),
                 weight=int(item["weight"]), delete_policies=tuple(item["deletePolicies"]))
            for item in yaml.safe_load_all(text) if item]


def _delete(client: KubeClient, obj: dict[str, Any], *, timeout: float) -> None:
    ref = ObjRef.of(obj)
    if not client.delete(ref, api_version=str(obj.get("apiVersion")), propagation="Foreground"):
        return
    deadline = time.monotonic() + timeout
    while client.get(obj) is not None and time.monotonic() < deadline:
        time.sleep(0.1)


def run_hooks(client: KubeClient, hooks: list[Hook], *, event: str, dag_id: str, timeout: float,
              logger: logging.Logger | None = None) -> list[str]:
    """Run every hook of ``event``; returns their names in the order run. Raises ``HookFailed``."""
    logger = logger or log
    selected = sorted((h for h in hooks if event in h.events),
                      key=lambda h: (h.weight, str(h.obj.get("kind")), h.name))
    done: list[str] = []
    for hook in selected:
        (obj,) = with_owner_label([hook.obj], dag_id)
        if "before-hook-creation" in hook.delete_policies:
            _delete(client, obj, timeout=timeout)
        logger.info("hook %s %s (weight %d)", event, hook.name, hook.weight)
        try:
            client.apply(obj, force=True)
            wait_healthy(client, [Target.of(obj)], options=HealthOptions(timeout=timeout, interval=0.2,
                                                                        fail_fast=True, logger=logger))
        except (HealthCheckFailed, AirfluxError) as e:
            if "hook-failed" in hook.delete_policies:
                _delete(client, obj, timeout=timeout)
            raise HookFailed(f"{event} hook {hook.name} ({hook.template}) failed: {e}", obj=ObjRef.of(obj),
                             retryable=False) from e
        if "hook-succeeded" in hook.delete_policies:
            _delete(client, obj, timeout=timeout)
        done.append(hook.name)
    return done
