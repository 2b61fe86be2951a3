"""dryRun=All on every write verb (issue item 8): validated, merged, returned, never persisted."""

from __future__ import annotations

from tests.kubesim.conftest import cm, deployment

CMS = "/api/v1/namespaces/default/configmaps"
DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"


def test_every_verb_persists_nothing(api, kubesim):
    assert api("POST", CMS, cm("live")).code == 201
    before = kubesim.snapshot()
    created = api("POST", f"{CMS}?dryRun=All", cm("new"))
    assert created.code == 201 and created.body["metadata"]["uid"]
    live = api("GET", f"{CMS}/live").body
    assert api("PUT", f"{CMS}/live?dryRun=All", live | {"data": {"k": "x"}}).body["data"] == {"k": "x"}
    patched = api("PATCH", f"{CMS}/live?dryRun=All", {"data": {"k": "y"}}, ctype="application/merge-patch+json")
    assert patched.body["data"] == {"k": "y"}
    applied = api("PATCH", f"{CMS}/new?dryRun=All&fieldManager=t", cm("new"), ctype="application/apply-patch+yaml")
    assert applied.code == 201
    assert api("DELETE", f"{CMS}/live?dryRun=All").code == 200
    assert kubesim.diff(before, kubesim.snapshot()) == []


def test_dry_run_still_validates_and_conflicts(api):
    bad = deployment("web")
    bad["spec"]["selector"] = {"matchLabels": {"app": "nope"}}
    assert api("POST", f"{DEPLOYS}?dryRun=All", bad).code == 422
    obj = api("POST", CMS, cm("a")).body
    api("PUT", f"{CMS}/a", obj | {"data": {"k": "1"}})
    assert api("PUT", f"{CMS}/a?dryRun=All", obj | {"data": {"k": "2"}}).code == 409
    assert api("POST", f"{CMS}?dryRun=All", cm("a")).code == 409
    assert api("POST", f"{CMS}?dryRun=Bogus", cm("b")).code == 422


def test_dry_run_emits_no_watch_event(api, kubesim):
    rv = kubesim.store.rv
    api("POST", f"{CMS}?dryRun=All", cm("a"))
    assert kubesim.store.events_after(rv) == []
