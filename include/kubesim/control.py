"""The control endpoint under ``/_kubesim/``, outside the Kubernetes paths.

Lets a test or an operator that only has the URL (another process, a shell) inject faults, read the
request log, snapshot the stored state and compact the watch history:

- ``POST /_kubesim/faults`` ``{"method": "GET", "path": "/apis/apps/.*", "code": 500, "count": 1}``
  (also ``latency`` in seconds, ``drop``, ``retryAfter``, ``message``) → 201 ``{"id": N}``;
  ``GET`` lists the rules, ``DELETE`` clears them (``DELETE /_kubesim/faults/N`` removes one).
- ``GET /_kubesim/requests`` → the request log; ``DELETE`` clears it.
- ``GET /_kubesim/snapshot`` → every stored object and the resourceVersion counter.
- ``POST /_kubesim/compact`` → forget the watch history (older watches get 410).
- ``GET /_kubesim/healthz`` → ``ok``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from kubesim import errors

if TYPE_CHECKING:
    from kubesim.faults import Faults
    from kubesim.store import Store


def handle(store: Store, faults: Faults, method: str, path: str, body: bytes) -> tuple[int, Any]:
    parts = [p for p in path.split("/") if p][1:]
    if parts == ["healthz"] and method == "GET":
        return 200, "ok"
    if parts[:1] == ["faults"]:
        if method == "GET" and len(parts) == 1:
            return 200, {"items": faults.rules()}
        if method == "DELETE":
            if len(parts) == 2:
                faults.remove(int(parts[1]))
            else:
                faults.clear()
            return 200, {"status": "Success"}
        if method == "POST" and len(parts) == 1:
            try:
                spec = json.loads(body or b"{}")
                rule_id = faults.add(method=spec.get("method", ".*"), path=spec.get("path", ".*"),
                                     code=spec.get("code"), count=spec.get("count", 1),
                                     latency=float(spec.get("latency", 0.0)), drop=bool(spec.get("drop", False)),
                                     retry_after=int(spec.get("retryAfter", 1)), message=spec.get("message", ""))
            except (ValueError, TypeError, AttributeError) as exc:
                raise errors.bad_request(f"invalid fault: {exc}") from None
            return 201, {"id": rule_id}
    if parts == ["requests"]:
        if method == "GET":
            return 200, {"items": [asdict(r) for r in faults.requests()]}
        if method == "DELETE":
            faults.clear_log()
            return 200, {"status": "Success"}
    if parts == ["snapshot"] and method == "GET":
        return 200, store.snapshot()
    if parts == ["compact"] and method == "POST":
        store.compact()
        return 200, {"resourceVersion": store.rv}
    raise errors.ApiError(404, "NotFound", f"unknown control path {path}")
