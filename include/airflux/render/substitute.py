"""postBuild variable substitution with Flux's rules.

Flux substitutes after the kustomize build, per object, on the object's YAML text: ``${var}``,
``${var:=default}``, ``${var:-default}`` (also ``${var=default}`` and ``${var-default}``), ``$$``
escapes a dollar (so ``$${var}`` stays literal), the bash string functions of Flux's envsubst
(``${#var}``, ``${var^^}``, ``${var:1:3}``, ``${var%pattern}``, ``${var//a/b}`` ...), an unset variable without a default becomes the
empty string, and an object labelled or annotated ``kustomize.toolkit.fluxcd.io/substitute:
disabled`` is left alone. Variables come from ``substituteFrom`` in order (later sources win) and
then from ``substitute``, which wins over all of them; newlines are removed from values. When no
variable is defined at all, nothing is substituted.

Values may come from Secrets: no message raised here ever contains a value.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from typing import Any

from airflux.render.result import RenderFileError
from airflux.specs.types import Kustomization, SubstituteFrom, ident

DISABLED_KEY = "kustomize.toolkit.fluxcd.io/substitute"
VAR_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")
_IDENT = re.compile(r"[_a-zA-Z0-9]+")

SubstituteReader = Callable[[SubstituteFrom], "dict[str, str] | None"]


def collect_vars(ks: Kustomization, reader: SubstituteReader | None) -> dict[str, str]:
    """All variables of the Kustomization, resolved in Flux's order of precedence."""
    post = ks.post_build
    if post is None:
        return {}
    variables: dict[str, str] = {}
    for ref in post.substitute_from:
        what = f"substituteFrom {ident(ref.kind, ks.meta.namespace, ref.name)}"
        try:
            data = reader(ref) if reader is not None else None
        except Exception as e:  # the reader talks to a cluster: any failure is worth a retry
            raise RenderFileError(f"{what}: cannot be read ({type(e).__name__})", retryable=True) from None
        if data is None:
            if ref.optional:
                continue
            raise RenderFileError(f"{what} not found (set optional: true to allow that)", retryable=True)
        for key, value in data.items():
            variables[key] = str(value).replace("\n", "")
    for key, value in post.substitute:
        variables[key] = value.replace("\n", "")
    bad = sorted(k for k in variables if not VAR_NAME.match(k))
    if bad:
        raise RenderFileError(f"variable name {bad[0]!r} is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'")
    return variables


def is_disabled(obj: Mapping[str, Any]) -> bool:
    meta = obj.get("metadata") or {}
    for field in ("labels", "annotations"):
        values = meta.get(field) or {}
        if isinstance(values, dict) and values.get(DISABLED_KEY) == "disabled":
            return True
    return False


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """Expand ``${...}`` expressions in ``text``; raises ValueError on a malformed expression."""
    if "$" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        nxt = text[j + 1] if j + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i = j + 2
        elif nxt == "{":
            end = _closing(text, j + 2)
            out.append(_evaluate(text[j + 2 : end], variables))
            i = end + 1
        else:
            out.append("$")
            i = j + 1
    return "".join(out)


def _closing(text: str, start: int) -> int:
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "$" and text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"missing closing brace in '${{{_short(text[start:])}'")


def _evaluate(expr: str, variables: Mapping[str, str]) -> str:
    if expr.startswith("#") and _IDENT.fullmatch(expr[1:]):
        return str(len(variables.get(expr[1:]) or ""))
    match = _IDENT.match(expr)
    if match is None:
        raise ValueError(f"bad substitution '${{{_short(expr)}}}'")
    name, rest = match.group(), expr[match.end() :]
    value = variables.get(name)
    if rest == "":
        return value or ""
    for op in (":=", ":-", "=", "-"):
        if rest.startswith(op):
            default = rest[len(op) :]
            empty_counts = op.startswith(":")
            if value is None or (empty_counts and value == ""):
                return substitute(default, variables)
            return value
    text = value or ""
    if rest in _CASING:
        return _CASING[rest](text)
    if rest.startswith(":"):
        return _slice(text, rest[1:], expr)
    if rest.startswith(("#", "%")):
        return _strip(text, rest)
    if rest.startswith("/"):
        return _replace(text, rest[1:], variables)
    raise ValueError(f"unsupported substitution '${{{_short(expr)}}}'")


_CASING: dict[str, Callable[[str], str]] = {
    "^": lambda v: v[:1].upper() + v[1:],
    "^^": str.upper,
    ",": lambda v: v[:1].lower() + v[1:],
    ",,": str.lower,
}


def _slice(text: str, spec: str, expr: str) -> str:
    """``${var:offset}`` and ``${var:offset:length}``."""
    parts = spec.split(":")
    try:
        offset = int(parts[0].strip() or "0")
        length = int(parts[1].strip()) if len(parts) > 1 else None
    except ValueError:
        raise ValueError(f"bad substitution '${{{_short(expr)}}}'") from None
    if offset < 0:
        offset = max(len(text) + offset, 0)
    end = len(text) if length is None else (offset + length if length >= 0 else len(text) + length)
    return text[offset:end]


def _glob(pattern: str) -> str:
    """A bash pattern as a regular expression body (``*``, ``?`` and ``[...]``)."""
    return fnmatch.translate(pattern).removeprefix("(?s:").removesuffix(")\\Z")


def _strip(text: str, rest: str) -> str:
    """``#``/``##`` strip a prefix, ``%``/``%%`` a suffix; doubled means the longest match."""
    op = rest[:2] if rest[:2] in ("##", "%%") else rest[:1]
    body = _glob(rest[len(op) :])
    candidates = range(len(text) + 1)
    if op.startswith("#"):
        ends = reversed(candidates) if op == "##" else candidates
        for end in ends:
            if re.fullmatch(body, text[:end], re.S):
                return text[end:]
    else:
        starts = candidates if op == "%%" else reversed(candidates)
        for start in starts:
            if re.fullmatch(body, text[start:], re.S):
                return text[:start]
    return text


def _replace(text: str, rest: str, variables: Mapping[str, str]) -> str:
    """``/pat/rep`` (first), ``//pat/rep`` (all), ``/#pat/rep`` (prefix), ``/%pat/rep`` (suffix)."""
    mode = rest[:1] if rest[:1] in ("/", "#", "%") else ""
    pattern, _, replacement = rest[len(mode) :].partition("/")
    replacement = substitute(replacement, variables)
    if not pattern:
        return text
    body = _glob(pattern)
    if mode == "#":
        regex = f"^(?:{body})"
    elif mode == "%":
        regex = f"(?:{body})$"
    else:
        regex = body
    return re.sub(regex, lambda _m: replacement, text, count=0 if mode == "/" else 1, flags=re.S)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."
