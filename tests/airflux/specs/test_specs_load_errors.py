"""Broken definitions become precise errors (file, document, object, field) and never stop other apps."""

from __future__ import annotations

import pytest
from specs_helpers import GIT_REPO, KUSTOMIZATION, app_yaml

from airflux.specs import DefinitionErrors, load_apps


def only_error(apps_dir):
    apps = load_apps(apps_dir)
    assert len(apps.errors) == 1, apps.errors
    return apps.errors[0]


def test_unknown_field_is_named(write, apps_dir) -> None:
    path = write("a.yaml", app_yaml("a").replace("  prune: true", "  prune: true\n  intervall: 5m"))
    error = only_error(apps_dir)
    assert (error.file, error.doc, error.obj, error.field) == (path, 1, "Kustomization/default/a", "spec.intervall")
    assert "unknown field" in error.message and "interval" in error.message
    assert str(error).startswith(f"{path} (document 1): Kustomization/default/a: spec.intervall: unknown field")
    assert load_apps(apps_dir).kustomizations == ()


def test_unknown_nested_field_is_named_with_its_list_index(write, apps_dir) -> None:
    text = app_yaml("a") + "  patches:\n    - patch: x\n    - patch: y\n      target:\n        kindd: Deployment\n"
    write("a.yaml", text)
    assert only_error(apps_dir).field == "spec.patches[1].target.kindd"


