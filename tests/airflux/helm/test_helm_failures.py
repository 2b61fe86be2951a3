"""What a user sees when a HelmRelease cannot deploy: the value, file and line named, nothing applied;
valuesFrom optional vs required; hooks in weight order; a failing upgrade rolled back."""

from __future__ import annotations

from typing import Any

import pytest

from airflux.helm import ReleaseFailed, read_history
from airflux.model import RenderError
from airflux.specs.helm_types import RemediationOutcome


def _nothing_in(kubesim: Any, namespace: str) -> None:
    assert kubesim.objects("apps/v1", "Deployment", namespace) == []
    assert kubesim.objects("v1", "ConfigMap", namespace) == []


def test_values_schema_violation_names_the_value_and_applies_nothing(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"values": {"replicaCount": "three"}})
    with pytest.raises(RenderError) as caught:
        world.deploy(release, repo)
    message = str(caught.value)
    assert "values.schema.json" in message and "'/replicaCount'" in message and "want integer" in message
    assert "HelmRelease/shop/shop" in message
    _nothing_in(kubesim, "shop")


def test_template_error_names_file_and_line_and_applies_nothing(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"values": {"image": {"repository": None}}})
    with pytest.raises(RenderError) as caught:
        world.deploy(release, repo)
    assert "shop/templates/deployment.yaml: line 21: image.repository is required" in str(caught.value)
    _nothing_in(kubesim, "shop")


def test_values_from_a_missing_optional_source_is_skipped_a_missing_required_one_fails(world: Any,
                                                                                        kubesim: Any) -> None:
    world.publish("1.0.0")
    kubesim.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kubesim.apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "prod", "namespace": "shop"},
                   "stringData": {"replicas": "2"}, "type": "Opaque"})
    kubesim.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "base", "namespace": "shop"},
                   "data": {"values.yaml": "env:\n  mode: batch\nreplicaCount: 5\n"}})
    refs = [{"kind": "ConfigMap", "name": "base"},
            {"kind": "Secret", "name": "prod", "valuesKey": "replicas", "targetPath": "replicaCount"},
            {"kind": "ConfigMap", "name": "absent", "optional": True}]
    release, repo = world.definitions(spec={"valuesFrom": refs, "values": {"env": {"log_level": "debug"}}})
    world.deploy(release, repo)
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy["spec"]["replicas"] == 2  # later valuesFrom entries win
    env = deploy["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "MODE", "value": "batch"} in env and {"name": "LOG_LEVEL", "value": "debug"} in env

    required, repo = world.definitions(name="other", spec={"valuesFrom": [{"kind": "ConfigMap", "name": "absent"}]})
    with pytest.raises(RenderError, match=r"valuesFrom ConfigMap/shop/absent does not exist"):
        world.deploy(required, repo)


def test_hooks_run_in_weight_order_around_the_main_set_and_stay_out_of_the_inventory(world: Any,
                                                                                      kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions()
    summary = world.deploy(release, repo)
    assert summary.hooks == ("Job/shop-migrate", "Job/shop-seed", "Job/shop-notify")
    assert kubesim.get("batch/v1", "Job", "shop-migrate", "shop") is not None  # before-hook-creation: kept
    assert kubesim.get("batch/v1", "Job", "shop-seed", "shop") is None  # hook-succeeded: deleted
    notify = kubesim.get("batch/v1", "Job", "shop-notify", "shop")
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert int(notify["metadata"]["resourceVersion"]) > int(deploy["metadata"]["resourceVersion"])
    inventory = kubesim.get("v1", "ConfigMap", "hr.shop.shop", "airflux-system")
    assert "Job" not in inventory["data"]["entries"]


def test_failing_upgrade_is_rolled_back_to_the_last_healthy_release(world: Any, kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions(spec={"timeout": "3s"})
    world.deploy(release, repo)
    bad, repo = world.definitions(spec={
        "timeout": "3s", "values": {"deploymentAnnotations": {"kubesim.io/fail": "true"}, "replicaCount": 2},
        "upgrade": {"remediation": {"retries": 1}}})
    with pytest.raises(ReleaseFailed, match="upgrade to revision 2 failed, rolled back to revision 1") as failed:
        world.deploy(bad, repo)
    assert failed.value.remediation == RemediationOutcome(action="rolled back", from_revision=2, to_revision=1,
                                                          recorded_revision=3)
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert "kubesim.io/fail" not in (deploy["metadata"].get("annotations") or {})
    assert deploy["spec"]["replicas"] == 1
    assert [(r.revision, r.status) for r in read_history(world.client, dag_id=release.dag_id)] == [
        (1, "deployed"), (2, "failed"), (3, "deployed")]
