"""dependsOn at load time: a missing dependency or a cycle is a definition error naming the field,
the other apps keep loading, and ``order`` puts dependencies first."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from airflux.deps import order
from airflux.specs import load_apps

REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: src, namespace: apps}
spec: {url: "https://git.example.com/src.git", interval: 1m}
"""


def ks(name: str, *deps: str) -> str:
    depends = "".join(f"\n    - name: {dep}" for dep in deps)
    return dedent(f"""\
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {{name: {name}, namespace: apps}}
        spec:
          interval: 10m
          prune: true
          sourceRef: {{kind: GitRepository, name: src}}
          dependsOn: []""").replace("dependsOn: []", f"dependsOn:{depends}" if deps else "dependsOn: []") + "\n"


def load(tmp_path: Path, text: str):
    (tmp_path / "apps.yaml").write_text(text)
    return load_apps(tmp_path)


def test_dependencies_come_first_in_order(tmp_path: Path) -> None:
    apps = load(tmp_path, REPO + ks("web", "db", "infra") + ks("db", "infra") + ks("infra"))
    assert apps.errors == ()
    assert [app.meta.name for app in order(apps.kustomizations)] == ["infra", "db", "web"]


def test_missing_dependency_is_a_definition_error_on_the_dependent(tmp_path: Path) -> None:
    apps = load(tmp_path, REPO + ks("web", "db") + ks("other"))
    (error,) = apps.errors
    assert (error.obj, error.field) == ("Kustomization/apps/web", "spec.dependsOn[0].name")
    assert "Kustomization/apps/db is not defined in the apps directory" in str(error)
    assert [app.meta.name for app in apps.kustomizations] == ["other"]


def test_cycle_is_a_definition_error_on_every_member_naming_the_cycle(tmp_path: Path) -> None:
    apps = load(tmp_path, REPO + ks("a", "b") + ks("b", "c") + ks("c", "a") + ks("d", "a") + ks("free"))
    cycle_errors = [e for e in apps.errors if "dependency cycle" in e.message]
    assert sorted(e.obj for e in cycle_errors) == [f"Kustomization/apps/{n}" for n in "abc"]
    assert all("Kustomization/apps/a -> Kustomization/apps/b -> Kustomization/apps/c -> Kustomization/apps/a"
               in e.message for e in cycle_errors)
    assert all(e.field == "spec.dependsOn[0].name" for e in cycle_errors)
    # d only depends on the cycle: it loads, and waits at run time until it times out naming a.
    assert sorted(app.meta.name for app in apps.kustomizations) == ["d", "free"]


def test_self_dependency_is_an_error(tmp_path: Path) -> None:
    apps = load(tmp_path, REPO + ks("web", "web"))
    (error,) = apps.errors
    assert "Kustomization/apps/web depends on itself" in str(error)
