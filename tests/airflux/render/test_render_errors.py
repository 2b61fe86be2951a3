"""Broken input is reported with the file it is in and what is wrong, and nothing is stored."""

from __future__ import annotations

import pytest
from render_helpers import TreeWriter, cm, make_ks

from airflux.model import ObjRef, RenderError
from airflux.paths import Layout
from airflux.render import RenderFileError, render

pytestmark = pytest.mark.kubectl

BAD_YAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n"


def _fail(ks, root, layout: Layout) -> RenderFileError:
    with pytest.raises(RenderFileError) as info:
        render(ks, artifact_dir=root, artifact_digest="sha256:x", layout=layout)
    assert isinstance(info.value, RenderError) and not info.value.retryable
    assert not list(layout.renders.glob("*.json")), "a failed render stores nothing"
    return info.value


def test_invalid_yaml_in_a_base_names_that_file(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "base/kustomization.yaml": "resources: [cm.yaml]\n",
        "base/cm.yaml": BAD_YAML,
        "prod/kustomization.yaml": "resources: [../base]\n",
    })
    err = _fail(make_ks(path="./prod"), root, layout)
    assert err.file == "base/cm.yaml"
    assert "line 4: did not find expected key" in str(err)
    assert str(root) not in str(err), "paths are shown relative to the artifact"


def test_invalid_yaml_without_kustomization_names_that_file(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/good.yaml": cm("good"), "app/bad.yaml": BAD_YAML})
    err = _fail(make_ks(path="./app"), root, layout)
    assert err.file == "app/bad.yaml"
    assert "line 4" in str(err)


def test_kustomize_error_names_the_kustomization_and_the_problem(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "app/kustomization.yaml": "resources: [cm.yaml]\nnotAField: 1\n",
        "app/cm.yaml": cm("c"),
    })
    err = _fail(make_ks(path="./app"), root, layout)
    assert err.file == "app/kustomization.yaml"
    assert 'unknown field "notAField"' in str(err)
    assert "Kustomization/flux-system/app" in str(err)


def test_missing_resource_names_the_kustomization_listing_it(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/kustomization.yaml": "resources: [gone.yaml]\n"})
    err = _fail(make_ks(path="./app"), root, layout)
    assert err.file == "app/kustomization.yaml"
    assert "app/gone.yaml: no such file or directory" in str(err)
    assert "evalsymlink" not in str(err) and "must build at directory" not in str(err)


def test_patch_that_does_not_apply_is_reported(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "app/kustomization.yaml": "resources: [cm.yaml]\n",
        "app/cm.yaml": cm("c"),
    })
    from airflux.specs.types import Patch, Selector

    patch = Patch(patch="- op: replace\n  path: /data/missing/deeper\n  value: x\n", target=Selector(kind="ConfigMap"))
    err = _fail(make_ks(path="./app", patches=(patch,)), root, layout)
    assert err.file == "app/kustomization.yaml"
    assert "/data/missing/deeper" in str(err)


def test_kustomize_duplicate_is_reported_with_the_kustomization(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "app/a/kustomization.yaml": "resources: [cm.yaml]\n",
        "app/a/cm.yaml": cm("same", namespace="one"),
        "app/b/kustomization.yaml": "resources: [cm.yaml]\nnamespace: one\n",
        "app/b/cm.yaml": cm("same", namespace="two"),
    })
    err = _fail(make_ks(path="./app", target_namespace="shop"), root, layout)
    assert "already registered id" in str(err) or "ID conflict" in str(err)
    assert len(err.message) < 600


def test_duplicate_objects_kustomize_cannot_see_are_refused(artifact: TreeWriter, layout: Layout) -> None:
    # Two API versions of one kind are different ids to kustomize but the same object to the API.
    dep = "apiVersion: {v}\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec: {{}}\n"
    root = artifact({"app/v1.yaml": dep.format(v="apps/v1"), "app/beta.yaml": dep.format(v="apps/v1beta2")})
    err = _fail(make_ks(path="./app"), root, layout)
    assert "duplicate object Deployment/shop/web" in str(err)
    assert err.obj == ObjRef("apps", "Deployment", "shop", "web")


def test_objects_without_identity_are_refused(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "app/kustomization.yaml": "resources: [nameless.yaml]\n",
        "app/nameless.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n",
    })
    err = _fail(make_ks(path="./app"), root, layout)
    assert "name" in str(err)
