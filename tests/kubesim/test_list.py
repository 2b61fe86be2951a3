"""List semantics (issue item 5): selectors, pagination, all-namespaces lists, list kind and Table output."""

from __future__ import annotations

import pytest
from tests.kubesim.conftest import ROOT_CA, cm, settle

from kubesim import errors, selectors

CMS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def populated(api, kubesim):
    """a, b, c next to the namespace's kube-root-ca.crt (which has no labels), and d in another namespace."""
    api("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    settle(kubesim, "other")
    for name, labels in [("a", {"app": "web", "tier": "front"}), ("b", {"app": "db"}), ("c", {})]:
        assert api("POST", CMS, cm(name, **labels)).code == 201
    assert api("POST", "/api/v1/namespaces/other/configmaps", cm("d", "other", app="web")).code == 201
    return api


def names(reply):
    return [i["metadata"]["name"] for i in reply.body["items"]]


def test_list_shape(populated, kubesim):
    reply = populated("GET", CMS)
    assert reply.body["kind"] == "ConfigMapList" and reply.body["apiVersion"] == "v1"
    assert reply.body["metadata"]["resourceVersion"] == str(kubesim.store.rv)
    assert names(reply) == ["a", "b", "c", ROOT_CA]


@pytest.mark.parametrize(("selector", "expected"), [
    ("app=web", ["a"]), ("app==web", ["a"]), ("app!=web", ["b", "c", ROOT_CA]), ("app in (web,db)", ["a", "b"]),
    ("app notin (web)", ["b", "c", ROOT_CA]), ("app", ["a", "b"]), ("!app", ["c", ROOT_CA]),
    ("app=web,tier=front", ["a"]),
    ("app,!tier", ["b"]),
])
def test_label_selectors(populated, selector, expected):
    assert names(populated("GET", f"{CMS}?labelSelector={selector.replace(' ', '%20')}")) == expected


def test_field_selectors_and_all_namespaces(populated):
    assert names(populated("GET", f"{CMS}?fieldSelector=metadata.name=b")) == ["b"]
    assert names(populated("GET", f"{CMS}?fieldSelector=metadata.name!=b")) == ["a", "c", ROOT_CA]
    everywhere = populated("GET", "/api/v1/configmaps?labelSelector=app%3Dweb")
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in everywhere.body["items"]] == [
        ("default", "a"), ("other", "d")]
    assert names(populated("GET", "/api/v1/configmaps?fieldSelector=metadata.namespace=other")) == ["d", ROOT_CA]
    bad = populated("GET", f"{CMS}?fieldSelector=spec.foo=x")
    assert bad.code == 400 and bad.body["reason"] == "BadRequest"


def test_limit_and_continue(populated):
    first = populated("GET", f"{CMS}?limit=3")
    assert names(first) == ["a", "b", "c"]
    assert first.body["metadata"]["remainingItemCount"] == 1
    token = first.body["metadata"]["continue"]
    second = populated("GET", f"{CMS}?limit=3&continue={token}")
    assert names(second) == [ROOT_CA] and "continue" not in second.body["metadata"]
    assert populated("GET", f"{CMS}?continue=garbage!").code == 400


def test_table_output(populated):
    reply = populated("GET", CMS, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
    assert reply.body["kind"] == "Table" and reply.body["apiVersion"] == "meta.k8s.io/v1"
    assert next(c["name"] for c in reply.body["columnDefinitions"]) == "Name"
    assert [r["cells"][0] for r in reply.body["rows"]] == ["a", "b", "c", ROOT_CA]


def test_items_of_typed_lists_have_no_kind(populated):
    assert all("kind" not in i for i in populated("GET", CMS).body["items"])


def test_selector_parse_errors():
    with pytest.raises(errors.ApiError) as info:
        selectors.parse_label_selector("app in (a")
    assert info.value.code == 400


def test_continue_serves_the_snapshot_of_the_first_page(populated, kubesim):
    first = populated("GET", f"{CMS}?limit=2")
    populated("POST", CMS, cm("aa"))          # sorts into the second page, created after the first
    populated("DELETE", f"{CMS}/c")
    second = populated("GET", f"{CMS}?limit=2&continue={first.body['metadata']['continue']}")
    assert names(second) == ["c", ROOT_CA]
    assert second.body["metadata"]["resourceVersion"] == first.body["metadata"]["resourceVersion"]
    kubesim.compact()
    expired = populated("GET", f"{CMS}?limit=2&continue={first.body['metadata']['continue']}")
    assert expired.code == 410 and expired.body["reason"] == "Expired"


def test_exact_resource_version_read(populated):
    rv = populated("GET", CMS).body["metadata"]["resourceVersion"]
    populated("DELETE", f"{CMS}/a")
    old = populated("GET", f"{CMS}?resourceVersion={rv}&resourceVersionMatch=Exact")
    assert names(old) == ["a", "b", "c", ROOT_CA] and old.body["metadata"]["resourceVersion"] == rv
    assert names(populated("GET", CMS)) == ["b", "c", ROOT_CA]
