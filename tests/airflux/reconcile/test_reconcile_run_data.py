"""What the reconcile tasks leave for each other and for people: run files, summaries, the run summary text.

The cluster side is proven end to end in ``tests/e2e``; these are the pure parts a broken handoff
between two tasks of one run would show up in first.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from airflux.diff import Change, ChangeSet
from airflux.model import Action, ObjRef
from airflux.paths import Layout
from airflux.reconcile import (
    ApplySummary,
    DiffSummary,
    Failure,
    HealthSummary,
    RunDataError,
    read_changes,
    run_dir,
    run_summary,
)
from airflux.reconcile.runs import write_changes

CFG = ObjRef("", "ConfigMap", "shop", "cfg")
WEB = ObjRef("apps", "Deployment", "shop", "web")
SVC = ObjRef("", "Service", "shop", "web")


def test_run_files_live_under_the_artifact_store_with_file_safe_names(tmp_path: Path) -> None:
    where = run_dir(Layout(tmp_path), dag_id="ks.flux-system.shop", run_id="manual__2026-11-26T15:00:00+00:00")
    assert where == tmp_path / "runs" / "ks.flux-system.shop" / "manual__2026-11-26T15_00_00_00_00"


def test_change_set_survives_the_handoff_from_diff_to_apply(tmp_path: Path) -> None:
    changes = ChangeSet.of([
        Change(CFG, Action.CONFIGURED, "v1", diff="-  workers=2\n+  workers=4\n", live_fingerprint="rv:7", digest="d1"),
        Change(WEB, Action.UNCHANGED, "apps/v1", live_fingerprint="g:1:abc", digest="d2"),
        Change(SVC, Action.DELETED, "v1"),
    ])
    write_changes(tmp_path, changes, revision="main@sha1:abc", rendered_digest="sha256:r1")

    back = read_changes(tmp_path, rendered_digest="sha256:r1")

    assert back == changes
    assert [(c.live_fingerprint, c.digest) for c in back.changes] == [("rv:7", "d1"), ("g:1:abc", "d2"), ("", "")]
    assert back.changes[0].diff == "-  workers=2\n+  workers=4\n"


def test_apply_refuses_a_change_set_of_another_render_or_none_at_all(tmp_path: Path) -> None:
    write_changes(tmp_path, ChangeSet(), revision="main@sha1:abc", rendered_digest="sha256:old")
    with pytest.raises(RunDataError, match="computed for render sha256:old, not sha256:new"):
        read_changes(tmp_path, rendered_digest="sha256:new")
    with pytest.raises(RunDataError, match="change set not found") as err:
        read_changes(tmp_path / "elsewhere", rendered_digest="sha256:new")
    assert err.value.retryable is False


def test_summaries_round_trip_through_xcom_values() -> None:
    applied = ApplySummary(dag_id="ks.a.b", revision="main@sha1:abc", rendered_digest="sha256:r",
                           counts={"created": 1, "deleted": 1},
                           names={"created": ("ConfigMap/shop/cfg",), "deleted": ("Service/shop/web",)},
                           pruned=("Service/shop/web",), inventory_size=3,
                           health=HealthSummary(checked=3, ready=3, elapsed=1.25))
    diff = DiffSummary(dag_id="ks.a.b", revision="main@sha1:abc", rendered_digest="sha256:r", object_count=3,
                       counts={"created": 1}, names={"created": ("ConfigMap/shop/cfg",)})
    assert ApplySummary.from_dict(applied.to_dict()) == applied
    assert DiffSummary.from_dict(diff.to_dict()) == diff
    assert diff.to_dict()["changed"] is True


def test_run_summary_names_what_changed_and_counts_the_rest() -> None:
    applied = ApplySummary(
        dag_id="ks.flux-system.shop", revision="main@sha1:abc",
        counts={"created": 1, "configured": 1, "unchanged": 12, "deleted": 1, "skipped": 0},
        names={"created": ("ConfigMap/shop/new",), "configured": ("Deployment/shop/web",),
               "deleted": ("Service/shop/old",), "unchanged": tuple(f"ConfigMap/shop/c{i}" for i in range(12))},
        kept=("ConfigMap/shop/keep (prune disabled by annotation)",), inventory_size=14,
        health=HealthSummary(checked=14, ready=14, elapsed=2.04))

    text = run_summary(dag_id="ks.flux-system.shop", revision="main@sha1:abc", diff=None, applied=applied,
                       duration=timedelta(seconds=7.3))

    assert text.splitlines() == [
        "ks.flux-system.shop: applied at revision main@sha1:abc in 7.3s",
        "  created (1): ConfigMap/shop/new",
        "  configured (1): Deployment/shop/web",
        "  deleted (1): Service/shop/old",
        "  unchanged (12)",
        "  not pruned: ConfigMap/shop/keep (prune disabled by annotation)",
        "  health: 14/14 ready after 2.0s",
        "  inventory: 14 object(s)",
    ]


def test_run_summary_of_a_no_op_run_says_so() -> None:
    applied = ApplySummary(dag_id="ks.a.b", revision="main@sha1:abc", counts={"unchanged": 2},
                           names={"unchanged": ("ConfigMap/a/x", "ConfigMap/a/y")}, inventory_size=2)
    text = run_summary(dag_id="ks.a.b", revision="main@sha1:abc", diff=None, applied=applied, duration=None)
    assert text.splitlines()[0] == "ks.a.b: no changes at revision main@sha1:abc in unknown"
    assert "  unchanged (2): ConfigMap/a/x, ConfigMap/a/y" in text.splitlines()
    assert "  health: not checked (neither spec.wait nor healthChecks)" in text.splitlines()


def test_run_summary_of_a_failed_run_leads_with_the_failing_step_and_its_error() -> None:
    diff = DiffSummary(dag_id="ks.a.b", revision="main@sha1:abc", rendered_digest="sha256:r", object_count=2,
                       counts={"configured": 1, "unchanged": 1},
                       names={"configured": ("Deployment/shop/web",), "unchanged": ("ConfigMap/shop/cfg",)})
    failure = Failure("apply", "[health] timeout after 5s waiting for 1 object(s):\n  Deployment/shop/web: Failed: x")

    text = run_summary(dag_id="ks.a.b", revision="main@sha1:abc", diff=diff, applied=None, failure=failure,
                       duration=timedelta(seconds=6))

    assert text.splitlines() == [
        "ks.a.b: FAILED at apply at revision main@sha1:abc in 6.0s",
        "  [health] timeout after 5s waiting for 1 object(s):",
        "    Deployment/shop/web: Failed: x",
        "  planned by diff, apply did not finish:",
        "  configured (1): Deployment/shop/web",
        "  unchanged (1): ConfigMap/shop/cfg",
    ]
