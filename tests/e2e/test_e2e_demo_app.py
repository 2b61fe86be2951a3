"""The demo that ``make run`` deploys (``apps/shop.yaml`` + ``examples/shop``) reconciles and becomes Ready.

Same definitions and manifests as the launcher uses, only the GitRepository URL points at a
repository this test makes from ``examples/shop``; ``spec.wait: true`` there, so health is checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from e2e_stack import AirflowStack, App, Repo

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

ROOT = Path(__file__).resolve().parents[2]


def test_demo_app_reconciles_and_becomes_ready(airflow_stack: AirflowStack, kubesim, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "shop")
    shutil.copytree(ROOT / "examples" / "shop", repo.path, dirs_exist_ok=True)
    commit = repo.commit({}, "demo")
    apps = tmp_path / "apps"
    apps.mkdir()
    definitions = (ROOT / "apps" / "shop.yaml").read_text()
    assert "url: file:///tmp/airflux-demo/shop.git" in definitions
    (apps / "shop.yaml").write_text(definitions.replace("file:///tmp/airflux-demo/shop.git", f"file://{repo.path}"))
    app = App(airflow_stack, repo, apps, tmp_path / "store", kubesim, "shop")

    run = app.run()

    assert run.state == "success", run.errors()
    applied = run.xcom["apply"]
    assert applied["revision"] == f"main@sha1:{commit}"
    assert applied["health"]["ready"] == applied["health"]["checked"] == applied["inventory_size"] == 4
    deployment = app.kubectl_json("get", "deployment", "web", "-n", "shop")
    assert deployment["status"]["availableReplicas"] == 2
    assert app.kubectl_json("get", "configmap", "web-config", "-n", "shop")["data"]["GREETING"] == (
        "hello from the demo overlay")
    assert "4/4 ready" in run.log


def test_demo_helm_release_installs_the_chart_from_the_demo_repository(airflow_stack: AirflowStack, kubesim,
                                                                        tmp_path: Path) -> None:
    """``apps/shop-cache.yaml``: the chart in ``examples/shop/charts/cache`` rendered by the Helm engine with
    the release's values over the chart's, installed into its own namespace, recorded as revision 1."""
    repo = Repo(tmp_path / "shop")
    shutil.copytree(ROOT / "examples" / "shop", repo.path, dirs_exist_ok=True)
    commit = repo.commit({}, "demo")
    apps = tmp_path / "apps"
    apps.mkdir()
    for name in ("shop.yaml", "shop-cache.yaml"):
        text = (ROOT / "apps" / name).read_text()
        (apps / name).write_text(text.replace("file:///tmp/airflux-demo/shop.git", f"file://{repo.path}"))

    run = airflow_stack.run("hr.flux-system.cache", apps=apps, home=tmp_path / "store", kubeconfig=kubesim.kubeconfig)

    assert run.state == "success", run.errors()
    applied = run.xcom["apply"]
    assert applied["release_revision"] == 1 and applied["upgraded"]
    assert applied["revision"] == f"main@sha1:{commit}"
    assert any("revision 1" in line and "cache 0.1.0" in line for line in applied["history"]), applied["history"]
    deployment = kubesim.kubectl("get", "deployment", "cache", "-n", "cache", "-o", "json", check=True)
    assert '"image": "redis:7.4-alpine"' in deployment.stdout
    config = kubesim.kubectl("get", "configmap", "cache-config", "-n", "cache", "-o", "jsonpath={.data.redis\\.conf}",
                             check=True).stdout
    assert "maxmemory 128mb" in config and "port 6379" in config
