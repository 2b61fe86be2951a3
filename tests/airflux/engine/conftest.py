"""Engine tests run against kubesim: a KubeClient on a fresh emulated cluster per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflux.kube import ClientOptions, KubeClient, RetryPolicy


@pytest.fixture
def client(kubesim: Any) -> Iterator[KubeClient]:
    opts = ClientOptions(retry=RetryPolicy(attempts=4, base_delay=0.05, max_retry_after=2.0))
    with KubeClient.from_kubeconfig(kubesim.kubeconfig, options=opts) as c:
        yield c
