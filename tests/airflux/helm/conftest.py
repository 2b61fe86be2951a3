"""Helm tests: a kubesim cluster, a local HTTP Helm repository with the test chart, and one helper that
takes a HelmRelease through the chain the DAG runs (fetch chart → render → diff → apply)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from charts import package, serve, write_chart

from airflux.helm import (
    ReleaseSummary,
    apply_release,
    cluster_capabilities,
    engine_app,
    fetch_chart,
    kube_values_reader,
    namespaced_by,
    read_history,
    render_release,
)
from airflux.helm.render import HelmRender
from airflux.kube import ClientOptions, KubeClient, RetryPolicy
from airflux.paths import Layout
from airflux.reconcile import diff_app
from airflux.specs import load_file
from airflux.specs.helm_types import HelmRelease, HelmRepository


@pytest.fixture
def client(kubesim: Any) -> Iterator[KubeClient]:
    opts = ClientOptions(retry=RetryPolicy(attempts=3, base_delay=0.05, max_retry_after=1.0))
    with KubeClient.from_kubeconfig(kubesim.kubeconfig, options=opts) as c:
        yield c


@dataclass
class HelmWorld:
    """One test's world: the chart source dir, the served repository, the artifact store, definitions."""

    tmp: Path
    repo_dir: Path
    url: str
    layout: Layout
    client: KubeClient
    kubeconfig: Path
    runs: Iterator[int]

    def publish(self, version: str, **chart: Any) -> Path:
        source = write_chart(self.tmp / "src" / version, version=version, **chart)
        return package(source, self.repo_dir, version=version)

    def definitions(self, *, version: str = "*", spec: dict[str, Any] | None = None,
                    name: str = "shop") -> tuple[HelmRelease, HelmRepository]:
        docs = [
            {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
             "metadata": {"name": "charts", "namespace": "flux-system"},
             "spec": {"url": self.url, "interval": "10m",
                      **({"type": "oci"} if self.url.startswith("oci://") else {})}},
            {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
             "metadata": {"name": name, "namespace": "shop"},
             "spec": {"interval": "5m", "timeout": "20s", "chart": {"spec": {
                 "chart": "shop", "version": version,
                 "sourceRef": {"kind": "HelmRepository", "name": "charts", "namespace": "flux-system"}}},
                 "install": {"createNamespace": True}, **(spec or {})}},
        ]
        path = self.tmp / f"apps-{next(self.runs)}.yaml"
        path.write_text(yaml.safe_dump_all(docs))
        apps = load_file(path)
        assert apps.errors == (), apps.errors
        (release,) = apps.helm_releases
        (repo,) = apps.helm_repositories
        return release, repo

    def render(self, release: HelmRelease, repo: HelmRepository) -> HelmRender:
        artifact = fetch_chart(repo, chart=release.chart.chart, version=release.chart.version, layout=self.layout)
        return render_release(
            release, chart_path=artifact.path, chart_digest=artifact.digest, source_revision=artifact.revision,
            layout=self.layout, history=read_history(self.client, dag_id=release.dag_id),
            read_values=kube_values_reader(self.client.api_client, namespace=release.meta.namespace),
            capabilities=cluster_capabilities(self.client), kubeconfig=self.kubeconfig,
            is_namespaced=namespaced_by(self.client))

    def deploy(self, release: HelmRelease, repo: HelmRepository) -> ReleaseSummary:
        render = self.render(release, repo)
        run_dir = self.layout.root / "runs" / str(next(self.runs))
        diff_app(self.client, engine_app(release), rendered=render.result.path,
                 rendered_digest=render.result.digest, revision=render.source_revision, run_dir=run_dir)
        return apply_release(self.client, release, render=render, run_dir=run_dir, layout=self.layout,
                             health_interval=0.1)


@pytest.fixture
def world(tmp_path: Path, client: KubeClient, kubesim: Any) -> Iterator[HelmWorld]:
    repo_dir = tmp_path / "repo"
    repo_dir.mkdir()
    with serve(repo_dir) as url:
        yield HelmWorld(tmp=tmp_path, repo_dir=repo_dir, url=url, layout=Layout(tmp_path / "airflux"),
                        client=client, kubeconfig=kubesim.kubeconfig, runs=itertools.count(1))
