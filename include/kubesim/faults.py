"""Fault injection and the request log, for reliability tests.

A rule matches requests by method and path regular expressions (the path includes the query string)
and either fails them with a given HTTP code (as a real Status; 429 and 503 carry ``Retry-After``),
delays them, or drops the connection without an answer. Rules fire ``count`` times (None: until
cleared). The request log keeps the last requests with their outcome so tests can assert on what a
client actually sent.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Rule:
    id: int
    method: str = ".*"
    path: str = ".*"
    code: int | None = None
    count: int | None = 1
    latency: float = 0.0
    drop: bool = False
    retry_after: int = 1
    message: str = ""

    def matches(self, method: str, path: str) -> bool:
        return bool(re.fullmatch(self.method, method, re.IGNORECASE)) and bool(re.search(self.path, path))


@dataclass(frozen=True)
class Decision:
    latency: float = 0.0
    code: int | None = None
    drop: bool = False
    retry_after: int = 1
    message: str = ""


@dataclass(frozen=True)
class LoggedRequest:
    time: float
    method: str
    path: str
    query: str
    code: int
    duration_ms: float
    content_type: str
    user_agent: str


class Faults:
    def __init__(self, log_size: int = 10000) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)
        self._log: deque[LoggedRequest] = deque(maxlen=log_size)

    def add(self, *, method: str = ".*", path: str = ".*", code: int | None = None, count: int | None = 1,
            latency: float = 0.0, drop: bool = False, retry_after: int = 1, message: str = "") -> int:
        re.compile(method)
        re.compile(path)
        if code is None and not drop and latency <= 0:
            raise ValueError("a fault needs a code, a latency or drop=True")
        with self._lock:
            rule = Rule(next(self._ids), method, path, code, count, float(latency), drop, int(retry_after), message)
            self._rules.append(rule)
            return rule.id

    def remove(self, rule_id: int) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if r.id != rule_id]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def decide(self, method: str, path: str) -> Decision | None:
        """What to do with this request (consumes one use of every matching rule)."""
        if not self._rules:
            return None
        with self._lock:
            latency = 0.0
            failing: Rule | None = None
            for rule in list(self._rules):
                if not rule.matches(method, path):
                    continue
                if rule.code is None and not rule.drop:
                    latency += rule.latency
                elif failing is None:
                    failing = rule
                    latency += rule.latency
                else:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
            if failing is None and latency == 0:
                return None
            if failing is None:
                return Decision(latency=latency)
            return Decision(latency, failing.code, failing.drop, failing.retry_after, failing.message)

    # ---- request log -----------------------------------------------------------------------
    def log(self, method: str, path: str, query: str, code: int, started: float, content_type: str,
            user_agent: str) -> None:
        self._log.append(LoggedRequest(time.time(), method, path, query, code,
                                       round((time.perf_counter() - started) * 1000, 3), content_type, user_agent))

    def requests(self) -> list[LoggedRequest]:
        return list(self._log)

    def clear_log(self) -> None:
        self._log.clear()
