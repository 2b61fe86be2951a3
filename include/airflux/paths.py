"""Where Airflux keeps files on disk: git caches, exported source artifacts and rendered sets.

One root (``AIRFLUX_HOME``, default ``.airflux`` under the working directory) so a deployment can
put it on a shared volume and tests can point it at a temporary directory.
"""

from __future__ import annotations

import os
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
