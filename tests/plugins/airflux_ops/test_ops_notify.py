"""App runs in real Airflow (``dag.test()``) send their Slack messages through the Provider/Alert definitions.

A local Slack recorder stands in for Slack (webhook and bot-token mode through the real slack-sdk), the
cluster is kubesim, the source a local Git repository; connections come from ``AIRFLOW_CONN_*`` variables
as users would set them. Checks what a user sees: the messages, the run states, and the notify task's
XCom saying whether the notification was delivered.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflux.notify.recorder import Recorder, token_digest
from kubesim.testing import start

ROOT = Path(__file__).resolve().parents[3]
BOT_TOKEN = "xoxb-PLANTED-token-for-ops-test"
pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

MANIFESTS = {
    "deploy/kustomization.yaml": "resources: [config.yaml]\n",
    "deploy/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {color: blue}\n",
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
spec: {{sourceRef: {{kind: GitRepository, name: shop}}, path: ./deploy, interval: 10m, prune: true,
        targetNamespace: shop}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: typo}}
spec: {{sourceRef: {{kind: GitRepository, name: shop}}, path: ./deploi, interval: 10m, prune: true}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: offline}}
spec: {{sourceRef: {{kind: GitRepository, name: shop}}, path: ./deploy, interval: 10m, prune: true,
        targetNamespace: offline}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: team-webhook}}
spec: {{type: slack, secretRef: {{name: slack-webhook}}}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: oncall-bot}}
spec: {{type: slack, channel: "#oncall", address: "{api}", secretRef: {{name: slack-bot}}}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: unreachable}}
spec: {{type: slack, address: "http://127.0.0.1:{closed}/services/T/B/x", timeout: 2s}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {{name: team}}
spec:
  providerRef: {{name: team-webhook}}
  eventSources: [{{kind: Kustomization, name: web}}, {{kind: Kustomization, name: typo}}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {{name: oncall}}
spec:
  providerRef: {{name: oncall-bot}}
  eventSeverity: error
  eventSources: [{{kind: Kustomization, name: "*"}}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {{name: offline}}
spec:
  providerRef: {{name: unreachable}}
  eventSources: [{{kind: Kustomization, name: offline}}]
"""

RUN = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
from airflow.models.dagrun import DagRun
bag = DagBag()
states = [str(bag.dags[d].test().state) for d in sys.argv[1:]]
# Airflow's own failure of a run the notify task never reported: as if web's quiet second run had timed
# out. The DAG's on_failure_callback gets the real DagRun and the reason, as the DAG processor gives them.
web = bag.dags["ks.default.web"]
quiet = sorted(DagRun.find(dag_id="ks.default.web"), key=lambda r: r.start_date)[1]
web.on_failure_callback({"dag_run": quiet, "reason": "timed_out", "dag": web})
print("RESULT " + json.dumps({"states": states, "timed_out_run": quiet.run_id}))
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def recorder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorder]:
    with Recorder(tmp_path_factory.mktemp("slack") / "slack.jsonl") as rec:
        yield rec


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("notify-ops")
    cluster = start(work / "kubesim")
    for namespace in ("shop", "offline"):
        cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    repo = work / "repo"
    for name, text in MANIFESTS.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.email=ada@example.com", "-c", "user.name=Ada", "commit", "-qm", "Blue web config")
    apps, dags = work / "apps", work / "dags"
    apps.mkdir()
    (apps / "shop.yaml").write_text(APPS.format(repo=repo, api=recorder.api_address, closed=_closed_port()))
    dags.mkdir()
    for name in ("airflux_apps.py", "airflux_app_errors.py"):
        shutil.copy(ROOT / "dags" / name, dags)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "KUBECONFIG"))}
    env.update({
        "AIRFLOW_HOME": str(work / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__API__BASE_URL": "http://airflow.example:8080",
        "AIRFLUX_APPS_DIR": str(apps), "AIRFLUX_HOME": str(work / "store"), "KUBECONFIG": str(cluster.kubeconfig),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), env.get("PYTHONPATH", "")]),
        "AIRFLOW_CONN_SLACK_WEBHOOK": json.dumps({"conn_type": "http", "password": recorder.webhook_url}),
        "AIRFLOW_CONN_SLACK_BOT": json.dumps({"conn_type": "http", "password": BOT_TOKEN}),
    })
    done = subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    dag_ids = ["ks.default.web", "ks.default.web", "ks.default.typo", "ks.default.offline"]
    done = subprocess.run([sys.executable, "-c", RUN, *dag_ids], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1].removeprefix("RESULT "))
    with sqlite3.connect(work / "airflow" / "airflow.db") as db:
        rows = db.execute("select dag_id, run_id, value from xcom where task_id = 'notify' and key = 'return_value'")
        notify = [(dag_id, run_id, json.loads(value)) for dag_id, run_id, value in rows]
    yield {**result, "notify": notify, "log": done.stdout + done.stderr}
    cluster.sim.stop()


