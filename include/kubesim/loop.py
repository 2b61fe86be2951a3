"""The background thread that plays kube-controller-manager: simulated controllers and garbage collection.

Each stored object is due for reconciliation when written and again when its controller asks for it
(``controllers.reconcile`` returns the delay). A changed status is written as its own write (new
resourceVersion, MODIFIED event, owned by ``kube-controller-manager`` on the ``status`` subresource),
the way real controllers report progress. Pending deletions and orphaned dependents are handled by
``deletion.collect`` on the same thread.
"""

from __future__ import annotations

import logging
import threading
import time

from kubesim import controllers, deletion, ssa, system, writes
from kubesim.store import Store, now_rfc3339

log = logging.getLogger(__name__)
MANAGER = "kube-controller-manager"


def tick(store: Store, now: float | None = None) -> int:
    """One round of controllers and garbage collection; returns how many status writes it made."""
    writes_made = 0
    with store.lock:
        now = time.time() if now is None else now
        for key in [k for k, t in store.due.items() if t <= now]:
            store.due.pop(key, None)
            found = store.at(key)
            if found is None:
                continue
            rt, obj = found
            if obj["metadata"].get("deletionTimestamp"):
                continue
            try:
                status, delay = controllers.reconcile(rt.group, rt.kind, obj, since=store.since(key), now=now)
            except Exception:  # a controller bug must not stop the loop
                log.exception("controller for %s failed", rt.kind)
                continue
            if status is not None and status != obj.get("status"):
                new = dict(obj)
                new["metadata"] = dict(obj["metadata"])
                new["status"] = status
                new = ssa.track_update(obj, new, manager=MANAGER, schema=writes.schema_of(store, rt),
                                        api_version=rt.api_version, now=now_rfc3339(now), subresource="status")
                if store.commit(rt, new, obj) is not obj:
                    writes_made += 1
            if delay is not None:
                store.due[key] = now + max(0.0, delay)
            else:
                store.due.pop(key, None)
        namespaces, store.resync = store.resync, set()  # what this round writes is checked next round
        for namespace in sorted(namespaces):  # namespace controllers: default ServiceAccount, kube-root-ca.crt
            try:
                system.sync(store, namespace)
            except Exception:
                log.exception("system objects of namespace %s failed", namespace)
        if store.pending or store.orphan_check:
            try:
                deletion.collect(store)
            except Exception:
                log.exception("garbage collection failed")
    return writes_made


class Loop:
    def __init__(self, store: Store, *, interval: float = 0.05) -> None:
        self.store = store
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kubesim-controllers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            tick(self.store)
