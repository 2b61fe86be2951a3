"""The render stage of a HelmRelease: chart + composed values + release facts → stored object sets.

The main set goes to the render cache like a Kustomization's (``RenderResult``, so diff and apply
take it unchanged); hooks go beside it (``<key>.hooks.yaml``). The revision is decided here from the
release history in the cluster: the same chart digest, values and settings as the last release keep
its revision (a re-run corrects drift and changes nothing); anything else is the next revision, an
upgrade. Post-renderers run kustomize on the main set, as helm-controller's kustomize post-renderer.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from airflux.helm import render_cache
from airflux.helm.engine import Capabilities, ReleaseFacts, load_chart, render_chart
from airflux.helm.history import ReleaseRecord
from airflux.helm.manifests import (
    IsNamespaced,
    crd_docs,
    default_is_namespaced,
    mark,
    namespace_doc,
    settle,
    split,
)
from airflux.helm.render_cache import render_key, uses_lookup
from airflux.helm.values import ValuesReader, compose_values, merge, values_digest
from airflux.model import RenderError
from airflux.paths import Layout
from airflux.render import cache, kustomize, objects
from airflux.render.objects import Doc
from airflux.render.result import RenderFileError, RenderResult
from airflux.specs.helm_types import HelmRelease, PostRenderer

RENDER_FORMAT = "airflux-helm-render-1"


@dataclass(frozen=True)
class HelmRender:
    """What the render task hands on: the main set (as any render), hooks, and the release's facts."""

    result: RenderResult
    hooks_path: Path
    hook_count: int
    release: ReleaseFacts
    chart: str
    version: str
    app_version: str
    values_digest: str
    release_key: str
    source_revision: str

    def to_dict(self) -> dict[str, Any]:
        """For XCom: the keys every render summary has (revision, path, digest, ...) plus the release's."""
        kinds: dict[str, int] = {}
        for ref in self.result.objects:
            kinds[ref.kind] = kinds.get(ref.kind, 0) + 1
        return {"revision": self.source_revision, "path": str(self.result.path), "digest": self.result.digest,
                "key": self.result.key, "object_count": self.result.object_count, "kinds": dict(sorted(kinds.items())),
                "cached": self.result.cached, "hooks_path": str(self.hooks_path), "hook_count": self.hook_count,
                "release": asdict(self.release), "chart": self.chart, "version": self.version,
                "app_version": self.app_version, "values_digest": self.values_digest,
                "release_key": self.release_key}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HelmRender:
        result = RenderResult(path=Path(data["path"]), digest=data["digest"], key=data["key"],
                              object_count=int(data["object_count"]), objects=(), cached=bool(data["cached"]))
        return cls(result=result, hooks_path=Path(data["hooks_path"]), hook_count=int(data["hook_count"]),
                   release=ReleaseFacts(**data["release"]), chart=data["chart"], version=data["version"],
                   app_version=data["app_version"], values_digest=data["values_digest"],
                   release_key=data["release_key"], source_revision=data["revision"])


def release_key(*, chart_digest: str, values: str, release: HelmRelease) -> str:
    settings = {"format": RENDER_FORMAT, "chart": chart_digest, "values": values, "name": release.release_name,
                "namespace": release.target_namespace, "crds": [release.install_crds, release.upgrade_crds],
                "test": release.test_enable, "createNamespace": release.create_namespace,
                "postRenderers": [asdict(p) for p in release.post_renderers],
                "valuesFiles": list(release.chart.values_files)}
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:40]


def next_release(release: HelmRelease, key: str, history: list[ReleaseRecord]) -> ReleaseFacts:
    """Same key as the last deployed release → its revision again; otherwise the next revision."""
    last = history[-1] if history else None
    if last is not None and last.release_key == key and last.status == "deployed":
        return ReleaseFacts(name=release.release_name, namespace=release.target_namespace, revision=last.revision,
                            is_install=last.revision == 1)
    revision = (max(r.revision for r in history) + 1) if history else 1
    installed = any(r.status == "deployed" for r in history)
    return ReleaseFacts(name=release.release_name, namespace=release.target_namespace, revision=revision,
                        is_install=not installed)


