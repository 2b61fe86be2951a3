"""Apply stage: staged server-side apply of what the diff found changed (see ``apply.stage``)."""

from airflux.apply.stage import ApplyFailed, ApplyOptions, ApplyResult, apply

__all__ = ["ApplyFailed", "ApplyOptions", "ApplyResult", "apply"]
