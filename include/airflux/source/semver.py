"""Semantic versions and range constraints with the semantics Flux uses for ``ref.semver``.

Flux selects the highest tag that satisfies a Masterminds/semver v3 constraint. No semver package
is pinned in this project, so this is a small implementation of the same rules:

- versions are parsed leniently: optional ``v`` prefix, missing minor/patch count as 0
  (``v1.2`` is 1.2.0), build metadata is ignored for ordering;
- constraints: ``=``, ``!=``, ``>``, ``<``, ``>=``, ``<=`` (also ``=>``/``=<``), ``~``/``~>``,
  ``^``, wildcards ``x``/``X``/``*`` in any position, hyphen ranges ``1.2 - 1.4.5``, AND by space
  or comma, OR by ``||``;
- a pre-release version only satisfies a comparator whose own version has a pre-release, so
  ``>=1.0.0-0`` admits pre-releases while ``>=1.0.0`` or ``*`` do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import total_ordering

_IDENT = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_VERSION_RE = re.compile(rf"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-({_IDENT}))?(?:\+({_IDENT}))?$")
_CV = rf"v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-{_IDENT})?(\+{_IDENT})?"
_OPS = r"!=|>=|=>|<=|=<|~>|>|<|=|~|\^|"
_COMPARATOR_RE = re.compile(rf"^\s*({_OPS})\s*({_CV})\s*$")
_FIND_RE = re.compile(rf"({_OPS})\s*({_CV})")
_GROUP_RE = re.compile(rf"^\s*(?:{_OPS})\s*{_CV}\s*(?:(?:\s+|,\s*)(?:{_OPS})\s*{_CV}\s*)*$")
_RANGE_RE = re.compile(rf"\s*({_CV})\s+-\s+({_CV})\s*")


class SemverError(ValueError):
    """A version or constraint string that cannot be parsed."""


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    original: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        m = _VERSION_RE.match(text.strip())
        if not m:
            raise SemverError(f"not a semantic version: {text!r}")
        pre = tuple(m.group(4).split(".")) if m.group(4) else ()
        for ident in pre:
            if ident.isdigit() and len(ident) > 1 and ident.startswith("0"):
                raise SemverError(f"pre-release identifier with a leading zero: {text!r}")
        return cls(int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0), pre, text)

    def _key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key() and self.prerelease == other.prerelease

    def __hash__(self) -> int:
        return hash((self._key(), self.prerelease))

    def __lt__(self, other: Version) -> bool:
        if self._key() != other._key():
            return self._key() < other._key()
        return _compare_prerelease(self.prerelease, other.prerelease) < 0

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core


def _compare_prerelease(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if a == b:
        return 0
    if not a:
        return 1  # a release sorts after its pre-releases
    if not b:
        return -1
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1  # numeric identifiers sort before alphanumeric ones
        return -1 if x < y else 1
    return -1 if len(a) < len(b) else 1


def _is_x(part: str | None) -> bool:
    return part in ("x", "X", "*")


@dataclass(frozen=True)
class _Comparator:
    op: str
    con: Version
    dirty: bool  # some part was a wildcard or missing
    minor_dirty: bool  # the minor (and patch) was a wildcard or missing
    patch_dirty: bool  # only the patch was a wildcard or missing
    text: str

    def check(self, v: Version) -> bool:
        if v.prerelease and not self.con.prerelease:
            return False
        return _CHECKS[self.op](self, v)


def _tilde(c: _Comparator, v: Version) -> bool:
    if v < c.con:
        return False
    if c.con._key() == (0, 0, 0) and not c.minor_dirty and not c.patch_dirty:
        return True
    if v.major != c.con.major:
        return False
    return c.minor_dirty or v.minor == c.con.minor


def _caret(c: _Comparator, v: Version) -> bool:
    if v < c.con:
        return False
    if c.con.major > 0 or c.minor_dirty:
        return v.major == c.con.major
    if v.major > 0:
        return False
    if c.con.minor > 0 or c.patch_dirty:
        return v.minor == c.con.minor
    if v.minor > 0:
        return False
    return v.patch == c.con.patch


def _equal(c: _Comparator, v: Version) -> bool:
    return _tilde(c, v) if c.dirty else v == c.con


def _not_equal(c: _Comparator, v: Version) -> bool:
    if not c.dirty:
        return v != c.con
    if v.major != c.con.major:
        return True
    if c.minor_dirty:
        return False
    if v.minor != c.con.minor:
        return True
    if c.patch_dirty:
        return v.prerelease != c.con.prerelease
    return v != c.con


def _greater(c: _Comparator, v: Version) -> bool:
    if not c.dirty:
        return v > c.con
    if v.major != c.con.major:
        return v.major > c.con.major
    if c.minor_dirty:
        return False
    if c.patch_dirty:
        return v.minor > c.con.minor
    return v > c.con


def _less_equal(c: _Comparator, v: Version) -> bool:
    if not c.dirty:
        return v <= c.con
    if v.major > c.con.major:
        return False
    return not (v.major == c.con.major and v.minor > c.con.minor and not c.minor_dirty)


_CHECKS: dict[str, Callable[[_Comparator, Version], bool]] = {
    "": _equal,
    "=": _equal,
    "!=": _not_equal,
    ">": _greater,
    "<": lambda c, v: v < c.con,
    ">=": lambda c, v: v >= c.con,
    "=>": lambda c, v: v >= c.con,
    "<=": _less_equal,
    "=<": _less_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}


def _comparator(text: str) -> _Comparator:
    m = _COMPARATOR_RE.match(text)
    if not m:
        raise SemverError(f"improper constraint: {text!r}")
    op, major, minor, patch, pre = m.group(1), m.group(3), m.group(4), m.group(5), m.group(6) or ""
    minor = minor[1:] if minor else None
    patch = patch[1:] if patch else None
    dirty = minor_dirty = patch_dirty = False
    if _is_x(major):
        ver, dirty = f"0.0.0{pre}", True
    elif minor is None or _is_x(minor):
        ver, dirty, minor_dirty = f"{major}.0.0{pre}", True, True
    elif patch is None or _is_x(patch):
        ver, dirty, patch_dirty = f"{major}.{minor}.0{pre}", True, True
    else:
        ver = f"{major}.{minor}.{patch}{pre}"
    if any(not p.isdigit() for p in ver.split("-")[0].split(".")):
        raise SemverError(f"improper constraint: {text!r}")
    return _Comparator(op, Version.parse(ver), dirty, minor_dirty, patch_dirty, text.strip())


@dataclass(frozen=True)
class Constraint:
    """A parsed constraint: OR of AND-groups of comparators."""

    text: str
    groups: tuple[tuple[_Comparator, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Constraint:
        rewritten = _RANGE_RE.sub(lambda m: f" >= {m.group(1)}, <= {m.group(7)} ", text)
        groups = []
        for part in rewritten.split("||"):
            if not part.strip():
                raise SemverError(f"improper constraint: {text!r}")
            if not _GROUP_RE.match(part):
                raise SemverError(f"improper constraint: {text!r}")
            found = [m.group(0) for m in _FIND_RE.finditer(part)]
            groups.append(tuple(_comparator(f) for f in found))
        return cls(text, tuple(groups))

    def check(self, version: Version) -> bool:
        return any(all(c.check(version) for c in group) for group in self.groups)


def latest(constraint: str, candidates: Iterable[str]) -> str | None:
    """The candidate (e.g. a tag name) with the highest version satisfying ``constraint``.

    Candidates that are not versions are skipped. On equal versions (``v1.0.0`` and ``1.0.0``)
    the lexically greatest name wins, so the choice is deterministic.
    """
    parsed = Constraint.parse(constraint)
    best: tuple[Version, str] | None = None
    for name in candidates:
        try:
            version = Version.parse(name)
        except SemverError:
            continue
        if not parsed.check(version):
            continue
        if best is None or (version, name) > best:
            best = (version, name)
    return best[1] if best else None
