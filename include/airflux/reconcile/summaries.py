"""The small results of the diff and apply tasks: counts and names, never manifests.

Frozen values with a JSON-safe ``to_dict``/``from_dict`` so the Airflow adapter can put them in XCom
as they are and the notify task can rebuild them; the run summary is rendered from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from airflux.diff import ChangeSet
from airflux.model import Action

# How many object names a summary carries per action; the full list is in the run's files.
NAMES_LIMIT = 20


def names_by_action(changes: ChangeSet, *, limit: int = NAMES_LIMIT) -> dict[str, list[str]]:
    """``{"created": ["ConfigMap/shop/cfg", ...], ...}`` for every action that has objects (first ``limit``)."""
    out: dict[str, list[str]] = {}
    for action in Action:
        names = [str(ch.ref) for ch in changes.with_action(action)]
        if names:
            out[action.value] = names[:limit]
    return out


def _names(value: Any) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(n) for n in v) for k, v in dict(value or {}).items()}


@dataclass(frozen=True, kw_only=True)
class DiffSummary:
    dag_id: str
    revision: str
    rendered_digest: str
    object_count: int
    counts: dict[str, int]
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    change_set: str = ""  # path of changes.json
    forced: bool = False

    @property
    def changed(self) -> bool:
        return any(self.counts.get(a.value, 0) for a in (Action.CREATED, Action.CONFIGURED, Action.DELETED))

    def to_dict(self) -> dict[str, Any]:
        return {"dag_id": self.dag_id, "revision": self.revision, "rendered_digest": self.rendered_digest,
                "object_count": self.object_count, "counts": dict(self.counts),
                "names": {k: list(v) for k, v in self.names.items()}, "change_set": self.change_set,
                "changed": self.changed, "forced": self.forced}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiffSummary:
        return cls(dag_id=str(data["dag_id"]), revision=str(data["revision"]),
                   rendered_digest=str(data.get("rendered_digest", "")),
                   object_count=int(data.get("object_count", 0)), counts=dict(data.get("counts") or {}),
                   names=_names(data.get("names")), change_set=str(data.get("change_set", "")),
                   forced=bool(data.get("forced", False)))


@dataclass(frozen=True, kw_only=True)
class HealthSummary:
    checked: int = 0
    ready: int = 0
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ready": self.ready, "elapsed": round(self.elapsed, 2)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> HealthSummary | None:
        if not data:
            return None
        return cls(checked=int(data.get("checked", 0)), ready=int(data.get("ready", 0)),
                   elapsed=float(data.get("elapsed", 0.0)))


@dataclass(frozen=True, kw_only=True)
class ApplySummary:
    dag_id: str
    revision: str  # the last applied revision once this task succeeded
    counts: dict[str, int]
    rendered_digest: str = ""  # the rendered set that was applied
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pruned: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # left by prune on purpose, with the reason
    inventory_size: int = 0
    health: HealthSummary | None = None  # None: neither spec.wait nor healthChecks
    result_file: str = ""  # path of applied.json
    forced: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"dag_id": self.dag_id, "revision": self.revision, "rendered_digest": self.rendered_digest,
                "counts": dict(self.counts), "names": {k: list(v) for k, v in self.names.items()}, "pruned": list(self.pruned),
                "kept": list(self.kept), "inventory_size": self.inventory_size,
                "health": self.health.to_dict() if self.health else None, "result_file": self.result_file,
                "forced": self.forced}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ApplySummary:
        return cls(dag_id=str(data["dag_id"]), revision=str(data["revision"]), counts=dict(data.get("counts") or {}),
                   rendered_digest=str(data.get("rendered_digest", "")), names=_names(data.get("names")), pruned=tuple(data.get("pruned") or ()),
                   kept=tuple(data.get("kept") or ()), inventory_size=int(data.get("inventory_size", 0)),
                   health=HealthSummary.from_dict(data.get("health")), result_file=str(data.get("result_file", "")),
                   forced=bool(data.get("forced", False)))


def limited(items: Iterable[str], *, limit: int = NAMES_LIMIT) -> tuple[str, ...]:
    return tuple(list(items)[:limit])
