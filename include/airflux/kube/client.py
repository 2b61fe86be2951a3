"""The engine's one door to a Kubernetes API server.

A thin layer over the official client's ``DynamicClient``: discovery (cached per client, refreshed
after CRDs are applied), get/list, server-side apply (field manager ``airflux``, forced, optional
``dryRun=All``), JSON patch and delete, with retries on throttling and server errors and one typed
error (``KubeApiError``) for everything else. Bodies travel as plain dicts.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import urllib3
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ResourceNotFoundError

from airflux.kube import config as kconfig
from airflux.kube.errors import Cause, KubeApiError, NoKindMatch
from airflux.kube.retry import RetryPolicy, parse_retry_after, retry_delay
from airflux.model import ObjRef

log = logging.getLogger(__name__)

FIELD_MANAGER = "airflux"


@dataclass(frozen=True, kw_only=True)
class ClientOptions:
    field_manager: str = FIELD_MANAGER
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    workers: int = 8
    # (connect, read) seconds for one HTTP request.
    request_timeout: tuple[float, float] = (5.0, 60.0)


@dataclass(frozen=True)
class ResourceInfo:
    """Where a kind lives in the API: ``/apis/<group>/<version>/[namespaces/<ns>/]<plural>``."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, *, namespace: str | None = None, name: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.plural}"
        if name:
            base += f"/{quote(name, safe='')}"
        return base


def _split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


