"""The values a release renders with, composed in Flux's order.

helm-controller merges ``valuesFrom`` entries in list order (later wins, maps merged recursively),
then ``spec.values`` on top. An entry with ``targetPath`` puts the key's content at that path as a
``--set`` expression would; without it the content is parsed as a YAML mapping. A missing object or
key is an error unless the entry is ``optional``. Secret values are never logged or put in errors.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import yaml

from airflux.model import RenderError
from airflux.specs.helm_types import HelmRelease, ValuesReference
from airflux.specs.types import ident

# Reads one ConfigMap/Secret (decoded data) from the release's namespace; None when it does not exist.
ValuesReader = Callable[[ValuesReference], dict[str, str] | None]


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Recursive merge, ``override`` wins; a non-mapping replaces whatever was there."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


_PLACEHOLDER = "__airflux_target_path_value__"


def _typed(value: str) -> Any:
    """The value as ``--set`` types it (numbers, booleans, null); quoted or comma-holding values stay strings."""
    import helm_python as helm

    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    try:
        parsed = helm.parse_set_string(f"{_PLACEHOLDER}={value}")
    except helm.HelmError:
        return value
    return parsed.get(_PLACEHOLDER, value) if list(parsed) == [_PLACEHOLDER] else value


def _replace(tree: Any, value: Any) -> Any:
    if tree == _PLACEHOLDER:
        return value
    if isinstance(tree, dict):
        return {k: _replace(v, value) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_replace(v, value) for v in tree]
    return tree


def _at_path(path: str, value: str) -> dict[str, Any]:
    """``{path: value}`` as nested values; the path in ``--set`` syntax (``a.b``, ``list[0]``, ``a\\.b``)."""
    import helm_python as helm

    try:
        shape: dict[str, Any] = helm.parse_set_string(f"{path}={_PLACEHOLDER}")
    except helm.HelmError as e:
        raise RenderError(f"targetPath {path!r} is not a valid --set path", retryable=False) from e
    replaced: dict[str, Any] = _replace(shape, _typed(value))
    return replaced


def compose_values(release: HelmRelease, *, read: ValuesReader | None) -> dict[str, Any]:
    """``valuesFrom`` in order, then ``spec.values``: the user-supplied values of the release."""
    result: dict[str, Any] = {}
    for ref in release.values_from:
        where = ident(ref.kind, release.meta.namespace, ref.name)
        data = read(ref) if read is not None else None
        if data is None or ref.values_key not in data:
            if ref.optional:
                continue
            missing = "does not exist" if data is None else f"has no key {ref.values_key!r}"
            raise RenderError(f"valuesFrom {where} {missing} (set optional: true to tolerate it)",
                              obj=release.ident, retryable=True)
        text = data[ref.values_key]
        if ref.target_path:
            result = merge(result, _at_path(ref.target_path, text))
            continue
        try:
            loaded = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            raise RenderError(f"valuesFrom {where} key {ref.values_key!r} is not valid YAML", obj=release.ident,
                              retryable=False) from e
        if not isinstance(loaded, dict):
            raise RenderError(f"valuesFrom {where} key {ref.values_key!r} is not a YAML mapping",
                              obj=release.ident, retryable=False)
        result = merge(result, loaded)
    return merge(result, release.values or {})


def values_digest(values: dict[str, Any]) -> str:
    blob = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def kube_values_reader(api_client: Any, *, namespace: str) -> ValuesReader:
    """A ``ValuesReader`` over a ``kubernetes.client.ApiClient``: the same ConfigMap/Secret reader as
    ``postBuild.substituteFrom`` uses (Secret values base64-decoded, a missing object is None)."""
    from airflux.render.cluster_vars import kube_reader

    return kube_reader(api_client, namespace=namespace)
