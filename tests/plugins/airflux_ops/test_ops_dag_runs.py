"""The app DAGs really run: ``dag.test()`` fetches a local Git repository, renders it and applies it.

Checks what a user sees in Airflow afterwards: run and task states, tries, the task log, and the small
summaries in XCom (revision, digest, paths, counts; never manifests). A fresh SQLite metadata database
and a Git repository are made per module, and the three apps run in one Airflow process (what
``airflow dags test`` does, without paying Airflow's start-up three times) against a kubesim cluster
named by ``KUBECONFIG``; nothing is mocked. The reconcile itself is proven in ``tests/e2e``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kubesim.testing import start

ROOT = Path(__file__).resolve().parents[3]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

MANIFESTS = {
    "deploy/kustomization.yaml": "resources: [config.yaml, web.yaml]\n",
    "deploy/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {color: blue}\n",
    "deploy/web.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27}]}\n"
    ),
}

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: shop}}
spec: {{url: "file://{repo}", ref: {{branch: main}}, interval: 1m}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: web}}
spec:
  sourceRef: {{kind: GitRepository, name: shop}}
  path: ./deploy
  interval: 10m
  retryInterval: 1m
  prune: true
  targetNamespace: shop
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: typo}}
spec:
  sourceRef: {{kind: GitRepository, name: shop}}
  path: ./deploi
  interval: 10m
  retryInterval: 1m
  prune: true
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: paused}}
spec:
  sourceRef: {{kind: GitRepository, name: shop}}
  path: ./deploy
  interval: 10m
  prune: true
  suspend: true
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    handle = start(tmp_path_factory.mktemp("ops-kubesim"))
    handle.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})  # targetNamespace
    yield handle
    handle.sim.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, cluster) -> dict[str, object]:
    work = tmp_path_factory.mktemp("ops")
    repo = work / "repo"
    for name, text in MANIFESTS.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "-c", "user.email=test@example.com", "-c", "user.name=test", "commit", "-qm", "shop")
    apps, dags = work / "apps", work / "dags"
    apps.mkdir()
    (apps / "shop.yaml").write_text(APPS.format(repo=repo))
    dags.mkdir()
    for name in ("airflux_apps.py", "airflux_app_errors.py"):
        shutil.copy(ROOT / "dags" / name, dags)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW", "KUBECONFIG"))}
    env.update({
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLUX_APPS_DIR": str(apps),
        "AIRFLUX_HOME": str(work / "store"),
        "KUBECONFIG": str(cluster.kubeconfig),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), env.get("PYTHONPATH", "")]),
    })
    done = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"env": env, "db": work / "airflow" / "airflow.db", "commit": git(repo, "rev-parse", "HEAD")}


RUN_ALL = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
states = {dag_id: str(bag.dags[dag_id].test().state) for dag_id in sys.argv[1:]}
print("RESULT " + json.dumps(states))
"""
DAG_IDS = ("ks.default.web", "ks.default.typo", "ks.default.paused")


@pytest.fixture(scope="module")
def runs(stack: dict[str, object]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", RUN_ALL, *DAG_IDS], env=stack["env"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1].removeprefix("RESULT "))
    return {"states": result, "log": done.stdout + done.stderr}


def task_rows(stack: dict[str, object], dag_id: str) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(stack["db"]) as db:
        rows = db.execute("select task_id, state, try_number from task_instance where dag_id = ?", (dag_id,))
        return {task_id: (state, tries) for task_id, state, tries in rows}


def xcoms(stack: dict[str, object], dag_id: str) -> dict[str, dict[str, object]]:
    with sqlite3.connect(stack["db"]) as db:
        rows = db.execute("select task_id, value from xcom where dag_id = ? and key = 'return_value'", (dag_id,))
        return {task_id: json.loads(value) for task_id, value in rows}


TASKS = ("fetch_source", "render", "diff", "apply", "notify")


def test_run_fetches_the_revision_renders_and_applies_it(stack, runs, cluster) -> None:
    assert runs["states"]["ks.default.web"] == "success"
    assert task_rows(stack, "ks.default.web") == dict.fromkeys(TASKS, ("success", 1))

    summaries = xcoms(stack, "ks.default.web")
    source, rendered = summaries["fetch_source"], summaries["render"]
    assert source["revision"] == f"main@sha1:{stack['commit']}"
    assert source["repository"] == "GitRepository/default/shop"
    assert str(source["digest"]).startswith("sha256:")
    assert (Path(str(source["path"])) / "deploy" / "web.yaml").is_file()
    assert rendered["revision"] == source["revision"]
    assert (rendered["object_count"], rendered["kinds"]) == (2, {"ConfigMap": 1, "Deployment": 1})
    assert "namespace: shop" in Path(str(rendered["path"])).read_text()
    assert summaries["apply"]["revision"] == source["revision"]
    assert summaries["apply"]["counts"]["created"] == 2
    assert cluster.get("v1", "ConfigMap", "web", "shop")["data"] == {"color": "blue"}
    assert "nginx" not in json.dumps(summaries)  # manifests stay on disk, never in XCom


def test_terminal_engine_error_fails_at_once_without_using_retries(stack, runs) -> None:
    assert runs["states"]["ks.default.typo"] == "failed"
    # 9 retries are configured (interval 10m / retryInterval 1m), yet the run fails on the first try
    assert task_rows(stack, "ks.default.typo") == {"fetch_source": ("success", 1), "render": ("failed", 1),
                                                   **dict.fromkeys(TASKS[2:4], ("upstream_failed", 0)),
                                                   "notify": ("success", 1)}  # a teardown: reports the failure
    assert "AirflowFailException: [render] Kustomization/default/typo: ./deploi: path './deploi' not found" in runs["log"]


def test_suspended_app_skips_every_task_when_run_by_hand(stack, runs) -> None:
    assert runs["states"]["ks.default.paused"] == "success"
    assert task_rows(stack, "ks.default.paused") == {"fetch_source": ("skipped", 1),
                                                     **dict.fromkeys(TASKS[1:4], ("skipped", 0)),
                                                     "notify": ("skipped", 1)}  # the teardown runs, and skips
    assert "Suspended: `spec.suspend: true`" in runs["log"]
