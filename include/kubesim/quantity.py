"""Kubernetes resource quantities (``resource.Quantity``: ``500m``, ``1Gi``, ``2e3``) as exact
fractions, for validation (requests > 0, PVC shrink) and the PVC controller's capacity.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}


def parse_quantity(value: Any) -> Fraction | None:
    """The exact amount of a quantity, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Fraction(value)
    if not isinstance(value, str):
        return None
    m = _RE.match(value.strip())
    if not m:
        return None
    number, suffix = m.groups()
    try:
        amount = Fraction(number)
    except ValueError:
        return None
    if suffix in _BINARY:
        return amount * _BINARY[suffix]
    if suffix in _DECIMAL:
        return amount * _DECIMAL[suffix]
    if suffix[:1] in ("e", "E"):
        try:
            return amount * Fraction(10) ** int(suffix[1:])
        except ValueError:
            return None
    return None
