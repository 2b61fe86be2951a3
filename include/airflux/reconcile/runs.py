"""Where one DAG run keeps its heavy data: the change set between diff and apply, the apply result.

Tasks hand each other small summaries through XCom; anything bigger (every object's change and its
unified diff) is written as JSON under ``Layout.root/runs/<dag_id>/<run_id>/`` so the next task
of the same run, and a person debugging it, can read it back. Run ids carry characters that are
awkward in file names (``:`` and ``+`` of timestamps), so they are made file-safe here, in one place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from airflux.diff import Change, ChangeSet
from airflux.model import Action, AirfluxError, ObjRef
from airflux.paths import Layout, write_atomic

CHANGES_FILE = "changes.json"
APPLIED_FILE = "applied.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class RunDataError(AirfluxError):
    """A file this run's previous task should have written is missing or unreadable."""

    stage = "reconcile"


def run_dir(layout: Layout, *, dag_id: str, run_id: str) -> Path:
    """``<root>/runs/<dag_id>/<run_id>/`` with both parts made file-safe (not created)."""
    return layout.root / "runs" / _UNSAFE.sub("_", dag_id) / _UNSAFE.sub("_", run_id)


def write_json(path: Path, data: Any) -> Path:
    """Write atomically: a killed task never leaves half a file for the next one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, json.dumps(data, indent=1, sort_keys=True), mode=0o600)


def read_json(path: Path, *, what: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as e:
        raise RunDataError(f"{what} not found at {path}: run the earlier task of this run first") from e
    except ValueError as e:
        raise RunDataError(f"{what} at {path} is not valid JSON: {e}") from e


def _ref_dict(ref: ObjRef) -> dict[str, str]:
    return {"group": ref.group, "kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


def change_to_dict(ch: Change) -> dict[str, Any]:
    return {"ref": _ref_dict(ch.ref), "id": str(ch.ref), "action": ch.action.value, "apiVersion": ch.api_version,
            "diff": ch.diff, "reason": ch.reason, "fingerprint": ch.live_fingerprint, "digest": ch.digest}


def change_from_dict(row: dict[str, Any]) -> Change:
    r = row["ref"]
    return Change(ObjRef(r["group"], r["kind"], r["namespace"], r["name"]), Action(row["action"]),
                  row.get("apiVersion", ""), diff=row.get("diff", ""), reason=row.get("reason", ""),
                  live_fingerprint=row.get("fingerprint", ""), digest=row.get("digest", ""))


def write_changes(directory: Path, changes: ChangeSet, *, revision: str, rendered_digest: str) -> Path:
    return write_json(directory / CHANGES_FILE, {
        "revision": revision,
        "renderedDigest": rendered_digest,
        "counts": changes.counts(),
        "changes": [change_to_dict(ch) for ch in changes.changes],
    })


def read_changes(directory: Path, *, rendered_digest: str) -> ChangeSet:
    """The change set diff wrote for this run; refuses one computed from another render."""
    data = read_json(directory / CHANGES_FILE, what="change set")
    if rendered_digest and data.get("renderedDigest") != rendered_digest:
        raise RunDataError(f"the change set in {directory} was computed for render {data.get('renderedDigest')}, "
                           f"not {rendered_digest}: run diff again")
    try:
        return ChangeSet.of(change_from_dict(row) for row in data.get("changes") or [])
    except (KeyError, ValueError, TypeError) as e:
        raise RunDataError(f"change set in {directory} is unreadable: {e}") from e


def load_rendered(path: Path) -> list[dict[str, Any]]:
    """The objects of a rendered set (the render stage already checked every one)."""
    try:
        text = path.read_text()
    except FileNotFoundError as e:
        raise RunDataError(f"rendered set not found at {path}: run render first") from e
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [doc for doc in yaml.load_all(text, Loader=loader) if doc]
    except yaml.YAMLError as e:
        raise RunDataError(f"rendered set {path} is not valid YAML: {e}") from e
