"""The values the render stage hands on: the result of one render and the error that names a file.

Kept apart from the engine code so the cache can rebuild a result without importing the builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from airflux.model import ObjRef, RenderError


@dataclass(frozen=True)
class RenderResult:
    """One rendered object set, stored as a multi-document YAML file in the artifact store.

    ``digest`` is the sha256 of the rendered file (equal digests mean equal object sets);
    ``key`` is the cache key the set is stored under; ``cached`` says the set came from the cache.
    """

    path: Path
    digest: str
    key: str
    object_count: int
    objects: tuple[ObjRef, ...]
    cached: bool


class RenderFileError(RenderError):
    """A render error traced to one file of the artifact (``file`` is relative to the artifact root)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        obj: ObjRef | str | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.file = file
        super().__init__(f"{file}: {message}" if file else message, obj=obj, retryable=retryable)
