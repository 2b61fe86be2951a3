"""Remediation by uninstall, and Helm tests run with ``test.enable``."""

from __future__ import annotations

from typing import Any

import pytest

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
