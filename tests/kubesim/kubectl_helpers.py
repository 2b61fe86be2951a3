"""Helpers for the conformance tests that run the real kubectl against kubesim."""

from __future__ import annotations

from typing import Any


def ok(kubesim: Any, *args: str, input: str | None = None) -> str:
    """Run kubectl, require exit code 0 and no warnings on stderr, return stdout."""
    result = kubesim.kubectl(*args, input=input)
    assert result.returncode == 0, f"kubectl {' '.join(args)} failed ({result.returncode}): {result.stderr}"
    assert "warning" not in result.stderr.lower(), result.stderr
    return str(result.stdout)


def fails(kubesim: Any, *args: str, input: str | None = None, code: int = 1) -> str:
    """Run kubectl, require exit code `code`, return stderr."""
    result = kubesim.kubectl(*args, input=input)
    assert result.returncode == code, f"kubectl {' '.join(args)}: {result.returncode} {result.stdout} {result.stderr}"
    return str(result.stderr)
