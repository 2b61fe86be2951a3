"""Strategic merge patch and JSON merge patch (RFC 7386) as pure functions over JSON dicts.

``kubectl patch``, ``kubectl apply`` (client-side) and controllers send
``application/strategic-merge-patch+json`` bodies whose meaning depends on each field's
``patchStrategy``/``patchMergeKey`` and on the ``$patch``, ``$setElementOrder/<list>``,
``$retainKeys`` and ``$deleteFromPrimitiveList/<list>`` directives. This module applies them the way
k8s.io/apimachinery's ``strategicpatch`` package does on the API server (parallel delete lists
merged, nulls for absent fields ignored, new list items placed by ``$setElementOrder`` or before the
server-only items when no order is given). Inputs are never mutated.
"""

from __future__ import annotations

from typing import Any

from kubesim.schema import PatchMeta, Path, Schema

_DIRECTIVE = "$patch"
_RETAIN = "$retainKeys"
_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"


class PatchError(ValueError):
    """A patch body that cannot be applied.

    ``code`` is the HTTP status a real API server answers with: 400 for malformed directives, 422
    for content it rejects, and 500 (a Status without reason) where the apiserver passes the merge
    library's plain error through, e.g. a missing merge key.
    """

    def __init__(self, message: str, *, field: str = "", code: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def jcopy(value: Any) -> Any:
    """Deep copy of a JSON value (much faster than ``copy.deepcopy``)."""
    if type(value) is dict:
        return {k: jcopy(v) for k, v in value.items()}
    if type(value) is list:
        return [jcopy(v) for v in value]
    return value


# --- JSON merge patch --------------------------------------------------------------------------------


def json_merge_patch(original: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386: objects merge recursively, ``null`` removes a member, anything else replaces."""
    if not isinstance(patch, dict):
        raise PatchError("a merge patch for an object must be a JSON object", code=400)
    base = original if isinstance(original, dict) else {}
    return _jmp_object(base, patch)


def _jmp_object(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in target.items():
        if k not in patch:
            out[k] = jcopy(v)
            continue
        pv = patch[k]
        if pv is None:
            continue
        out[k] = _jmp_object(v if isinstance(v, dict) else {}, pv) if isinstance(pv, dict) else jcopy(pv)
    for k, pv in patch.items():
        if k in target or pv is None:
            continue
        out[k] = _jmp_object({}, pv) if isinstance(pv, dict) else jcopy(pv)
    return out


# --- strategic merge patch ---------------------------------------------------------------------------


def strategic_merge_patch(original: dict[str, Any], patch: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """Apply a strategic merge patch to ``original`` with the patch metadata of ``schema``."""
    if not isinstance(patch, dict):
        raise PatchError("a strategic merge patch must be a JSON object", code=400)
    base = jcopy(original) if isinstance(original, dict) else {}
    return _merge_map(base, patch, (), schema)


def _fail(message: str, path: Path, code: int = 500) -> PatchError:
    return PatchError(message, field=".".join(path), code=code)


def _go(value: Any) -> str:
    """A value as Go's ``%v`` prints it in the real error messages (``map[name:x]``)."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _merge_map(orig: dict[str, Any], patch: dict[str, Any], path: Path, schema: Schema) -> dict[str, Any]:
    """Merge ``patch`` into ``orig`` (owned by the caller, mutated) and return the result."""
    if _DIRECTIVE in patch:
        directive = patch[_DIRECTIVE]
        if directive == "replace":
            return {k: _clean(v) for k, v in patch.items() if k != _DIRECTIVE and v is not None}
        if directive == "delete":
            return {}
        raise _fail(f"unknown patch type: {directive} in map: {_go(patch)}", path)

    if _RETAIN in patch:
        _apply_retain_keys(orig, patch, path)

    handled: set[str] = set()
    for key, order in patch.items():
        if key.startswith(_ORDER):
            field = key[len(_ORDER) :]
            _merge_with_order(orig, patch, field, order, path, schema)
            handled.add(field)

    for key, pv in patch.items():
        if key == _RETAIN or key.startswith(_ORDER) or key in handled:
            continue
        is_delete = False
        if key.startswith(_DELETE_PRIMITIVE):
            key = key[len(_DELETE_PRIMITIVE) :]
            is_delete = True
            if not isinstance(pv, list):
                raise _fail("invalid patch format of primitive list", (*path, key), 400)
        if pv is None:
            orig.pop(key, None)
            continue
        cpath = (*path, key)
        if key not in orig:
            if not is_delete:
                orig[key] = _new_value(pv, cpath, schema)
            continue
        ov = orig[key]
        if isinstance(ov, dict) and isinstance(pv, dict):
            meta = schema.patch_meta(cpath)
            orig[key] = _clean(pv) if meta.strategy == "replace" else _merge_map(ov, pv, cpath, schema)
        elif isinstance(ov, list) and isinstance(pv, list):
            orig[key] = _merge_list_handler(ov, pv, cpath, schema.patch_meta(cpath), is_delete, schema)
        elif not is_delete:
            orig[key] = _new_value(pv, cpath, schema)
    return orig


def _apply_retain_keys(orig: dict[str, Any], patch: dict[str, Any], path: Path) -> None:
    keys = patch[_RETAIN]
    if not isinstance(keys, list):
        raise _fail("invalid patch format of retainKeys", path, 400)
    keep = {k for k in keys if isinstance(k, str)}
    for k, v in patch.items():
        if v is None or k == _RETAIN or k.startswith((_DELETE_PRIMITIVE, _ORDER)):
            continue
        if k not in keep:
            raise _fail("patch content doesn't match retainKeys list", path, 422)
    for k in list(orig):
        if k not in keep:
            del orig[k]


def _new_value(pv: Any, path: Path, schema: Schema) -> Any:
    """A patch value for a field the original lacks: directives processed, nulls dropped."""
    if isinstance(pv, dict):
        return _merge_map({}, pv, path, schema)
    if isinstance(pv, list):
        meta = schema.patch_meta(path)
        if meta.strategy == "merge":
            return _merge_list([], pv, path, meta.merge_key, False, schema)
        return [_clean(x) for x in pv]
    return pv


def _clean(value: Any) -> Any:
    """Copy of a patch value with nulls in maps and directive keys/elements removed."""
    if isinstance(value, dict):
        return {
            k: _clean(v)
            for k, v in value.items()
            if v is not None
            and not (
                k.startswith("$")
                and (k in (_DIRECTIVE, _RETAIN) or k.startswith((_ORDER, _DELETE_PRIMITIVE)))
            )
        }
    if isinstance(value, list):
        return [_clean(v) for v in value if not (isinstance(v, dict) and _DIRECTIVE in v)]
    return value


def _merge_list_handler(
    orig: list[Any], patch: list[Any], path: Path, meta: PatchMeta, is_delete: bool, schema: Schema
) -> list[Any]:
    if meta.strategy == "merge" or is_delete:
        return _merge_list(orig, patch, path, meta.merge_key, is_delete, schema)
    return [_clean(x) for x in patch]


def _element_kind(path: Path, *lists: list[Any]) -> str:
    kind = ""
    for lst in lists:
        for v in lst:
            k = "map" if isinstance(v, dict) else "list" if isinstance(v, list) else "scalar"
            if k == "list":
                raise _fail("lists of lists are not supported", path, 422)
            if kind and kind != k:
                raise _fail("list element types are not identical", path)
            kind = k
    return kind


def _merge_list(
    orig: list[Any], patch: list[Any], path: Path, merge_key: str, is_delete: bool, schema: Schema
) -> list[Any]:
    if not orig and not patch:
        return orig
    kind = _element_kind(path, orig, patch)
    if kind == "scalar":
        if is_delete:
            drop = list(patch)
            return [x for x in orig if x not in drop]
        merged: list[Any] = []
        for x in orig + patch:
            if x not in merged:
                merged.append(x)
        patch_items = [x for x in merged if x in patch]
        server_only = [x for x in merged if x not in patch]
        return _normalize_order(patch_items, server_only, patch, orig, "")
    if not merge_key:
        raise _fail(f"cannot merge lists without merge key for {'.'.join(path)}", path)
    # special elements: {"$patch": "delete", key: v}, {"$patch": "replace"}
    plain: list[dict[str, Any]] = []
    replace = False
    work = list(orig)
    for item in patch:
        if not isinstance(item, dict):
            raise _fail("list element types are not identical", path)
        if _DIRECTIVE not in item:
            plain.append(item)
            continue
        directive = item[_DIRECTIVE]
        if directive == "delete":
            if merge_key not in item:
                raise _fail(f"map: {_go(item)} does not contain declared merge key: {merge_key}", path)
            value = item[merge_key]
            work = [x for x in work if not (isinstance(x, dict) and merge_key in x and x[merge_key] == value)]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _fail("merging lists cannot yet be specified in the patch", path)
        else:
            raise _fail(f"unknown patch type: {directive} in map: {_go(item)}", path)
    server_order = list(work)
    if replace:
        return [_merge_map({}, x, path, schema) for x in plain]
    for item in plain:
        if merge_key not in item:
            raise _fail(f"map: {_go(item)} does not contain declared merge key: {merge_key}", path)
        value = item[merge_key]
        for i, x in enumerate(work):
            if isinstance(x, dict) and merge_key in x and x[merge_key] == value:
                work[i] = _merge_map(x, item, path, schema)
                break
        else:
            work.append(_merge_map({}, item, path, schema))
    patch_keys = [x[merge_key] for x in plain]
    patch_items = [x for x in work if x.get(merge_key) in patch_keys]
    server_only = [x for x in work if x.get(merge_key) not in patch_keys]
    return _normalize_order(patch_items, server_only, plain, server_order, merge_key)


def _index(order: list[Any], item: Any, merge_key: str) -> int:
    if merge_key:
        if not isinstance(item, dict) or merge_key not in item:
            return -1
        value = item[merge_key]
        for i, x in enumerate(order):
            if isinstance(x, dict) and x.get(merge_key) == value and merge_key in x:
                return i
        return -1
    for i, x in enumerate(order):
        if x == item:
            return i
    return -1


def _normalize_order(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    merge_key: str,
) -> list[Any]:
    """Patch items in patch order, server-only items in live order, interleaved by the live order."""
    big = len(patch_order) + len(server_order) + 1
    patch_items = sorted(
        patch_items, key=lambda x: i if (i := _index(patch_order, x, merge_key)) >= 0 else big
    )
    server_only = sorted(
        server_only, key=lambda x: i if (i := _index(server_order, x, merge_key)) >= 0 else big
    )
    out: list[Any] = []
    i = j = 0
    left, right = server_only, patch_items
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = _index(server_order, left[i], merge_key)
            ri = _index(server_order, right[j], merge_key)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _check_order(patch_list: list[Any], order: list[Any], merge_key: str, path: Path) -> None:
    """The patch list's items must appear in ``$setElementOrder`` in the same relative order."""
    items = [x for x in patch_list if not (isinstance(x, dict) and _DIRECTIVE in x)]
    if not items or not order:
        return
    pi = oi = 0
    while pi < len(items) and oi < len(order):
        if _index([order[oi]], items[pi], merge_key) == 0:
            pi += 1
        oi += 1
    if pi < len(items):
        raise _fail(
            f"The order in patch list:\n{_go(patch_list)}\n doesn't match {_ORDER} list:\n{_go(order)}\n",
            path,
        )


def _merge_with_order(
    orig: dict[str, Any], patch: dict[str, Any], field: str, order: Any, path: Path, schema: Schema
) -> None:
    """``$setElementOrder/<field>``: merge the list, then order it as the directive says."""
    cpath = (*path, field)
    if not isinstance(order, list):
        raise _fail("invalid patch format of setElementOrder list", cpath, 400)
    meta = schema.patch_meta(cpath)
    merge_key = meta.merge_key
    raw_o = orig.get(field)
    raw_p = patch.get(field)
    found_o = isinstance(raw_o, list)
    found_p = isinstance(raw_p, list)
    ov: list[Any] = raw_o if isinstance(raw_o, list) else []
    pv: list[Any] = raw_p if isinstance(raw_p, list) else []
    if found_p:
        _check_order(pv, order, merge_key, cpath)
    if found_o and not found_p:
        merged = ov
    elif found_p and not found_o:
        merged = _new_value(pv, cpath, schema)
    elif found_o and found_p:
        merged = _merge_list_handler(ov, pv, cpath, meta, False, schema)
    else:
        return
    in_order = [x for x in merged if _index(order, x, merge_key) >= 0]
    server_only = [x for x in merged if _index(order, x, merge_key) < 0]
    orig[field] = _normalize_order(in_order, server_only, order, ov, merge_key)
