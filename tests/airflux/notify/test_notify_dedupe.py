"""A repeated error is sent once, then only as a reminder after the reminder period; a recovery closes it."""

from __future__ import annotations

from datetime import timedelta

from notify_helpers import FAILURE, NOOP, Setup, facts

from airflux.notify import StageFailure


def _heads(setup: Setup) -> list[str]:
    return [b["blocks"][0]["text"]["text"] for b in setup.bodies()]


def test_same_error_on_the_next_runs_is_held_until_the_reminder_is_due(setup: Setup) -> None:
    start = setup.clock.now
    setup.run(facts("run-1", failure=FAILURE))
    for minutes, run in ((5, "run-2"), (30, "run-3"), (59, "run-4")):
        setup.clock.now = start + timedelta(minutes=minutes)
        result = setup.run(facts(run, failure=FAILURE))
        assert result.deliveries == () and "same error reported at" in result.held[0]
    setup.clock.now = start + timedelta(hours=1)
    setup.run(facts("run-5", failure=FAILURE))

    assert _heads(setup) == ["Kustomization flux-system/shop failed at apply",
                             "Kustomization flux-system/shop still failed at apply"]
    reminder = setup.bodies()[1]
    assert "(reminder; first reported 2026-11-26T12:00:00+00:00)" in reminder["text"]
    assert "3 more failed run(s) since the last message" in str(reminder["blocks"])


def test_numbers_that_change_between_runs_do_not_make_a_new_error(setup: Setup) -> None:
    setup.run(facts("run-1", failure=StageFailure(stage="health", message="1/3 ready after 120.4s")))
    setup.run(facts("run-2", failure=StageFailure(stage="health", message="2/3 ready after 121.9s")))

    assert len(setup.bodies()) == 1


def test_a_different_error_is_sent_at_once(setup: Setup) -> None:
    setup.run(facts("run-1", failure=FAILURE))
    setup.run(facts("run-2", failure=StageFailure(stage="render", message="kustomize build failed: no such file")))

    assert _heads(setup) == ["Kustomization flux-system/shop failed at apply",
                             "Kustomization flux-system/shop failed at render"]


def test_reminder_period_is_configurable(setup: Setup) -> None:
    setup.reminder = timedelta(minutes=10)
    setup.run(facts("run-1", failure=FAILURE))
    setup.clock.now += timedelta(minutes=9)
    setup.run(facts("run-2", failure=FAILURE))
    setup.clock.now += timedelta(minutes=2)
    setup.run(facts("run-3", failure=FAILURE))

    assert len(setup.bodies()) == 2


def test_recovery_closes_the_error_so_the_next_failure_is_new_again(setup: Setup) -> None:
    setup.run(facts("run-1", failure=FAILURE))
    setup.run(facts("run-2", applied=NOOP))
    setup.clock.now += timedelta(minutes=1)
    setup.run(facts("run-3", failure=FAILURE))

    assert _heads(setup) == ["Kustomization flux-system/shop failed at apply",
                             "Kustomization flux-system/shop recovered",
                             "Kustomization flux-system/shop failed at apply"]


def test_the_same_run_is_reported_once_even_if_notified_twice(setup: Setup) -> None:
    """The notify task and Airflow's failure callback can both report one failed run."""
    setup.run(facts("run-1", failure=FAILURE))
    result = setup.run(facts("run-1", failure=StageFailure(stage="run", message="task apply failed")))

    assert len(setup.bodies()) == 1 and result.held == ("Alert/flux-system/shop-alerts: this run was already reported",)


def test_state_survives_a_new_process_as_a_file_under_the_artifact_store(setup: Setup) -> None:
    setup.run(facts("run-1", failure=FAILURE))

    saved = setup.store.load("ks.flux-system.shop")
    assert saved.alert("Alert/flux-system/shop-alerts").open
    assert setup.store.path("ks.flux-system.shop").is_file()
