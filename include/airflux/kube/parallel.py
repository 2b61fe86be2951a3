"""Run one API call per object on a bounded thread pool.

Per-object calls (dry-run, apply, delete, get) are I/O bound; a small pool hides the round-trip
latency without flooding the API server (which would answer 429 and slow everyone down).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WORKERS = 8


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """What one call gave: a value or the exception it raised (never both)."""

    item: T
    value: R | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parallel_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int = DEFAULT_WORKERS
) -> list[Outcome[T, R]]:
    """Call ``fn`` on every item and return the outcomes in input order.

    Exceptions are captured per item rather than raised, so a caller can try everything and
    report every failure at once (a dry-run lists every invalid object, not just the first).
    """
    items = list(items)

    def run(item: T) -> Outcome[T, R]:
        try:
            return Outcome(item, fn(item))
        except Exception as e:  # captured on purpose: the caller reports every failure
            return Outcome(item, None, e)

    if workers <= 1 or len(items) <= 1:
        return [run(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="airflux-kube") as pool:
        return list(pool.map(run, items))
