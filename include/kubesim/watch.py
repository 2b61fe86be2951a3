"""Watch: newline-delimited JSON events over a chunked HTTP response.

Semantics from "Efficient detection of changes" and "Resource versions" in the API concepts doc:
no resourceVersion (or ``0``) starts with synthetic ADDED events for what exists, then follows changes;
a numeric resourceVersion resumes after it from the bounded event history; a version older than the
history gets an ERROR event carrying a 410 ``Expired`` Status (as a real server sends it, inside a 200
stream); ``allowWatchBookmarks`` adds periodic BOOKMARK events; ``sendInitialEvents`` ends the initial
burst with a bookmark annotated ``k8s.io/initial-events-end``; ``timeoutSeconds`` ends the stream.
Selectors are applied to both the old and new object, so objects leaving a selection are DELETED.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubesim import errors
from kubesim.store import Obj, Store

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

Filter = Callable[[Obj], bool] | None
DEFAULT_TIMEOUT = 1800.0
TRUE = ("1", "t", "T", "TRUE", "true", "True")   # Go's strconv.ParseBool


@dataclass(frozen=True)
class WatchRequest:
    rt: ResourceType
    namespace: str | None
    flt: Filter
    resource_version: str
    bookmarks: bool
    timeout: float
    send_initial: bool | None
    render: Callable[[Obj], Obj] | None = None   # Table / PartialObjectMetadata for each event object


def _line(kind: str, obj: Any) -> bytes:
    return (json.dumps({"type": kind, "object": obj}, separators=(",", ":")) + "\n").encode()


def _versioned(rt: ResourceType, obj: Obj) -> Obj:
    if obj.get("apiVersion") == rt.api_version:
        return obj
    out = dict(obj)
    out["apiVersion"] = rt.api_version
    return out


def _out(req: WatchRequest, obj: Obj) -> Obj:
    obj = _versioned(req.rt, obj)
    return req.render(obj) if req.render is not None else obj


def _bookmark(rt: ResourceType, rv: int, *, initial_end: bool = False) -> Obj:
    m: dict[str, Any] = {"resourceVersion": str(rv)}
    if initial_end:
        m["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": m}


def _expired(requested: int, floor: int) -> bytes:
    status = errors.gone(f"too old resource version: {requested} ({floor})").status()
    return _line("ERROR", status)


def parse(rt: ResourceType, namespace: str | None, flt: Filter, params: dict[str, str]) -> WatchRequest:
    rv = params.get("resourceVersion", "")
    if rv and not rv.isdigit():
        raise errors.bad_request(f'invalid resource version "{rv}"')
    timeout = DEFAULT_TIMEOUT
    if params.get("timeoutSeconds"):
        try:
            timeout = float(params["timeoutSeconds"])
        except ValueError:
            raise errors.bad_request("timeoutSeconds: invalid value") from None
    send_initial = params.get("sendInitialEvents")
    return WatchRequest(
        rt,
        namespace,
        flt,
        rv,
        params.get("allowWatchBookmarks") in TRUE,
        timeout,
        None if send_initial is None else send_initial in TRUE,
    )


def stream(
    store: Store, req: WatchRequest, write: Callable[[bytes], None], *, bookmark_interval: float = 5.0
) -> None:
    """Write the events of one watch until it times out or the client goes away (write raises OSError)."""
    rt = req.rt
    bucket = (rt.group, rt.plural)
    deadline = time.monotonic() + req.timeout
    with store.lock:
        if req.resource_version and req.resource_version != "0" and not req.send_initial:
            last = int(req.resource_version)
            if last < store.floor:
                write(_expired(last, store.floor))
                return
            initial: list[Obj] = []
        else:
            last = store.rv
            initial = store.items(rt.group, rt.plural, req.namespace)
            if req.flt is not None:
                initial = [o for o in initial if req.flt(o)]
    for obj in initial:
        write(_line("ADDED", _out(req, obj)))
    if req.send_initial and req.bookmarks:
        write(_line("BOOKMARK", _bookmark(rt, last, initial_end=True)))
    next_bookmark = time.monotonic() + bookmark_interval
    while True:
        now = time.monotonic()
        if store.closed:
            return
        if now >= deadline:
            if req.bookmarks:
                write(_line("BOOKMARK", _bookmark(rt, max(last, store.rv))))
            return
        with store.lock:
            events = store.events_after(last)
            if not events:
                store.cond.wait(min(deadline - now, max(0.05, next_bookmark - now), 1.0))
                events = store.events_after(last)
            if events and events[0].rv > last + 1 and last < store.floor:
                write(_expired(last, store.floor))
                return
            current = store.rv
        out = []
        for ev in events:
            last = ev.rv
            if ev.bucket != bucket or (req.namespace is not None and ev.namespace != req.namespace):
                continue
            kind = ev.type
            if req.flt is not None:
                now_in = kind != "DELETED" and req.flt(ev.obj)
                was_in = ev.prev is not None and req.flt(ev.prev)
                if kind == "DELETED":
                    if not was_in:
                        continue
                elif now_in and not was_in:
                    kind = "ADDED"
                elif was_in and not now_in:
                    kind = "DELETED"
                elif not now_in:
                    continue
            out.append(_line(kind, _out(req, ev.obj)))
        if out:
            write(b"".join(out))
        if req.bookmarks and time.monotonic() >= next_bookmark:
            write(_line("BOOKMARK", _bookmark(rt, max(last, current))))
            next_bookmark = time.monotonic() + bookmark_interval
