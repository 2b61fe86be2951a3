"""Decode-time errors of the real API server that are not field validation: a Secret ``data`` value
that is not base64, a resource quantity that does not parse. A real server fails to decode such a
body and answers ``400 BadRequest`` ("Secret in version "v1" cannot be handled as a Secret: illegal
base64 data at input byte 4") before validation runs; plain text under ``data`` instead of
``stringData`` is one of the most common Secret mistakes in GitOps repositories.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubesim.quantity import parse_quantity

_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
QUANTITY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


def base64_error(text: str) -> int | None:
    """The byte offset Go's ``base64.StdEncoding`` reports for ``text``, or None when it decodes."""
    src, si, n = text, 0, len(text)
    while True:
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return None
                return si - j
            ch = src[si]
            si += 1
            if ch in _B64:
                j += 1
                continue
            if ch in "\r\n":
                continue
            if ch != "=":
                return si - 1
            if j in (0, 1):
                return si - 1
            if j == 2:
                while si < n and src[si] in "\r\n":
                    si += 1
                if si == n:
                    return n
                if src[si] != "=":
                    return si - 1
                si += 1
            while si < n and src[si] in "\r\n":
                si += 1
            return si if si < n else None


def _quantities(value: Any) -> str | None:
    """The first bad quantity under container ``resources`` in a pod spec or template."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key in ("limits", "requests") and isinstance(child, Mapping):
                for amount in child.values():
                    if parse_quantity(amount) is None:
                        return QUANTITY_MSG
            found = _quantities(child)
            if found:
                return found
    elif isinstance(value, list):
        for child in value:
            found = _quantities(child)
            if found:
                return found
    return None


def decode_error(group: str, kind: str, obj: Mapping[str, Any], *, version: str = "v1") -> str | None:
    """The 400 BadRequest message a real server returns for ``obj``, or None when it decodes."""
    problem: str | None = None
    if group == "" and kind == "Secret" and isinstance(obj.get("data"), Mapping):
        for value in obj["data"].values():
            if isinstance(value, str) and (offset := base64_error(value)) is not None:
                problem = f"illegal base64 data at input byte {offset}"
                break
    elif (group, kind) in _WITH_QUANTITIES:
        problem = _quantities(obj.get("spec"))
    if problem is None:
        return None
    return f'{kind} in version "{version}" cannot be handled as a {kind}: {problem}'


_WITH_QUANTITIES = frozenset({
    ("", "Pod"), ("", "PersistentVolumeClaim"), ("apps", "Deployment"), ("apps", "StatefulSet"),
    ("apps", "DaemonSet"), ("apps", "ReplicaSet"), ("batch", "Job"), ("batch", "CronJob"),
})
