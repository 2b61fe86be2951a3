"""Plain kustomize builds, Flux's generated kustomization, the cache and the artifact boundary."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from render_helpers import TreeWriter, cm, deployment, make_ks

from airflux.model import ObjRef, RenderError
from airflux.paths import Layout
from airflux.render import RenderResult, render

pytestmark = pytest.mark.kubectl


def _objects(result: RenderResult) -> list[dict]:
    return list(yaml.safe_load_all(result.path.read_text()))


def _render(ks, root: Path, layout: Layout, digest: str = "sha256:one") -> RenderResult:
    return render(ks, artifact_dir=root, artifact_digest=digest, layout=layout)


def test_overlay_builds_over_its_base(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "base/kustomization.yaml": "resources: [web.yaml, cm.yaml]\n",
        "base/web.yaml": deployment("web"),
        "base/cm.yaml": cm("settings"),
        "prod/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\nnamespace: shop\n",
    })
    result = _render(make_ks(path="./prod"), root, layout)
    assert result.object_count == 2
    assert set(result.objects) == {
        ObjRef("apps", "Deployment", "shop", "prod-web"),
        ObjRef("", "ConfigMap", "shop", "prod-settings"),
    }
    assert result.path.is_file() and result.path.is_relative_to(layout.renders)
    assert {o["metadata"]["name"] for o in _objects(result)} == {"prod-web", "prod-settings"}
    assert result.digest.startswith("sha256:") and not result.cached


def test_directory_without_kustomization_gets_flux_generated_one(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "apps/web.yaml": deployment("web"),
        "apps/more/cms.yml": cm("a") + "---\n" + cm("b"),
        "apps/notes.txt": "not yaml",
        "apps/values.yaml": "replicas: 3\nimage: nginx\n",  # no apiVersion/kind: not a manifest
        "apps/sub/kustomization.yaml": "resources: [x.yaml]\nnameSuffix: -sub\n",
        "apps/sub/x.yaml": cm("x"),
        "apps/sub/ignored.yaml": cm("ignored"),  # sub-dir with its own kustomization: only what it lists
    })
    result = _render(make_ks(path="apps"), root, layout)
    assert sorted(r.name for r in result.objects) == ["a", "b", "web", "x-sub"]
    assert not (root / "apps" / "kustomization.yaml").exists(), "the artifact must never be modified"


def test_empty_directory_renders_zero_objects(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"empty/README.md": "nothing here\n"})
    result = _render(make_ks(path="./empty"), root, layout)
    assert result.object_count == 0 and result.objects == ()


def test_second_render_of_same_digest_is_a_fast_cache_hit(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/web.yaml": deployment("web"), "app/cm.yaml": cm("c")})
    ks = make_ks(path="./app", target_namespace="shop")
    first = _render(ks, root, layout)
    start = time.perf_counter()
    second = _render(ks, root, layout)
    elapsed = time.perf_counter() - start
    assert second.cached and not first.cached
    assert (second.path, second.digest, second.objects) == (first.path, first.digest, first.objects)
    assert elapsed < 0.05


def test_a_new_digest_or_changed_spec_renders_again(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/cm.yaml": cm("c")})
    first = _render(make_ks(path="./app"), root, layout)
    (root / "app" / "cm2.yaml").write_text(cm("d"))
    new_revision = _render(make_ks(path="./app"), root, layout, digest="sha256:two")
    new_spec = _render(make_ks(path="./app", name_prefix="x-"), root, layout, digest="sha256:two")
    assert not new_revision.cached and new_revision.object_count == 2
    assert not new_spec.cached and {r.name for r in new_spec.objects} == {"x-c", "x-d"}
    assert len({first.key, new_revision.key, new_spec.key}) == 3


@pytest.mark.parametrize("path", ["../outside", "./app/../../outside", "/../outside"])
def test_path_leaving_the_artifact_is_refused(artifact: TreeWriter, layout: Layout, tmp_path: Path, path: str) -> None:
    root = artifact({"app/cm.yaml": cm("c")})
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(cm("stolen"))
    with pytest.raises(RenderError, match="leaves the artifact"):
        _render(make_ks(path=path), root, layout)


def test_missing_path_is_an_error_naming_it(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/cm.yaml": cm("c")})
    with pytest.raises(RenderError, match=r"'./nope' not found") as info:
        _render(make_ks(path="./nope"), root, layout)
    assert "Kustomization/flux-system/app" in str(info.value)


def test_kustomization_may_not_read_files_above_its_directory(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "shared/cm.yaml": cm("shared"),
        "app/kustomization.yaml": "resources: [../shared/cm.yaml]\n",
    })
    with pytest.raises(RenderError, match="is not in or below"):
        _render(make_ks(path="./app"), root, layout)


def test_symlinks_out_of_the_artifact_are_refused(artifact: TreeWriter, layout: Layout, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(cm("stolen"))
    root = artifact({"app/ok.yaml": cm("ok"), "listed/kustomization.yaml": "resources: [link.yaml]\n"})
    (root / "app" / "link.yaml").symlink_to(outside / "secret.yaml")
    (root / "listed" / "link.yaml").symlink_to(outside / "secret.yaml")
    (root / "escape").symlink_to(outside)
    for path in ("./app", "./listed"):
        with pytest.raises(RenderError, match=r"security; file '.*link.yaml' is not in or below"):
            _render(make_ks(path=path), root, layout)
    with pytest.raises(RenderError, match="leaves the artifact"):
        _render(make_ks(path="./escape"), root, layout)


def test_build_copies_are_removed_and_stale_ones_cleaned(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/cm.yaml": cm("c")})
    stale = layout.root / "tmp" / "build-stale"
    stale.mkdir(parents=True)
    (stale / "left.yaml").write_text("x")
    os.utime(stale, (1, 1))
    _render(make_ks(path="./app"), root, layout)
    assert list((layout.root / "tmp").iterdir()) == []
