"""API errors as real ``meta/v1 Status`` objects.

Clients branch on ``reason`` and ``code`` (kubectl prints ``Error from server (NotFound)``, the Python
client raises ``ApiException(status=404)``, client-go retries on 429 with ``Retry-After``), so every
failure the emulator returns is one of these, built the way the real API server builds them
(k8s.io/apimachinery/pkg/api/errors).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """One failed request; ``status()`` is the body and ``code`` the HTTP status."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retry_after = retry_after

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        }
        if self.reason:  # a plain error passed through by the apiserver has no reason
            body["reason"] = self.reason
        if self.details is not None:  # an empty StatusDetails is still sent: "details": {}
            body["details"] = self.details
        body["code"] = self.code
        return body


def qualified(group: str, plural: str) -> str:
    """``deployments.apps`` / ``configmaps`` as the real server prints a GroupResource."""
    return f"{plural}.{group}" if group else plural


def _details(group: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    details["kind"] = kind
    details.update({k: v for k, v in extra.items() if v})
    return details


def not_found(group: str, plural: str, name: str) -> ApiError:
    return ApiError(
        404,
        "NotFound",
        f'{qualified(group, plural)} "{name}" not found',
        details=_details(group, plural, name),
    )


def already_exists(group: str, plural: str, name: str) -> ApiError:
    return ApiError(
        409,
        "AlreadyExists",
        f'{qualified(group, plural)} "{name}" already exists',
        details=_details(group, plural, name),
    )


def conflict(group: str, plural: str, name: str, why: str) -> ApiError:
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified(group, plural)} "{name}": {why}',
        details=_details(group, plural, name),
    )


STALE = "the object has been modified; please apply your changes to the latest version and try again"


def apply_conflict(message: str, causes: list[dict[str, Any]]) -> ApiError:
    return ApiError(409, "Conflict", message, details={"causes": causes})


def invalid(group: str, kind: str, name: str, causes: list[dict[str, Any]]) -> ApiError:
    """422 the way ``errors.NewInvalid`` words it: ``Kind.group "name" is invalid: field: message``."""
    parts = [f"{c['field']}: {c['message']}" if c.get("field") else str(c.get("message", "")) for c in causes]
    joined = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    qualified_kind = f"{kind}.{group}" if group else kind
    return ApiError(
        422,
        "Invalid",
        f'{qualified_kind} "{name}" is invalid: {joined}',
        details=_details(group, kind, name, causes=causes),
    )


def field_cause(field: str, message: str, reason: str = "FieldValueInvalid") -> dict[str, Any]:
    return {"reason": reason, "message": message, "field": field}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(
    group: str, plural: str, name: str, why: str, causes: list[dict[str, Any]] | None = None
) -> ApiError:
    subject = f'{qualified(group, plural)} "{name}"' if name else qualified(group, plural)
    return ApiError(
        403,
        "Forbidden",
        f"{subject} is forbidden: {why}",
        details=_details(group, plural, name, causes=causes),
    )


def not_found_page() -> ApiError:
    """404 for a path the server does not serve at all (not a missing object of a known resource)."""
    return ApiError(404, "NotFound", "the server could not find the requested resource", details={})


def method_not_allowed() -> ApiError:
    return ApiError(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
    )


def not_acceptable(accepted: str = "application/json, application/yaml") -> ApiError:
    return ApiError(406, "NotAcceptable", f"only the following media types are accepted: {accepted}")


PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
)


def unsupported_media_type(accepted: tuple[str, ...]) -> ApiError:
    return ApiError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        + ", ".join(accepted),
    )


def gone(message: str) -> ApiError:
    """410 with reason Expired, as for a watch or continue token older than the retained history."""
    return ApiError(410, "Expired", message)


def too_many_requests(retry_after: int, message: str = "") -> ApiError:
    return ApiError(
        429,
        "TooManyRequests",
        message or "Too many requests, please try again later.",
        details={"retryAfterSeconds": retry_after},
        retry_after=retry_after,
    )


def entity_too_large(limit: int) -> ApiError:
    return ApiError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")


def internal(message: str) -> ApiError:
    return ApiError(
        500,
        "InternalError",
        f"Internal error occurred: {message}",
        details={"causes": [{"message": message}]},
    )


_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def for_code(code: int, message: str = "", *, retry_after: int = 1) -> ApiError:
    """A generic error for an injected fault: the reason a real server uses with that code."""
    if code == 429:
        return too_many_requests(retry_after, message)
    reason = _REASONS.get(code, "InternalError" if code >= 500 else "BadRequest")
    return ApiError(
        code,
        reason,
        message or f"injected fault: {reason}",
        retry_after=retry_after if code in (503, 504) else None,
    )
