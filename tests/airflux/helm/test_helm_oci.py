"""OCI HelmRepositories: charts pushed by the Helm engine to a local plain-HTTP registry, the newest tag
matching the range pulled through the engine's registry client and stored once per digest; a registry
behind basic auth is logged in to with the ``secretRef`` credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
from charts import write_chart
from oci_registry import registry

from airflux.helm import BasicAuth, fetch_chart
from airflux.model import SourceError
from airflux.paths import Layout
from airflux.specs.helm_types import HelmRepository
from airflux.specs.types import Meta, Origin


def test_oci_chart_newest_matching_tag_is_pulled_once(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "store")
    with registry() as host:
        for version in ("1.0.0", "1.4.0", "2.0.0"):
            source = write_chart(tmp_path / "src" / version, version=version)
            archive = helm.package(source, destination=tmp_path / "pkg", version=version)
            helm.push(archive, f"oci://{host}/charts", plain_http=True)
        repo = HelmRepository(meta=Meta(name="oci", namespace="flux-system"), origin=Origin(Path("x"), 0),
                              url=f"oci://{host}/charts", type="oci")
        first = fetch_chart(repo, chart="shop", version="~1.0 || ^1.2", layout=layout)
        again = fetch_chart(repo, chart="shop", version="1.x", layout=layout)
    assert first.chart.version == "1.4.0" and first.downloaded
    assert again.path == first.path and not again.downloaded
    with helm.Chart.load(first.path) as chart:
        assert chart.version == "1.4.0"


def test_oci_release_deploys_like_an_http_one(tmp_path: Path, world: Any, kubesim: Any) -> None:
    with registry() as host:
        source = write_chart(tmp_path / "src", version="3.1.0")
        helm.push(helm.package(source, destination=tmp_path / "pkg", version="3.1.0"), f"oci://{host}/charts",
                  plain_http=True)
        world.url = f"oci://{host}/charts"
        release, repo = world.definitions(version=">=3.0.0")
        assert repo.is_oci
        summary = world.deploy(release, repo)
    assert summary.revision == 1
    assert kubesim.get("apps/v1", "Deployment", "shop", "shop")["metadata"]["labels"]["helm.sh/chart"] == "shop-3.1.0"


def test_oci_secret_ref_credentials_log_in_to_a_registry_behind_basic_auth(tmp_path: Path) -> None:
    refused: list[str] = []
    layout = Layout(tmp_path / "store")
    with registry(auth="robot:s3cret-pw", refused=refused) as host:
        with helm.RegistryClient(plain_http=True, credentials_file=tmp_path / "pusher.json") as pusher:
            pusher.login(host, username="robot", password="s3cret-pw", plain_http=True)
            source = write_chart(tmp_path / "src", version="2.3.0")
            helm.push(helm.package(source, destination=tmp_path / "pkg", version="2.3.0"), f"oci://{host}/charts",
                      client=pusher, plain_http=True)
        repo = HelmRepository(meta=Meta(name="private", namespace="flux-system"), origin=Origin(Path("x"), 0),
                              url=f"oci://{host}/charts", type="oci", secret_ref="oci-creds")
        with pytest.raises(SourceError, match=r"cannot pull oci://.*/charts/shop") as anonymous:
            fetch_chart(repo, chart="shop", version="2.x", layout=layout)
        with pytest.raises(SourceError) as wrong:
            fetch_chart(repo, chart="shop", version="2.x", layout=layout, auth=BasicAuth("robot", "not-it-pw"))
        artifact = fetch_chart(repo, chart="shop", version="2.x", layout=layout,
                               auth=BasicAuth("robot", "s3cret-pw"))

    assert anonymous.value.obj == "HelmRepository/flux-system/private"
    assert any(line.startswith("GET /v2/charts/shop/tags/list") for line in refused)  # asked, and turned away
    assert "the registry asks for credentials: set spec.secretRef" in str(anonymous.value)
    assert "401" in str(wrong.value) and "refused the login of 'robot' from spec.secretRef" in str(wrong.value)
    assert "not-it-pw" not in str(wrong.value) and "s3cret-pw" not in str(wrong.value)
    assert artifact.chart.version == "2.3.0" and artifact.downloaded
    with helm.Chart.load(artifact.path) as chart:
        assert chart.version == "2.3.0"


def test_a_suspended_oci_repository_keeps_the_last_pulled_chart_without_asking_the_registry(tmp_path: Path) -> None:
    """As a suspended HTTP repository keeps its last index: a new tag is not seen, and the registry is not
    asked at all (it is gone by the time the suspended fetch runs). Resumed, the newest tag is pulled."""
    layout = Layout(tmp_path / "store")

    def push(host: str, version: str) -> None:
        source = write_chart(tmp_path / "src" / version, version=version)
        helm.push(helm.package(source, destination=tmp_path / "pkg", version=version), f"oci://{host}/charts",
                  plain_http=True)

    def repo(host: str, *, suspend: bool) -> HelmRepository:
        return HelmRepository(meta=Meta(name="oci", namespace="flux-system"), origin=Origin(Path("x"), 0),
                              url=f"oci://{host}/charts", type="oci", suspend=suspend)

    with registry() as host:
        push(host, "1.0.0")
        with pytest.raises(SourceError, match=r"is suspended and oci://.*/charts/shop was never pulled"):
            fetch_chart(repo(host, suspend=True), chart="shop", version="1.x", layout=layout)
        first = fetch_chart(repo(host, suspend=False), chart="shop", version="1.x", layout=layout)
        push(host, "1.1.0")
    held = fetch_chart(repo(host, suspend=True), chart="shop", version="1.x", layout=layout)
    assert first.chart.version == "1.0.0" and not first.note
    assert (held.chart.version, held.path, held.downloaded) == ("1.0.0", first.path, False)
    assert "HelmRepository/flux-system/oci is suspended: the registry is not asked" in held.note
    with helm.Chart.load(held.path) as chart:
        assert chart.version == "1.0.0"
    with registry() as host2:
        push(host2, "1.0.0")
        push(host2, "1.1.0")
        resumed = fetch_chart(repo(host2, suspend=False), chart="shop", version="1.x", layout=layout)
    assert resumed.chart.version == "1.1.0" and not resumed.note
