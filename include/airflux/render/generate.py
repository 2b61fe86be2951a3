"""Flux's kustomization generator: the build directory kustomize-controller would build.

kustomize-controller never builds the user's directory as it is. When the path has no
kustomization file it generates one over the manifests found below it, and it writes the
Kustomization's targetNamespace, namePrefix/nameSuffix, patches, images and components into that
kustomization file (replacing namespace and name affixes, appending patches and components,
replacing images of the same name). Airflux does the same, in a hard-linked copy of the artifact
under the scratch directory, so the artifact itself is never modified and the copy costs one link
per file. When there is nothing to write, the artifact path is built directly.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from airflux.paths import write_atomic
from airflux.render.kustomize import KUSTOMIZATION_FILES, kustomization_file
from airflux.render.objects import yaml_problem
from airflux.render.result import RenderFileError
from airflux.specs.types import Kustomization, Selector

_SKIP_DIRS = {".git"}
_TOP_KEY = re.compile(r"^(apiVersion|kind):", re.M)


def resolve_path(artifact_dir: Path, path: str) -> Path:
    """The Kustomization path inside the artifact; refuses anything that leaves the artifact."""
    root = artifact_dir.resolve()
    relative = path.strip() or "./"
    target = (root / relative.lstrip("/")).resolve()
    if target != root and root not in target.parents:
        raise RenderFileError(f"path {path!r} leaves the artifact", file=path)
    if not target.is_dir():
        raise RenderFileError(f"path {path!r} not found in the artifact", file=path)
    return target


def needs_overlay(ks: Kustomization) -> bool:
    """Whether kustomize-controller would write anything into the kustomization file."""
    return bool(
        ks.target_namespace is not None
        or ks.name_prefix is not None
        or ks.name_suffix is not None
        or ks.patches
        or ks.images
        or ks.components
    )


@contextlib.contextmanager
def build_dir(ks: Kustomization, *, artifact_dir: Path, scratch: Path) -> Iterator[tuple[Path, Path]]:
    """Yield (directory to build, root that error paths are relative to)."""
    root = artifact_dir.resolve()
    target = resolve_path(root, ks.path)
    if kustomization_file(target) is not None and not needs_overlay(ks):
        yield target, root
        return
    scratch.mkdir(parents=True, exist_ok=True)
    _remove_stale(scratch)
    copy = Path(tempfile.mkdtemp(prefix="build-", dir=scratch))
    try:
        _link_tree(root, copy)
        work = copy / target.relative_to(root)
        write_kustomization(ks, work, root=copy)
        yield work, copy
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _remove_stale(scratch: Path, *, older_than: float = 3600.0) -> None:
    """Drop build copies left behind by a killed worker (a live build never takes an hour)."""
    now = time.time()
    for entry in scratch.glob("build-*"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > older_than:
                shutil.rmtree(entry, ignore_errors=True)


def write_kustomization(ks: Kustomization, directory: Path, *, root: Path) -> Path:
    """Generate or amend the kustomization file in ``directory`` the way kustomize-controller does."""
    existing = kustomization_file(directory)
    if existing is None:
        kus = generated_kustomization(directory, root=root)
        kfile = directory / "kustomization.yaml"
    else:
        kfile = existing
        kus = _load_kustomization(existing, root=root)
        if not kus.get("resources"):
            # an amended kustomization without resources must still build (as in Flux)
            kus.setdefault("buildMetadata", ["originAnnotations"])
    _apply_spec(ks, kus, directory=directory, root=root)
    data = yaml.dump(kus, Dumper=yaml.CSafeDumper, sort_keys=False)
    # Replace rather than rewrite: the old file is a hard link into the artifact.
    return write_atomic(kfile, data)


def generated_kustomization(directory: Path, *, root: Path) -> dict[str, Any]:
    """A kustomization over every manifest below ``directory``; sub-dirs with their own file are bases."""
    resources: list[str] = []
    for current, dirs, files in os.walk(directory):
        here = Path(current)
        dirs.sort()
        kept = []
        for name in dirs:
            if name in _SKIP_DIRS:
                continue
            if kustomization_file(here / name) is not None:
                resources.append("./" + (here / name).relative_to(directory).as_posix())
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")) or name in KUSTOMIZATION_FILES:
                continue
            path = here / name
            if _is_manifest(path, root=root):
                resources.append("./" + path.relative_to(directory).as_posix())
    kus: dict[str, Any] = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    if resources:
        kus["resources"] = resources
    else:
        kus["namespace"] = "_placeholder"  # an empty kustomization must still build (as in Flux)
    return kus


def _is_manifest(path: Path, *, root: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    if len(set(_TOP_KEY.findall(text))) == 2:
        return True
    try:
        docs = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError as e:
        raise RenderFileError(f"invalid YAML: {yaml_problem(e)}", file=_rel(path, root)) from None
    return any(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs)


def _load_kustomization(kfile: Path, *, root: Path) -> dict[str, Any]:
    try:
        kus = yaml.load(kfile.read_text(), Loader=yaml.CSafeLoader)
    except yaml.YAMLError as e:
        raise RenderFileError(f"invalid YAML: {yaml_problem(e)}", file=_rel(kfile, root)) from None
    if kus is None:
        return {}
    if not isinstance(kus, dict):
        raise RenderFileError("a kustomization must be a mapping", file=_rel(kfile, root))
    return kus


def _apply_spec(ks: Kustomization, kus: dict[str, Any], *, directory: Path, root: Path) -> None:
    if ks.target_namespace is not None:
        kus["namespace"] = ks.target_namespace
    if ks.name_prefix is not None:
        kus["namePrefix"] = ks.name_prefix
    if ks.name_suffix is not None:
        kus["nameSuffix"] = ks.name_suffix
    if ks.patches:
        patches = list(kus.get("patches") or [])
        for p in ks.patches:
            entry: dict[str, Any] = {"patch": p.patch}
            if p.target is not None:
                entry["target"] = _selector(p.target)
            patches.append(entry)
        kus["patches"] = patches
    if ks.components:
        components = list(kus.get("components") or [])
        for c in ks.components:
            if os.path.isabs(c) or "://" in c:
                raise RenderFileError(f"component path {c!r} must be local and relative", file=ks.path)
            resolved = (directory / c).resolve()
            if resolved != root.resolve() and root.resolve() not in resolved.parents:
                raise RenderFileError(f"component path {c!r} leaves the artifact", file=ks.path)
            components.append(c)
        kus["components"] = components
    if ks.images:
        images = list(kus.get("images") or [])
        for img in ks.images:
            entry = {"name": img.name}
            for key, value in (("newName", img.new_name), ("newTag", img.new_tag), ("digest", img.digest)):
                if value:
                    entry[key] = value
            index = next((i for i, old in enumerate(images) if isinstance(old, dict) and old.get("name") == img.name), None)
            if index is None:
                images.append(entry)
            else:
                images[index] = entry
        kus["images"] = images


def _selector(sel: Selector) -> dict[str, str]:
    fields = {
        "group": sel.group,
        "version": sel.version,
        "kind": sel.kind,
        "name": sel.name,
        "namespace": sel.namespace,
        "labelSelector": sel.label_selector,
        "annotationSelector": sel.annotation_selector,
    }
    return {k: v for k, v in fields.items() if v}


def _link_tree(src: Path, dst: Path) -> None:
    """Mirror ``src`` into the existing directory ``dst`` with hard links (copies across devices)."""
    link: Any = os.link
    for current, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        rel = os.path.relpath(current, src)
        out = dst if rel == "." else dst / rel
        for d in dirs:
            source = os.path.join(current, d)
            if os.path.islink(source):
                os.symlink(os.readlink(source), out / d)
            else:
                (out / d).mkdir()
        for f in files:
            source = os.path.join(current, f)
            if os.path.islink(source):
                os.symlink(os.readlink(source), out / f)
                continue
            try:
                link(source, out / f)
            except OSError:
                link = shutil.copy2
                link(source, out / f)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(current, d))]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name

