"""Diff stage: server-side dry-run of a rendered set → ChangeSet (see ``diff.stage``)."""

from airflux.diff.changes import Change, ChangeSet
from airflux.diff.stage import DiffOptions, DryRunFailed, diff

__all__ = ["Change", "ChangeSet", "DiffOptions", "DryRunFailed", "diff"]
