"""Values shared by every stage: object references, change actions and the typed error family.

Stages hand each other these small frozen values; logs, Slack messages and the UI are built from
them rather than from ad-hoc strings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class ObjRef:
    """Identity of one Kubernetes object: ``Kind/namespace/name`` (namespace empty when cluster-scoped)."""

    group: str
    kind: str
    namespace: str
    name: str

    @classmethod
    def of(cls, obj: dict[str, Any]) -> ObjRef:
        api_version = str(obj.get("apiVersion", ""))
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        meta = obj.get("metadata") or {}
        return cls(group, str(obj.get("kind", "")), str(meta.get("namespace") or ""), str(meta.get("name", "")))

    def __str__(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"


class Action(enum.StrEnum):
    CREATED = "created"
    CONFIGURED = "configured"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    SKIPPED = "skipped"


class AirfluxError(Exception):
    """Base of every error the engine raises on purpose.

    ``stage`` says where it happened, ``obj`` which object (if any), ``retryable`` whether running
    the same thing again can help (API 5xx, timeouts) or not (invalid manifests). Adapters turn
    non-retryable errors into AirflowFailException.
    """

    stage = "airflux"
    retryable = False

    def __init__(self, message: str, *, obj: ObjRef | str | None = None, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.obj = obj
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        where = f"{self.obj}: " if self.obj else ""
        return f"[{self.stage}] {where}{self.message}"


class SpecError(AirfluxError):
    stage = "specs"


class SourceError(AirfluxError):
    stage = "source"


class RenderError(AirfluxError):
    stage = "render"


class KubeError(AirfluxError):
    stage = "kube"


class DryRunError(AirfluxError):
    stage = "diff"


class ApplyError(AirfluxError):
    stage = "apply"


class PruneError(AirfluxError):
    stage = "prune"


class HealthTimeout(AirfluxError):
    stage = "health"
