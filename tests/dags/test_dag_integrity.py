"""Every app definition yields its DAG, and a broken one is an import error that spares the others.

Uses Airflow's own DagBag on a temporary DAGs folder holding the two factory files, as the DAG
processor would parse them.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization

from airflux.specs import load_apps

ROOT = Path(__file__).resolve().parents[2]
FACTORY_FILES = ("airflux_apps.py", "airflux_app_errors.py")
FIXTURE_APPS = ROOT / "tests" / "fixtures" / "apps"
DEMO_APPS = ROOT / "apps"
TASKS = ["fetch_source", "render", "diff", "apply", "notify"]


def dag_bag(tmp_path: Path, apps_dir: Path, monkeypatch: pytest.MonkeyPatch) -> DagBag:
    folder = tmp_path / "dags"
    folder.mkdir()
    for name in FACTORY_FILES:
        shutil.copy(ROOT / "dags" / name, folder)
    monkeypatch.setenv("AIRFLUX_APPS_DIR", str(apps_dir))
    return DagBag(dag_folder=str(folder))


def schedule_of(dag) -> timedelta | None:
    """The interval of a timedelta schedule; None when the DAG is never scheduled."""
    if not dag.timetable.can_be_scheduled:
        return None
    # Asset-or-interval schedules (airflux_triggers.scheduling) keep the interval in their time half.
    return getattr(dag.timetable, "timetable", dag.timetable).delta


def task_chain(dag) -> list[str]:
    ordered = []
    task = next(t for t in dag.tasks if not t.upstream_task_ids)
    while task is not None:
        ordered.append(task.task_id)
        task = next(iter(task.downstream_list), None)
    return ordered


@pytest.fixture(scope="module")
def fixture_bag(tmp_path_factory: pytest.TempPathFactory) -> DagBag:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return dag_bag(tmp_path_factory.mktemp("fixtures"), FIXTURE_APPS, monkeypatch)


def test_fixture_apps_yield_exactly_their_dags(fixture_bag: DagBag) -> None:
    assert fixture_bag.import_errors == {}
    assert sorted(fixture_bag.dag_ids) == ["ks.apps.infra", "ks.apps.podinfo", "ks.default.web", "ks.platform.crds",
                                           "ks.team-b.batch"]


@pytest.mark.parametrize(
    ("dag_id", "interval", "tags", "retries", "retry_delay", "timeout"),
    [
        ("ks.apps.podinfo", timedelta(minutes=10), {"namespace:apps", "source:podinfo"}, 4,
         timedelta(minutes=2), timedelta(minutes=5)),
        ("ks.default.web", timedelta(minutes=10), {"namespace:default", "source:web"}, 0,
         timedelta(minutes=10), timedelta(minutes=9, seconds=30)),
    ],
)
def test_app_dag_follows_its_definition(fixture_bag, dag_id, interval, tags, retries, retry_delay, timeout):
    dag = fixture_bag.dags[dag_id]
    app_tasks = [t for t in task_chain(dag) if t != "wait_for_dependencies"]  # apps with spec.dependsOn
    assert app_tasks == TASKS
    assert schedule_of(dag) == interval
    assert set(dag.tags) == {"airflux", "kustomization", *tags}
    assert (dag.max_active_runs, dag.catchup, dag.is_paused_upon_creation) == (1, False, False)
    for task in (dag.task_dict[task_id] for task_id in TASKS):
        # apply also waits up to spec.timeout for health, so its own limit leaves room for that
        limit = timeout * 2 + timedelta(seconds=60) if task.task_id == "apply" else timeout
        assert (task.retries, task.retry_delay, task.execution_timeout) == (retries, retry_delay, limit)


def test_doc_says_what_is_deployed_from_where(fixture_bag: DagBag) -> None:
    doc = fixture_bag.dags["ks.apps.podinfo"].doc_md
    assert "`https://git.example.com/org/podinfo.git`" in doc
    assert "semver >=6.0.0 <7.0.0" in doc
    assert "`./kustomize/overlays/prod`" in doc
    assert "podinfo.yaml` (document 1)" in doc


def test_suspended_app_is_paused_unscheduled_and_says_why(fixture_bag: DagBag) -> None:
    dag = fixture_bag.dags["ks.team-b.batch"]
    assert dag.is_paused_upon_creation is True
    assert schedule_of(dag) is None
    assert "suspended" in dag.tags
    assert "Suspended: `spec.suspend: true`" in dag.doc_md
    assert dag.description.startswith("SUSPENDED")
    assert task_chain(dag) == TASKS


def test_dags_serialize_like_the_dag_processor_does(fixture_bag: DagBag) -> None:
    for dag in fixture_bag.dags.values():
        data = DagSerialization.to_dict(dag)
        assert data["dag"]["dag_id"] == dag.dag_id


def test_every_demo_app_yields_its_dag(tmp_path, monkeypatch) -> None:
    apps = load_apps(DEMO_APPS)
    bag = dag_bag(tmp_path, DEMO_APPS, monkeypatch)
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == sorted([app.dag_id for app in apps.kustomizations]
                                         + [release.dag_id for release in apps.helm_releases])
    assert apps.helm_releases, "the demo has a HelmRelease (apps/shop-cache.yaml)"
    for app in apps.kustomizations:
        dag = bag.dags[app.dag_id]
        assert task_chain(dag) == TASKS
        assert {"airflux", "kustomization", f"namespace:{app.meta.namespace}"} <= set(dag.tags)
        assert schedule_of(dag) == (None if app.suspend else app.interval)
    for release in apps.helm_releases:
        dag = bag.dags[release.dag_id]
        assert task_chain(dag) == TASKS
        assert {"airflux", "helmrelease", f"namespace:{release.meta.namespace}"} <= set(dag.tags)


def test_broken_definition_is_an_import_error_naming_the_field_while_others_load(tmp_path, monkeypatch) -> None:
    apps = tmp_path / "apps"
    shutil.copytree(FIXTURE_APPS, apps)
    broken = apps / "team-c" / "broken.yaml"
    broken.parent.mkdir()
    good = (FIXTURE_APPS / "team-a" / "web.yml").read_text().replace("name: web", "name: shop")
    broken.write_text(good.replace("  interval: 10m", "  intervall: 10m"))
    (apps / "unreadable.yaml").write_text("spec: [\n")

    bag = dag_bag(tmp_path, apps, monkeypatch)

    assert sorted(bag.dag_ids) == ["ks.apps.infra", "ks.apps.podinfo", "ks.default.web", "ks.platform.crds",
                                   "ks.team-b.batch"]
    (error_file,) = bag.import_errors
    assert Path(error_file).name == "airflux_app_errors.py"
    message = bag.import_errors[error_file]
    assert f"{broken} (document 1): Kustomization/default/shop: spec.intervall: unknown field" in message
    assert f"{broken} (document 1): Kustomization/default/shop: spec.interval: required field is missing" in message
    assert f"{apps / 'unreadable.yaml'}:2 (document 0): invalid YAML" in message


def test_all_valid_again_clears_the_import_error(tmp_path, monkeypatch) -> None:
    apps = tmp_path / "apps"
    shutil.copytree(FIXTURE_APPS, apps)
    assert dag_bag(tmp_path, apps, monkeypatch).import_errors == {}