class KubeClient:
    """One cluster connection. Thread-safe: per-object calls may run on a worker pool."""

    def __init__(self, api_client: k8s.ApiClient, *, options: ClientOptions | None = None,
                 owns_api_client: bool = True) -> None:
        self.options = options or ClientOptions()
        self.api_client = api_client
        self._owns_api_client = owns_api_client  # a caller's client (the Airflow hook's) stays open
        # The DynamicClient caches discovery in a file keyed by host; a private directory keeps
        # clusters that share a host:port (tests, port reuse) from reading each other's kinds.
        self._cache_dir = tempfile.mkdtemp(prefix="airflux-discovery-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._cache_dir, ignore_errors=True)
        self._lock = threading.RLock()
        self._dyn: DynamicClient | None = None
        self._resources: dict[tuple[str, str], ResourceInfo] = {}

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_kubeconfig(cls, path: str | os.PathLike[str], *, context: str | None = None,
                        options: ClientOptions | None = None) -> KubeClient:
        opts = options or ClientOptions()
        return cls(kconfig.api_client_from_kubeconfig(path, context=context, pool_size=opts.workers),
                   options=opts)

    @classmethod
    def from_api_client(cls, api_client: k8s.ApiClient, *, options: ClientOptions | None = None) -> KubeClient:
        opts = options or ClientOptions()
        sized = kconfig.api_client_resized(api_client, pool_size=opts.workers)
        return cls(sized, options=opts, owns_api_client=sized is not api_client)

    @classmethod
    def from_environment(cls, *, options: ClientOptions | None = None) -> KubeClient:
        opts = options or ClientOptions()
        return cls(kconfig.api_client_from_environment(pool_size=opts.workers), options=opts)

    def close(self) -> None:
        self._cleanup()
        if self._owns_api_client:
            self.api_client.close()

    def __enter__(self) -> KubeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    # -- discovery ----------------------------------------------------------------------------
    def _dynamic(self) -> DynamicClient:
        with self._lock:
            if self._dyn is None:
                cache = os.path.join(self._cache_dir, "discovery.json")
                self._dyn = self._retrying(None, lambda: DynamicClient(self.api_client, cache_file=cache))
            return self._dyn

    def refresh_discovery(self) -> None:
        """Forget every kind we resolved: call after CRDs were applied or removed."""
        with self._lock:
            self._resources.clear()
            if self._dyn is not None:
                dyn = self._dyn
                self._retrying(None, dyn.resources.invalidate_cache)

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        """The resource serving ``kind`` at ``api_version``; ``NoKindMatch`` when the server has none."""
        key = (api_version, kind)
        with self._lock:
            found = self._resources.get(key)
            if found is not None:
                return found
            dyn = self._dynamic()
            try:
                res = self._retrying(None, lambda: dyn.resources.get(api_version=api_version, kind=kind))
            except ResourceNotFoundError as e:
                raise NoKindMatch(f'no matches for kind "{kind}" in version "{api_version}"',
                                  reason="NoKindMatch") from e
            group, version = _split_api_version(api_version)
            info = ResourceInfo(group, version, kind, res.name, bool(res.namespaced))
            self._resources[key] = info
            return info

    def resource_for(self, ref: ObjRef) -> ResourceInfo:
        """The preferred version of the kind named by an ``ObjRef`` (which carries no version)."""
        return self.resource_for_kind(ref.kind, group=ref.group, ref=ref)

    def resource_for_kind(self, kind: str, *, group: str | None, ref: ObjRef | None = None) -> ResourceInfo:
        """The preferred version of ``kind`` in ``group`` (None: any group, the core group first)."""
        key = (f"{group}/*" if group is not None else "*/*", kind)
        with self._lock:
            found = self._resources.get(key)
            if found is not None:
                return found
            dyn = self._dynamic()
            candidates = self._retrying(ref, lambda: dyn.resources.search(kind=kind) if group is None
                                        else dyn.resources.search(group=group, kind=kind))
            candidates = [c for c in candidates if "/" not in c.name and getattr(c, "kind", "") == kind
                          and (group is None or (getattr(c, "group", "") or "") == group)]
            if not candidates:
                where = f'in group "{group}"' if group is not None else "in any group"
                raise NoKindMatch(f'no matches for kind "{kind}" {where}', obj=ref, reason="NoKindMatch")
            candidates.sort(key=lambda c: (bool(getattr(c, "group", "")), not getattr(c, "preferred", False)))
            chosen = candidates[0]
            info = ResourceInfo(getattr(chosen, "group", "") or "", chosen.api_version, kind, chosen.name,
                                bool(chosen.namespaced))
            self._resources[key] = info
            return info

    def namespaced_kinds(self) -> list[ResourceInfo]:
        """Every listable namespaced resource the server serves (preferred versions)."""
        versions = [("", "v1")]
        groups = self._request(None, "GET", "/apis").get("groups") or []
        for g in groups:
            preferred = (g.get("preferredVersion") or {}).get("version")
            if preferred:
                versions.append((g["name"], preferred))
        out = []
        for group, version in versions:
            path = f"/apis/{group}/{version}" if group else f"/api/{version}"
            try:
                listing = self._request(None, "GET", path)
            except KubeApiError as e:
                if e.not_found:
                    continue
                raise
            for r in listing.get("resources") or []:
                if r.get("namespaced") and "/" not in r.get("name", "") and "list" in (r.get("verbs") or []):
                    out.append(ResourceInfo(group, version, r["kind"], r["name"], True))
        return out

    def knows_kind(self, api_version: str, kind: str) -> bool:
        try:
            self.resource(api_version, kind)
        except NoKindMatch:
            return False
        return True

    # -- calls --------------------------------------------------------------------------------
    def get(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        """The live object with the identity of ``obj`` (apiVersion, kind, namespace, name), or None."""
        info = self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        return self._get(ObjRef.of(obj), info.path(namespace=meta.get("namespace"), name=meta.get("name")))

    def get_ref(self, ref: ObjRef, *, api_version: str | None = None) -> dict[str, Any] | None:
        """The live object ``ref`` names, at ``api_version`` (default: the group's preferred one), or None."""
        info = self.resource(api_version, ref.kind) if api_version else self.resource_for(ref)
        return self._get(ref, info.path(namespace=ref.namespace or None, name=ref.name))

    def _get(self, ref: ObjRef, path: str) -> dict[str, Any] | None:
        try:
            return self._request(ref, "GET", path)
        except KubeApiError as e:
            if e.not_found:
                return None
            raise

    def list_objects(self, api_version: str, kind: str, *, namespace: str | None = None,
             label_selector: str | None = None) -> list[dict[str, Any]]:
        """Every object of a kind (in one namespace or everywhere), with apiVersion and kind set."""
        info = self.resource(api_version, kind)
        query: list[tuple[str, str]] = []
        if label_selector:
            query.append(("labelSelector", label_selector))
        body = self._request(None, "GET", info.path(namespace=namespace), query=query)
        items: list[dict[str, Any]] = body.get("items") or []
        for item in items:
            item.setdefault("apiVersion", info.api_version)
            item.setdefault("kind", kind)
        return items

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = True) -> dict[str, Any]:
        """Server-side apply ``obj`` as our field manager; the server's result (merged object)."""
        info = self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        query = [("fieldManager", self.options.field_manager), ("force", "true" if force else "false")]
        if dry_run:
            query.append(("dryRun", "All"))
        return self._request(ObjRef.of(obj), "PATCH",
                             info.path(namespace=meta.get("namespace"), name=meta.get("name")),
                             body=obj, query=query, content_type="application/apply-patch+yaml")

    def json_patch(self, obj: dict[str, Any], ops: list[dict[str, Any]]) -> dict[str, Any]:
        """RFC 6902 patch of the live object ``obj`` names (used to rewrite managedFields)."""
        info = self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        return self._request(ObjRef.of(obj), "PATCH",
                             info.path(namespace=meta.get("namespace"), name=meta.get("name")),
                             body=ops, query=[("fieldManager", self.options.field_manager)],
                             content_type="application/json-patch+json")

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        info = self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        return self._request(ObjRef.of(obj), "POST", info.path(namespace=meta.get("namespace")), body=obj,
                             query=[("fieldManager", self.options.field_manager)])

    def replace(self, obj: dict[str, Any]) -> dict[str, Any]:
        info = self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        return self._request(ObjRef.of(obj), "PUT",
                             info.path(namespace=meta.get("namespace"), name=meta.get("name")), body=obj,
                             query=[("fieldManager", self.options.field_manager)])

    def delete(self, ref: ObjRef, *, api_version: str | None = None,
               propagation: str = "Background") -> bool:
        """Delete one object; False when it was already gone."""
        info = self.resource(api_version, ref.kind) if api_version else self.resource_for(ref)
        body = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": propagation}
        try:
            self._request(ref, "DELETE", info.path(namespace=ref.namespace or None, name=ref.name),
                          body=body, query=[("propagationPolicy", propagation)])
        except KubeApiError as e:
            if e.not_found:
                return False
            raise
        return True

    # -- plumbing -----------------------------------------------------------------------------
    def _request(self, ref: ObjRef | None, method: str, path: str, *, body: Any = None,
                 query: list[tuple[str, str]] | None = None,
                 content_type: str = "application/json") -> dict[str, Any]:
        def call() -> dict[str, Any]:
            # Straight to the REST layer: ``call_api`` would walk every body to "sanitize" it, which is
            # most of the client's CPU for large sets; auth still goes through the configuration.
            headers = {**self.api_client.default_headers, "Accept": "application/json",
                       "Content-Type": content_type}
            params = list(query or [])
            self.api_client.update_params_for_auth(headers, params, ["BearerToken"])
            resp = self.api_client.rest_client.request(
                method, self.api_client.configuration.host + path, query_params=params, headers=headers,
                body=body, _preload_content=False, _request_timeout=self.options.request_timeout)
            data = resp.data
            return json.loads(data) if data else {}

        return self._retrying(ref, call)

    def _retrying(self, ref: ObjRef | None, call: Any) -> Any:
        policy = self.options.retry
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except ApiException as e:
                err = _api_error(ref, e)
                retry_after = parse_retry_after((e.headers or {}).get("Retry-After")) if e.status == 429 else None
            except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as e:
                err = KubeApiError(f"cannot reach the API server {self.host}: {e}", obj=ref,
                                   reason="ConnectionError", retryable=True)
                err.__cause__ = e
                retry_after = None
            delay = retry_delay(policy, attempt=attempt, status=err.status, retry_after=retry_after)
            if delay is None:
                raise err
            log.debug("retrying %s after %.2fs: %s", ref or "request", delay, err)
            time.sleep(delay)


def _api_error(ref: ObjRef | None, e: ApiException) -> KubeApiError:
    """Turn the API's Status body into a typed error (reason, message, field causes)."""
    status: dict[str, Any] = {}
    try:
        raw = e.body.decode() if isinstance(e.body, bytes) else e.body
        status = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        status = {}
    if not isinstance(status, dict):
        status = {}
    details = status.get("details") or {}
    causes = tuple(
        Cause(str(c.get("reason", "")), str(c.get("message", "")), str(c.get("field", "")))
        for c in details.get("causes") or [] if isinstance(c, dict)
    )
    message = str(status.get("message") or e.reason or "request failed")
    reason = str(status.get("reason") or e.reason or "")
    code = int(e.status) if e.status else None
    err = KubeApiError(message, obj=ref, status=code, reason=reason, causes=causes,
                       retryable=code is None or code == 429 or code >= 500)
    err.__cause__ = e
    return err
