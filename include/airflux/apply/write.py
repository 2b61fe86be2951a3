"""Writing one object: take over kubectl's fields, server-side apply, recreate on immutable change.

Split from the stage so the per-object rules (Flux's ssa/force annotations) read in one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from airflux.diff.takeover import needs_takeover, takeover_patch
from airflux.inventory.model import live_fingerprint
from airflux.kube import KubeApiError, KubeClient
from airflux.model import Action, ApplyError, ObjRef
from airflux.ownership import SsaPolicy, force_enabled, ssa_policy


@dataclass(frozen=True)
class Written:
    ref: ObjRef
    action: Action
    resource_version: str
    fingerprint: str
    recreated: bool = False


def poll(done: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Ask ``done`` until it says True (True), or until ``timeout`` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def _wait_gone(client: KubeClient, obj: dict[str, Any], *, timeout: float) -> None:
    if not poll(lambda: client.get(obj) is None, timeout=timeout):
        raise ApplyError(f"still terminating after {timeout:.0f}s, cannot recreate", obj=ObjRef.of(obj),
                         retryable=True)


def write_object(client: KubeClient, obj: dict[str, Any], *, previous: Action, recreate: bool,
                 delete_timeout: float = 30.0) -> Written:
    """Apply ``obj`` (already labelled); ``previous`` is what diff said (created/configured/unchanged)."""
    ref = ObjRef.of(obj)
    old_rv = ""
    if previous is not Action.CREATED:
        live = client.get(obj)
        old_rv = str(((live or {}).get("metadata") or {}).get("resourceVersion", ""))
        if live is not None and ssa_policy(obj) is not SsaPolicy.MERGE and needs_takeover(live):
            ops = takeover_patch(live, manager=client.options.field_manager)
            if ops:
                client.json_patch(obj, ops)
    recreated = False
    try:
        result = client.apply(obj, force=True)
    except KubeApiError as e:
        if not (e.immutable and (recreate or force_enabled(obj))):
            raise
        client.delete(ref, api_version=str(obj.get("apiVersion")), propagation="Background")
        _wait_gone(client, obj, timeout=delete_timeout)
        result = client.apply(obj, force=True)
        recreated = True
    rv = str((result.get("metadata") or {}).get("resourceVersion", ""))
    if recreated:
        action = Action.CONFIGURED
    elif previous is Action.CREATED or not old_rv:
        action = Action.CREATED
    elif rv == old_rv:
        action = Action.UNCHANGED
    else:
        action = Action.CONFIGURED
    return Written(ref, action, rv, live_fingerprint(result), recreated)
