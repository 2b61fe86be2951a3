"""Valid definitions load into the typed objects with every field and Flux's defaults."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from specs_helpers import FIXTURE_APPS, app_yaml

from airflux.specs import load_apps
from airflux.specs.types import (
    CommonMetadata,
    CrossRef,
    GitRef,
    Image,
    PostBuild,
    Selector,
    SubstituteFrom,
)


@pytest.fixture(scope="module")
def fixtures():
    return load_apps(FIXTURE_APPS)


def test_fixture_apps_load_without_errors(fixtures) -> None:
    assert fixtures.errors == ()
    assert sorted(app.dag_id for app in fixtures.kustomizations) == [
        "ks.apps.infra",
        "ks.apps.podinfo",
        "ks.default.web",
        "ks.platform.crds",
        "ks.team-b.batch",
    ]
    assert sorted(f"{r.meta.namespace}/{r.meta.name}" for r in fixtures.git_repositories) == [
        "apps/podinfo",
        "default/web",
        "platform/platform",
    ]


def test_every_git_repository_field_is_read(fixtures) -> None:
    repo = next(r for r in fixtures.git_repositories if r.meta.name == "podinfo")
    assert repo.url == "https://git.example.com/org/podinfo.git"
    assert repo.ref == GitRef(semver=">=6.0.0 <7.0.0")
    assert repo.ref.describe() == "semver >=6.0.0 <7.0.0"
    assert repo.interval == timedelta(minutes=1, seconds=30)
    assert repo.timeout == timedelta(minutes=2)
    assert repo.secret_ref == "podinfo-git"
    assert repo.ignore == "/docs\n*.md\n"
    assert repo.suspend is False
    assert repo.meta.labels == (("team", "platform"),)
    assert repo.meta.annotation("note") == "fixture"
    assert repo.origin.file == FIXTURE_APPS / "podinfo.yaml"
    assert repo.origin.doc == 0


def test_every_kustomization_field_is_read(fixtures) -> None:
    app = next(a for a in fixtures.kustomizations if a.meta.name == "podinfo")
    assert app.origin.doc == 1
    assert app.source_ref == CrossRef("GitRepository", "podinfo", "apps", "source.toolkit.fluxcd.io/v1")
    assert app.path == "./kustomize/overlays/prod"
    assert (app.interval, app.retry_interval, app.timeout) == (
        timedelta(minutes=10),
        timedelta(minutes=2),
        timedelta(minutes=5),
    )
    assert (app.prune, app.wait, app.force, app.suspend) == (True, True, False, False)
    assert app.health_checks == (
        CrossRef("Deployment", "podinfo", "podinfo", "apps/v1"),
        CrossRef("Namespace", "podinfo", ""),
    )
    assert app.depends_on == (
        CrossRef("Kustomization", "infra", "apps"),
        CrossRef("Kustomization", "crds", "platform"),
    )
    assert (app.target_namespace, app.name_prefix, app.name_suffix) == ("podinfo", "pre-", "-suf")
    assert app.common_metadata == CommonMetadata(
        labels=(("app.kubernetes.io/part-of", "podinfo"),), annotations=(("owner", "platform"),)
    )
    assert app.patches[0].target == Selector(
        group="apps", version="v1", kind="Deployment", name="podinfo", namespace="podinfo",
        label_selector="app=podinfo", annotation_selector="tier=web",
    )
    assert "op: replace" in app.patches[0].patch
    assert app.patches[1].target is None
    assert app.images == (
        Image("ghcr.io/stefanprodan/podinfo", new_name="registry.example.com/podinfo", new_tag="6.5.0"),
        Image("busybox", digest="sha256:" + "0123456789abcdef" * 4),
    )
    assert app.components == ("../../components/tls",)
    assert app.post_build == PostBuild(
        substitute=(("cluster_name", "prod"), ("replicas", "3")),
        substitute_from=(SubstituteFrom("ConfigMap", "cluster-vars"), SubstituteFrom("Secret", "cluster-secrets", True)),
    )
    assert fixtures.source_of(app).meta.name == "podinfo"


def test_flux_defaults_fill_what_is_left_out(fixtures) -> None:
    repo = next(r for r in fixtures.git_repositories if r.meta.name == "web")
    assert repo.meta.namespace == "default"
    assert repo.ref == GitRef(branch="master")
    assert repo.timeout == timedelta(seconds=60)
    assert repo.secret_ref is None and repo.ignore is None and repo.suspend is False

    app = next(a for a in fixtures.kustomizations if a.meta.name == "web")
    assert app.meta.namespace == "default"
    assert app.source_ref.namespace == "default"
    assert app.path == "./"
    assert app.retry_interval == app.interval == timedelta(minutes=10)
    assert app.timeout == timedelta(minutes=9, seconds=30)
    assert (app.wait, app.force, app.suspend, app.prune) == (False, False, False, False)
    assert app.post_build is None and app.common_metadata is None


@pytest.mark.parametrize(
    ("interval", "timeout"),
    [("10m", timedelta(minutes=9, seconds=30)), ("45s", timedelta(seconds=30)), ("1m", timedelta(seconds=30)),
     ("1m30s", timedelta(minutes=1))],
)
def test_kustomization_timeout_defaults_to_interval_minus_30s_with_30s_floor(write, apps_dir, interval, timeout):
    write("a.yaml", app_yaml("a").replace("interval: 10m", f"interval: {interval}"))
    (app,) = load_apps(apps_dir).kustomizations
    assert app.timeout == timeout


def test_definitions_name_themselves_kind_namespace_name(fixtures) -> None:
    # The one spelling errors, logs and messages use (and the one a cross-reference gets).
    assert sorted(app.ident for app in fixtures.kustomizations)[:2] == ["Kustomization/apps/infra",
                                                                        "Kustomization/apps/podinfo"]
    assert sorted(r.ident for r in fixtures.git_repositories)[0] == "GitRepository/apps/podinfo"
    app = next(a for a in fixtures.kustomizations if a.meta.name == "batch")
    assert app.source_ref.ident == fixtures.source_of(app).ident


def test_source_ref_may_point_into_another_namespace_and_file(fixtures) -> None:
    app = next(a for a in fixtures.kustomizations if a.meta.name == "batch")
    assert app.suspend is True
    assert fixtures.source_of(app).origin.file == FIXTURE_APPS / "podinfo.yaml"


def test_other_flux_kinds_are_kept_aside_not_errors(fixtures) -> None:
    (aside,) = fixtures.unsupported
    assert aside.obj == "ImageRepository/default/web"
    assert aside.doc == 2
    assert "not supported by Airflux yet" in str(aside)
    assert str(FIXTURE_APPS / "team-a" / "web.yml") in str(aside)


def test_non_flux_documents_are_ignored_with_a_message(write, apps_dir) -> None:
    write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" + app_yaml("a"))
    apps = load_apps(apps_dir)
    assert [a.dag_id for a in apps.kustomizations] == ["ks.default.a"]
    assert apps.unsupported[0].message.endswith("is not an app definition; this document is ignored")


def test_apps_dir_comes_from_the_environment(write, apps_dir, monkeypatch) -> None:
    write("deep/er/still/a.yaml", app_yaml("a"))
    write("deep/b.yml", app_yaml("b"))
    write("notes.txt", "not: yaml definitions")
    write(".hidden/c.yaml", app_yaml("c"))
    monkeypatch.setenv("AIRFLUX_APPS_DIR", str(apps_dir))
    apps = load_apps()
    assert sorted(a.dag_id for a in apps.kustomizations) == ["ks.default.a", "ks.default.b"]
    assert apps.errors == ()


def test_empty_documents_and_comments_are_skipped(write, apps_dir) -> None:
    write("a.yaml", "# just a comment\n---\n---\n" + app_yaml("a"))
    apps = load_apps(apps_dir)
    assert apps.errors == ()
    # a leading "---" starts the first document, so the empty one is document 0
    assert apps.kustomizations[0].origin.doc == 2


def test_demo_apps_directory_loads() -> None:
    demo = Path(__file__).resolve().parents[3] / "apps"
    apps = load_apps(demo)
    assert apps.errors == ()
