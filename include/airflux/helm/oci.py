"""OCI charts (``HelmRepository`` with ``type: oci``) through the Helm engine's registry client.

The newest tag matching the version range is picked from the registry's tag list, the chart is
pulled by the engine and stored like an HTTP chart: once per archive digest. Registries on
localhost/127.0.0.1 are spoken to over plain HTTP (as ``helm --plain-http`` for local registries).

Each pull is recorded (chart, range → tag, digest, when). A suspended repository is not asked at all:
the recorded chart is used, as a suspended HTTP repository keeps using its last index, and a
suspended repository with no recorded pull fails the fetch saying so.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from airflux.model import SourceError
from airflux.paths import Layout, write_atomic
from airflux.source.semver import SemverError, latest
from airflux.specs.helm_types import HelmRepository

if TYPE_CHECKING:
    from airflux.helm.repository import BasicAuth, ChartArtifact

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def fetch_oci_chart(repo: HelmRepository, *, chart: str, version: str, layout: Layout,
                    auth: BasicAuth | None = None) -> ChartArtifact:
    import helm_python as helm

    from airflux.helm.repository import ChartArtifact, ChartVersion, helm_dir

    who = repo.ident
    ref = f"{repo.url.rstrip('/')}/{chart}"
    record = helm_dir(layout) / "oci" / f"{hashlib.sha256(f'{ref} {version}'.encode()).hexdigest()[:24]}.json"
    if repo.suspend:
        return _last_pull(repo, record, chart=chart, ref=ref, layout=layout)
    host = urlsplit(repo.url).netloc
    plain = urlsplit(repo.url).hostname in LOCAL_HOSTS
    with tempfile.TemporaryDirectory(prefix="airflux-oci-") as tmp:
        try:
            with helm.RegistryClient(plain_http=plain, credentials_file=Path(tmp) / "config.json") as client:
                if auth is not None:
                    client.login(host, username=auth.username, password=auth.password, plain_http=plain)
                tags = client.tags(ref)
                try:
                    picked = latest(version or "*", tags)
                except SemverError as e:
                    raise SourceError(f"invalid version range {version!r}: {e}", obj=who, retryable=False) from e
                if picked is None:
                    raise SourceError(f"no tag of {ref} matches {version!r} (has {', '.join(tags[:10])})", obj=who,
                                      retryable=True)
                helm.pull(ref, client=client, destination=tmp, version=picked, plain_http=plain)
        except helm.HelmError as e:
            detail = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise SourceError(f"cannot pull {ref}: {detail}{_auth_hint(detail, auth)}", obj=who,
                              retryable=True) from e
        (archive,) = Path(tmp).glob("*.tgz")
        body = archive.read_bytes()
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    store = helm_dir(layout) / "charts"
    store.mkdir(parents=True, exist_ok=True)
    stored = store / f"{digest.split(':', 1)[1]}.tgz"
    downloaded = not stored.is_file()
    if downloaded:
        write_atomic(stored, body)
    record.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(record, json.dumps({"ref": ref, "range": version, "version": picked, "digest": digest,
                                     "pulledAt": time.time()}))
    return ChartArtifact(chart=ChartVersion(name=chart, version=picked, app_version="", digest=digest, url=ref),
                         path=stored, digest=digest, downloaded=downloaded)


def _last_pull(repo: HelmRepository, record: Path, *, chart: str, ref: str, layout: Layout) -> ChartArtifact:
    """The chart recorded at the last pull for this chart and range, without asking the registry."""
    from airflux.helm.repository import ChartArtifact, ChartVersion, helm_dir

    try:
        last = json.loads(record.read_bytes())
        stored = helm_dir(layout) / "charts" / f"{str(last['digest']).split(':', 1)[1]}.tgz"
        version, digest, pulled = str(last["version"]), str(last["digest"]), float(last["pulledAt"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        raise SourceError(f"{repo.ident} is suspended and {ref} was never pulled for this version range",
                          obj=repo.ident, retryable=False) from None
    if not stored.is_file():
        raise SourceError(f"{repo.ident} is suspended and the chart {ref} {version} pulled before is no longer "
                          "in the artifact store", obj=repo.ident, retryable=False)
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(pulled))
    note = (f"{repo.ident} is suspended: the registry is not asked, {ref} {version} pulled at {when} is used "
            f"(newer tags are not seen until it is resumed)")
    return ChartArtifact(chart=ChartVersion(name=chart, version=version, app_version="", digest=digest, url=ref),
                         path=stored, digest=digest, downloaded=False, note=note)


def _auth_hint(detail: str, auth: BasicAuth | None) -> str:
    """A refusal for credentials says what to do about it (never what the credentials were)."""
    lowered = detail.lower()
    if "401" not in lowered and "unauthorized" not in lowered and "credential" not in lowered:
        return ""
    if auth is None:
        return " (the registry asks for credentials: set spec.secretRef to a connection with login and password)"
    return f" (the registry refused the login of {auth.username!r} from spec.secretRef)"
