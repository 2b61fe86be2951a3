"""A Receiver may name Kustomizations, HelmReleases and HelmRepositories as well as GitRepositories (Flux
reconciles each listed resource): through the real plugin app and a real Airflow metadata database, a hook
starts exactly the named apps (their request assets), every release of a named HelmRepository (its chart
assets), and nothing else; naming an undefined resource of those kinds is a definition error."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

from airflux.specs import load_apps

TOKEN = "named-hook-token"
HERE = Path(__file__).resolve().parent

APPS = dedent("""\
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: shop, namespace: apps}
    spec: {url: "https://git.example.com/shop.git", interval: 1m}
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata: {name: charts, namespace: apps}
    spec: {url: "https://charts.example.com", interval: 10m}
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata: {name: web, namespace: apps}
    spec: {interval: 10m, prune: true, sourceRef: {kind: GitRepository, name: shop}}
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata: {name: api, namespace: apps}
    spec: {interval: 10m, prune: true, sourceRef: {kind: GitRepository, name: shop}}
    ---
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: front, namespace: apps}
    spec: {interval: 5m, chart: {spec: {chart: front, version: "1.x", sourceRef: {kind: HelmRepository, name: charts}}}}
    ---
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: back, namespace: apps}
    spec: {interval: 5m, chart: {spec: {chart: back, sourceRef: {kind: HelmRepository, name: charts}}}}
    ---
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: git-chart, namespace: apps}
    spec: {interval: 5m, chart: {spec: {chart: ./charts/x, sourceRef: {kind: GitRepository, name: shop}}}}
    """)

RECEIVER = dedent("""\
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1
    kind: Receiver
    metadata: {{name: deploy, namespace: apps}}
    spec:
      type: generic
      secretRef: {{name: named-hook-token}}
      resources: {resources}
    """)


def hook(tmp_path: Path, resources: str) -> dict:
    apps = tmp_path / "apps"
    apps.mkdir()
    (apps / "apps.yaml").write_text(APPS + RECEIVER.format(resources=resources))
    assert load_apps(apps).errors == ()
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLUX_APPS_DIR": str(apps),
           "AIRFLOW_CONN_NAMED_HOOK_TOKEN": json.dumps({"conn_type": "generic", "password": TOKEN})}
    path = "/hook/" + hashlib.sha256(f"{TOKEN}deployapps".encode()).hexdigest()
    done = subprocess.run([sys.executable, str(HERE / "hook_in_airflow.py"), path], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hook_naming_apps_and_a_helm_repository_starts_exactly_those(tmp_path: Path) -> None:
    result = hook(tmp_path, "[{kind: Kustomization, name: web}, {kind: HelmRelease, name: git-chart}, "
                            "{kind: HelmRepository, name: charts}]")
    assert result["status"] == 200
    assert result["answer"]["reconciling"] == ["Kustomization/apps/web", "HelmRelease/apps/git-chart",
                                               "HelmRepository/apps/charts"]
    uris = [event["uri"] for event in result["events"]]
    assert "x-airflux://reconcile/ks.apps.web" in uris and "x-airflux://reconcile/hr.apps.git-chart" in uris
    assert sum(uri.startswith("x-airflux://helmrepository/apps/charts/chart/") for uri in uris) == 2
    assert not any(uri.startswith("x-airflux://gitrepository/") for uri in uris)  # the source is not touched
    assert all(event["extra"]["receiver"] == "Receiver/apps/deploy" for event in result["events"])
    # The named apps and every release of the named HelmRepository; not api (same GitRepository as web).
    assert result["starting"] == ["hr.apps.back", "hr.apps.front", "hr.apps.git-chart", "ks.apps.web"]


def test_undefined_named_app_is_a_definition_error(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(APPS + RECEIVER.format(
        resources="[{kind: HelmRelease, name: nope}, {kind: Kustomization, name: web}]"))
    apps = load_apps(tmp_path)
    (error,) = apps.errors
    assert (error.obj, error.field) == ("Receiver/apps/deploy", "spec.resources[0].name")
    assert "HelmRelease apps/nope is not defined in the apps directory" in error.message