def test_flux_field_not_supported_yet_says_so(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a") + "  serviceAccountName: deployer\n")
    error = only_error(apps_dir)
    assert error.field == "spec.serviceAccountName"
    assert "not supported by Airflux yet" in error.message


@pytest.mark.parametrize("bad", ["10", "5 minutes", "1d", "-1m", "1m30", "''"])
def test_bad_duration_is_named(write, apps_dir, bad) -> None:
    write("a.yaml", app_yaml("a").replace("interval: 10m", f"interval: {bad}"))
    error = only_error(apps_dir)
    assert (error.obj, error.field) == ("Kustomization/default/a", "spec.interval")
    assert "is not a duration" in error.message and "1m30s" in error.message


def test_zero_interval_is_rejected(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a").replace("interval: 1m", "interval: 0s"))
    error = load_apps(apps_dir).errors[0]
    assert (error.obj, error.field) == ("GitRepository/default/a", "spec.interval")
    assert error.message == "must be longer than zero, got '0s'"


def test_bad_yaml_names_the_file_document_and_line(write, apps_dir) -> None:
    text = app_yaml("ok") + "---\nkind: Kustomization\nspec: [unclosed\n"
    path = write("bad.yaml", text)
    apps = load_apps(apps_dir)
    (error,) = apps.errors
    end = text.count("\n") + 1  # the unclosed list is noticed at the end of the file
    assert (error.file, error.doc, error.line) == (path, 2, end)
    assert str(error).startswith(f"{path}:{end} (document 2): invalid YAML at line {end}")
    assert [a.dag_id for a in apps.kustomizations] == ["ks.default.ok"]


def test_missing_source_names_the_source_ref(write, apps_dir) -> None:
    write("a.yaml", KUSTOMIZATION.format(name="a", namespace="default", source="nowhere"))
    error = only_error(apps_dir)
    assert (error.obj, error.field, error.doc) == ("Kustomization/default/a", "spec.sourceRef.name", 0)
    assert error.message == "GitRepository default/nowhere is not defined in the apps directory"


def test_source_in_another_namespace_is_not_found_by_name_alone(write, apps_dir) -> None:
    write("src.yaml", GIT_REPO.format(name="shared", namespace="infra"))
    write("a.yaml", KUSTOMIZATION.format(name="a", namespace="default", source="shared"))
    assert "default/shared is not defined" in only_error(apps_dir).message


def test_source_with_errors_is_reported_on_both(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a").replace("url: https://", "url: ftp://"))
    apps = load_apps(apps_dir)
    assert [(e.obj, e.field) for e in apps.errors] == [
        ("GitRepository/default/a", "spec.url"),
        ("Kustomization/default/a", "spec.sourceRef.name"),
    ]
    assert "has definition errors" in apps.errors[1].message


def test_broken_file_among_good_ones_only_loses_its_own_apps(write, apps_dir) -> None:
    for name in ("one", "two", "three"):
        write(f"{name}.yaml", app_yaml(name))
    write("broken/bad.yaml", "apiVersion: [\n")
    write("broken/worse.yaml", app_yaml("four").replace("prune: true", "prune: maybe"))
    apps = load_apps(apps_dir)
    assert sorted(a.dag_id for a in apps.kustomizations) == ["ks.default.one", "ks.default.three", "ks.default.two"]
    assert sorted((e.file.name, e.field) for e in apps.errors) == [("bad.yaml", None), ("worse.yaml", "spec.prune")]
    assert "must be true or false" in apps.errors_in(apps_dir / "broken" / "worse.yaml")[0].message


def test_every_problem_of_a_document_is_reported_at_once(write, apps_dir) -> None:
    write("a.yaml", """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: a, extra: 1}
        spec:
          sourceRef: {kind: OCIRepository, name: a}
          interval: 5
          wait: "yes"
          images: [{newTag: v1}]
          postBuild: {substitute: {replicas: 3}, substituteFrom: [{kind: Pod, name: x}]}
        """)
    apps = load_apps(apps_dir)
    assert {(e.field, e.message) for e in apps.errors} >= {
        ("metadata.extra", "unknown field; supported here: annotations, labels, name, namespace"),
        ("spec.sourceRef.kind", "source kind 'OCIRepository' is not supported yet; supported: GitRepository"),
        ("spec.wait", "must be true or false, got string 'yes'"),
        ("spec.images[0].name", "required field is missing"),
        ("spec.postBuild.substitute.replicas", "must be a string, got number (quote it)"),
        ("spec.postBuild.substituteFrom[0].kind", "'Pod' is not supported; use one of: ConfigMap, Secret"),
        ("spec.prune", "required field is missing"),
    }
    assert any(e.field == "spec.interval" for e in apps.errors)


def test_required_fields_are_named(write, apps_dir) -> None:
    write("a.yaml", "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: a}\nspec: {}\n")
    assert sorted(e.field for e in load_apps(apps_dir).errors) == ["spec.interval", "spec.url"]


def test_old_api_version_of_a_supported_kind_is_an_error(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a").replace("kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta2"))
    error = only_error(apps_dir)
    assert (error.field, error.message) == (
        "apiVersion",
        "kustomize.toolkit.fluxcd.io/v1beta2 is not supported; use kustomize.toolkit.fluxcd.io/v1",
    )


def test_invalid_names_are_rejected(write, apps_dir) -> None:
    write("a.yaml", app_yaml("Web_App"))
    assert {e.field for e in load_apps(apps_dir).errors} >= {"metadata.name"}


def test_path_leaving_the_source_is_rejected(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a").replace("path: ./deploy", "path: ../../etc"))
    assert only_error(apps_dir).field == "spec.path"


def test_duplicate_object_names_the_first_definition(write, apps_dir) -> None:
    first = write("a.yaml", app_yaml("a"))
    write("b.yaml", KUSTOMIZATION.format(name="a", namespace="default", source="a"))
    error = only_error(apps_dir)
    assert error.file.name == "b.yaml"
    assert error.message == f"Kustomization/default/a is already defined in {first} (document 1)"


def test_documents_that_are_not_objects(write, apps_dir) -> None:
    write("a.yaml", "- just\n- a list\n---\nkind: Kustomization\n")
    assert [(e.doc, e.field) for e in load_apps(apps_dir).errors] == [(0, None), (1, "apiVersion")]


def test_missing_apps_directory_is_an_error(tmp_path) -> None:
    apps = load_apps(tmp_path / "nope")
    assert apps.errors[0].message == "apps directory does not exist"


def test_errors_can_be_raised_together(write, apps_dir) -> None:
    write("a.yaml", app_yaml("a").replace("prune: true", "prune: 1"))
    write("b.yaml", "x: [")
    exc = DefinitionErrors(load_apps(apps_dir).errors)
    assert str(exc).splitlines()[0] == "2 app definition errors:"
    assert "spec.prune: must be true or false" in str(exc)
    assert exc.retryable is False


def test_app_whose_dag_id_cannot_be_an_owner_label_value_is_rejected_at_load(write, apps_dir) -> None:
    """Label values are at most 63 characters (Kubernetes docs, "Labels and Selectors" / syntax)."""
    name = "a" * 60  # ks.default.<60> = 71 characters
    write("a.yaml", app_yaml(name))
    error = only_error(apps_dir)
    assert (error.obj, error.field) == (f"Kustomization/default/{name}", "metadata.name")
    assert "airflux.io/app" in error.message and "63" in error.message
