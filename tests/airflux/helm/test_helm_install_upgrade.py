"""A HelmRelease installed and upgraded from a local HTTP Helm repository, applied through the engine."""

from __future__ import annotations

import base64
from typing import Any

from airflux.helm import read_history
from airflux.ownership import OWNER_LABEL


def _cm(kubesim: Any, name: str, ns: str = "shop") -> dict[str, str]:
    obj = kubesim.get("v1", "ConfigMap", name, ns)
    assert obj is not None, name
    return dict(obj["data"])


def test_install_creates_the_chart_objects_subchart_and_crd_and_records_revision_1(world: Any,
                                                                                kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions()
    summary = world.deploy(release, repo)

    assert summary.revision == 1 and summary.upgraded
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy is not None
    assert deploy["metadata"]["labels"][OWNER_LABEL] == "hr.shop.shop"
    assert deploy["metadata"]["labels"]["helm.toolkit.fluxcd.io/name"] == "shop"  # Flux's origin labels
    assert deploy["metadata"]["labels"]["helm.toolkit.fluxcd.io/namespace"] == "shop"
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/example/shop:2.0.0"
    assert {"name": "LOG_LEVEL", "value": "info"} in container["env"]
    config = _cm(kubesim, "shop-config")
    assert config["greeting"] == "hello from shop"
    assert config["installed"] == "true" and config["feature.cart"] == "on"
    assert config["hasWidgets"] == "false"  # rendered before the chart's CRD was served
    assert config["kubeVersion"].startswith("v1.")
    assert _cm(kubesim, "shop-cache") == {"maxMemory": "64mb", "global": "test"}  # subchart, parent values win
    assert kubesim.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com") is not None
    assert kubesim.get("example.com/v1", "Widget", "shop", "shop") is not None
    assert kubesim.get("v1", "Pod", "shop-test", "shop") is None  # test hooks only with test.enable
    secret = kubesim.get("v1", "Secret", "shop-auth", "shop")
    assert base64.b64decode(secret["data"]["password"]) == b"s3cret"
    (record,) = read_history(world.client, dag_id=release.dag_id)
    assert (record.revision, record.chart, record.version, record.app_version, record.status) == (
        1, "shop", "1.0.0", "2.0.0", "deployed")
    assert record.source_revision.startswith("1.0.0@sha256:")
    assert record.values_digest.startswith("sha256:")


def test_upgrade_with_changed_values_is_revision_2_and_a_rerun_changes_nothing(world: Any,
                                                                              kubesim: Any) -> None:
    world.publish("1.0.0")
    release, repo = world.definitions()
    world.deploy(release, repo)
    changed, repo = world.definitions(spec={"values": {"replicaCount": 2, "env": {"mode": "api"},
                                                       "service": {"enabled": False},
                                                       "legacy": {"enabled": False}}})
    summary = world.deploy(changed, repo)

    assert summary.revision == 2 and summary.upgraded
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy["spec"]["replicas"] == 2
    env = deploy["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "MODE", "value": "api"} in env and {"name": "REVISION", "value": "2"} in env
    assert _cm(kubesim, "shop-config")["installed"] == "false"
    assert _cm(kubesim, "shop-config")["hasWidgets"] == "true"  # .Capabilities from the target cluster
    assert kubesim.get("v1", "Service", "shop", "shop") is None  # left the render: pruned
    assert summary.applied.counts["deleted"] == 1
    assert kubesim.get("v1", "ConfigMap", "shop-legacy", "shop") is not None  # helm.sh/resource-policy: keep
    assert any("shop-legacy" in kept for kept in summary.applied.kept)
    again = world.deploy(changed, repo)
    assert again.revision == 2 and not again.upgraded
    assert again.applied.counts.get("created", 0) == again.applied.counts.get("configured", 0) == 0
    assert [r.revision for r in read_history(world.client, dag_id=release.dag_id)] == [1, 2]


def test_version_range_picks_the_newest_match(world: Any, kubesim: Any) -> None:
    for version in ("1.0.0", "1.2.0", "1.10.1", "2.0.0"):
        world.publish(version)
    release, repo = world.definitions(version=">=1.0.0 <2.0.0")
    world.deploy(release, repo)
    (record,) = read_history(world.client, dag_id=release.dag_id)
    assert record.version == "1.10.1"
    deploy = kubesim.get("apps/v1", "Deployment", "shop", "shop")
    assert deploy["metadata"]["labels"]["helm.sh/chart"] == "shop-1.10.1"
