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
