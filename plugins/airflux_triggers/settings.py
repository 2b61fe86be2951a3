"""Poll settings for the git watcher and the commit sensor, read where the polling happens (the triggerer).

They come from Airflow's configuration (section ``[airflux]``, so ``AIRFLOW__AIRFLUX__GIT_POLL_INTERVAL``
works as an environment variable) and are never part of a trigger's kwargs: triggers are deduplicated
by classpath + kwargs, and a setting must not split one repository's watcher into several.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SECTION = "airflux"
DEFAULT_POLL_SECONDS = 5.0
# Never poll a remote more often than this, whatever the configuration says.
MIN_POLL_SECONDS = 0.05
DEFAULT_MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True)
class PollSettings:
    """How often to ask the remote, and the longest wait between attempts after failures."""

    interval: float = DEFAULT_POLL_SECONDS
    max_backoff: float = DEFAULT_MAX_BACKOFF_SECONDS

    def delay_after(self, failures: int) -> float:
        """The wait before the next poll: the interval, doubled per consecutive failure, capped."""
        if failures <= 0:
            return self.interval
        return min(self.interval * (2 ** min(failures, 30)), max(self.max_backoff, self.interval))


def _setting(key: str, default: float) -> float:
    raw = os.environ.get(f"AIRFLOW__{SECTION.upper()}__{key.upper()}")
    if raw is None:
        try:
            from airflow.configuration import conf

            raw = conf.get(SECTION, key, fallback=None)
        except Exception:  # no Airflow configuration (plain script): the default applies
            raw = None
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError:
        return default


def poll_settings() -> PollSettings:
    """``[airflux] git_poll_interval`` (seconds, default 5) and ``git_poll_max_backoff`` (default 300)."""
    interval = max(_setting("git_poll_interval", DEFAULT_POLL_SECONDS), MIN_POLL_SECONDS)
    return PollSettings(interval=interval, max_backoff=_setting("git_poll_max_backoff", DEFAULT_MAX_BACKOFF_SECONDS))


DEFAULT_HELM_POLL_SECONDS = 30.0


def helm_poll_settings() -> PollSettings:
    """``[airflux] helm_poll_interval`` (seconds, default 30: an index can be megabytes when a server ignores
    ETags) and the same ``git_poll_max_backoff``."""
    interval = max(_setting("helm_poll_interval", DEFAULT_HELM_POLL_SECONDS), MIN_POLL_SECONDS)
    return PollSettings(interval=interval, max_backoff=_setting("git_poll_max_backoff", DEFAULT_MAX_BACKOFF_SECONDS))
