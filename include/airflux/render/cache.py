"""The render cache: an unchanged revision is never rebuilt.

A rendered set is stored under a key made of the artifact digest, the Kustomization path, the
digest of every spec field that changes the output and the digest of the substitution variables.
Each entry is two files under ``Layout.renders``: ``<key>.yaml`` (the objects) and
``<key>.json`` (digest, count and object refs), written in that order with atomic renames, so a
present ``.json`` means a complete entry and a hit costs one small read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from airflux.model import ObjRef
from airflux.paths import Layout, write_atomic
from airflux.render.result import RenderResult
from airflux.specs.types import Kustomization

# Bump when the way Airflux renders changes, so old entries are not reused.
RENDER_FORMAT = "airflux-render-1"


def spec_digest(ks: Kustomization, *, engine: str) -> str:
    """Digest of the Kustomization fields that affect the rendered output (and of the engine used)."""
    post = ks.post_build
    parts: dict[str, Any] = {
        "format": RENDER_FORMAT,
        "engine": engine,
        "path": ks.path,
        "namespace": ks.meta.namespace,
        "targetNamespace": ks.target_namespace,
        "namePrefix": ks.name_prefix,
        "nameSuffix": ks.name_suffix,
        "commonMetadata": asdict(ks.common_metadata) if ks.common_metadata else None,
        "patches": [asdict(p) for p in ks.patches],
        "images": [asdict(i) for i in ks.images],
        "components": list(ks.components),
        "substituteFrom": [asdict(s) for s in post.substitute_from] if post else None,
    }
    return _digest(parts)


def vars_digest(variables: Mapping[str, str]) -> str:
    """Digest of the resolved variables (the values themselves are never stored)."""
    return _digest(sorted(variables.items()))


def cache_key(*, artifact_digest: str, path: str, spec: str, variables: str) -> str:
    return _digest([artifact_digest, path, spec, variables])[:40]


def lookup(layout: Layout, key: str) -> RenderResult | None:
    meta = layout.renders / f"{key}.json"
    try:
        data = json.loads(meta.read_bytes())
    except (OSError, ValueError):
        return None
    rendered = layout.renders / f"{key}.yaml"
    if not rendered.is_file():
        return None
    return RenderResult(
        path=rendered,
        digest=data["digest"],
        key=key,
        object_count=data["count"],
        objects=tuple(ObjRef(*ref) for ref in data["objects"]),
        cached=True,
    )


def store(layout: Layout, key: str, text: str, refs: tuple[ObjRef, ...]) -> RenderResult:
    layout.renders.mkdir(parents=True, exist_ok=True)
    body = text.encode("utf-8")
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    rendered = layout.renders / f"{key}.yaml"
    write_atomic(rendered, body)
    meta = {
        "digest": digest,
        "count": len(refs),
        "objects": [[r.group, r.kind, r.namespace, r.name] for r in refs],
    }
    write_atomic(layout.renders / f"{key}.json", json.dumps(meta, separators=(",", ":")).encode())
    return RenderResult(path=rendered, digest=digest, key=key, object_count=len(refs), objects=refs, cached=False)


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
