"""Non-resource GET endpoints: /version, API discovery (legacy and aggregated) and OpenAPI.

kubectl and client libraries learn everything about a server from these documents before they
send a single resource request: which group/versions exist, the plural, short names, scope,
verbs and categories of every kind (discovery), and field schemas, patch strategies and the
query parameters each endpoint supports (OpenAPI). They are derived from the Registry so that
CRDs appear the moment they are registered. Documents are cached per registry generation.
"""

from __future__ import annotations

from typing import Any

from kubesim import errors, openapi
from kubesim.bodies import dumps, error_reply
from kubesim.resources import Registry, ResourceType

JSON = "application/json"
AGGREGATED_PARAMS = {"g": "apidiscovery.k8s.io", "as": "APIGroupDiscoveryList"}
AGGREGATED_VERSIONS = ("v2", "v2beta1")

VERSION_INFO: dict[str, str] = {
    "major": "1",
    "minor": "36",
    "emulationMajor": "1",
    "emulationMinor": "36",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "35",
    "gitVersion": "v1.36.0+kubesim",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-04-22T00:00:00Z",
    "goVersion": "go1.25.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}

# Subresource discovery entries: (response group, version, kind or None for the parent kind, verbs).
_SUBRESOURCES: dict[str, tuple[str | None, str | None, str | None, tuple[str, ...]]] = {
    "status": (None, None, None, ("get", "patch", "update")),
    "scale": ("autoscaling", "v1", "Scale", ("get", "patch", "update")),
    "finalize": (None, None, None, ("update",)),
}


def _not_found() -> tuple[int, str, bytes]:
    return error_reply(errors.not_found_page())


def _media_types(accept: str) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for part in (accept or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params: dict[str, str] = {}
        for p in pieces[1:]:
            k, _, v = p.partition("=")
            params[k.strip()] = v.strip().strip('"')
        out.append((pieces[0].lower(), params))
    return out


def aggregated_version(accept: str) -> str | None:
    """The apidiscovery version the client asks for first in `Accept` (JSON only), else None."""
    for media, params in _media_types(accept):
        if (
            media == JSON
            and params.get("g") == AGGREGATED_PARAMS["g"]
            and params.get("as") == AGGREGATED_PARAMS["as"]
        ):
            if params.get("v") in AGGREGATED_VERSIONS:
                return params["v"]
        elif media in (JSON, "*/*", "application/*") and not params.get("g"):
            return None
    return None


# ---- legacy discovery -------------------------------------------------------------------------
def _gv_entry(group: str, version: str) -> dict[str, str]:
    return {"groupVersion": f"{group}/{version}" if group else version, "version": version}


def _api_group(group: str, versions: list[str]) -> dict[str, Any]:
    return {
        "name": group,
        "versions": [_gv_entry(group, v) for v in versions],
        "preferredVersion": _gv_entry(group, versions[0]),
    }


def api_resource(rt: ResourceType) -> dict[str, Any]:
    res: dict[str, Any] = {
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        res["shortNames"] = list(rt.short_names)
    if rt.categories:
        res["categories"] = list(rt.categories)
    res["storageVersionHash"] = rt.storage_version_hash
    return res


def _api_subresources(rt: ResourceType) -> list[dict[str, Any]]:
    out = []
    for sub in sorted(rt.subresources):
        group, version, kind, verbs = _SUBRESOURCES.get(sub, (None, None, None, ("get",)))
        entry: dict[str, Any] = {
            "name": f"{rt.plural}/{sub}",
            "singularName": "",
            "namespaced": rt.namespaced,
        }
        if group is not None:
            entry["group"] = group
            entry["version"] = version
        entry["kind"] = kind or rt.kind
        entry["verbs"] = list(verbs)
        out.append(entry)
    return out


def _resource_list(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    types = registry.resources_in(group, version)
    if not types:
        return None
    resources: list[dict[str, Any]] = []
    for rt in types:
        resources.append(api_resource(rt))
        resources.extend(_api_subresources(rt))
    doc: dict[str, Any] = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc["groupVersion"] = f"{group}/{version}" if group else version
    doc["resources"] = resources
    return doc


# ---- aggregated discovery (apidiscovery.k8s.io/v2) -------------------------------------------
def _resource_discovery(rt: ResourceType) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resource": rt.plural,
        # kube-apiserver leaves group/version empty for a resource of the listed group-version; the
        # apiextensions server (CRDs) fills them in.
        "responseKind": {
            "group": rt.group if rt.is_custom else "",
            "version": rt.version if rt.is_custom else "",
            "kind": rt.kind,
        },
        "scope": "Namespaced" if rt.namespaced else "Cluster",
        "singularResource": rt.singular,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        res["shortNames"] = list(rt.short_names)
    if rt.categories:
        res["categories"] = list(rt.categories)
    subs = []
    for sub in sorted(rt.subresources):
        group, version, kind, verbs = _SUBRESOURCES.get(sub, (None, None, None, ("get",)))
        subs.append(
            {
                "subresource": sub,
                "responseKind": {
                    "group": group if group is not None else (rt.group if rt.is_custom else ""),
                    "version": version if version is not None else (rt.version if rt.is_custom else ""),
                    "kind": kind or rt.kind,
                },
                "verbs": list(verbs),
            }
        )
    if subs:
        res["subresources"] = subs
    return res


def _group_discovery(registry: Registry, group: str, versions: list[str]) -> dict[str, Any]:
    return {
        "metadata": {"name": group, "creationTimestamp": None} if group else {"creationTimestamp": None},
        "versions": [
            {
                "version": v,
                "resources": [_resource_discovery(rt) for rt in registry.resources_in(group, v)],
                "freshness": "Current",
            }
            for v in versions
        ],
    }


def _aggregated(registry: Registry, legacy: bool, version: str) -> dict[str, Any]:
    groups = [(g, vs) for g, vs in registry.groups() if (g == "") == legacy]
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{version}",
        "metadata": {},
        "items": [_group_discovery(registry, g, vs) for g, vs in groups],
    }


# ---- entry point --------------------------------------------------------------------------
def handle(
    registry: Registry, path: str, accept: str, *, server_address: str = ""
) -> tuple[int, str, bytes] | None:
    """(status, content-type, body) for a non-resource GET path; None when `path` is not one.

    `server_address` ("host:port") fills APIVersions.serverAddressByClientCIDRs when given.
    """
    path, _, query = path.partition("?")
    path = "/" + path.strip("/")
    if path == "/version":
        return 200, JSON, dumps(VERSION_INFO)
    if path.startswith("/openapi/"):
        return openapi.handle(registry, path, query, accept)
    if not (path == "/api" or path == "/apis" or path.startswith(("/api/", "/apis/"))):
        return None
    parts = path.strip("/").split("/")
    # Resource paths (/api/v1/pods, /apis/apps/v1/deployments, ...) belong to the core.
    if (parts[0] == "api" and len(parts) > 2) or (parts[0] == "apis" and len(parts) > 3):
        return None
    agg = aggregated_version(accept) if len(parts) == 1 else None
    return registry.cached(
        ("discovery", tuple(parts), agg, server_address),
        lambda: _discovery(registry, parts, agg, server_address),
    )


def _discovery(
    registry: Registry, parts: list[str], agg: str | None, server_address: str
) -> tuple[int, str, bytes]:
    groups = dict(registry.groups())
    if agg is not None:
        content_type = f"{JSON};g=apidiscovery.k8s.io;v={agg};as=APIGroupDiscoveryList"
        return 200, content_type, dumps(_aggregated(registry, parts[0] == "api", agg))
    if parts == ["api"]:
        cidrs = [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}] if server_address else []
        doc: dict[str, Any] = {
            "kind": "APIVersions",
            "versions": groups.get("", []),
            "serverAddressByClientCIDRs": cidrs,
        }
        return 200, JSON, dumps(doc)
    if parts == ["apis"]:
        doc = {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [_api_group(g, vs) for g, vs in registry.groups() if g],
        }
        return 200, JSON, dumps(doc)
    if parts[0] == "api" and len(parts) == 2:
        listing = _resource_list(registry, "", parts[1])
        return (200, JSON, dumps(listing)) if listing else _not_found()
    if parts[0] == "apis" and len(parts) == 2:
        versions = groups.get(parts[1])
        if not versions or not parts[1]:
            return _not_found()
        doc = {"kind": "APIGroup", "apiVersion": "v1", **_api_group(parts[1], versions)}
        return 200, JSON, dumps(doc)
    if parts[0] == "apis" and len(parts) == 3:
        listing = _resource_list(registry, parts[1], parts[2])
        return (200, JSON, dumps(listing)) if listing else _not_found()
    return _not_found()
