"""Definition texts shared by the loader tests (a uniquely named module, importable from each test)."""

from __future__ import annotations

from pathlib import Path

FIXTURE_APPS = Path(__file__).resolve().parents[2] / "fixtures" / "apps"

GIT_REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: {name}
  namespace: {namespace}
spec:
  url: https://git.example.com/{name}.git
  interval: 1m
"""

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: {namespace}
spec:
  sourceRef:
    kind: GitRepository
    name: {source}
  path: ./deploy
  interval: 10m
  prune: true
"""


def app_yaml(name: str, *, namespace: str = "default", source: str | None = None) -> str:
    """A valid GitRepository + Kustomization pair as one multi-document text."""
    source = source or name
    return GIT_REPO.format(name=source, namespace=namespace) + "---\n" + KUSTOMIZATION.format(
        name=name, namespace=namespace, source=source
    )
