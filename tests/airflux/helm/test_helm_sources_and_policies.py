"""Charts from a GitRepository path, the crds policies (Create / CreateReplace / Skip, never pruned),
and kustomize post-renderers over the rendered set."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml
from charts import CRD, package, write_chart

from airflux.helm import apply_release, engine_app, namespaced_by, read_history, render_release
from airflux.paths import Layout
from airflux.reconcile import diff_app
from airflux.source import fetch_source
from airflux.specs import load_file


def _crd_short_names(kubesim: Any) -> list[str]:
    crd = kubesim.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com")
    assert crd is not None
    return list(crd["spec"]["names"].get("shortNames") or [])


WITH_SHORT_NAME = CRD.replace("listKind: WidgetList}", "listKind: WidgetList, shortNames: [wd]}")


def test_crds_are_created_on_install_skipped_on_upgrade_and_replaced_only_when_asked(world: Any,
                                                                                   kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(version="1.0.0")
    world.deploy(release, repo)
    assert _crd_short_names(kubesim) == []

    chart = write_chart(world.tmp / "src" / "1.1.0", version="1.1.0")
    (chart / "crds" / "widgets.yaml").write_text(WITH_SHORT_NAME)
    package(chart, world.repo_dir, version="1.1.0")
    for cached in world.layout.root.joinpath("helm", "index").glob("*.json"):
        cached.unlink()  # the test does not wait out the repository interval
    skipped, repo = world.definitions(version="1.1.0")
    summary = world.deploy(skipped, repo)
    assert summary.revision == 2 and _crd_short_names(kubesim) == []  # upgrade.crds defaults to Skip
    assert any("widgets.example.com" in kept for kept in summary.applied.kept)  # left the set, never pruned

    replaced, repo = world.definitions(version="1.1.0", spec={"upgrade": {"crds": "CreateReplace"}})
    world.deploy(replaced, repo)
    assert _crd_short_names(kubesim) == ["wd"]


def test_post_renderers_patch_and_retag_the_rendered_set(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    patch = yaml.safe_dump({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop",
                            "labels": {"team": "checkout"}}})
    release, repo = world.definitions(spec={"postRenderers": [{"kustomize": {
        "patches": [{"patch": patch, "target": {"kind": "Deployment"}}],
        "images": [{"name": "ghcr.io/example/shop", "newTag": "2.1.0-hotfix"}]}}]})
    world.deploy(release, repo)
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy["metadata"]["labels"]["team"] == "checkout"
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/example/shop:2.1.0-hotfix"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_chart_from_a_git_repository_path(tmp_path: Path, client: Any, kubesim: Any) -> None:
    repo = tmp_path / "git"
    write_chart(repo / "charts", hooks=False)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "chart")
    apps = tmp_path / "apps.yaml"
    apps.write_text(f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: platform, namespace: flux-system}}
spec: {{url: "file://{repo}", ref: {{branch: main}}, interval: 1m}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: shop, namespace: shop}}
spec:
  interval: 5m
  targetNamespace: store
  install: {{createNamespace: true}}
  chart:
    spec:
      chart: ./charts/shop
      valuesFiles: [values.yaml, values-prod.yaml]
      sourceRef: {{kind: GitRepository, name: platform, namespace: flux-system}}
""")
    loaded = load_file(apps)
    assert loaded.errors == ()
    (release,) = loaded.helm_releases
    layout = Layout(tmp_path / "store")
    artifact = fetch_source(loaded.chart_source_of(release), layout=layout)  # type: ignore[arg-type]
    render = render_release(release, chart_path=artifact.path / "charts" / "shop",
                            chart_digest=f"{artifact.digest}:charts/shop", source_revision=artifact.revision,
                            layout=layout, history=[], is_namespaced=namespaced_by(client))
    run_dir = tmp_path / "run"
    diff_app(client, engine_app(release), rendered=render.result.path, rendered_digest=render.result.digest,
             revision=render.source_revision, run_dir=run_dir)
    apply_release(client, release, render=render, run_dir=run_dir, layout=layout, health_interval=0.1)
    deploy = kubesim.get("apps/v1", "Deployment", "store-shop", "store")  # release name: <targetNamespace>-<name>
    assert deploy is not None and deploy["spec"]["replicas"] == 3  # values-prod.yaml over values.yaml
    (record,) = read_history(client, dag_id="hr.shop.shop")
    assert record.source_revision == artifact.revision and record.source_revision.startswith("main@sha1:")
