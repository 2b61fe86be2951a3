"""What Airflow stores after parsing the factory: valid apps active, broken definitions as an import error.

Runs the real write path of the DAG processor (``airflow dags reserialize``: DagBag, then
``sync_bag_to_db``) against a fresh SQLite metadata database and reads the result back with sqlite3.
The last test shows why the errors live in their own file: a file that raises yields no DAG at all,
and Airflow marks every DAG of a file with an import error stale: one broken app would stop them all.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_APPS = ROOT / "tests" / "fixtures" / "apps"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))

pytestmark = pytest.mark.airflow


def airflow_env(home: Path, dags: Path, apps: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLUX_APPS_DIR": str(apps),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "include"), env.get("PYTHONPATH", "")]),
    })
    return env


def parse_into_db(tmp_path: Path, apps: Path, dag_files: dict[str, str]) -> sqlite3.Connection:
    home, dags = tmp_path / "airflow", tmp_path / "dags"
    dags.mkdir()
    for name, text in dag_files.items():
        (dags / name).write_text(text)
    env = airflow_env(home, dags, apps)
    for command in (["db", "migrate"], ["dags", "reserialize"]):
        done = subprocess.run([AIRFLOW, *command], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
    return sqlite3.connect(home / "airflow.db")


def factory_files() -> dict[str, str]:
    return {name: (ROOT / "dags" / name).read_text() for name in ("airflux_apps.py", "airflux_app_errors.py")}


@pytest.fixture
def apps_with_a_broken_one(tmp_path: Path) -> Path:
    apps = tmp_path / "apps"
    shutil.copytree(FIXTURE_APPS, apps)
    (apps / "broken.yaml").write_text(
        (FIXTURE_APPS / "team-a" / "web.yml").read_text().replace("name: web", "name: shop").replace("prune:", "prunee:")
    )
    return apps


def test_valid_apps_stay_active_and_the_broken_one_is_an_import_error(tmp_path, apps_with_a_broken_one) -> None:
    db = parse_into_db(tmp_path, apps_with_a_broken_one, factory_files())

    rows = db.execute("select dag_id, is_stale, has_import_errors, is_paused from dag order by dag_id").fetchall()
    assert rows == [
        ("ks.apps.infra", 0, 0, 0),
        ("ks.apps.podinfo", 0, 0, 0),
        ("ks.default.web", 0, 0, 0),
        ("ks.platform.crds", 0, 0, 0),
        ("ks.team-b.batch", 0, 0, 1),  # suspended: created paused
    ]
    ((filename, stacktrace),) = db.execute("select filename, stacktrace from import_error").fetchall()
    assert filename == "airflux_app_errors.py"
    assert "broken.yaml (document 1): Kustomization/default/shop: spec.prunee: unknown field" in stacktrace


def test_raising_from_the_file_that_holds_the_dags_loses_every_app(
    tmp_path, apps_with_a_broken_one
) -> None:
    single_file = factory_files()["airflux_apps.py"] + (
        "\nfrom airflux.specs import DefinitionErrors\n"
        "_apps = load_apps()\n"
        "if _apps.errors:\n"
        "    raise DefinitionErrors(_apps.errors)\n"
    )
    db = parse_into_db(tmp_path, apps_with_a_broken_one, {"airflux_apps.py": single_file})
    assert db.execute("select count(*) from dag where is_stale = 0").fetchone() == (0,)
