"""When and how long to wait before repeating a Kubernetes API call.

Kept pure (no sleeping, no I/O) so the policy can be tested over plain numbers: the client asks
``retry_delay`` after each failure and sleeps for what it says, or gives up on ``None``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Throttling and server-side trouble: repeating the same request can succeed.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How persistent the client is. ``attempts`` counts the first try."""

    attempts: int = 6
    base_delay: float = 0.1
    max_delay: float = 10.0
    # Upper bound for a server's Retry-After, so a misbehaving server cannot park a task for hours.
    max_retry_after: float = 30.0
    jitter: float = 0.2


def is_retryable_status(status: int | None) -> bool:
    """``None`` stands for "no HTTP answer at all" (connection refused/reset): worth retrying."""
    return status is None or status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the delta-seconds form the API server sends)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def retry_delay(
    policy: RetryPolicy,
    *,
    attempt: int,
    status: int | None,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` is 1-based), or ``None`` to give up.

    A server's Retry-After wins over our own backoff, because the server knows when it will have
    capacity again; our exponential backoff gets a little jitter so parallel workers spread out.
    """
    if not is_retryable_status(status) or attempt >= policy.attempts:
        return None
    if retry_after is not None:
        return min(retry_after, policy.max_retry_after)
    delay = min(policy.base_delay * (2 ** (attempt - 1)), policy.max_delay)
    if policy.jitter:
        delay *= 1 + (rng or random).uniform(0, policy.jitter)
    return delay
