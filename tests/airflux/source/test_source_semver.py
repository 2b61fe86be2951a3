"""Semver constraints behave like Flux's (Masterminds/semver v3) when picking a tag."""

from __future__ import annotations

import pytest

from airflux.source.semver import Constraint, SemverError, Version, latest

TAGS = [
    "v0.1.0", "v0.1.5", "v0.2.0", "v1.0.0", "v1.2.0", "v1.2.3", "v1.2.10", "v1.3.0-rc.1",
    "1.4.0", "v2.0.0", "v2.1.0-alpha", "v2.1.0-alpha.2", "not-a-version", "v3.0.0+build.7",
]  # fmt: skip


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (">=1.0.0 <2.0.0", "1.4.0"),
        (">=1.0.0, <2.0.0", "1.4.0"),
        ("~1.2", "v1.2.10"),
        ("~1.2.3", "v1.2.10"),
        ("~>1", "1.4.0"),
        ("^1.2.3", "1.4.0"),
        ("^0.1", "v0.1.5"),
        ("^0.1.0", "v0.1.5"),
        ("^0", "v0.2.0"),
        ("1.x", "1.4.0"),
        ("1.2.x", "v1.2.10"),
        ("*", "v3.0.0+build.7"),
        ("<=1.2", "v1.2.10"),
        ("<1.2", "v1.0.0"),
        (">1.2", "v3.0.0+build.7"),
        ("1.2 - 1.3", "v1.2.10"),
        ("!=3.0.0", "v2.0.0"),
        ("=1.2.3", "v1.2.3"),
        ("<1 || >=2 <3", "v2.0.0"),
        (">=5", None),
    ],
)
def test_constraint_picks_highest_release(constraint: str, expected: str | None) -> None:
    assert latest(constraint, TAGS) == expected


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (">=1.3.0-0", "v3.0.0+build.7"),
        (">=1.3.0-0 <2.0.0-0", "1.4.0"),
        ("~1.3.0-0", "v1.3.0-rc.1"),
        ("^2.1.0-alpha", "v2.1.0-alpha.2"),
        # A comparator without a pre-release excludes pre-releases even if another admits them.
        (">=2.1.0-0 <3.0.0", None),
    ],
)
def test_prereleases_only_when_the_constraint_asks_for_them(constraint: str, expected: str | None) -> None:
    assert latest(constraint, TAGS) == expected


def test_version_ordering_follows_semver() -> None:
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]  # fmt: skip
    parsed = [Version.parse(v) for v in order]
    assert sorted(reversed(parsed)) == parsed
    assert Version.parse("v1.2") == Version.parse("1.2.0")
    assert Version.parse("1.2.3+meta") == Version.parse("1.2.3")


@pytest.mark.parametrize("bad", [">>1", "1.2.3.4", "abc", "", ">=1 ||", "~ x.y"])
def test_invalid_constraints_are_rejected(bad: str) -> None:
    with pytest.raises(SemverError):
        Constraint.parse(bad)
