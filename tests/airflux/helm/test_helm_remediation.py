"""Remediation by uninstall (with the chart's ``pre-delete``/``post-delete`` hooks, as ``helm uninstall``),
and Helm tests run with ``test.enable``."""

from __future__ import annotations

from typing import Any

import pytest
from charts import HOOK_JOB

from airflux.helm import ReleaseFailed, read_history
from airflux.helm.hooks import HookFailed
from airflux.specs.helm_types import RemediationOutcome


def test_failing_upgrade_with_strategy_uninstall_removes_the_release_objects(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"timeout": "3s"})
    world.deploy(release, repo)
    assert kubesim.get("v1", "ConfigMap", "shop-config", "shop") is not None
    bad, repo = world.definitions(spec={
        "timeout": "3s", "values": {"deploymentAnnotations": {"kubesim.io/fail": "true"}},
        "upgrade": {"remediation": {"retries": 1, "strategy": "uninstall"}}})
    with pytest.raises(ReleaseFailed, match="revision 2 failed, release uninstalled") as failed:
        world.deploy(bad, repo)
    assert failed.value.remediation == RemediationOutcome(action="uninstalled", from_revision=2)
    assert kubesim.get("v1", "ConfigMap", "shop-config", "shop") is None
    assert kubesim.get("apps/v1", "Deployment", "shop", "shop") is None
    assert kubesim.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com") is not None
    assert [(r.revision, r.status) for r in read_history(world.client, dag_id=release.dag_id)] == [
        (1, "deployed"), (2, "failed")]


def test_without_retries_a_failed_upgrade_is_recorded_and_left_as_is(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"timeout": "3s"})
    world.deploy(release, repo)
    bad, repo = world.definitions(spec={"timeout": "2s",
                                        "values": {"deploymentAnnotations": {"kubesim.io/fail": "true"}}})
    with pytest.raises(Exception, match=r"\[health\] .*timeout after 2s"):
        world.deploy(bad, repo)
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy["metadata"]["annotations"]["kubesim.io/fail"] == "true"
    assert read_history(world.client, dag_id=release.dag_id)[-1].status == "failed"


def test_test_hooks_run_after_the_release_only_with_test_enable(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"test": {"enable": True}})
    try:
        summary = world.deploy(release, repo)
    except HookFailed as e:  # a kubesim Pod that never finishes would show here, named
        pytest.fail(str(e))
    assert summary.hooks[-1] == "Pod/shop-test"
    assert kubesim.get("v1", "Pod", "shop-test", "shop") is not None


DELETE_HOOKS = {
    "hook-goodbye.yaml": HOOK_JOB.format(name="goodbye", events="pre-delete", weight=5, policy="hook-succeeded"),
    "hook-drain.yaml": HOOK_JOB.format(name="drain", events="pre-delete", weight=-1, policy="before-hook-creation"),
    "hook-cleanup.yaml": HOOK_JOB.format(name="cleanup", events="post-delete", weight=0,
                                         policy="before-hook-creation"),
}
FAILING_PRE_DELETE = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "shop.fullname" . }}-refuse
  annotations: {"helm.sh/hook": pre-delete, "helm.sh/hook-delete-policy": hook-failed,
                "kubesim.io/fail": "true", "kubesim.io/fail-message": "backup not taken"}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: job, image: busybox}]}}}
"""
UNINSTALL = {"timeout": "3s", "values": {"deploymentAnnotations": {"kubesim.io/fail": "true"}},
             "upgrade": {"remediation": {"retries": 1, "strategy": "uninstall"}}}


def test_uninstall_runs_delete_hooks_in_weight_order_around_the_removal(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0", extra_templates=DELETE_HOOKS)
    release, repo = world.definitions(spec={"timeout": "3s"})
    world.deploy(release, repo)
    assert kubesim.get("batch/v1", "Job", "shop-drain", "shop") is None  # delete hooks: not on install
    bad, repo = world.definitions(spec=UNINSTALL)
    with pytest.raises(ReleaseFailed, match="revision 2 failed, release uninstalled") as failed:
        world.deploy(bad, repo)

    assert failed.value.remediation == RemediationOutcome(
        action="uninstalled", from_revision=2, hooks=("Job/shop-drain", "Job/shop-goodbye", "Job/shop-cleanup"))
    assert kubesim.get("apps/v1", "Deployment", "shop", "shop") is None
    drain = kubesim.get("batch/v1", "Job", "shop-drain", "shop")  # before-hook-creation: left after success
    assert drain is not None
    assert kubesim.get("batch/v1", "Job", "shop-goodbye", "shop") is None  # hook-succeeded: deleted
    cleanup = kubesim.get("batch/v1", "Job", "shop-cleanup", "shop")
    assert int(cleanup["metadata"]["resourceVersion"]) > int(drain["metadata"]["resourceVersion"])


def test_a_failing_pre_delete_hook_stops_the_uninstall_and_says_why(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0", extra_templates={**DELETE_HOOKS, "hook-refuse.yaml": FAILING_PRE_DELETE})
    release, repo = world.definitions(spec={"timeout": "3s"})
    world.deploy(release, repo)
    bad, repo = world.definitions(spec=UNINSTALL)
    with pytest.raises(ReleaseFailed, match=r"(?s)revision 2 failed, uninstall stopped: pre-delete hook Job/shop-refuse"
                                            r".*backup not taken") as failed:
        world.deploy(bad, repo)

    assert failed.value.remediation is None  # nothing was undone
    assert kubesim.get("apps/v1", "Deployment", "shop", "shop") is not None  # the objects are left in place
    assert kubesim.get("batch/v1", "Job", "shop-drain", "shop") is not None  # weight -1 ran before it
    assert kubesim.get("batch/v1", "Job", "shop-refuse", "shop") is None  # hook-failed: deleted
    assert kubesim.get("batch/v1", "Job", "shop-goodbye", "shop") is None  # weight 5: never ran
    assert kubesim.get("batch/v1", "Job", "shop-cleanup", "shop") is None
