"""The one error type the Kubernetes client raises, with what the API said about which object.

Callers decide on ``status``/``reason``/``causes`` (an immutable field, a missing kind, a
conflict) instead of parsing messages, and ``retryable`` tells the adapters whether Airflow's
retries can help.
"""

from __future__ import annotations

from dataclasses import dataclass

from airflux.model import KubeError, ObjRef


@dataclass(frozen=True)
class Cause:
    """One entry of a Status' ``details.causes``: which field is wrong and why."""

    reason: str
    message: str
    field: str = ""


class KubeApiError(KubeError):
    """A failed API call: HTTP status (``None`` when no answer), the API's reason, message and causes."""

    def __init__(
        self,
        message: str,
        *,
        obj: ObjRef | str | None = None,
        status: int | None = None,
        reason: str = "",
        causes: tuple[Cause, ...] = (),
        retryable: bool = False,
    ) -> None:
        super().__init__(message, obj=obj, retryable=retryable)
        self.status = status
        self.reason = reason
        self.causes = causes

    def __str__(self) -> str:
        where = f"{self.obj}: " if self.obj else ""
        code = f" ({self.status} {self.reason})" if self.status else (f" ({self.reason})" if self.reason else "")
        return f"[{self.stage}] {where}{self.message}{code}"

    @property
    def not_found(self) -> bool:
        return self.status == 404

    @property
    def immutable(self) -> bool:
        """The object cannot be changed in place (a field that is immutable changed)."""
        if self.status != 422:
            return False
        texts = [self.message, *(c.message for c in self.causes)]
        return any("immutable" in t.lower() for t in texts)


class NoKindMatch(KubeApiError):
    """The API server does not serve this kind (a CRD is not installed)."""
