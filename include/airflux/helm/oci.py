"""OCI charts (``HelmRepository`` with ``type: oci``) through the Helm engine's registry client.

The newest tag matching the version range is picked from the registry's tag list, the chart is
pulled by the engine and stored like an HTTP chart: once per archive digest. Registries on
localhost/127.0.0.1 are spoken to over plain HTTP (as ``helm --plain-http`` for local registries).
"""

from __future__ import annotations

import hashlib
import tempfile
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
    return ChartArtifact(chart=ChartVersion(name=chart, version=picked, app_version="", digest=digest, url=ref),
                         path=stored, digest=digest, downloaded=downloaded)


def _auth_hint(detail: str, auth: BasicAuth | None) -> str:
    """A refusal for credentials says what to do about it (never what the credentials were)."""
    lowered = detail.lower()
    if "401" not in lowered and "unauthorized" not in lowered and "credential" not in lowered:
        return ""
    if auth is None:
        return " (the registry asks for credentials: set spec.secretRef to a connection with login and password)"
    return f" (the registry refused the login of {auth.username!r} from spec.secretRef)"
