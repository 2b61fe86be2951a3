"""Turning kustomize's output into checked objects.

Every later stage trusts the rendered set: each object has apiVersion, kind and metadata.name, and
no two objects share ``Kind/namespace/name``. The checks run here, once, so diff and apply can
rely on them. Parsing uses PyYAML's C loader; documents are kept as text next to their parsed
form so substitution can work on the text as Flux does and unchanged documents are written back
byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from airflux.model import ObjRef
from airflux.render.result import RenderFileError
from airflux.render.substitute import is_disabled, substitute

_SEPARATOR = re.compile(r"^---[ \t]*$\n?", re.M)


@dataclass
class Doc:
    """One rendered object: its YAML text and its parsed form (``changed`` once the text is stale)."""

    text: str
    obj: dict[str, Any]
    changed: bool = field(default=False)


def split_documents(text: str) -> list[str]:
    return [part for part in _SEPARATOR.split(text) if part.strip()]


def parse(text: str, *, source: str) -> list[Doc]:
    """Parse kustomize output (``source`` names where it came from in errors)."""
    docs: list[Doc] = []
    for index, part in enumerate(split_documents(text)):
        try:
            obj = yaml.load(part, Loader=yaml.CSafeLoader)
        except yaml.YAMLError as e:
            raise RenderFileError(f"document {index}: invalid YAML: {yaml_problem(e)}", file=source) from None
        if obj is None:
            continue
        if not isinstance(obj, dict):
            raise RenderFileError(f"document {index} is not a mapping", file=source)
        docs.append(Doc(part, obj))
    return docs


def validate(docs: list[Doc], *, source: str) -> tuple[ObjRef, ...]:
    """Check identity fields and uniqueness; returns the refs in document order."""
    refs: list[ObjRef] = []
    seen: set[tuple[str, str, str, str]] = set()
    for index, doc in enumerate(docs):
        obj = doc.obj
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        missing = [f for f, v in (("apiVersion", obj.get("apiVersion")), ("kind", obj.get("kind")), ("metadata.name", name)) if not v]
        if missing:
            ref = ObjRef.of(obj)
            what = str(ref) if ref.kind and ref.name else f"document {index}"
            raise RenderFileError(f"{what}: missing {', '.join(missing)}", file=source, obj=ref if ref.kind else None)
        ref = ObjRef.of(obj)
        key = (ref.group, ref.kind, ref.namespace, ref.name)
        if key in seen:
            raise RenderFileError(f"duplicate object {ref}", file=source, obj=ref)
        seen.add(key)
        refs.append(ref)
    return tuple(refs)


def substitute_all(docs: list[Doc], variables: Mapping[str, str], *, source: str) -> None:
    """Flux's postBuild step over every object that does not opt out."""
    if not variables:
        return
    for doc in docs:
        if "$" not in doc.text or is_disabled(doc.obj):
            continue
        ref = ObjRef.of(doc.obj)
        try:
            text = substitute(doc.text, variables)
        except ValueError as e:
            raise RenderFileError(f"variable substitution failed: {e}", file=source, obj=ref) from None
        if text == doc.text:
            continue
        try:
            obj = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError as e:
            # never quote the text: it holds substituted values
            raise RenderFileError(f"invalid YAML after substitution: {yaml_problem(e)}", file=source, obj=ref) from None
        if not isinstance(obj, dict):
            raise RenderFileError("not a mapping after substitution", file=source, obj=ref)
        doc.text, doc.obj = text, obj


def set_common_metadata(docs: list[Doc], *, labels: Mapping[str, str], annotations: Mapping[str, str]) -> None:
    """Flux's commonMetadata: labels and annotations on every object's metadata, never on selectors."""
    if not labels and not annotations:
        return
    for doc in docs:
        meta = doc.obj.setdefault("metadata", {})
        if labels:
            meta["labels"] = {**(meta.get("labels") or {}), **labels}
        if annotations:
            meta["annotations"] = {**(meta.get("annotations") or {}), **annotations}
        doc.changed = True


def dump(docs: list[Doc]) -> str:
    parts = []
    for doc in docs:
        text = yaml.dump(doc.obj, Dumper=yaml.CSafeDumper, sort_keys=False) if doc.changed else doc.text
        parts.append(text if text.endswith("\n") else text + "\n")
    return "---\n".join(parts)


def yaml_problem(e: yaml.YAMLError) -> str:
    """PyYAML's message without the quoted source snippet (it may hold substituted values)."""
    problem = getattr(e, "problem", None) or type(e).__name__
    mark = getattr(e, "problem_mark", None)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else str(problem)
