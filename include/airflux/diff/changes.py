"""The change set: one entry per object saying what a reconcile does (or did) to it.

A value, not a log: the task log, Slack messages, XCom summaries and the UI are all rendered from
it, and the apply stage reads which objects to write from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from airflux.model import Action, ObjRef

CHANGING = (Action.CREATED, Action.CONFIGURED, Action.DELETED)


@dataclass(frozen=True)
class Change:
    ref: ObjRef
    action: Action
    api_version: str = ""
    diff: str = field(default="", repr=False)
    reason: str = ""
    # What apply and the inventory need to know without asking the cluster again.
    live_fingerprint: str = field(default="", compare=False, repr=False)
    digest: str = field(default="", compare=False, repr=False)

    def line(self) -> str:
        suffix = f" ({self.reason})" if self.reason else ""
        return f"► {self.ref} {self.action.value}{suffix}"


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[Change, ...] = ()

    @classmethod
    def of(cls, changes: Iterable[Change]) -> ChangeSet:
        return cls(tuple(changes))

    def counts(self) -> dict[str, int]:
        c = Counter(ch.action.value for ch in self.changes)
        return {a.value: c.get(a.value, 0) for a in Action}

    def with_action(self, *actions: Action) -> tuple[Change, ...]:
        return tuple(ch for ch in self.changes if ch.action in actions)

    def get(self, ref: ObjRef) -> Change | None:
        for ch in self.changes:
            if ch.ref == ref:
                return ch
        return None

    @property
    def changed(self) -> bool:
        return any(ch.action in CHANGING for ch in self.changes)

    def render(self, *, diffs: bool = True, unchanged: bool = False) -> str:
        """``flux diff``-style text: a line per object, then its unified diff when configured."""
        out: list[str] = []
        for ch in self.changes:
            if ch.action is Action.UNCHANGED and not unchanged:
                continue
            out.append(ch.line())
            if diffs and ch.diff:
                out.append(ch.diff.rstrip("\n"))
        return "\n".join(out)

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{n} {a}" for a, n in counts.items() if n) or "no objects"
