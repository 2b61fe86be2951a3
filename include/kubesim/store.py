"""The in-memory object store: one lock, one global resourceVersion counter, a bounded event history.

Everything that changes stored state goes through ``Store.commit`` or ``Store.remove`` so the rules a
real API server keeps (the resourceVersion is bumped only by real writes, a write that changes nothing
is not a write and emits no watch event, ``generation`` follows spec changes, ``dryRun`` persists
nothing) live in one place. Stored objects are never mutated in place: every write stores a fresh
dict, so readers may serialise what they get without copying.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubesim import errors

if TYPE_CHECKING:
    from kubesim.resources import Registry, ResourceType

Obj = dict[str, Any]
Bucket = tuple[str, str]  # (group, plural): version-independent storage location
Key = tuple[str, str, str, str]  # (group, plural, namespace, name)
# writes to these may concern the system objects a namespace must have (kubesim.system)
_SYSTEM_KINDS = {("", "namespaces"), ("", "serviceaccounts"), ("", "configmaps"), ("", "services"),
                 ("", "endpoints"), ("discovery.k8s.io", "endpointslices")}


def clone(value: Any) -> Any:
    """Deep copy of JSON data (much faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def now_rfc3339(ts: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if ts is None else ts))


def meta(obj: Obj) -> dict[str, Any]:
    m = obj.get("metadata")
    if not isinstance(m, dict):
        m = {}
        obj["metadata"] = m
    return m


def _spec_part(obj: Obj, *, with_status: bool = False) -> dict[str, Any]:
    skip = ("metadata", "apiVersion", "kind") if with_status else ("metadata", "status", "apiVersion", "kind")
    return {k: v for k, v in obj.items() if k not in skip}


def _comparable(obj: Obj) -> Obj:
    """The object minus what a no-op write may legitimately change (resourceVersion, managedFields times)."""
    m = dict(obj.get("metadata") or {})
    m.pop("resourceVersion", None)
    managed = m.get("managedFields")
    if isinstance(managed, list):
        m["managedFields"] = [
            {k: v for k, v in e.items() if k != "time"} if isinstance(e, dict) else e for e in managed
        ]
    out = {k: v for k, v in obj.items() if k not in ("metadata", "apiVersion")}
    out["metadata"] = m
    return out


@dataclass(frozen=True)
class Event:
    rv: int
    type: str  # ADDED | MODIFIED | DELETED
    bucket: Bucket
    namespace: str
    obj: Obj
    prev: Obj | None


