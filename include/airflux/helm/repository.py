"""Charts from a HelmRepository: the index (cached for the repository's interval), the newest version
matching a range, and the archive downloaded once per digest into the artifact store.

Like source-controller, an index is fetched at most once per ``spec.interval`` (a suspended repository
keeps using the last one) and a chart archive is verified against the digest its index entry carries;
an archive already stored under that digest is never downloaded again. OCI repositories go through
the Helm engine's registry client (``oci.py``). Credentials are used for the request only.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from airflux.model import SourceError
from airflux.paths import Layout, write_atomic
from airflux.source.semver import SemverError, latest
from airflux.specs.helm_types import HelmRepository

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class BasicAuth:
    username: str
    password: str

    def __repr__(self) -> str:  # never show the password
        return f"BasicAuth(username={self.username!r})"


@dataclass(frozen=True)
class ChartVersion:
    """One resolved chart: what the index says about the version the range picked."""

    name: str
    version: str
    app_version: str
    digest: str  # sha256:<hex> of the archive, from the index (empty when the index has none)
    url: str


@dataclass(frozen=True)
class ChartArtifact:
    """A chart archive in the artifact store, ready to render."""

    chart: ChartVersion
    path: Path
    digest: str  # sha256:<hex> of the stored archive
    downloaded: bool  # False when it was already stored
    note: str = ""  # why the chart may not be the newest (a suspended repository), for the run's log

    @property
    def revision(self) -> str:
        return f"{self.chart.version}@{self.digest}"


def helm_dir(layout: Layout) -> Path:
    return layout.root / "helm"


def _repo_name(repo: HelmRepository) -> str:
    return repo.ident


def _get(url: str, *, auth: BasicAuth | None, timeout: float, what: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "airflux"})
    if auth is not None:
        token = base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as e:
        retry = e.code >= 500 or e.code == 429
        raise SourceError(f"cannot download {what}: HTTP {e.code} {e.reason}", retryable=retry) from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(f"cannot download {what}: {reason}", retryable=True) from e


def fetch_index(repo: HelmRepository, *, layout: Layout, auth: BasicAuth | None = None,
                now: float | None = None) -> dict[str, Any]:
    """The repository's parsed ``index.yaml``, from the cache while it is younger than ``spec.interval``."""
    now = time.time() if now is None else now
    cached = _index_path(repo, layout)
    try:
        entry = json.loads(cached.read_bytes())
        fresh = now - float(entry["fetchedAt"]) < repo.interval.total_seconds()
        if fresh or repo.suspend:
            return dict(entry["index"])
    except (OSError, ValueError, KeyError, TypeError):
        if repo.suspend:
            raise SourceError(f"{_repo_name(repo)} is suspended and no index was fetched before",
                              obj=_repo_name(repo), retryable=False) from None
    body = _get(repo.url.rstrip("/") + "/index.yaml", auth=auth, timeout=repo.timeout.total_seconds(),
                what=f"the index of {_repo_name(repo)}")
    try:
        index = yaml.load(body, Loader=_Loader)
    except yaml.YAMLError as e:
        raise SourceError(f"index.yaml of {_repo_name(repo)} is not valid YAML: {e}", obj=_repo_name(repo),
                          retryable=False) from e
    if not isinstance(index, dict) or not isinstance(index.get("entries"), dict):
        raise SourceError(f"index.yaml of {_repo_name(repo)} has no entries", obj=_repo_name(repo),
                          retryable=False)
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cached, json.dumps({"fetchedAt": now, "url": repo.url, "index": index}, default=str))
    return index


def _index_path(repo: HelmRepository, layout: Layout) -> Path:
    key = hashlib.sha256(repo.url.rstrip("/").encode()).hexdigest()[:24]
    return helm_dir(layout) / "index" / f"{key}.json"


def suspended_note(repo: HelmRepository, *, layout: Layout) -> str:
    """What a suspended repository means for this run: the index it keeps using, and since when."""
    try:
        fetched = float(json.loads(_index_path(repo, layout).read_bytes())["fetchedAt"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"{_repo_name(repo)} is suspended"
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fetched))
    return (f"{_repo_name(repo)} is suspended: its index is not fetched, the one fetched at {when} is used "
            f"(newer chart versions are not seen until it is resumed)")


def resolve_version(repo: HelmRepository, index: dict[str, Any], *, chart: str, version: str) -> ChartVersion:
    """The newest version of ``chart`` in the index that satisfies the range ``version``."""
    entries = index.get("entries", {}).get(chart)
    who = _repo_name(repo)
    if not entries:
        raise SourceError(f"chart {chart!r} is not in {who}", obj=who, retryable=True)
    by_version = {str(e.get("version")): e for e in entries if isinstance(e, dict)}
    try:
        picked = latest(version or "*", by_version)
    except SemverError as e:
        raise SourceError(f"invalid version range {version!r} for chart {chart!r}: {e}", obj=who,
                          retryable=False) from e
    if picked is None:
        known = ", ".join(sorted(by_version)[:10])
        raise SourceError(f"no version of chart {chart!r} in {who} matches {version!r} (has {known})", obj=who,
                          retryable=True)
    entry = by_version[picked]
    urls = entry.get("urls") or []
    if not urls:
        raise SourceError(f"chart {chart} {picked} in {who} has no download URL", obj=who, retryable=False)
    digest = str(entry.get("digest") or "")
    return ChartVersion(name=chart, version=picked, app_version=str(entry.get("appVersion") or ""),
                        digest=f"sha256:{digest}" if digest and ":" not in digest else digest,
                        url=urljoin(repo.url.rstrip("/") + "/", str(urls[0])))


def download_chart(repo: HelmRepository, chart: ChartVersion, *, layout: Layout,
                   auth: BasicAuth | None = None) -> ChartArtifact:
    """The archive of ``chart`` in the artifact store, downloaded only when its digest is not there yet."""
    store = helm_dir(layout) / "charts"
    if chart.digest:
        stored = store / f"{chart.digest.split(':', 1)[1]}.tgz"
        if stored.is_file():
            return ChartArtifact(chart=chart, path=stored, digest=chart.digest, downloaded=False)
    who = _repo_name(repo)
    body = _get(chart.url, auth=auth, timeout=repo.timeout.total_seconds(),
                what=f"chart {chart.name} {chart.version} from {who}")
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    if chart.digest and digest != chart.digest:
        raise SourceError(f"chart {chart.name} {chart.version} from {who}: digest {digest} does not match the "
                          f"index ({chart.digest})", obj=who, retryable=True)
    store.mkdir(parents=True, exist_ok=True)
    stored = store / f"{digest.split(':', 1)[1]}.tgz"
    write_atomic(stored, body)
    return ChartArtifact(chart=chart, path=stored, digest=digest, downloaded=True)


def fetch_chart(repo: HelmRepository, *, chart: str, version: str, layout: Layout,
                auth: BasicAuth | None = None) -> ChartArtifact:
    """Resolve ``chart`` at the newest version matching ``version`` and make its archive available."""
    if repo.is_oci:
        from airflux.helm.oci import fetch_oci_chart

        return fetch_oci_chart(repo, chart=chart, version=version, layout=layout, auth=auth)
    index = fetch_index(repo, layout=layout, auth=auth)
    artifact = download_chart(repo, resolve_version(repo, index, chart=chart, version=version), layout=layout,
                              auth=auth)
    if repo.suspend:
        return dataclasses.replace(artifact, note=suspended_note(repo, layout=layout))
    return artifact
