"""Deletion (issue item 9), per "Garbage Collection", "Finalizers" and "Namespaces" in the Kubernetes docs."""

from __future__ import annotations

from tests.kubesim.conftest import ROOT_CA, cm

CMS = "/api/v1/namespaces/default/configmaps"


def owned(name: str, owner: dict, *, block: bool = False) -> dict:
    body = cm(name)
    body["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]["name"],
                                            "uid": owner["metadata"]["uid"], "blockOwnerDeletion": block}]
    return body


def exists(api, name: str) -> bool:
    return api("GET", f"{CMS}/{name}").code == 200


def test_background_deletes_dependents(api, kubesim):
    owner = api("POST", CMS, cm("owner")).body
    api("POST", CMS, owned("child", owner))
    assert api("DELETE", f"{CMS}/owner?propagationPolicy=Background").body["status"] == "Success"
    assert not exists(api, "owner")
    kubesim.wait_for(lambda: not exists(api, "child"))


def test_orphan_keeps_dependents_without_owner_reference(api, kubesim):
    owner = api("POST", CMS, cm("owner")).body
    api("POST", CMS, owned("child", owner))
    reply = api("DELETE", f"{CMS}/owner", {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Orphan"})
    assert reply.body["metadata"]["finalizers"] == ["orphan"] and reply.body["metadata"]["deletionTimestamp"]
    kubesim.wait_for(lambda: not exists(api, "owner"))
    child = api("GET", f"{CMS}/child").body
    assert "ownerReferences" not in child["metadata"]


def test_foreground_waits_for_blocking_dependents(api, kubesim):
    owner = api("POST", CMS, cm("owner")).body
    child = owned("child", owner, block=True)
    child["metadata"]["finalizers"] = ["example.com/hold"]
    api("POST", CMS, child)
    reply = api("DELETE", f"{CMS}/owner?propagationPolicy=Foreground")
    assert "foregroundDeletion" in reply.body["metadata"]["finalizers"]
    kubesim.wait_for(lambda: api("GET", f"{CMS}/child").body["metadata"].get("deletionTimestamp"))
    kubesim.tick()
    assert exists(api, "owner")
    api("PATCH", f"{CMS}/child", {"metadata": {"finalizers": None}}, ctype="application/merge-patch+json")
    kubesim.wait_for(lambda: not exists(api, "owner") and not exists(api, "child"))


def test_finalizers_hold_deletion_until_removed(api, kubesim):
    body = cm("held")
    body["metadata"]["finalizers"] = ["example.com/hold"]
    api("POST", CMS, body)
    marked = api("DELETE", f"{CMS}/held")
    assert marked.code == 200 and marked.body["metadata"]["deletionTimestamp"]
    kubesim.tick()
    assert exists(api, "held")
    added = api("PATCH", f"{CMS}/held", {"metadata": {"finalizers": ["example.com/hold", "x/y"]}},
                ctype="application/merge-patch+json")
    assert added.code == 422
    done = api("PATCH", f"{CMS}/held", {"metadata": {"finalizers": []}}, ctype="application/merge-patch+json")
    assert done.code == 200
    assert not exists(api, "held")


def test_namespace_deletion_cascades_through_terminating(api, kubesim):
    api("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    api("POST", "/api/v1/namespaces/team/configmaps", cm("a", "team"))
    reply = api("DELETE", "/api/v1/namespaces/team")
    assert reply.body["status"]["phase"] == "Terminating"
    refused = api("POST", "/api/v1/namespaces/team/configmaps", cm("b", "team"))
    assert refused.code == 403 and refused.body["reason"] == "Forbidden"
    kubesim.wait_for(lambda: api("GET", "/api/v1/namespaces/team").code == 404)
    assert api("GET", "/api/v1/namespaces/team/configmaps").body["items"] == []


def test_default_namespace_cannot_be_deleted(api):
    assert api("DELETE", "/api/v1/namespaces/default").code == 403


def test_preconditions_and_delete_collection(api):
    obj = api("POST", CMS, cm("a", app="x")).body
    api("POST", CMS, cm("b", app="x"))
    api("POST", CMS, cm("c"))
    stale = api("DELETE", f"{CMS}/a", {"preconditions": {"uid": "nope"}})
    assert stale.code == 409
    assert api("DELETE", f"{CMS}/a", {"preconditions": {"uid": obj["metadata"]["uid"]}}).code == 200
    gone = api("DELETE", f"{CMS}?labelSelector=app%3Dx")
    assert [i["metadata"]["name"] for i in gone.body["items"]] == ["b"]
    assert [i["metadata"]["name"] for i in api("GET", CMS).body["items"]] == ["c", ROOT_CA]