def _values_files(chart: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not names:
        return {}
    files = {f["name"]: f["data"] for f in chart.files}
    if "values.yaml" in names:
        files.setdefault("values.yaml", yaml.safe_dump(chart.values))
    merged: dict[str, Any] = {}
    for name in names:
        if name not in files:
            raise RenderFileError("values file listed in spec.chart.spec.valuesFiles is not in the chart",
                                  file=name, retryable=False)
        loaded = yaml.safe_load(files[name]) or {}
        merged = merge(merged, loaded if isinstance(loaded, dict) else {})
    return merged


def post_render(docs: list[Doc], renderers: tuple[PostRenderer, ...], *, scratch: Path,
                timeout: float) -> list[Doc]:
    """Run each kustomize post-renderer over the set, in order."""
    for renderer in renderers:
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            where = Path(tmp)
            (where / "all.yaml").write_text(objects.dump(docs))
            kustomization: dict[str, Any] = {"apiVersion": "kustomize.config.k8s.io/v1beta1",
                                             "kind": "Kustomization", "resources": ["all.yaml"]}
            if renderer.patches:
                kustomization["patches"] = [_patch(p) for p in renderer.patches]
            if renderer.images:
                kustomization["images"] = [{k: v for k, v in (("name", i.name), ("newName", i.new_name),
                                                              ("newTag", i.new_tag), ("digest", i.digest)) if v}
                                           for i in renderer.images]
            (where / "kustomization.yaml").write_text(yaml.safe_dump(kustomization, sort_keys=False))
            docs = objects.parse(kustomize.build(where, root=where, timeout=timeout), source="postRenderers")
    return docs


def _patch(patch: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"patch": patch.patch}
    if patch.target is not None:
        names = {"label_selector": "labelSelector", "annotation_selector": "annotationSelector"}
        out["target"] = {names.get(k, k): v for k, v in asdict(patch.target).items() if v}
    return out


def render_release(
    release: HelmRelease,
    *,
    chart_path: Path,
    chart_digest: str,
    source_revision: str,
    layout: Layout,
    history: list[ReleaseRecord],
    read_values: ValuesReader | None = None,
    capabilities: Capabilities | None = None,
    kubeconfig: Path | None = None,
    is_namespaced: IsNamespaced = default_is_namespaced,
) -> HelmRender:
    """Render ``release`` from the chart at ``chart_path`` (archive or directory); nothing is applied."""
    caps = capabilities or Capabilities()
    try:
        with load_chart(chart_path) as chart:
            user = merge(_values_files(chart, release.chart.values_files), compose_values(release, read=read_values))
            digest = values_digest(user)
            key = release_key(chart_digest=chart_digest, values=digest, release=release)
            facts = next_release(release, key, history)
            cache_key = render_key(release_key=key, facts=facts, capabilities=caps)
            meta = chart.metadata
            cacheable = not uses_lookup(chart_path, user)
            hit = render_cache.lookup(layout, cache_key) if cacheable else None
            if hit is not None and hit.still_valid(is_namespaced):
                return _summary(hit.result, hit.hooks_path, hit.hook_count, facts=facts, meta=meta, digest=digest,
                                key=key, source_revision=source_revision)
            manifests = render_chart(chart, user, release=facts, capabilities=caps, kubeconfig=kubeconfig)
            crds = chart.crds
        asked: dict[str, bool] = {}

        def recorded(api_version: str, kind: str) -> bool:
            asked[f"{api_version} {kind}"] = answer = is_namespaced(api_version, kind)
            return answer

        policy = release.install_crds if facts.is_install else release.upgrade_crds
        chart_crds = crd_docs(crds, policy=policy)  # parsed once: their scopes, then the set
        parts = split(manifests, namespace=release.target_namespace, test_enable=release.test_enable,
                      is_namespaced=recorded,
                      chart_crds=[d.obj for d in chart_crds] if policy != "Skip" else _crd_objects(crds))
        docs = parts.objects
        if release.post_renderers:
            docs = post_render(docs, release.post_renderers, scratch=layout.root / "tmp",
                               timeout=release.timeout.total_seconds())
        mark(docs, name=release.meta.name, namespace=release.meta.namespace)
        docs = chart_crds + docs
        if release.create_namespace:
            docs = [namespace_doc(release.target_namespace), *docs]
        settle(docs)
        refs = objects.validate(docs, source=f"chart {meta.get('name')} {meta.get('version')}")
        result = cache.store(layout, cache_key, objects.dump(docs), refs)
        hooks_path = render_cache.store_hooks(layout, cache_key, parts.hooks, scopes=asked)
    except RenderError as e:
        if e.obj is None:
            e.obj = release.ident
        raise
    return _summary(result, hooks_path, len(parts.hooks), facts=facts, meta=meta, digest=digest, key=key,
                    source_revision=source_revision)


def _crd_objects(crds: list[dict[str, str]]) -> list[Any]:
    """The chart's ``crds/`` files as objects when the policy skips them (so ``crd_docs`` did not parse
    them); an unreadable one only loses its scope, as a skipped file is never an error."""
    found: list[Any] = []
    for crd in crds:
        try:
            found.extend(yaml.load_all(crd.get("data", ""), Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            continue
    return found


def _summary(result: RenderResult, hooks_path: Path, hook_count: int, *, facts: ReleaseFacts, meta: dict[str, Any],
             digest: str, key: str, source_revision: str) -> HelmRender:
    return HelmRender(result=result, hooks_path=hooks_path, hook_count=hook_count, release=facts,
                      chart=str(meta.get("name") or ""), version=str(meta.get("version") or ""),
                      app_version=str(meta.get("appVersion") or ""), values_digest=digest, release_key=key,
                      source_revision=source_revision)
