"""Optional persistence: the whole store as one JSON file, saved on exit and loaded on start.

``make run`` keeps its embedded cluster between restarts this way. CRDs are registered before the
custom resources they define are restored; objects of kinds no longer served are skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from kubesim import errors, writes
from kubesim.store import Store, clone

FORMAT = "kubesim/v1"


def save(store: Store, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves a half-written state file."""
    snap = store.snapshot()
    doc = {"format": FORMAT, "resourceVersion": snap["resourceVersion"], "objects": list(snap["objects"].values())}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, separators=(",", ":")))
    os.replace(tmp, path)


def load(store: Store, path: Path) -> int:
    """Restore a saved state; returns how many objects were loaded."""
    doc: dict[str, Any] = json.loads(path.read_text())
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not a kubesim state file (format {doc.get('format')!r})")
    objects = [o for o in doc.get("objects") or [] if isinstance(o, dict)]
    for obj in objects:
        if obj.get("kind") == "CustomResourceDefinition" and str(obj.get("apiVersion", "")).startswith(
                "apiextensions.k8s.io/"):
            store.registry.register_crd(obj)
    restored = []
    for obj in objects:
        api_version = str(obj.get("apiVersion", ""))
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        types = store.registry.by_kind(group, str(obj.get("kind", "")))
        if types and (obj.get("metadata") or {}).get("name"):
            restored.append((types[0], obj))
    store.load(restored, int(doc.get("resourceVersion") or 1))
    allocator = writes.allocator(store)
    for rt, obj in restored:  # re-reserve what restored objects hold (Service clusterIPs, node ports)
        with contextlib.suppress(errors.ApiError):
            allocator.observe(rt.group, rt.kind, clone(obj))
    return len(restored)
