"""Which cluster a run changes: the Airflow connection ``kubernetes_default`` first, then ``KUBECONFIG``.

The connection goes through the cncf.kubernetes provider's ``KubernetesHook``, as a deployment that
keeps cluster credentials in Airflow's secret backends would have it; here it is an environment
variable connection pointing at one kubesim while ``KUBECONFIG`` points at another.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from e2e_stack import App

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

FILES = {
    "deploy/kustomization.yaml": "resources: [config.yaml]\n",
    "deploy/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {k: v}\n",
}


def test_connection_kubernetes_default_wins_over_kubeconfig(app: App, kubesim_factory: Any) -> None:
    decoy = kubesim_factory()
    app.repo.commit(FILES, "cfg")
    app.define()
    connection = json.dumps({"conn_type": "kubernetes", "extra": {"kube_config_path": str(app.kubesim.kubeconfig)}})

    run = app.run(kubeconfig=decoy.kubeconfig, env={"AIRFLOW_CONN_KUBERNETES_DEFAULT": connection})

    assert run.state == "success", run.errors()
    assert app.kubectl_json("get", "configmap", "cfg")["data"] == {"k": "v"}
    assert decoy.get("v1", "ConfigMap", "cfg", "default") is None


def test_no_cluster_at_all_fails_at_diff_and_says_how_to_configure_one(app: App) -> None:
    app.repo.commit(FILES, "cfg")
    app.define()

    run = app.run(kubeconfig=app.home.parent / "missing-kubeconfig")

    assert run.state == "failed"
    assert run.tasks["diff"] == ("failed", 1)
    assert "no cluster configured: set the kubernetes_default connection, KUBECONFIG" in run.errors()
