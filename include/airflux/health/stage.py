"""The health stage: poll the applied objects until all are ready or ``spec.timeout`` passes.

Progress goes to the task log as it changes (``Deployment/shop/web: 2/3 replicas available``,
``7/12 ready``); on timeout a HealthTimeout names every object that is not ready and why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from airflux.health.rules import Health, Status, assess
from airflux.kube import KubeApiError, KubeClient, parallel_map
from airflux.model import HealthTimeout, ObjRef

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """An object to wait for. ``api_version`` None: the server's preferred version of the kind."""

    ref: ObjRef
    api_version: str | None = None

    @classmethod
    def of(cls, obj: dict[str, Any]) -> Target:
        return cls(ObjRef.of(obj), str(obj.get("apiVersion") or "") or None)

    @classmethod
    def from_check(cls, *, kind: str, name: str, namespace: str, api_version: str | None = None) -> Target:
        """A Kustomization ``healthChecks`` entry; without apiVersion the kind is looked up in every group."""
        group = api_version.rpartition("/")[0] if api_version and "/" in api_version else ""
        return cls(ObjRef(group, kind, namespace, name), api_version)


@dataclass(frozen=True, kw_only=True)
class HealthOptions:
    timeout: float = 570.0  # seconds; Flux's default spec.timeout is the interval minus 30 s
    interval: float = 1.0
    fail_fast: bool = False  # stop at the first Failed object instead of waiting out the timeout
    workers: int = 8
    logger: logging.Logger | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class HealthResult:
    objects: tuple[Health, ...]
    elapsed: float

    def counts(self) -> dict[str, int]:
        ready = sum(1 for h in self.objects if h.ready)
        return {"ready": ready, "not_ready": len(self.objects) - ready}


class HealthCheckFailed(HealthTimeout):
    """Objects not ready in time (or failed); ``not_ready`` lists each with its reason."""

    def __init__(self, not_ready: Sequence[Health], *, timeout: float, failed_early: bool) -> None:
        lines = "\n".join(f"  {h.ref}: {h.status.value}: {h.message}" + (f" ({h.detail})" if h.detail else "")
                          for h in not_ready)
        head = ("rollout failed" if failed_early
                else f"timeout after {timeout:g}s waiting for {len(not_ready)} object(s)")
        super().__init__(f"{head}:\n{lines}", retryable=not failed_early)
        self.not_ready = tuple(not_ready)


def _read(client: KubeClient, target: Target) -> Health:
    try:
        # Without apiVersion (a healthCheck that names none) any group serving the kind will do.
        api_version = target.api_version or client.resource_for_kind(target.ref.kind, group=None,
                                                                     ref=target.ref).api_version
        obj = client.get_ref(target.ref, api_version=api_version)
    except KubeApiError as e:
        if e.reason == "NoKindMatch":
            return Health(target.ref, Status.NOT_FOUND, e.message)
        raise
    return assess(obj, target.ref)


def wait_healthy(client: KubeClient, targets: Sequence[Target], *, options: HealthOptions) -> HealthResult:
    """Poll ``targets`` until every one is Current; raise HealthCheckFailed on timeout."""
    logger = options.logger or log
    start = options.clock()
    deadline = start + options.timeout
    last: dict[ObjRef, str] = {}
    last_count = -1
    pending = list(dict.fromkeys(targets))
    done: dict[ObjRef, Health] = {}
    while True:
        for outcome in parallel_map(lambda t: _read(client, t), pending, workers=options.workers):
            if outcome.error is not None:
                err = outcome.error
                health = Health(outcome.item.ref, Status.IN_PROGRESS, f"cannot read: {err}")
            else:
                assert outcome.value is not None
                health = outcome.value
            done[outcome.item.ref] = health
            if last.get(health.ref) != health.message:
                last[health.ref] = health.message
                logger.info("%s: %s", health.ref, health.message)
        pending = [t for t in pending if not done[t.ref].ready]
        ready = len(targets) - len(pending)
        if ready != last_count:
            logger.info("%d/%d ready", ready, len(targets))
            last_count = ready
        elapsed = options.clock() - start
        if not pending:
            return HealthResult(tuple(done[t.ref] for t in targets), elapsed)
        failed = [done[t.ref] for t in pending if done[t.ref].status is Status.FAILED]
        if (options.fail_fast and failed) or options.clock() >= deadline:
            raise HealthCheckFailed([done[t.ref] for t in pending], timeout=options.timeout,
                                    failed_early=bool(options.fail_fast and failed))
        options.sleep(min(options.interval, max(0.0, deadline - options.clock())))
