"""Human-readable change output in the shape of ``flux diff``.

One line per object (``► Deployment/shop/web configured``) and, for configured objects, a unified
diff of the live object against the merged (dry-run) one. YAML is dumped with multi-line strings
as literal blocks so a changed line of a script or config file shows as one changed line.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml

from airflux.diff.normalize import mask_secrets, mask_values, normalize
from airflux.redact import Redactor


class _BlockDumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Literal style cannot hold trailing spaces on a line; those fall back to quoted style.
    if "\n" in data and not any(line != line.rstrip() for line in data.splitlines()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_BlockDumper.add_representer(str, _str_representer)


def to_yaml(obj: dict[str, Any]) -> str:
    return yaml.dump(obj, Dumper=_BlockDumper, default_flow_style=False, sort_keys=True,
                     allow_unicode=True, width=10_000)


def unified_diff(live: dict[str, Any] | None, merged: dict[str, Any] | None, *, label: str,
                 redactor: Redactor | None = None) -> str:
    """Unified diff of normalised live vs merged, Secret values masked, and the fields holding values
    the ``redactor`` hides (read from Secrets into the render) masked too; empty when equal."""
    before, after = mask_secrets(normalize(live), normalize(merged))
    if redactor:
        before, after = mask_values(before, after, lambda value: redactor.scrub(value) != value)
    a = to_yaml(before).splitlines(keepends=True) if live else []
    b = to_yaml(after).splitlines(keepends=True) if merged else []
    text = "".join(difflib.unified_diff(a, b, fromfile=f"{label} (live)", tofile=f"{label} (merged)", n=3))
    return redactor.scrub(text) if redactor else text