def _bodies(recorder: Recorder, mode: str) -> list[dict[str, Any]]:
    return [r["body"] for r in recorder.messages() if r["mode"] == mode]


def test_changed_run_sends_one_webhook_message_and_the_noop_rerun_sends_none(runs, recorder) -> None:
    assert runs["states"][:2] == ["success", "success"]
    web = [b for b in _bodies(recorder, "webhook") if "ks.default.web" in json.dumps(b)]
    (body,) = [b for b in web if b["blocks"][0]["text"]["text"].endswith("applied")]  # the no-op run: none
    assert body["blocks"][0]["text"]["text"] == "Kustomization default/web applied"
    text = json.dumps(body)
    assert "1 created" in text and "ConfigMap/shop/web" in text
    assert "Blue web config" in text and "Ada" in text  # subject and author from the git cache
    assert "http://airflow.example:8080/dags/ks.default.web/runs/" in text


def test_failed_run_reaches_the_team_webhook_and_the_error_only_oncall_bot(runs, recorder) -> None:
    assert runs["states"][2] == "failed"
    (team,) = [b for b in _bodies(recorder, "webhook") if "typo" in json.dumps(b)]
    (oncall,) = [b for b in _bodies(recorder, "token") if "typo" in json.dumps(b)]
    for body in (team, oncall):
        assert body["blocks"][0]["text"]["text"] == "Kustomization default/typo failed at render"
        assert "path './deploi' not found" in json.dumps(body)
    assert oncall["channel"] == "#oncall"
    assert {r["token"] for r in recorder.messages() if r["mode"] == "token"} == {token_digest(BOT_TOKEN)}
    assert BOT_TOKEN not in recorder.out.read_text()


def test_unreachable_slack_leaves_the_deploy_green_and_records_the_undelivered_message(runs) -> None:
    assert runs["states"][3] == "success"
    (result,) = [value for dag_id, _, value in runs["notify"] if dag_id == "ks.default.offline"]
    sent = result["notifications"]
    assert sent["delivered"] is False
    (delivery,) = sent["deliveries"]
    assert delivery["alert"] == "Alert/default/offline" and delivery["delivered"] is False
    assert "Connection refused" in delivery["error"]


def test_the_failure_callback_runs_for_the_failed_run_without_a_second_message(runs) -> None:
    """Airflow's DAG failure callback (AirfluxRunNotifier) sees the run the notify task already reported."""
    assert "Slack: Alert/default/team: this run was already reported" in runs["log"]
    assert "Slack: Alert/default/oncall: this run was already reported" in runs["log"]


def test_a_run_airflow_failed_on_its_own_reaches_the_alerts_through_the_failure_callback(runs, recorder) -> None:
    heads = {mode: [b["blocks"][0]["text"]["text"] for b in _bodies(recorder, mode)] for mode in ("webhook", "token")}
    assert heads["webhook"].count("Kustomization default/web failed at run") == 1
    assert heads["token"] == ["Kustomization default/typo failed at render", "Kustomization default/web failed at run"]
    (body,) = [b for b in _bodies(recorder, "token") if "default/web" in json.dumps(b)]
    assert "the run timed out (dagrun_timeout)" in json.dumps(body)
    assert runs["timed_out_run"] in json.dumps(body)
