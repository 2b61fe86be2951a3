"""The Kubernetes REST verbs over a parsed route: get, list, watch, create, update, patch, delete.

Turns an HTTP request (method, path, query, headers, body) into a store operation and its response
body, independent of the HTTP server so it can be measured and tested on its own. Content negotiation
follows the real server: JSON by default, YAML on request, ``as=Table`` for kubectl's printers and
``as=PartialObjectMetadata[List]`` for metadata-only clients; anything else is 406.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from kubesim import bodies, deletion, errors, patches, routing, scale, selectors, tables, watch, writes
from kubesim.store import Obj, Store

if TYPE_CHECKING:
    from kubesim.resources import ResourceType

JSON = "application/json"


@dataclass(frozen=True)
class Response:
    code: int
    body: bytes
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]          # lower-case names
    body: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)


TRUE = ("1", "t", "T", "TRUE", "true", "True")   # Go's strconv.ParseBool


# ---- content negotiation ------------------------------------------------------------------------
def _accepts(accept: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for part in (accept or "*/*").split(","):
        pieces = [p.strip() for p in part.split(";")]
        params = {}
        for p in pieces[1:]:
            k, _, v = p.partition("=")
            params[k.strip()] = v.strip()
        if pieces[0]:
            out.append((pieces[0].lower(), params))
    return out


def negotiate(accept: str) -> tuple[str, str]:
    """(format, as) where format is json|yaml and as is ''|Table|PartialObjectMetadata."""
    for media, params in _accepts(accept):
        if params.get("q") == "0":
            continue
        as_kind = params.get("as", "")
        if as_kind and (params.get("g") != "meta.k8s.io" or params.get("v") not in ("v1", "v1beta1")):
            continue
        as_kind = {"Table": "Table", "PartialObjectMetadata": "PartialObjectMetadata",
                   "PartialObjectMetadataList": "PartialObjectMetadata"}.get(as_kind, "?" if as_kind else "")
        if as_kind == "?":
            continue
        if media in ("application/json", "*/*", "application/*"):
            return "json", as_kind
        if media == "application/yaml" and not as_kind:
            return "yaml", ""
    raise errors.not_acceptable()


def encode(obj: Any, fmt: str, code: int = 200) -> Response:
    if fmt == "yaml":
        return Response(code, yaml.safe_dump(obj, sort_keys=False).encode(), "application/yaml")
    return Response(code, bodies.dumps(obj))


def _versioned(rt: ResourceType, obj: Obj) -> Obj:
    if obj.get("apiVersion") == rt.api_version:
        return obj
    return {**obj, "apiVersion": rt.api_version}


def _partial(obj: Obj) -> Obj:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata", {})}


def _render_one(store: Store, rt: ResourceType, obj: Obj, req: Request, code: int = 200) -> Response:
    fmt, as_kind = negotiate(req.headers.get("accept", ""))
    obj = _versioned(rt, obj)
    if as_kind == "Table" and obj.get("kind") != "Status":
        table = tables.to_table(rt, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                              include_object=req.params.get("includeObject", "Metadata"), now=time.time())
        return encode(table, fmt, code)
    if as_kind == "PartialObjectMetadata" and obj.get("kind") != "Status":
        return encode(_partial(obj), fmt, code)
    return encode(obj, fmt, code)


def _watch_render(rt: ResourceType, wreq: watch.WatchRequest, req: Request) -> watch.WatchRequest:
    """Watch events carry Tables (``kubectl get -w``) or metadata only when the Accept header asks."""
    _, as_kind = negotiate(req.headers.get("accept", ""))
    include = req.params.get("includeObject", "Metadata")
    if as_kind == "Table":
        def table(obj: Obj) -> Obj:
            return tables.to_table(rt, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                                   include_object=include, now=time.time())
        return dataclasses.replace(wreq, render=table)
    if as_kind == "PartialObjectMetadata":
        return dataclasses.replace(wreq, render=_partial)
    return wreq


# ---- list ---------------------------------------------------------------------------------------
def _continue_token(rv: int, ns: str, name: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": f"{ns}/{name}\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter.")


def _decode_continue(token: str) -> tuple[tuple[str, str], int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        ns, _, name = str(data["start"]).rstrip("\x00").partition("/")
        return (ns, name), int(data["rv"])
    except (ValueError, KeyError, TypeError):
        raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                 "(version meta.k8s.io/v1)") from None


def _filter(rt: ResourceType, params: dict[str, str]) -> selectors.Callable[[Obj], bool] | None:
    return selectors.make_filter(params.get("labelSelector"), params.get("fieldSelector"), rt.group, rt.kind)


def list_objects(store: Store, rt: ResourceType, namespace: str | None, req: Request) -> Response:
    fmt, as_kind = negotiate(req.headers.get("accept", ""))
    flt = _filter(rt, req.params)
    try:
        limit = int(req.params.get("limit") or 0)
    except ValueError:
        raise errors.bad_request(f"limit: Invalid value: {req.params.get('limit')!r}") from None
    token = req.params.get("continue")
    start: tuple[str, str] | None = None
    snapshot: int | None = None
    if token:
        start, snapshot = _decode_continue(token)
    elif req.params.get("resourceVersionMatch") == "Exact":
        try:
            snapshot = int(req.params.get("resourceVersion") or "")
        except ValueError:
            raise errors.bad_request("resourceVersion: Invalid value: an exact resourceVersion is required") from None
    with store.lock:
        if snapshot is None or snapshot >= store.rv:
            rv = store.rv
            found: list[Obj] | None = store.items(rt.group, rt.plural, namespace)
        else:  # continue tokens and Exact reads see the state of their resourceVersion
            rv = snapshot
            found = store.items_at(rt.group, rt.plural, namespace, snapshot)
    if found is None:
        raise errors.gone(_CONTINUE_EXPIRED if token else "The resourceVersion for the provided list is too old.")
    items = found
    if start is not None:
        items = [o for o in items if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) > start]
    if flt is not None:
        items = [o for o in items if flt(o)]
    list_meta: dict[str, Any] = {"resourceVersion": str(rv)}
    if limit > 0 and len(items) > limit:
        last = items[limit - 1]["metadata"]
        list_meta["continue"] = _continue_token(rv, last.get("namespace", ""), last["name"])
        if flt is None:
            list_meta["remainingItemCount"] = len(items) - limit
        items = items[:limit]
    if as_kind == "Table":
        table = tables.to_table(rt, [_versioned(rt, o) for o in items], list_meta,
                              include_object=req.params.get("includeObject", "Metadata"), now=time.time())
        return encode(table, fmt)
    if as_kind == "PartialObjectMetadata":
        return encode({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta,
                       "items": [_partial(o) for o in items]}, fmt)
    if rt.is_custom:
        out_items = [_versioned(rt, o) for o in items]
    else:  # typed lists carry no per-item apiVersion/kind on a real server
        out_items = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in items]
    return encode({"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": list_meta, "items": out_items}, fmt)


# ---- write helpers ------------------------------------------------------------------------------
def _dry_run(req: Request) -> bool:
    value = req.params.get("dryRun")
    if value is None or value == "":
        return False
    if value != "All":
        raise errors.invalid("meta.k8s.io", "CreateOptions" if req.method == "POST" else "UpdateOptions", "", [
            errors.field_cause("dryRun", f'Unsupported value: "{value}": supported values: "All"',
                               "FieldValueNotSupported")])
    return True


def _manager(req: Request) -> str:
    manager = req.params.get("fieldManager", "")
    if len(manager) > 128:
        raise errors.invalid("meta.k8s.io", "PatchOptions", "", [errors.field_cause(
            "fieldManager", 'Too long: may not be more than 128 bytes', "FieldValueTooLong")])
    if manager:
        return manager
    if req.headers.get("content-type", "").startswith(patches.APPLY_PATCH):
        return ""
    agent = req.headers.get("user-agent", "")
    return agent.split("/", 1)[0][:128] if agent else "unknown"


def _body(req: Request, rt: ResourceType) -> Any:
    return bodies.decode_object(rt, bodies.media_type(req.headers), req.body)


def _fields(req: Request) -> writes.FieldCheck:
    mode = req.params.get("fieldValidation") or "Warn"
    if mode not in writes.FIELD_VALIDATION:
        raise errors.bad_request(f"fieldValidation: Unsupported value: \"{mode}\": supported values: "
                                 '"Ignore", "Strict", "Warn"')
    return writes.FieldCheck(mode)


def _warn(resp: Response, fields: writes.FieldCheck) -> Response:
    if not fields.warnings:
        return resp
    texts = tuple(("Warning", '299 - "' + w.replace("\\", "\\\\").replace('"', '\\"') + '"')
                  for w in fields.warnings)
    return Response(resp.code, resp.body, resp.content_type, resp.headers + texts)


def _delete_options(req: Request) -> dict[str, Any]:
    opts = bodies.delete_options(bodies.media_type(req.headers), req.body)
    if "propagationPolicy" in req.params:
        opts["propagationPolicy"] = req.params["propagationPolicy"]
    if opts.get("orphanDependents") is True and not opts.get("propagationPolicy"):
        opts["propagationPolicy"] = "Orphan"
    if req.params.get("dryRun") or opts.get("dryRun"):
        dry = req.params.get("dryRun") or (opts.get("dryRun") or [""])[0]
        if dry != "All":
            raise errors.bad_request(f'dryRun: Unsupported value: "{dry}": supported values: "All"')
        opts["dryRun"] = True
    return opts


# ---- dispatch -----------------------------------------------------------------------------------
def handle(store: Store, req: Request) -> Response | watch.WatchRequest:
    route = routing.parse(store.registry, req.path)
    if route is None:
        raise errors.not_found_page()
    rt, ns, name, sub = route.rt, route.namespace, route.name, route.subresource
    method = req.method
    if method == "GET":
        if route.legacy_watch or (not name and req.params.get("watch") in TRUE):
            flt = (selectors.make_filter(None, f"metadata.name={name}", rt.group, rt.kind) if name
                   else _filter(rt, req.params))
            return _watch_render(rt, watch.parse(rt, ns, flt, req.params), req)
        if not name:
            return list_objects(store, rt, ns if rt.namespaced else None, req)
        with store.lock:
            obj = store.require(rt, ns or "", name)
        if sub == "scale":
            return encode(scale.scale_of(store, rt, obj), negotiate(req.headers.get("accept", ""))[0])
        return _render_one(store, rt, obj, req)
    if method == "POST":
        if name:
            raise errors.method_not_allowed()
        if rt.namespaced and ns is None:
            raise errors.not_found_page()
        fields = _fields(req)
        obj = writes.create(store, rt, ns or "", _body(req, rt), dry_run=_dry_run(req), manager=_manager(req),
                            fields=fields)
        return _warn(_render_one(store, rt, obj, req, 201), fields)
    if method == "PUT":
        if not name:
            raise errors.method_not_allowed()
        if sub == "scale":
            obj = scale.update(store, rt, ns or "", name, _body(req, rt), dry_run=_dry_run(req), manager=_manager(req))
            return encode(obj, "json")
        fields = _fields(req)
        obj = writes.update(store, rt, ns or "", name, _body(req, rt), subresource=sub, dry_run=_dry_run(req),
                            manager=_manager(req), fields=fields)
        return _warn(_render_one(store, rt, obj, req), fields)
    if method == "PATCH":
        if not name:
            raise errors.method_not_allowed()
        ctype = req.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        force = req.params.get("force") in TRUE
        if force and ctype != patches.APPLY_PATCH:
            raise errors.bad_request("force is only allowed for apply patches")
        if sub == "scale":
            obj = scale.patch(store, rt, ns or "", name, req.body, ctype, dry_run=_dry_run(req),
                              manager=_manager(req))
            return encode(obj, "json")
        fields = _fields(req)
        obj, code = patches.patch(store, rt, ns or "", name, req.body, ctype, subresource=sub,
                                  dry_run=_dry_run(req), manager=_manager(req), force=force, fields=fields)
        return _warn(_render_one(store, rt, obj, req, code), fields)
    if method == "DELETE":
        opts = _delete_options(req)
        if sub:
            raise errors.method_not_allowed()
        if not name:
            if "deletecollection" not in rt.verbs:
                raise errors.method_not_allowed()
            with store.lock:
                items = store.items(rt.group, rt.plural, ns if rt.namespaced else None)
                flt = _filter(rt, req.params)
                items = [o for o in items if flt is None or flt(o)]
                deleted = deletion.delete_collection(store, rt, items, policy=opts.get("propagationPolicy"),
                                                     dry_run=bool(opts.get("dryRun")))
                rv = store.rv
            return encode({"kind": rt.list_kind, "apiVersion": rt.api_version,
                           "metadata": {"resourceVersion": str(rv)}, "items": deleted},
                          negotiate(req.headers.get("accept", ""))[0])
        body, code = deletion.delete(store, rt, ns or "", name, policy=opts.get("propagationPolicy"),
                                     preconditions=opts.get("preconditions"), dry_run=bool(opts.get("dryRun")))
        return _render_one(store, rt, body, req, code)
    raise errors.method_not_allowed()
