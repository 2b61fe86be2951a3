"""A HelmRelease is a DAG ``hr.<namespace>.<name>`` with the Kustomization chain, and it really runs:
``dag.test()`` fetches the chart from a local Helm repository, renders, diffs, applies and notifies.
A second run upgrades to values that never become healthy: the release is rolled back, the apply task
leaves the typed outcome in XCom and Slack (a local recorder) is told "rolled back" from that outcome.
A third run with the HelmRepository suspended fetches no index (a newer chart stays unseen) and says so.

Same set-up as tests/plugins/airflux_ops/test_ops_dag_runs.py: a fresh Airflow metadata database, the
real dags/ files, a kubesim cluster named by ``KUBECONFIG``; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from charts import package, serve, write_chart

from airflux.notify.recorder import Recorder
from kubesim.testing import start

ROOT = Path(__file__).resolve().parents[3]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
pytestmark = [pytest.mark.airflow, pytest.mark.slow]

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {{name: charts, namespace: flux-system}}
spec: {{url: "{url}", interval: 10m}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: shop, namespace: shop}}
spec:
  interval: 5m
  timeout: 30s
  chart:
    spec:
      chart: shop
      version: "1.x"
      sourceRef: {{kind: HelmRepository, name: charts, namespace: flux-system}}
  install: {{createNamespace: true}}
  values: {{replicaCount: 2}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: team, namespace: shop}}
spec: {{type: slack, secretRef: {{name: slack-webhook}}}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {{name: shop, namespace: shop}}
spec:
  providerRef: {{name: team}}
  eventSources: [{{kind: HelmRelease, name: shop}}]
"""
# The second run: values whose Deployment never becomes ready (kubesim.io/fail), rollback on failure.
BAD = """  values: {{replicaCount: 2, deploymentAnnotations: {{kubesim.io/fail: "true"}}}}
  upgrade: {{remediation: {{retries: 1}}}}
"""

RUN = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
dag = bag.dags["hr.shop.shop"]
print("CHAIN " + json.dumps([t.task_id for t in dag.topological_sort()]))
print("RESULT " + json.dumps(str(dag.test().state)))
"""


@pytest.fixture(scope="module")
def recorder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorder]:
    with Recorder(tmp_path_factory.mktemp("slack") / "slack.jsonl") as rec:
        yield rec


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Any:
    work = tmp_path_factory.mktemp("helm-dag")
    cluster = start(work / "kubesim")
    repo = work / "repo"
    package(write_chart(work / "src", version="1.1.0"), repo, version="1.1.0")
    with serve(repo) as url:
        apps, dags = work / "apps", work / "dags"
        apps.mkdir()
        (apps / "shop.yaml").write_text(APPS.format(url=url))
        dags.mkdir()
        for name in ("airflux_apps.py", "airflux_app_errors.py"):
            shutil.copy(ROOT / "dags" / name, dags)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "KUBECONFIG"))}
        env.update({
            "AIRFLOW_HOME": str(work / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLUX_APPS_DIR": str(apps), "AIRFLUX_HOME": str(work / "store"),
            "KUBECONFIG": str(cluster.kubeconfig),
            "AIRFLOW_CONN_SLACK_WEBHOOK": json.dumps({"conn_type": "http", "password": recorder.webhook_url}),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), env.get("PYTHONPATH", "")]),
        })
        done = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        done = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        first = _lines(done.stdout)
        db = work / "airflow" / "airflow.db"
        installed = _xcoms(db)
        (apps / "shop.yaml").write_text(APPS.format(url=url).replace("  timeout: 30s\n", "  timeout: 3s\n")
                                        .replace("  values: {replicaCount: 2}\n", BAD.format()))
        again = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
        # Third run: the repository suspended (and its index due again) while a newer chart is published.
        package(write_chart(work / "src-1.2.0", version="1.2.0"), repo, version="1.2.0")
        (apps / "shop.yaml").write_text(APPS.format(url=url).replace("interval: 10m}", "interval: 1s, suspend: true}"))
        third = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]
    assert third.returncode == 0, (third.stdout + third.stderr)[-4000:]
    yield {"cluster": cluster, "db": db, "log": done.stdout + done.stderr, "installed": installed,
           "chain": json.loads(first["CHAIN"]), "state": json.loads(first["RESULT"]),
           "second_state": json.loads(_lines(again.stdout)["RESULT"]), "second_log": again.stdout + again.stderr,
           "third_state": json.loads(_lines(third.stdout)["RESULT"]), "third_log": third.stdout + third.stderr}
    cluster.sim.stop()


def _lines(stdout: str) -> dict[str, str]:
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in stdout.splitlines()
            if line.startswith(("CHAIN ", "RESULT "))}


def _xcoms(db: Path, key: str = "return_value") -> dict[str, Any]:
    """Each task's XCom ``key`` of the newest run that left one."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select task_id, value from xcom where dag_id = 'hr.shop.shop' and key = ? "
                            "order by timestamp", (key,))
        return {task_id: json.loads(value) for task_id, value in rows}


