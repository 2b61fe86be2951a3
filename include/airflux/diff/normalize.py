"""Make a live object and a dry-run result comparable: drop what the server writes on its own.

Both sides come from the API server (the live object, and the dry-run apply of our config onto
it), so server defaults are on both; what differs without anyone changing the object is
bookkeeping (managedFields, resourceVersion, uid, generation, timestamps) and status.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from airflux.ownership import LAST_APPLIED_ANNOTATION

DROPPED_METADATA = ("managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink")
DROPPED_TOP_LEVEL = ("status",)

MASK = "***"
MASK_BEFORE = "*** (before)"
MASK_AFTER = "*** (after)"


def normalize(obj: dict[str, Any] | None) -> dict[str, Any]:
    """A deep copy without server bookkeeping and status; empty maps in metadata removed."""
    if obj is None:
        return {}
    out = copy.deepcopy(obj)
    for key in DROPPED_TOP_LEVEL:
        out.pop(key, None)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        for key in DROPPED_METADATA:
            meta.pop(key, None)
        for key in ("labels", "annotations"):
            if key in meta and not meta[key]:
                del meta[key]
    return out


def mask_values(before: dict[str, Any], after: dict[str, Any],
                hides: Callable[[str], bool]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mask every string field that holds a hidden value (one read from a Secret into the render) on
    either side, and the same field on the other side, with the same markers as Secret data: a
    rotated value shows as changed, never as itself (the live side holds the old one)."""
    before, after = copy.deepcopy(before), copy.deepcopy(after)
    paths = {path for side in (before, after) for path, value in _strings(side) if hides(value)}
    for path in paths:
        b, a = _get(before, path), _get(after, path)
        same = b is not None and a is not None and b == a
        _set(before, path, MASK if same else MASK_BEFORE)
        _set(after, path, MASK if same else MASK_AFTER)
    return before, after


def _strings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if (isinstance(node, dict) and step in node) or (isinstance(node, list) and isinstance(step, int) \
                and step < len(node)):
            node = node[step]
        else:
            return None
    return node


def _set(node: Any, path: tuple[Any, ...], value: str) -> None:
    """Set ``path`` where it exists on this side (a field only the other side has stays absent)."""
    if _get(node, path) is None:
        return
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def is_secret(obj: dict[str, Any] | None) -> bool:
    return bool(obj) and obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1"  # type: ignore[union-attr]


def mask_secrets(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Replace Secret values with markers that only say whether a value changed.

    Neither the value nor a hash of it may leave the cluster: a hash of a short secret can be
    brute-forced. The last-applied annotation holds the values too, so it is masked the same way.
    """
    if not (is_secret(before) or is_secret(after)):
        return before, after
    before, after = copy.deepcopy(before), copy.deepcopy(after)
    for field in ("data", "stringData"):
        b = before.get(field) if isinstance(before.get(field), dict) else None
        a = after.get(field) if isinstance(after.get(field), dict) else None
        for key in set(b or {}) | set(a or {}):
            in_b, in_a = b is not None and key in b, a is not None and key in a
            if in_b and in_a and b[key] == a[key]:  # type: ignore[index]
                b[key] = a[key] = MASK  # type: ignore[index]
                continue
            if in_b:
                b[key] = MASK_BEFORE  # type: ignore[index]
            if in_a:
                a[key] = MASK_AFTER  # type: ignore[index]
    for side in (before, after):
        ann = (side.get("metadata") or {}).get("annotations") or {}
        if LAST_APPLIED_ANNOTATION in ann:
            ann[LAST_APPLIED_ANNOTATION] = MASK
    return before, after
