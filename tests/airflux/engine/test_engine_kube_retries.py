"""The Kubernetes client against a misbehaving API server (kubesim fault injection)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from engine_helpers import reconcile
from sample_app import DAG_ID, app, configmap

from airflux.diff import DryRunFailed
from airflux.kube import ClientOptions, KubeApiError, KubeClient, RetryPolicy
from airflux.model import Action


def test_throttling_with_retry_after_and_server_errors_are_retried(client: KubeClient, kubesim: Any) -> None:
    kubesim.fail(method="PATCH", path="/configmaps/cfg", code=429, retry_after=1, count=1)
    kubesim.fail(method="PATCH", path="/deployments/web", code=500, count=1)
    kubesim.fail(method="GET", path="/api/v1/namespaces/shop$", code=503, retry_after=0, count=1)
    start = time.monotonic()
    result = reconcile(client, app(), dag_id=DAG_ID)
    assert time.monotonic() - start >= 0.9  # waited as long as the server asked
    assert {c.action for c in result.applied.changes.changes} == {Action.CREATED}
    kubesim.wait_for(lambda: len(kubesim.requests(method="PATCH", path="/configmaps/cfg")) >= 2, timeout=2)
    codes = [r.code for r in kubesim.requests(method="PATCH", path="/configmaps/cfg")]
    assert codes[0] == 429 and codes[-1] in (200, 201)
    assert 500 in [r.code for r in kubesim.requests(method="PATCH", path="/deployments/web")]


def test_a_dropped_connection_is_retried(client: KubeClient, kubesim: Any) -> None:
    kubesim.drop(method="PATCH", path="/configmaps/cfg", count=1)
    result = reconcile(client, app(), dag_id=DAG_ID)
    assert result.applied.changes.get(next(c.ref for c in result.changes.changes
                                           if str(c.ref) == "ConfigMap/shop/cfg")).action is Action.CREATED  # type: ignore[union-attr]


def test_validation_errors_are_not_retried(client: KubeClient, kubesim: Any) -> None:
    objs = app()
    objs[3]["spec"]["replicas"] = -1
    reconcile(client, app(), dag_id=DAG_ID)
    with pytest.raises(DryRunFailed) as caught:
        reconcile(client, objs, dag_id=DAG_ID)
    assert not caught.value.retryable
    # kubesim logs a request just after answering it: wait for the log to catch up, then count.
    def rejected() -> list[Any]:
        return [r for r in kubesim.requests(method="PATCH", path="/deployments/web") if r.code == 422]

    kubesim.wait_for(rejected, timeout=2)
    time.sleep(0.2)
    assert len(rejected()) == 1


def test_a_server_that_keeps_failing_gives_a_retryable_error_naming_the_object(kubesim: Any) -> None:
    kubesim.fail(method="PATCH", path="/configmaps/solo", code=503, retry_after=0, count=None)
    opts = ClientOptions(retry=RetryPolicy(attempts=3, base_delay=0.01))
    with KubeClient.from_kubeconfig(kubesim.kubeconfig, options=opts) as c, pytest.raises(KubeApiError) as caught:
        c.apply(configmap("solo", namespace="default"), dry_run=True)
    assert caught.value.retryable and caught.value.status == 503
    assert "ConfigMap/default/solo" in str(caught.value)
    kubesim.wait_for(lambda: len(kubesim.requests(method="PATCH", path="/configmaps/solo")) >= 3, timeout=2)
    assert len(kubesim.requests(method="PATCH", path="/configmaps/solo")) == 3


def test_a_kind_we_may_not_list_is_still_diffed_object_by_object(client: KubeClient, kubesim: Any) -> None:
    reconcile(client, app(), dag_id=DAG_ID)
    kubesim.fail(method="GET", path=r"^/api/v1/configmaps\?", code=403, count=None)
    kubesim.fail(method="GET", path=r"^/api/v1/namespaces/shop/configmaps\?", code=403, count=None)
    result = reconcile(client, app(conf="changed\n"), dag_id=DAG_ID)
    assert [str(c.ref) for c in result.changes.with_action(Action.CONFIGURED)] == ["ConfigMap/shop/cfg"]
