"""Write one commit's tree into the artifact store, filtered, with a deterministic digest.

The tree is read straight from the bare cache (``ls-tree`` + ``cat-file --batch``): no work tree,
no index, nothing of git's own metadata in the artifact. Like Flux's artifacts, only regular files
are exported (symlinks and submodules are left out, so nothing can point outside the artifact).

The digest is ``sha256:`` over every exported file in path order, framing each file as
``<mode> <size> <path>\\0<content>``, so it depends only on paths, modes and contents, never on
timestamps or the order files were written. :func:`tree_digest` recomputes it from a directory.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from git import Git

from airflux.source.ignore import IGNORE_FILE, IgnoreRules


@dataclass(frozen=True)
class ExportResult:
    digest: str
    files: int
    excluded: int


@dataclass(frozen=True)
class _Entry:
    path: str
    executable: bool
    sha: str


def _frame(path: str, executable: bool, size: int) -> bytes:
    return f"{'755' if executable else '644'} {size} {path}\0".encode()


def _list_tree(git: Git, commit: str) -> tuple[list[_Entry], int]:
    out = git.execute(["git", "ls-tree", "-r", "-z", "--full-tree", commit], stdout_as_string=False)
    assert isinstance(out, bytes)
    entries: list[_Entry] = []
    skipped = 0
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, otype, sha = meta.decode().split(" ")
        if otype != "blob" or mode not in ("100644", "100755"):
            skipped += 1  # symlinks (120000) and submodules (160000)
            continue
        entries.append(_Entry(raw_path.decode("utf-8", "surrogateescape"), mode == "100755", sha))
    entries.sort(key=lambda e: e.path.encode("utf-8", "surrogateescape"))
    return entries, skipped


def export_commit(*, cache: Path, commit: str, dest: Path, spec_ignore: str | None) -> ExportResult:
    """Export ``commit`` from the bare repository ``cache`` into the new directory ``dest``."""
    git = Git(str(cache))
    try:
        entries, skipped = _list_tree(git, commit)
        sourceignore: dict[str, str] = {}
        for entry in entries:
            if entry.path == IGNORE_FILE or entry.path.endswith(f"/{IGNORE_FILE}"):
                _, _, _, data = git.get_object_data(entry.sha)
                sourceignore[entry.path[: -len(IGNORE_FILE)].rstrip("/")] = data.decode("utf-8", "replace")
        rules = IgnoreRules.build(sourceignore=sourceignore, spec_ignore=spec_ignore)
        digest = hashlib.sha256()
        dest.mkdir(parents=True)
        files = 0
        excluded = skipped
        for entry in entries:
            if rules.excluded_file(entry.path):
                excluded += 1
                continue
            _, _, _, data = git.get_object_data(entry.sha)
            target = dest / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if entry.executable:
                os.chmod(target, 0o755)
            digest.update(_frame(entry.path, entry.executable, len(data)))
            digest.update(data)
            files += 1
    finally:
        git.clear_cache()
    return ExportResult(f"sha256:{digest.hexdigest()}", files, excluded)


def tree_digest(root: Path) -> str:
    """The digest of an exported directory, computed the same way as during export."""
    paths: list[tuple[bytes, Path]] = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            full = Path(dirpath) / name
            if full.is_file() and not full.is_symlink():
                posix = full.relative_to(root).as_posix()
                paths.append((posix.encode("utf-8", "surrogateescape"), full))
    digest = hashlib.sha256()
    for rel, full in sorted(paths):
        data = full.read_bytes()
        executable = bool(full.stat().st_mode & 0o100)
        digest.update(_frame(rel.decode("utf-8", "surrogateescape"), executable, len(data)))
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"
