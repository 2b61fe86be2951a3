"""Builders for render tests: Kustomization specs made in code and small manifests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airflux.specs.types import CrossRef, Kustomization, Meta, Origin

TreeWriter = Callable[[dict[str, str]], Path]


def make_ks(**fields: Any) -> Kustomization:
    fields.setdefault("path", "./")
    return Kustomization(
        meta=Meta(name="app", namespace="flux-system"),
        origin=Origin(Path("apps/app.yaml"), 0),
        source_ref=CrossRef(kind="GitRepository", name="repo", namespace="flux-system"),
        **fields,
    )


def cm(name: str, *, namespace: str | None = None, data: str = "  key: value\n") -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{ns}data:\n{data}"


def deployment(name: str, *, image: str = "nginx:1.25", labels: str = "app: web") -> str:
    return textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          labels:
            {labels}
        spec:
          replicas: 1
          selector:
            matchLabels:
              {labels}
          template:
            metadata:
              labels:
                {labels}
            spec:
              containers:
              - name: main
                image: {image}
        """)
