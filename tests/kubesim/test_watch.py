"""Watch (issue item 10), following "Efficient detection of changes" in the API concepts doc."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlparse

from tests.kubesim.conftest import ROOT_CA, cm

CMS = "/api/v1/namespaces/default/configmaps"


def watch_events(url: str, path: str) -> list[dict]:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    assert resp.status == 200
    events = [json.loads(line) for line in resp.read().splitlines() if line.strip()]
    conn.close()
    return events


def test_watch_without_version_lists_then_follows(api, kubesim):
    api("POST", CMS, cm("a"))

    def later():
        time.sleep(0.3)
        api("POST", CMS, cm("b"))
        obj = api("GET", f"{CMS}/b").body
        api("PUT", f"{CMS}/b", obj | {"data": {"k": "2"}})
        api("DELETE", f"{CMS}/a")

    threading.Thread(target=later).start()
    events = watch_events(kubesim.url, f"{CMS}?watch=true&timeoutSeconds=1")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"), ("ADDED", ROOT_CA), ("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "a")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events[2:]]
    assert rvs == sorted(rvs)


def test_resume_from_resource_version(api, kubesim):
    rv = api("POST", CMS, cm("a")).body["metadata"]["resourceVersion"]
    api("POST", CMS, cm("b"))
    events = watch_events(kubesim.url, f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=0.3")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "b")]


def test_too_old_version_is_410_expired(api, kubesim):
    rv = api("POST", CMS, cm("a")).body["metadata"]["resourceVersion"]
    api("POST", CMS, cm("b"))
    kubesim.compact()
    events = watch_events(kubesim.url, f"{CMS}?watch=true&resourceVersion={rv}&timeoutSeconds=1")
    assert len(events) == 1 and events[0]["type"] == "ERROR"
    assert events[0]["object"]["code"] == 410 and events[0]["object"]["reason"] == "Expired"


def test_bookmarks_and_initial_events_end(api, kubesim):
    api("POST", CMS, cm("a"))
    events = watch_events(kubesim.url, f"{CMS}?watch=true&allowWatchBookmarks=true&sendInitialEvents=true"
                                       "&resourceVersionMatch=NotOlderThan&timeoutSeconds=0.2")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events[:2]] == [("ADDED", "a"), ("ADDED", ROOT_CA)]
    assert events[2]["type"] == "BOOKMARK"
    assert events[2]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_selector_transitions(api, kubesim):
    api("POST", CMS, cm("a", app="web"))

    def later():
        time.sleep(0.3)
        obj = api("GET", f"{CMS}/a").body
        obj["metadata"]["labels"] = {"app": "other"}
        api("PUT", f"{CMS}/a", obj)

    threading.Thread(target=later).start()
    events = watch_events(kubesim.url, f"{CMS}?watch=true&labelSelector=app%3Dweb&timeoutSeconds=1")
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]


def test_python_client_watch(kubesim):
    from kubernetes import client, watch

    v1 = client.CoreV1Api(kubesim.api_client())
    v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="x")))
    seen = [(e["type"], e["object"].metadata.name)
            for e in watch.Watch().stream(v1.list_namespaced_config_map, "default", timeout_seconds=1)]
    assert seen == [("ADDED", ROOT_CA), ("ADDED", "x")]


def test_watch_as_table_for_kubectl_get_watch(api, kubesim):
    api("POST", CMS, cm("a"))
    parsed = urlparse(kubesim.url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("GET", f"{CMS}?watch=true&timeoutSeconds=0.3",
                 headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
    events = [json.loads(line) for line in conn.getresponse().read().splitlines() if line.strip()]
    assert events[0]["type"] == "ADDED" and events[0]["object"]["kind"] == "Table"
    assert events[0]["object"]["rows"][0]["cells"][0] == "a"


def test_open_watches_end_when_the_server_stops(kubesim_factory):
    sim = kubesim_factory()
    result: list[list[dict]] = []
    empty = "/api/v1/namespaces/default/secrets"  # a fresh cluster has no Secrets in default
    thread = threading.Thread(target=lambda: result.append(watch_events(sim.url, f"{empty}?watch=true")))
    thread.start()
    time.sleep(0.3)
    sim.sim.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and result == [[]]
