"""What each alert was last told about an app: the memory behind dedupe, reminders and recovery messages.

Stored as one small JSON file per app under the artifact store (``<AIRFLUX_HOME>/notify/<dag_id>.json``),
not in the target cluster next to the inventory. The inventory must survive the loss of Airflow's
database because losing it would make prune delete the wrong things; losing this file costs at most
one repeated message. And the notifier must work precisely when the cluster is unreachable (a common
reason for a failed run) and from Airflow's failure callback, which should not need cluster
credentials. Writes are atomic (rename) and serialised per app with a file lock, because the notify
task and the DAG's failure callback can report the same run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from airflux.paths import write_atomic

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class AlertMemory:
    """The open error an alert reported (empty fingerprint: none) and the last run it sent a message for."""

    fingerprint: str = ""
    first_sent: str = ""  # ISO time the open error was first reported
    last_sent: str = ""  # ISO time of the last message about it (first report or reminder)
    repeats: int = 0  # runs that failed the same way since the last message
    last_run_id: str = ""

    @property
    def open(self) -> bool:
        return bool(self.fingerprint)

    def last_sent_at(self) -> datetime | None:
        return datetime.fromisoformat(self.last_sent) if self.last_sent else None


@dataclass(frozen=True)
class AppMemory:
    last_revision: str = ""  # revision of the last successful run: tells drift from a new revision
    alerts: dict[str, AlertMemory] = field(default_factory=dict)

    def alert(self, ident: str) -> AlertMemory:
        return self.alerts.get(ident, AlertMemory())

    def with_alert(self, ident: str, memory: AlertMemory) -> AppMemory:
        return replace(self, alerts={**self.alerts, ident: memory})

    def to_dict(self) -> dict[str, Any]:
        return {"lastRevision": self.last_revision,
                "alerts": {k: vars(v) for k, v in sorted(self.alerts.items())}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppMemory:
        alerts = {str(k): AlertMemory(**{f: v[f] for f in AlertMemory.__dataclass_fields__ if f in v})
                  for k, v in dict(data.get("alerts") or {}).items()}
        return cls(last_revision=str(data.get("lastRevision") or ""), alerts=alerts)


@dataclass(frozen=True)
class StateStore:
    """One JSON file per app under ``directory`` (``Layout.root / "notify"``)."""

    directory: Path

    def path(self, dag_id: str) -> Path:
        return self.directory / f"{_UNSAFE.sub('_', dag_id)}.json"

    def load(self, dag_id: str) -> AppMemory:
        try:
            return AppMemory.from_dict(json.loads(self.path(dag_id).read_text()))
        except FileNotFoundError:
            return AppMemory()
        except (ValueError, TypeError, AttributeError):
            # A damaged file must not stop notifications: start over (at worst one message repeats).
            return AppMemory()

    def save(self, dag_id: str, memory: AppMemory) -> None:
        path = self.path(dag_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Private to its user, like the mkstemp file it used to be; callers hold ``locked(dag_id)``.
        write_atomic(path, json.dumps(memory.to_dict(), indent=1, sort_keys=True), mode=0o600)

    @contextlib.contextmanager
    def locked(self, dag_id: str) -> Iterator[None]:
        """Serialise load → send → save for one app across processes on this host."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.path(dag_id).with_suffix(".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
