"""The Kustomization fields kustomize-controller writes into the build, applied as Flux does."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from render_helpers import TreeWriter, cm, deployment, make_ks

from airflux.model import RenderError
from airflux.paths import Layout
from airflux.render import render
from airflux.specs.types import CommonMetadata, Image, Kustomization, Patch, Selector

pytestmark = pytest.mark.kubectl


def _build(ks: Kustomization, root, layout: Layout) -> dict[str, dict[str, Any]]:
    result = render(ks, artifact_dir=root, artifact_digest="sha256:x", layout=layout)
    objs = list(yaml.safe_load_all(result.path.read_text()))
    assert len(objs) == result.object_count
    return {f"{o['kind']}/{o['metadata']['name']}": o for o in objs}


@pytest.fixture
def app(artifact: TreeWriter):
    return artifact({
        "app/kustomization.yaml": "resources: [web.yaml, api.yaml, cm.yaml]\nnamespace: original\nnamePrefix: user-\n",
        "app/web.yaml": deployment("web", image="nginx:1.25", labels="app: web"),
        "app/api.yaml": deployment("api", image="ghcr.io/acme/api:1.0", labels="app: api"),
        "app/cm.yaml": cm("settings", data="  level: info\n"),
        "components/debug/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "patches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - op: replace\n      path: /data/level\n      value: debug\n"
        ),
        "components/extra/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\n"
        ),
        "components/extra/extra.yaml": cm("extra"),
    })


def test_target_namespace_and_name_affixes_replace_the_users(app, layout: Layout) -> None:
    objs = _build(make_ks(path="./app", target_namespace="shop", name_prefix="p-", name_suffix="-s"), app, layout)
    assert set(objs) == {"Deployment/p-web-s", "Deployment/p-api-s", "ConfigMap/p-settings-s"}
    assert {o["metadata"]["namespace"] for o in objs.values()} == {"shop"}


def test_without_flux_fields_the_users_kustomization_is_built_as_is(app, layout: Layout) -> None:
    objs = _build(make_ks(path="./app"), app, layout)
    assert set(objs) == {"Deployment/user-web", "Deployment/user-api", "ConfigMap/user-settings"}
    assert {o["metadata"]["namespace"] for o in objs.values()} == {"original"}
    assert "patches" not in (app / "app" / "kustomization.yaml").read_text()


def test_strategic_merge_patch_with_and_without_target(app, layout: Layout) -> None:
    by_target = Patch(
        patch="apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  replicas: 3\n",
        target=Selector(kind="Deployment", label_selector=None, name="web"),
    )
    by_name = Patch(patch="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  added: 'yes'\n")
    objs = _build(make_ks(path="./app", patches=(by_target, by_name)), app, layout)
    assert objs["Deployment/user-web"]["spec"]["replicas"] == 3
    assert objs["Deployment/user-api"]["spec"]["replicas"] == 1
    assert objs["ConfigMap/user-settings"]["data"] == {"level": "info", "added": "yes"}


def test_json6902_patch_with_target_selectors(app, layout: Layout) -> None:
    patch = Patch(
        patch="- op: add\n  path: /metadata/annotations\n  value: {patched: 'true'}\n",
        target=Selector(group="apps", version="v1", kind="Deployment", name="a.*"),
    )
    by_label = Patch(
        patch="- op: replace\n  path: /spec/replicas\n  value: 5\n",
        target=Selector(kind="Deployment", label_selector="app=web"),
    )
    objs = _build(make_ks(path="./app", patches=(patch, by_label)), app, layout)
    assert objs["Deployment/user-api"]["metadata"]["annotations"] == {"patched": "true"}
    assert "annotations" not in objs["Deployment/user-web"]["metadata"]
    assert objs["Deployment/user-web"]["spec"]["replicas"] == 5
    assert objs["Deployment/user-api"]["spec"]["replicas"] == 1


def test_images_set_name_tag_and_digest(app, layout: Layout) -> None:
    images = (
        Image(name="nginx", new_tag="1.27"),
        Image(name="ghcr.io/acme/api", new_name="registry.local/api", digest="sha256:" + "a" * 64),
    )
    objs = _build(make_ks(path="./app", images=images), app, layout)
    image = lambda key: objs[key]["spec"]["template"]["spec"]["containers"][0]["image"]  # noqa: E731
    assert image("Deployment/user-web") == "nginx:1.27"
    assert image("Deployment/user-api") == "registry.local/api@sha256:" + "a" * 64


def test_image_of_the_same_name_replaces_the_users(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({
        "app/kustomization.yaml": "resources: [web.yaml]\nimages:\n- name: nginx\n  newTag: user-tag\n",
        "app/web.yaml": deployment("web"),
    })
    objs = _build(make_ks(path="./app", images=(Image(name="nginx", new_tag="flux-tag"),)), root, layout)
    assert objs["Deployment/web"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:flux-tag"


def test_components_relative_to_the_path(app, layout: Layout) -> None:
    objs = _build(make_ks(path="./app", components=("../components/debug", "../components/extra")), app, layout)
    assert objs["ConfigMap/user-settings"]["data"]["level"] == "debug"
    assert "ConfigMap/user-extra" in objs


def test_component_outside_the_artifact_is_refused(app, layout: Layout) -> None:
    with pytest.raises(RenderError, match="leaves the artifact"):
        render(make_ks(path="./app", components=("../../elsewhere",)), artifact_dir=app,
               artifact_digest="sha256:x", layout=layout)
    with pytest.raises(RenderError, match="must be local"):
        render(make_ks(path="./app", components=("https://example.com/c",)), artifact_dir=app,
               artifact_digest="sha256:x", layout=layout)


def test_common_metadata_touches_metadata_only(app, layout: Layout) -> None:
    meta = CommonMetadata(labels=(("team", "shop"), ("app", "overridden")), annotations=(("owner", "ops"),))
    objs = _build(make_ks(path="./app", common_metadata=meta), app, layout)
    web = objs["Deployment/user-web"]
    assert web["metadata"]["labels"] == {"team": "shop", "app": "overridden"}
    assert web["metadata"]["annotations"] == {"owner": "ops"}
    assert web["spec"]["selector"]["matchLabels"] == {"app": "web"}
    assert web["spec"]["template"]["metadata"]["labels"] == {"app": "web"}
    assert objs["ConfigMap/user-settings"]["metadata"]["labels"]["team"] == "shop"


def test_flux_fields_on_a_generated_kustomization(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"plain/web.yaml": deployment("web"), "plain/cm.yaml": cm("c")})
    ks = make_ks(path="./plain", target_namespace="shop", name_suffix="-v2", images=(Image(name="nginx", new_tag="2"),))
    objs = _build(ks, root, layout)
    assert set(objs) == {"Deployment/web-v2", "ConfigMap/c-v2"}
    assert objs["Deployment/web-v2"]["metadata"]["namespace"] == "shop"
    assert objs["Deployment/web-v2"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2"
    assert sorted(p.name for p in (root / "plain").iterdir()) == ["cm.yaml", "web.yaml"]


def test_artifact_is_never_modified(app, layout: Layout) -> None:
    before = {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}
    _build(make_ks(path="./app", target_namespace="x", patches=(Patch(patch="[]", target=Selector(kind="X")),)),
           app, layout)
    after = {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}
    assert after == before
