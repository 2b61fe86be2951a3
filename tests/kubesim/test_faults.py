"""Fault injection, the request log, snapshots (issue item 15) and robustness against bad input."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlparse

import pytest
from tests.kubesim.conftest import _call, cm

CMS = "/api/v1/namespaces/default/configmaps"


def test_fail_next_requests_matching_method_and_path(api, kubesim):
    kubesim.fail(method="GET", path=r"/configmaps/a$", code=500, count=2)
    api("POST", CMS, cm("a"))
    assert api("GET", f"{CMS}/a").code == 500
    assert api("GET", f"{CMS}/a").body["reason"] == "InternalError"
    assert api("GET", f"{CMS}/a").code == 200


def test_too_many_requests_has_retry_after(api, kubesim):
    kubesim.fail(path="configmaps", code=429, retry_after=3)
    reply = api("GET", CMS)
    assert reply.code == 429 and reply.headers["retry-after"] == "3"
    assert reply.body["reason"] == "TooManyRequests" and reply.body["details"]["retryAfterSeconds"] == 3


def test_latency_and_drop(api, kubesim):
    kubesim.delay(0.3, path="configmaps", count=1)
    started = time.monotonic()
    api("GET", CMS)
    assert time.monotonic() - started >= 0.3
    kubesim.drop(path="configmaps")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api("GET", CMS)
    assert api("GET", CMS).code == 200


def test_control_endpoint(kubesim):
    rule = _call(kubesim.url, "POST", "/_kubesim/faults", {"method": "POST", "path": "configmaps", "code": 503})
    assert rule.code == 201
    assert _call(kubesim.url, "POST", CMS, cm("a")).code == 503
    assert _call(kubesim.url, "POST", CMS, cm("a")).code == 201
    log = _call(kubesim.url, "GET", "/_kubesim/requests").body["items"]
    assert [(r["method"], r["code"]) for r in log[-2:]] == [("POST", 503), ("POST", 201)]
    snap = _call(kubesim.url, "GET", "/_kubesim/snapshot").body
    assert "/configmaps/default/a" in snap["objects"]
    assert kubesim.requests(method="POST", path="configmaps")[-1].code == 201


def test_bad_input_never_corrupts_state(api, kubesim):
    api("POST", CMS, cm("keep"))
    before = kubesim.snapshot()
    bad = [
        ("POST", CMS, b"{", "application/json"), ("POST", CMS, b"[1,2]", "application/json"),
        ("POST", CMS, b"\xff\xfe", "application/json"), ("POST", CMS, b"a: [", "application/yaml"),
        ("POST", CMS, b'{"metadata": "x"}', "application/json"),
        ("POST", CMS, b'{"metadata": {"name": 5}}', "application/json"),
        ("POST", CMS, b'{"metadata": {"name": "Bad_Name"}}', "application/json"),
        ("PUT", f"{CMS}/keep", b'{"metadata": {"name": "other"}}', "application/json"),
        ("PATCH", f"{CMS}/keep", b"[{\"op\": \"remove\", \"path\": \"/nope\"}]", "application/json-patch+json"),
        ("PATCH", f"{CMS}/keep", b"not json", "application/merge-patch+json"),
        ("PATCH", f"{CMS}/keep", b"[]", "application/strategic-merge-patch+json"),
        ("PATCH", f"{CMS}/keep?fieldManager=x", b"kind: [", "application/apply-patch+yaml"),
        ("PATCH", f"{CMS}/keep?fieldManager=x", b"apiVersion: v1\nkind: Secret\n", "application/apply-patch+yaml"),
        ("PATCH", f"{CMS}/keep", b"{}", "application/xml"),
        ("DELETE", f"{CMS}/keep", b"{oops", "application/json"),
        ("GET", "/apis/nope/v1/things", None, ""), ("GET", "/api/v2/pods", None, ""),
        ("POST", CMS, b"x" * (4 * 1024 * 1024), "application/json"),
    ]
    errors = []

    def hammer(items):
        for method, path, body, ctype in items:
            reply = _call(kubesim.url, method, path, body, ctype=ctype)
            if not (400 <= reply.code < 500) or (reply.body or {}).get("kind") != "Status":
                errors.append((method, path, reply.code, reply.body))

    threads = [threading.Thread(target=hammer, args=(bad,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert kubesim.diff(before, kubesim.snapshot()) == []
    assert api("GET", f"{CMS}/keep").code == 200


def test_parallel_clients_get_unique_resource_versions(kubesim):
    results: list[int] = []

    def writer(i):
        for j in range(20):
            reply = _call(kubesim.url, "POST", CMS, cm(f"c{i}-{j}"))
            results.append(int(reply.body["metadata"]["resourceVersion"]))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 100 and len(set(results)) == 100


def test_malformed_http_keeps_server_alive(kubesim):
    parsed = urlparse(kubesim.url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
    conn.putrequest("POST", CMS)
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", "abc")
    conn.endheaders()
    assert conn.getresponse().status == 400
    assert json.loads(_call(kubesim.url, "GET", "/version").raw)["major"] == "1"


def test_body_on_get_does_not_desync_keep_alive(kubesim):
    parsed = urlparse(kubesim.url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
    conn.request("GET", CMS, body=b'{"x": 1}', headers={"Content-Type": "application/json"})
    first = conn.getresponse()
    first.read()
    conn.request("GET", "/api/v1/namespaces/default")
    second = conn.getresponse()
    assert (first.status, second.status) == (200, 200)
    assert json.loads(second.read())["metadata"]["name"] == "default"


def test_parallel_mixed_writers_with_a_watch(kubesim):
    from tests.kubesim.conftest import deployment

    deploys = "/apis/apps/v1/namespaces/default/deployments"
    codes: list[int] = []
    events: list[dict] = []

    def writer(seed: int) -> None:
        import random

        rnd = random.Random(seed)
        for _ in range(40):
            name = f"d{rnd.randrange(10)}"
            roll = rnd.random()
            if roll < 0.6:
                body = deployment(name, replicas=rnd.randrange(1, 5))
                reply = _call(kubesim.url, "PATCH", f"{deploys}/{name}?fieldManager=m{seed % 3}&force=true", body,
                              ctype="application/apply-patch+yaml")
            elif roll < 0.8:
                reply = _call(kubesim.url, "DELETE", f"{deploys}/{name}?propagationPolicy=Foreground")
            else:
                reply = _call(kubesim.url, "PATCH", f"{deploys}/{name}/scale", {"spec": {"replicas": 2}},
                              ctype="application/merge-patch+json")
            codes.append(reply.code)

    def watcher() -> None:
        parsed = urlparse(kubesim.url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        conn.request("GET", f"{deploys}?watch=true&timeoutSeconds=3&resourceVersion=1")
        events.extend(json.loads(line) for line in conn.getresponse().read().splitlines() if line.strip())

    watching = threading.Thread(target=watcher)
    watching.start()
    writers = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    watching.join()
    assert codes and all(c in (200, 201, 404) for c in codes)
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs)
    assert [r for r in kubesim.requests() if r.code >= 500] == []