@dataclass
class Store:
    """All stored objects. Hold ``lock`` (re-entrant) around any sequence of reads and writes that must agree."""

    registry: Registry
    history: int = 10000
    lock: threading.RLock = field(default_factory=threading.RLock)
    rv: int = 1
    floor: int = 1  # watches from a resourceVersion below this are 410 Gone
    _data: dict[Bucket, dict[tuple[str, str], Obj]] = field(default_factory=dict)
    _types: dict[Bucket, ResourceType] = field(default_factory=dict)
    _uids: dict[str, Key] = field(default_factory=dict)
    _dependents: dict[str, set[Key]] = field(default_factory=dict)
    _events: deque[Event] = field(default_factory=deque)
    _since: dict[Key, tuple[int, float]] = field(default_factory=dict)
    due: dict[Key, float] = field(default_factory=dict)  # controller wake-ups
    pending: set[Key] = field(default_factory=set)  # objects with a deletionTimestamp
    orphan_check: set[Key] = field(default_factory=set)  # objects whose owners may be gone
    listeners: list[Callable[[], None]] = field(default_factory=list)
    schema_cache: dict[Any, Any] = field(default_factory=dict)     # (type, registry generation) -> Schema
    allocator: Any = None                                           # defaults.Allocator, created on first use
    closed: bool = False                                            # set on shutdown: open watches end
    resync: set[str] = field(default_factory=set)                   # namespaces for kubesim.system.sync
    cluster_ca: str = ""                                            # PEM published as kube-root-ca.crt

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.cond.notify_all()

    def __post_init__(self) -> None:
        self.cond = threading.Condition(self.lock)

    # ---- reads -------------------------------------------------------------------------------
    def get(self, rt: ResourceType, namespace: str, name: str) -> Obj | None:
        bucket = self._data.get((rt.group, rt.plural))
        if bucket is None:
            return None
        return bucket.get((namespace if rt.namespaced else "", name))

    def require(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.get(rt, namespace, name)
        if obj is None:
            raise errors.not_found(rt.group, rt.plural, name)
        return obj

    def items(self, group: str, plural: str, namespace: str | None = None) -> list[Obj]:
        """Objects of one resource in key order (namespace, name), like an etcd range read."""
        bucket = self._data.get((group, plural))
        if not bucket:
            return []
        keys = sorted(bucket) if namespace is None else sorted(k for k in bucket if k[0] == namespace)
        return [bucket[k] for k in keys]

    def items_at(self, group: str, plural: str, namespace: str | None, rv: int) -> list[Obj] | None:
        """The objects as they were at resourceVersion ``rv`` (rewinding the event history);
        None when the history no longer reaches back that far (a real server's compaction)."""
        if rv >= self.rv:
            return self.items(group, plural, namespace)
        if rv < self.floor:
            return None
        state = {(o["metadata"].get("namespace", ""), o["metadata"]["name"]): o
                 for o in self.items(group, plural, namespace)}
        for ev in reversed(self.events_after(rv)):
            if ev.bucket != (group, plural) or (namespace is not None and ev.namespace != namespace):
                continue
            key = (ev.namespace, ev.obj["metadata"]["name"])
            if ev.type == "ADDED" or ev.prev is None:
                state.pop(key, None)
            else:
                state[key] = ev.prev
        return [state[k] for k in sorted(state)]

    def buckets(self) -> Iterator[tuple[ResourceType, dict[tuple[str, str], Obj]]]:
        for b, objs in list(self._data.items()):
            rt = self._types.get(b)
            if rt is not None:
                yield rt, objs

    def by_uid(self, uid: str) -> tuple[ResourceType, Obj] | None:
        key = self._uids.get(uid)
        if key is None:
            return None
        rt = self._types.get((key[0], key[1]))
        obj = self._data.get((key[0], key[1]), {}).get((key[2], key[3]))
        if rt is None or obj is None:
            return None
        return rt, obj

    def at(self, key: Key) -> tuple[ResourceType, Obj] | None:
        rt = self._types.get((key[0], key[1]))
        obj = self._data.get((key[0], key[1]), {}).get((key[2], key[3]))
        return (rt, obj) if rt is not None and obj is not None else None

    def in_namespace(self, namespace: str) -> list[tuple[ResourceType, Obj]]:
        out: list[tuple[ResourceType, Obj]] = []
        for (group, plural), objs in list(self._data.items()):
            rt = self._types.get((group, plural))
            if rt is None or not rt.namespaced:
                continue
            out.extend((rt, obj) for (ns, _), obj in sorted(objs.items()) if ns == namespace)
        return out

    def dependents(self, uid: str) -> list[tuple[ResourceType, Obj]]:
        out = []
        for key in sorted(self._dependents.get(uid, ())):
            rt = self._types.get((key[0], key[1]))
            obj = self._data.get((key[0], key[1]), {}).get((key[2], key[3]))
            if rt is not None and obj is not None:
                out.append((rt, obj))
        return out

    def namespace_phase(self, namespace: str) -> str | None:
        """``Active``/``Terminating``, or None when the namespace does not exist."""
        ns = self._data.get(("", "namespaces"), {}).get(("", namespace))
        if ns is None:
            return None
        if (ns.get("metadata") or {}).get("deletionTimestamp"):
            return "Terminating"
        return "Active"

    def since(self, key: Key) -> float:
        return self._since.get(key, (0, time.time()))[1]

    def events_after(self, rv: int) -> list[Event]:
        """Retained events with resourceVersion > rv (caller checks ``rv >= floor``)."""
        if not self._events or self._events[-1].rv <= rv:
            return []
        if self._events[0].rv > rv:
            return list(self._events)
        out = []
        for ev in reversed(self._events):
            if ev.rv <= rv:
                break
            out.append(ev)
        out.reverse()
        return out

    def count(self) -> int:
        return sum(len(b) for b in self._data.values())

    # ---- writes ------------------------------------------------------------------------------
    def new_identity(self, obj: Obj, rt: ResourceType) -> None:
        """uid, creationTimestamp and generation for an object being created (set once, never again)."""
        m = meta(obj)
        m["uid"] = str(uuid.uuid4())
        m["creationTimestamp"] = now_rfc3339()
        if rt.has_generation:
            m["generation"] = 1
        else:
            m.pop("generation", None)
        m.pop("resourceVersion", None)
        m.pop("deletionTimestamp", None)
        m.pop("deletionGracePeriodSeconds", None)

    def commit(self, rt: ResourceType, new: Obj, old: Obj | None, *, dry_run: bool = False) -> Obj:
        """Store ``new`` (replacing ``old``); returns the stored object, or ``old`` when nothing changed.

        ``generation`` is bumped here when the spec part changed on kinds that have it.
        """
        with self.lock:
            m = meta(new)
            new["apiVersion"] = rt.api_version
            new["kind"] = rt.kind
            if old is not None:
                om = old.get("metadata") or {}
                if rt.has_generation:
                    gen = int(om.get("generation") or 1)
                    # custom resources without a status subresource count status changes too
                    with_status = rt.is_custom and "status" not in rt.subresources
                    if _spec_part(new, with_status=with_status) != _spec_part(old, with_status=with_status) or (
                        m.get("deletionTimestamp") and not om.get("deletionTimestamp")
                    ):
                        gen += 1
                    m["generation"] = gen
                m["resourceVersion"] = om.get("resourceVersion")
                if _comparable(new) == _comparable(old):
                    return old
            if dry_run:
                if old is None:
                    m.pop("resourceVersion", None)
                return new
            self.rv += 1
            m["resourceVersion"] = str(self.rv)
            bucket_key = (rt.group, rt.plural)
            namespace = m.get("namespace", "") if rt.namespaced else ""
            key: Key = (rt.group, rt.plural, namespace, m["name"])
            self._types[bucket_key] = rt
            self._data.setdefault(bucket_key, {})[(namespace, m["name"])] = new
            self._uids[m["uid"]] = key
            self._index_owners(key, old, new)
            if m.get("deletionTimestamp"):
                self.pending.add(key)
            refs = m.get("ownerReferences")
            if refs and (old is None or refs != (old.get("metadata") or {}).get("ownerReferences")):
                self.orphan_check.add(key)
            gen_now = int(m.get("generation") or 0)
            prev_since = self._since.get(key)
            if prev_since is None or (rt.has_generation and prev_since[0] != gen_now):
                self._since[key] = (gen_now, time.time())
            self.due[key] = 0.0
            if bucket_key in _SYSTEM_KINDS:
                self.resync.add(namespace or m["name"])
            self._record(Event(self.rv, "ADDED" if old is None else "MODIFIED", bucket_key, namespace, new, old))
            return new

    def remove(self, rt: ResourceType, obj: Obj, *, dry_run: bool = False) -> Obj:
        """Delete ``obj`` for good; returns the final object carrying the deletion's resourceVersion."""
        with self.lock:
            final = dict(obj)
            final["metadata"] = dict(obj.get("metadata") or {})
            if dry_run:
                return final
            self.rv += 1
            final["metadata"]["resourceVersion"] = str(self.rv)
            m = final["metadata"]
            namespace = m.get("namespace", "") if rt.namespaced else ""
            key: Key = (rt.group, rt.plural, namespace, m["name"])
            bucket_key = (rt.group, rt.plural)
            self._data.get(bucket_key, {}).pop((namespace, m["name"]), None)
            self._uids.pop(m.get("uid", ""), None)
            self._index_owners(key, obj, None)
            self._since.pop(key, None)
            self.due.pop(key, None)
            self.pending.discard(key)
            self.orphan_check.discard(key)
            self.orphan_check.update(self._dependents.get(m.get("uid", ""), ()))
            if bucket_key in _SYSTEM_KINDS and namespace:
                self.resync.add(namespace)
            self._record(Event(self.rv, "DELETED", bucket_key, namespace, final, obj))
            return final

    def drop_bucket(self, group: str, plural: str) -> None:
        """Forget a resource whose type is gone (after a CRD deletion removed its objects)."""
        self._data.pop((group, plural), None)
        self._types.pop((group, plural), None)

    def _index_owners(self, key: Key, old: Obj | None, new: Obj | None) -> None:
        for obj, add in ((old, False), (new, True)):
            for ref in ((obj or {}).get("metadata") or {}).get("ownerReferences") or ():
                uid = ref.get("uid") if isinstance(ref, dict) else None
                if not uid:
                    continue
                if add:
                    self._dependents.setdefault(uid, set()).add(key)
                else:
                    deps = self._dependents.get(uid)
                    if deps is not None:
                        deps.discard(key)
                        if not deps:
                            del self._dependents[uid]

    def _record(self, event: Event) -> None:
        self._events.append(event)
        while len(self._events) > self.history:
            self.floor = self._events.popleft().rv
        self.cond.notify_all()
        for listener in self.listeners:
            listener()

    def compact(self) -> None:
        """Forget every retained event (like an etcd compaction): older watches get 410 Gone."""
        with self.lock:
            self._events.clear()
            self.floor = self.rv

    # ---- state as data -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Every stored object keyed ``group/plural/namespace/name`` plus the counter; JSON-ready."""
        with self.lock:
            objects = {}
            for (group, plural), objs in sorted(self._data.items()):
                for (ns, name), obj in sorted(objs.items()):
                    objects[f"{group}/{plural}/{ns}/{name}"] = clone(obj)
            return {"resourceVersion": self.rv, "objects": objects}

    def load(self, objects: list[tuple[ResourceType, Obj]], rv: int) -> None:
        """Restore saved objects as they were (identity, versions), without events."""
        with self.lock:
            for rt, obj in objects:
                m = meta(obj)
                namespace = m.get("namespace", "") if rt.namespaced else ""
                key: Key = (rt.group, rt.plural, namespace, m["name"])
                self._types[(rt.group, rt.plural)] = rt
                self._data.setdefault((rt.group, rt.plural), {})[(namespace, m["name"])] = obj
                self._uids[m.get("uid", "")] = key
                self._index_owners(key, None, obj)
                self._since[key] = (int(m.get("generation") or 0), time.time())
                self.due[key] = 0.0
                if m.get("deletionTimestamp"):
                    self.pending.add(key)
                if m.get("ownerReferences"):
                    self.orphan_check.add(key)
            self.rv = max(self.rv, rv)
            self.floor = self.rv
