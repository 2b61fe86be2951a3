"""Definition errors as values, so one bad document is reported precisely and never hides the others.

The loader collects these instead of raising; the DAG factory turns them into Airflow import errors
and the CLI prints them. ``DefinitionErrors`` wraps several for callers that do want an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from airflux.model import SpecError


@dataclass(frozen=True)
class DefinitionError:
    """What is wrong, and where: file, 0-based document index, ``Kind/namespace/name``, field path."""

    file: Path
    message: str
    doc: int | None = None
    obj: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
        if self.doc is not None:
            where += f" (document {self.doc})"
        subject = ": ".join(part for part in (self.obj, self.field) if part)
        return f"{where}: {subject}: {self.message}" if subject else f"{where}: {self.message}"


@dataclass(frozen=True)
class UnsupportedDocument:
    """A document Airflux recognises as not an app definition it handles (yet); kept aside, not an error."""

    file: Path
    doc: int
    api_version: str
    kind: str
    obj: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} (document {self.doc}): {self.obj}: {self.message}"


class DefinitionErrors(SpecError):
    """One or more app definitions are invalid; ``errors`` holds each, ``str()`` lists them one a line."""

    def __init__(self, errors: Sequence[DefinitionError]) -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        lines = [f"{count} app definition error{'s' if count != 1 else ''}:"]
        lines += [f"  {error}" for error in self.errors]
        super().__init__("\n".join(lines))

    def __str__(self) -> str:
        return self.message
