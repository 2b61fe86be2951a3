"""HelmRepository and HelmRelease definitions: Flux's defaults, the release-name rule, and errors that name
the field, including Flux fields Airflux does not do yet."""

from __future__ import annotations

from datetime import timedelta

from airflux.specs import load_apps
from airflux.specs.helm_build import release_name

REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {url: "https://charts.example.com", interval: 30m}
---
"""


def _release(spec: str, *, name: str = "web") -> str:
    return REPO + f"""\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: {name}, namespace: team}}
spec:
  interval: 5m
  chart:
    spec:
      chart: web
      sourceRef: {{kind: HelmRepository, name: charts, namespace: flux-system}}
{spec}"""


def test_minimal_release_gets_flux_defaults(write, apps_dir) -> None:
    write("web.yaml", _release(""))
    apps = load_apps(apps_dir)
    assert apps.errors == ()
    (release,) = apps.helm_releases
    assert release.dag_id == "hr.team.web"
    assert (release.release_name, release.target_namespace) == ("web", "team")
    assert release.timeout == timedelta(minutes=5)
    assert release.chart.version == "*"
    assert (release.install_crds, release.upgrade_crds) == ("Create", "Skip")
    assert release.upgrade_remediation.strategy == "rollback" and release.upgrade_remediation.retries == 0
    assert apps.chart_source_of(release).url == "https://charts.example.com"
    assert apps.chart_source_of(release).interval == timedelta(minutes=30)


def test_release_name_is_target_namespace_dash_name_and_shortened_past_53_characters() -> None:
    assert release_name("web", "prod") == "prod-web"
    long = release_name("a" * 40, "namespace-of-twenty")
    assert len(long) == 53 and long.startswith("namespace-of-twenty-" + "a" * 20) and long[-13] == "-"
    assert release_name("a" * 40, "namespace-of-twenty") == long  # stable


def test_values_from_and_remediation_are_typed(write, apps_dir) -> None:
    write("web.yaml", _release("""\
  targetNamespace: prod
  values: {replicaCount: 2, image: {tag: "1.2"}}
  valuesFrom:
    - {kind: Secret, name: web-values, valuesKey: prod.yaml, optional: true}
    - {kind: ConfigMap, name: web-replicas, targetPath: replicaCount}
  upgrade: {crds: CreateReplace, remediation: {retries: 3, strategy: uninstall}}
  test: {enable: true}
"""))
    apps = load_apps(apps_dir)
    assert apps.errors == ()
    (release,) = apps.helm_releases
    assert release.release_name == "prod-web" and release.target_namespace == "prod"
    assert release.values == {"replicaCount": 2, "image": {"tag": "1.2"}}
    assert [(v.kind, v.name, v.values_key, v.target_path, v.optional) for v in release.values_from] == [
        ("Secret", "web-values", "prod.yaml", None, True), ("ConfigMap", "web-replicas", "values.yaml",
                                                            "replicaCount", False)]
    assert release.upgrade_crds == "CreateReplace" and release.upgrade_remediation.retries == 3
    assert release.test_enable


def test_unsupported_and_unknown_fields_are_errors_that_name_them(write, apps_dir) -> None:
    write("web.yaml", _release("""\
  driftDetection: {mode: enabled}
  install: {crds: Always, remediation: {retries: "3"}}
  valuesFrom: [{kind: Secret, name: v, valueKey: x}]
"""))
    apps = load_apps(apps_dir)
    assert apps.helm_releases == ()
    found = {e.field: e.message for e in apps.errors}
    assert "not supported by Airflux yet" in found["spec.driftDetection"]
    assert "use one of: Skip, Create, CreateReplace" in found["spec.install.crds"]
    assert "whole number" in found["spec.install.remediation.retries"]
    assert found["spec.valuesFrom[0].valueKey"].startswith("unknown field; supported here:")
    assert all(e.obj == "HelmRelease/team/web" for e in apps.errors)


def test_release_name_longer_than_53_and_missing_source_are_errors(write, apps_dir) -> None:
    write("web.yaml", _release(f"  releaseName: {'x' * 54}\n"))
    write("other.yaml", _release("", name="other").split("---\n", 1)[1].replace("name: charts,", "name: gone,"))
    apps = load_apps(apps_dir)
    found = {(e.obj, e.field): e.message for e in apps.errors}
    assert "longer than 53 characters" in found[("HelmRelease/team/web", "spec.releaseName")]
    assert found[("HelmRelease/team/other", "spec.chart.spec.sourceRef.name")] == (
        "HelmRepository flux-system/gone is not defined in the apps directory")


def test_oci_repository_needs_an_oci_url(write, apps_dir) -> None:
    write("repo.yaml", """\
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: HelmRepository
        metadata: {name: ghcr}
        spec: {url: "https://ghcr.io/org/charts", type: oci, interval: 10m}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: HelmRepository
        metadata: {name: plain}
        spec: {url: "oci://ghcr.io/org/charts", interval: 10m}
    """)
    apps = load_apps(apps_dir)
    messages = {e.obj: e.message for e in apps.errors}
    assert "needs an oci:// URL" in messages["HelmRepository/default/ghcr"]
    assert "(set `type: oci`)" in messages["HelmRepository/default/plain"]