def test_helm_release_dag_has_the_same_chain_and_installs_the_chart(run: Any) -> None:
    assert run["chain"] == ["fetch_source", "render", "diff", "apply", "notify"]
    assert run["state"] == "success", run["log"][-3000:]
    deploy = run["cluster"].get("apps/v1", "Deployment", "shop", "shop")
    assert deploy is not None and deploy["spec"]["replicas"] == 2
    summaries = run["installed"]
    assert summaries["fetch_source"]["version"] == "1.1.0"
    assert summaries["render"]["release"] == {"name": "shop", "namespace": "shop", "revision": 1,
                                              "is_install": True}
    assert summaries["apply"]["release_revision"] == 1
    assert summaries["apply"]["hooks"] == ["Job/shop-migrate", "Job/shop-seed", "Job/shop-notify"]
    assert "revision 1: shop 1.1.0 (app 2.0.0)" in summaries["notify"]["summary"]


def test_a_failed_upgrade_is_rolled_back_and_slack_is_told_from_the_typed_outcome(run: Any,
                                                                                 recorder: Recorder) -> None:
    assert run["second_state"] == "failed", run["second_log"][-3000:]
    assert _xcoms(run["db"], "remediation")["apply"] == {"action": "rolled back", "from_revision": 2,
                                                         "to_revision": 1, "recorded_revision": 3, "hooks": []}
    deploy = run["cluster"].get("apps/v1", "Deployment", "shop", "shop")
    assert "kubesim.io/fail" not in (deploy["metadata"].get("annotations") or {})  # revision 1's content again
    titles = [r["body"]["blocks"][0]["text"]["text"] for r in recorder.messages()]
    assert titles[:2] == ["HelmRelease shop/shop applied", "HelmRelease shop/shop rolled back"]
    rolled = json.dumps(recorder.messages()[1]["body"])
    assert "*Rolled back to* `revision 1` *from* `revision 2`" in rolled
    # The chart and release revision, as helm-controller's events name them.
    installed = json.dumps(recorder.messages()[0]["body"])
    assert "*Release*\\nshop 1.1.0 (app 2.0.0), revision 1 (install)" in installed
    assert "*Release*\\nshop 1.1.0 (app 2.0.0), revision 2 (upgrade)" in rolled


def test_a_suspended_repository_fetches_no_index_and_the_run_says_why(run: Any) -> None:
    assert run["third_state"] == "success", run["third_log"][-3000:]
    fetched = _xcoms(run["db"])["fetch_source"]
    assert fetched["version"] == "1.1.0"  # 1.2.0 was published after the last index fetch
    assert fetched["note"].startswith("HelmRepository/flux-system/charts is suspended: its index is not fetched")
    assert "is suspended: its index is not fetched" in run["third_log"]  # the task's log says it too
