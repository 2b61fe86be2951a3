"""Values a Kustomization substitutes from a Secret never reach the task logs, XCom or Slack.

The app's ``postBuild.substituteFrom`` names a Secret in the cluster; the value lands in a ConfigMap.
Changing the Secret makes the diff task print the ConfigMap's changed line (as ``flux diff`` does),
and a commit that puts another Secret value where the API server rejects it makes the server quote it
back in its error. A user reading the run (logs, the notify summary, the Slack message) sees ``***``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_stack import App

from airflux.notify.recorder import Recorder

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.kubectl]

FIRST, SECOND, TYPE = "Sup3r-S3cret-Value-1", "Sup3r-S3cret-Value-2", "Hunter2-Not-A-Type"

APPS = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: repo, namespace: flux-system}}
spec: {{url: "file://{repo}", ref: {{branch: main}}, interval: 1m}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  sourceRef: {{kind: GitRepository, name: repo}}
  path: ./deploy
  interval: 10m
  timeout: 30s
  prune: true
  postBuild:
    substituteFrom: [{{kind: Secret, name: shop-secrets}}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: team, namespace: flux-system}}
spec: {{type: slack, secretRef: {{name: slack-webhook}}}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {{name: shop, namespace: flux-system}}
spec:
  providerRef: {{name: team}}
  eventSources: [{{kind: Kustomization, name: "*"}}]
"""

CONFIG = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db, namespace: shop}\n"
          "data: {user: shop, password: \"${DB_PASSWORD}\"}\n")
SERVICE = ("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
           "spec: {type: \"${SVC_TYPE}\", selector: {app: web}, ports: [{port: 80}]}\n")


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder(tmp_path / "slack.jsonl") as rec:
        yield rec


def _secret(app: App, password: str) -> None:
    data = {"DB_PASSWORD": password, "SVC_TYPE": TYPE}
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-secrets", "namespace": "flux-system"},
              "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}}
    done = app.kubectl("apply", "-f", "-", input=json.dumps(secret))
    assert done.returncode == 0, done.stderr


def test_substituted_secret_values_are_masked_in_logs_xcom_and_slack(app: App, recorder: Recorder) -> None:
    app.kubectl("create", "namespace", "flux-system")
    _secret(app, FIRST)
    files = {"deploy/kustomization.yaml": "resources: [namespace.yaml, config.yaml]\n",
             "deploy/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
             "deploy/config.yaml": CONFIG}
    app.repo.commit(dict(files), "shop with a password")
    (app.apps / "app.yaml").write_text(APPS.format(repo=app.repo.path, name=app.name))
    env = {"AIRFLOW_CONN_SLACK_WEBHOOK": json.dumps({"conn_type": "http", "password": recorder.webhook_url})}

    first = app.run(env=env)
    assert first.state == "success", first.errors()
    assert app.kubectl_json("get", "configmap", "db", "-n", "shop")["data"]["password"] == FIRST

    # The Secret changes: the diff prints the ConfigMap's password line, masked.
    _secret(app, SECOND)
    second = app.run(conf={"force": True}, env=env)
    assert second.state == "success", second.errors()
    assert app.kubectl_json("get", "configmap", "db", "-n", "shop")["data"]["password"] == SECOND
    assert "ConfigMap/shop/db configured" in second.log or "ConfigMap/shop/db" in second.log
    assert "***" in second.log

    # A Secret value where the API server rejects it: the server quotes it back; the run shows ***.
    files["deploy/kustomization.yaml"] = "resources: [namespace.yaml, config.yaml, service.yaml]\n"
    files["deploy/service.yaml"] = SERVICE
    app.repo.commit(dict(files), "a service of a secret type")
    third = app.run(env=env)
    assert third.state == "failed"
    assert third.tasks["diff"][0] == "failed"
    summary = third.xcom["notify"]["summary"]
    assert "Service/shop/web" in summary and 'Unsupported value: "***"' in summary, summary

    messages = json.dumps(recorder.messages())
    assert "Service/shop/web" in messages
    for run in (first, second, third):
        for value in (FIRST, SECOND, TYPE):
            assert value not in run.log, f"{value} in the log of {run.run_id}"
            assert value not in json.dumps(run.xcom), f"{value} in XCom of {run.run_id}"
            assert value not in messages, f"{value} sent to Slack"
