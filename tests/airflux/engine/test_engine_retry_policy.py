"""When the Kubernetes client retries: throttling and server errors yes, validation errors never."""

from __future__ import annotations

import random

from airflux.kube.retry import RetryPolicy, parse_retry_after, retry_delay


def test_validation_and_not_found_errors_are_never_retried() -> None:
    policy = RetryPolicy()
    for status in (400, 403, 404, 409, 422):
        assert retry_delay(policy, attempt=1, status=status) is None


def test_server_errors_throttling_and_lost_connections_back_off_exponentially() -> None:
    policy = RetryPolicy(base_delay=0.1, jitter=0.0, attempts=5)
    assert [retry_delay(policy, attempt=a, status=503) for a in (1, 2, 3)] == [0.1, 0.2, 0.4]
    assert retry_delay(policy, attempt=1, status=None) == 0.1
    assert retry_delay(policy, attempt=5, status=500) is None


def test_retry_after_from_the_server_wins_but_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=5.0)
    assert retry_delay(policy, attempt=1, status=429, retry_after=2.0) == 2.0
    assert retry_delay(policy, attempt=1, status=429, retry_after=600.0) == 5.0
    assert parse_retry_after("3") == 3.0 and parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_jitter_only_lengthens_the_wait_a_little() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=0.2)
    delays = {retry_delay(policy, attempt=1, status=500, rng=random.Random(i)) for i in range(20)}
    assert all(d is not None and 1.0 <= d <= 1.2 for d in delays)
