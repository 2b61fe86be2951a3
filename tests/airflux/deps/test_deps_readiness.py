"""dependsOn at run time: a dependency blocks until it applied the same revision and is Ready."""

from __future__ import annotations

from airflux.deps import DependencyState, blocking

SRC = "GitRepository/apps/src"
REV = "main@sha1:" + "b" * 40
OLD = "main@sha1:" + "a" * 40


def test_same_source_dependency_must_be_at_the_same_commit_and_ready() -> None:
    assert blocking([DependencyState("ks.apps.db", REV, True, SRC)], source=SRC, revision=REV) == []
    assert blocking([DependencyState("ks.apps.db", OLD, True, SRC)], source=SRC, revision=REV) == [
        f"ks.apps.db is at {OLD}, not {REV}"]
    assert blocking([DependencyState("ks.apps.db", REV, False, SRC)], source=SRC, revision=REV) == [
        "ks.apps.db is not Ready"]
    # The same commit reached through another ref name (a tag) counts as the same revision.
    assert blocking([DependencyState("ks.apps.db", "v1@sha1:" + "b" * 40, True, SRC)], source=SRC,
                    revision=REV) == []


def test_other_source_dependency_only_needs_to_be_applied_and_ready() -> None:
    other = "GitRepository/platform/crds"
    assert blocking([DependencyState("ks.platform.crds", OLD, True, other)], source=SRC, revision=REV) == []
    assert blocking([DependencyState("ks.platform.crds", None, False, other)], source=SRC, revision=REV) == [
        "ks.platform.crds has not applied anything yet"]
