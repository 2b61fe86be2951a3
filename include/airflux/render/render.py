"""The render stage: one Kustomization at one source artifact → a checked, stored object set.

Order of work, as in kustomize-controller: resolve the substitution variables (they are part of
the cache key), look the set up in the cache, else build with kustomize (through Flux's generated
kustomization when the spec asks for it), parse, substitute, add commonMetadata, validate, store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from airflux.model import RenderError
from airflux.paths import Layout
from airflux.render import cache, generate, kustomize, objects
from airflux.render.result import RenderResult
from airflux.render.substitute import collect_vars
from airflux.specs.types import Kustomization, SubstituteFrom


def render(
    ks: Kustomization,
    *,
    artifact_dir: Path,
    artifact_digest: str,
    layout: Layout,
    substitute_from: Callable[[SubstituteFrom], dict[str, str] | None] | None = None,
    timeout: float | None = None,
) -> RenderResult:
    """Render ``ks`` from the source tree at ``artifact_dir``.

    ``substitute_from`` reads one ConfigMap/Secret of ``substituteFrom`` from the target cluster
    (Secret values decoded) and returns None when it does not exist. ``timeout`` bounds the
    kustomize build (default: the Kustomization's ``spec.timeout``).
    """
    who = ks.ident
    try:
        variables = collect_vars(ks, substitute_from)
        kubectl = kustomize.find_kubectl()
        spec = cache.spec_digest(ks, engine=_engine_id(kubectl))
        key = cache.cache_key(
            artifact_digest=artifact_digest,
            path=os.path.normpath(ks.path.strip().lstrip("/") or "."),
            spec=spec,
            variables=cache.vars_digest(variables),
        )
        hit = cache.lookup(layout, key)
        if hit is not None:
            return hit

        limit = timeout if timeout is not None else max(ks.timeout.total_seconds(), 30.0)
        with generate.build_dir(ks, artifact_dir=artifact_dir, scratch=layout.root / "tmp") as (where, root):
            output = kustomize.build(where, root=root, timeout=limit)
            source = os.path.relpath(where, root)
        docs = objects.parse(output, source=source)
        objects.substitute_all(docs, variables, source=source)
        if ks.common_metadata is not None:
            objects.set_common_metadata(
                docs,
                labels=dict(ks.common_metadata.labels),
                annotations=dict(ks.common_metadata.annotations),
            )
        refs = objects.validate(docs, source=source)
        return cache.store(layout, key, objects.dump(docs), refs)
    except RenderError as e:
        if e.obj is None:
            e.obj = who
        raise


def _engine_id(kubectl: str) -> str:
    try:
        st = os.stat(kubectl)
    except OSError:
        return kubectl
    return f"{kubectl}:{st.st_size}:{st.st_mtime_ns}"
