"""Where Airflux keeps files on disk: git caches, exported source artifacts and rendered sets.

One root (``AIRFLUX_HOME``, default ``.airflux`` under the working directory) so a deployment can
put it on a shared volume and tests can point it at a temporary directory.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path

    @classmethod
    def from_env(cls) -> Layout:
        return cls(Path(os.environ.get("AIRFLUX_HOME", ".airflux")).resolve())

    @property
    def git_cache(self) -> Path:
        """Bare repositories, one per remote URL, reused across fetches."""
        return self.root / "git"

    @property
    def artifacts(self) -> Path:
        """Exported source trees, one directory per (repository, commit)."""
        return self.root / "artifacts"

    @property
    def renders(self) -> Path:
        """Rendered object sets, one file per (artifact digest, path, spec digest)."""
        return self.root / "renders"


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o666) -> Path:
    """Write ``path`` through a uniquely named file beside it and rename that into place.

    Readers (another task, another process on a shared volume) see the old file or the new one,
    never half of one, and concurrent writers never share a temporary file. Renaming also replaces
    rather than rewrites: a file hard-linked into a source artifact stays untouched. ``mode`` is
    passed to ``open`` (so the umask still applies); 0o600 keeps a file private to its user.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    body = data.encode() if isinstance(data, str) else data
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
