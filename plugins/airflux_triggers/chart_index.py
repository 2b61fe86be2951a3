"""The cheap question a chart watcher asks each poll: which version does the range pick now?

HTTP repositories: one GET of ``index.yaml`` with ``If-None-Match``/``If-Modified-Since`` when the server
gave an ``ETag``/``Last-Modified`` before (a stamp from the second the index was read is not trusted),
so an unchanged index costs a 304 and no parsing; a changed one
is parsed and the version picked by ``airflux.helm.repository.resolve_version`` (the same rule the fetch
task uses). OCI repositories: the registry's tag list through the Helm engine, the range applied by
``airflux.source.semver.latest``. Nothing is written to the artifact store: the run fetches the chart.
Plain code (no Airflow), called in a thread by ``chart_watcher``.
"""

from __future__ import annotations

import base64
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from airflux.model import SourceError
from airflux.source.semver import SemverError, latest
from airflux.specs.helm_types import HelmRepository

if TYPE_CHECKING:  # the package loads the Helm engine and the kubernetes client: never at DAG parse time
    from airflux.helm.repository import BasicAuth

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _settled(modified: str | None, served: str | None) -> str | None:
    """``Last-Modified`` when it can be trusted: it has one-second resolution, so an index changed again in
    the second we read it would look unmodified forever; only a stamp older than the response is kept."""
    try:
        changed = parsedate_to_datetime(modified) if modified else None
        now = parsedate_to_datetime(served) if served else datetime.now(timezone.utc)  # noqa: UP017
    except (TypeError, ValueError):
        return None
    if changed is None or (now - changed).total_seconds() < 2:
        return None
    return modified


@dataclass(frozen=True)
class IndexPoll:
    """One poll: the version the range picks, and whether the index had to be downloaded and parsed."""

    version: str
    downloaded: bool


class ChartIndexPoller:
    """Polls one repository for one chart + range; remembers the validators of the last index it read."""

    def __init__(self, repo: HelmRepository, *, chart: str, version: str) -> None:
        self.repo = repo
        self.chart = chart
        self.version = version or "*"
        self._etag: str | None = None
        self._modified: str | None = None
        self._picked: str | None = None

    @property
    def ident(self) -> str:
        return f"HelmRepository/{self.repo.meta.namespace}/{self.repo.meta.name}"

    def poll(self, *, auth: BasicAuth | None = None) -> IndexPoll:
        """The newest version matching the range (SourceError when it cannot be known)."""
        if self.repo.is_oci:
            return IndexPoll(self._newest_tag(auth), downloaded=True)
        request = urllib.request.Request(self.repo.url.rstrip("/") + "/index.yaml", headers={"User-Agent": "airflux"})
        if auth is not None:
            token = base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        if self._picked is not None:  # validators only help once a version was picked from that index
            if self._etag:
                request.add_header("If-None-Match", self._etag)
            if self._modified:
                request.add_header("If-Modified-Since", self._modified)
        try:
            with urllib.request.urlopen(request, timeout=self.repo.timeout.total_seconds()) as response:
                body = bytes(response.read())
                etag, modified = response.headers.get("ETag"), _settled(response.headers.get("Last-Modified"),
                                                                        response.headers.get("Date"))
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and self._picked is not None:
                return IndexPoll(self._picked, downloaded=False)
            raise SourceError(f"cannot read index.yaml: HTTP {exc.code} {exc.reason}",
                              obj=self.ident, retryable=True) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SourceError(f"cannot read index.yaml: {getattr(exc, 'reason', exc)}",
                              obj=self.ident, retryable=True) from exc
        try:
            index = yaml.load(body, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise SourceError(f"index.yaml of {self.ident} is not valid YAML", obj=self.ident) from exc
        if not isinstance(index, dict):
            raise SourceError(f"index.yaml of {self.ident} has no entries", obj=self.ident)
        from airflux.helm.repository import resolve_version

        picked = resolve_version(self.repo, index, chart=self.chart, version=self.version).version
        self._etag, self._modified, self._picked = etag, modified, picked
        return IndexPoll(picked, downloaded=True)

    def _newest_tag(self, auth: BasicAuth | None) -> str:
        import helm_python as helm

        ref = f"{self.repo.url.rstrip('/')}/{self.chart}"
        plain = urlsplit(self.repo.url).hostname in LOCAL_HOSTS
        with tempfile.TemporaryDirectory(prefix="airflux-oci-watch-") as tmp:
            try:
                with helm.RegistryClient(plain_http=plain, credentials_file=Path(tmp) / "config.json") as client:
                    if auth is not None:
                        client.login(urlsplit(self.repo.url).netloc, username=auth.username,
                                     password=auth.password, plain_http=plain)
                    tags = list(client.tags(ref))
            except helm.HelmError as exc:
                raise SourceError(f"cannot list the tags of {ref}: {str(exc).splitlines()[0] if str(exc) else exc}",
                                  obj=self.ident, retryable=True) from exc
        try:
            picked = latest(self.version, tags)
        except SemverError as exc:
            raise SourceError(f"invalid version range {self.version!r}: {exc}", obj=self.ident) from exc
        if picked is None:
            raise SourceError(f"no tag of {ref} matches {self.version!r}", obj=self.ident, retryable=True)
        return picked
