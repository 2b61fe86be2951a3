"""Chart resolution from an HTTP Helm repository: the index is cached for the HelmRepository's interval,
an archive is downloaded once per digest and checked against the index, basic auth is sent."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from charts import package, serve, write_chart

from airflux.helm import BasicAuth, fetch_chart
from airflux.helm.repository import fetch_index
from airflux.model import SourceError
from airflux.paths import Layout
from airflux.specs.helm_types import HelmRepository
from airflux.specs.types import Meta, Origin


def _repo(url: str, *, interval: timedelta = timedelta(minutes=10), suspend: bool = False) -> HelmRepository:
    return HelmRepository(meta=Meta(name="charts", namespace="flux-system"), origin=Origin(Path("x.yaml"), 0),
                          url=url, interval=interval, suspend=suspend)


def _publish(tmp: Path, repo_dir: Path, version: str) -> Path:
    return package(write_chart(tmp / "src" / version, version=version), repo_dir, version=version)


def test_index_is_reused_within_the_interval_and_fetched_again_after_it(tmp_path: Path) -> None:
    repo_dir, layout, seen = tmp_path / "repo", Layout(tmp_path / "store"), []
    _publish(tmp_path, repo_dir, "1.0.0")
    with serve(repo_dir, seen=seen) as url:
        repo = _repo(url)
        now = time.time()
        assert [e["version"] for e in fetch_index(repo, layout=layout, now=now)["entries"]["shop"]] == ["1.0.0"]
        _publish(tmp_path, repo_dir, "1.1.0")
        cached = fetch_index(repo, layout=layout, now=now + 599)
        assert [e["version"] for e in cached["entries"]["shop"]] == ["1.0.0"]
        fresh = fetch_index(repo, layout=layout, now=now + 601)
        assert sorted(e["version"] for e in fresh["entries"]["shop"]) == ["1.0.0", "1.1.0"]
    assert seen.count("/index.yaml") == 2


def test_archive_is_downloaded_once_per_digest_and_verified(tmp_path: Path) -> None:
    repo_dir, layout, seen = tmp_path / "repo", Layout(tmp_path / "store"), []
    archive = _publish(tmp_path, repo_dir, "1.0.0")
    with serve(repo_dir, seen=seen) as url:
        first = fetch_chart(_repo(url), chart="shop", version="1.x", layout=layout)
        archive.unlink()  # gone from the repository: the stored copy is enough
        again = fetch_chart(_repo(url), chart="shop", version="1.x", layout=layout)
    assert first.downloaded and not again.downloaded
    assert first.path == again.path and first.digest == again.digest
    assert first.revision == f"1.0.0@{first.digest}"
    assert seen.count("/shop-1.0.0.tgz") == 1


def test_archive_that_does_not_match_the_index_digest_is_refused(tmp_path: Path) -> None:
    repo_dir, layout = tmp_path / "repo", Layout(tmp_path / "store")
    archive = _publish(tmp_path, repo_dir, "1.0.0")
    archive.write_bytes(archive.read_bytes() + b"tampered")
    with serve(repo_dir) as url, pytest.raises(SourceError, match="does not match the index"):
        fetch_chart(_repo(url), chart="shop", version="*", layout=layout)
    assert not any((layout.root / "helm" / "charts").glob("*.tgz"))


def test_basic_auth_is_sent_and_a_refusal_is_reported(tmp_path: Path) -> None:
    repo_dir, layout = tmp_path / "repo", Layout(tmp_path / "store")
    _publish(tmp_path, repo_dir, "1.0.0")
    with serve(repo_dir, auth="bot:pa55") as url:
        with pytest.raises(SourceError, match="HTTP 401") as refused:
            fetch_chart(_repo(url), chart="shop", version="*", layout=layout, auth=BasicAuth("bot", "wrong"))
        assert "wrong" not in str(refused.value)
        artifact = fetch_chart(_repo(url), chart="shop", version="*", layout=layout, auth=BasicAuth("bot", "pa55"))
    assert artifact.chart.version == "1.0.0"


def test_no_matching_version_lists_what_the_repository_has(tmp_path: Path) -> None:
    repo_dir, layout = tmp_path / "repo", Layout(tmp_path / "store")
    _publish(tmp_path, repo_dir, "1.0.0")
    with serve(repo_dir) as url, pytest.raises(SourceError, match=r"matches '>=2.0.0' \(has 1.0.0\)"):
        fetch_chart(_repo(url), chart="shop", version=">=2.0.0", layout=layout)


def test_a_suspended_repository_fetches_no_index_and_says_why(tmp_path: Path) -> None:
    repo_dir, layout, seen = tmp_path / "repo", Layout(tmp_path / "store"), []
    _publish(tmp_path, repo_dir, "1.0.0")
    with serve(repo_dir, seen=seen) as url:
        assert fetch_chart(_repo(url), chart="shop", version="1.x", layout=layout).note == ""
        _publish(tmp_path, repo_dir, "1.1.0")
        suspended = _repo(url, interval=timedelta(0), suspend=True)  # its index would be due again
        artifact = fetch_chart(suspended, chart="shop", version="1.x", layout=layout)

    assert seen.count("/index.yaml") == 1  # only the fetch before it was suspended
    assert artifact.chart.version == "1.0.0"  # 1.1.0 is not seen until the repository is resumed
    assert artifact.note.startswith("HelmRepository/flux-system/charts is suspended: its index is not fetched, "
                                    "the one fetched at ")
    assert "newer chart versions are not seen until it is resumed" in artifact.note


def test_a_suspended_repository_never_fetched_fails_naming_it(tmp_path: Path) -> None:
    repo_dir, seen = tmp_path / "repo", []
    _publish(tmp_path, repo_dir, "1.0.0")
    refusal = "HelmRepository/flux-system/charts is suspended and no index was fetched before"
    with serve(repo_dir, seen=seen) as url, pytest.raises(SourceError, match=refusal) as failed:
        fetch_chart(_repo(url, suspend=True), chart="shop", version="*", layout=Layout(tmp_path / "store"))
    assert seen == [] and not failed.value.retryable
