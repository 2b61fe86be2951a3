"""The Helm render cache: an unchanged reconcile does not render at all.

Like the Kustomization render cache (``airflux.render.cache``), a rendered release is stored under a
key, here made of the release key (chart digest, values digest, release settings), the release facts
(name, namespace, revision, install/upgrade) and the cluster's capabilities. The main set and its refs
are a ``airflux.render.cache`` entry; the hooks sit beside it (``<key>.hooks.yaml``) and
``<key>.helm.json`` (the hook count), written last, marks the whole entry complete.

A chart whose templates (or values, through ``tpl``) call ``lookup`` renders from the live cluster,
so the same key can give different objects: such a release is never served from the cache. The
cluster is also asked whether each kind without a namespace is namespaced (to give it the release's);
those answers are kept in the marker and an entry whose answers the cluster no longer gives (a CRD
deleted and created again with the other scope) is not served.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from airflux.helm.engine import Capabilities, ReleaseFacts
from airflux.helm.manifests import Hook, IsNamespaced
from airflux.paths import Layout, write_atomic
from airflux.render import cache
from airflux.render.result import RenderResult

_LOOKUP = re.compile(rb"\blookup\b")


@dataclass(frozen=True)
class CachedRender:
    result: RenderResult
    hooks_path: Path
    hook_count: int
    scopes: dict[str, bool]  # "<apiVersion> <kind>" → namespaced, as the cluster answered when it was rendered

    def still_valid(self, is_namespaced: IsNamespaced) -> bool:
        return all(is_namespaced(*key.split(" ", 1)) == namespaced for key, namespaced in self.scopes.items())


def render_key(*, release_key: str, facts: ReleaseFacts, capabilities: Capabilities) -> str:
    blob = json.dumps([release_key, asdict(facts), asdict(capabilities)], default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:40]


def uses_lookup(chart_path: Path, values: dict[str, Any]) -> bool:
    """Whether a template of the chart (or a subchart), or a value fed to ``tpl``, may call ``lookup``.

    Conservative: any file of the chart naming ``lookup`` counts, so at worst a release renders
    every time, as it did without the cache.
    """
    if _LOOKUP.search(json.dumps(values).encode()):
        return True
    if chart_path.is_dir():
        return any(_LOOKUP.search(p.read_bytes()) for p in chart_path.rglob("*") if p.is_file())
    try:
        with tarfile.open(chart_path, "r:*") as archive:
            for member in archive:
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None and _LOOKUP.search(handle.read()):
                    return True
    except (OSError, tarfile.TarError):
        return True
    return False


def _hooks_path(layout: Layout, key: str) -> Path:
    return layout.renders / f"{key}.hooks.yaml"


def _marker(layout: Layout, key: str) -> Path:
    return layout.renders / f"{key}.helm.json"


def lookup(layout: Layout, key: str) -> CachedRender | None:
    """The stored render of ``key``, or None when there is no complete entry."""
    try:
        meta = json.loads(_marker(layout, key).read_bytes())
    except (OSError, ValueError):
        return None
    result = cache.lookup(layout, key)
    hooks = _hooks_path(layout, key)
    if result is None or not hooks.is_file():
        return None
    return CachedRender(result=result, hooks_path=hooks, hook_count=int(meta["hooks"]),
                        scopes={str(k): bool(v) for k, v in dict(meta.get("scopes") or {}).items()})


def store_hooks(layout: Layout, key: str, hooks: list[Hook], *, scopes: dict[str, bool]) -> Path:
    """Write the hooks beside the stored main set, then the marker (with the cluster's scope answers)
    that completes the entry."""
    path = _hooks_path(layout, key)
    write_atomic(path, yaml.safe_dump_all(
        [{"template": h.template, "events": list(h.events), "weight": h.weight,
          "deletePolicies": list(h.delete_policies), "object": h.obj} for h in hooks], sort_keys=False))
    write_atomic(_marker(layout, key), json.dumps({"hooks": len(hooks), "scopes": scopes}))
    return path
