"""CRUD over HTTP as the API concepts doc describes it (issue items 4 and 14)."""

from __future__ import annotations

from tests.kubesim.conftest import cm, deployment

CMS = "/api/v1/namespaces/default/configmaps"
DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"


def test_create_get_update_delete_configmap(api):
    created = api("POST", CMS, cm("a"))
    assert created.code == 201
    meta = created.body["metadata"]
    assert meta["uid"] and meta["creationTimestamp"] and meta["resourceVersion"]
    got = api("GET", f"{CMS}/a")
    assert got.code == 200 and got.body["data"] == {"k": "v"}
    body = got.body | {"data": {"k": "w"}}
    body["metadata"] = {**body["metadata"], "uid": meta["uid"], "creationTimestamp": "2000-01-01T00:00:00Z"}
    updated = api("PUT", f"{CMS}/a", body)
    assert updated.code == 200
    assert updated.body["metadata"]["uid"] == meta["uid"]
    assert updated.body["metadata"]["creationTimestamp"] == meta["creationTimestamp"]
    assert int(updated.body["metadata"]["resourceVersion"]) > int(meta["resourceVersion"])
    deleted = api("DELETE", f"{CMS}/a")
    assert deleted.code == 200
    assert deleted.body["status"] == "Success" and deleted.body["details"]["uid"] == meta["uid"]
    assert api("GET", f"{CMS}/a").code == 404


def test_generate_name(api):
    body = cm("")
    body["metadata"] = {"generateName": "job-"}
    created = api("POST", CMS, body)
    assert created.code == 201
    name = created.body["metadata"]["name"]
    assert name.startswith("job-") and len(name) == len("job-") + 5


def test_not_found_status_object(api):
    reply = api("GET", f"{CMS}/missing")
    assert reply.code == 404
    assert reply.body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": 'configmaps "missing" not found', "reason": "NotFound",
                          "details": {"name": "missing", "kind": "configmaps"}, "code": 404}


def test_create_in_missing_namespace_is_not_found(api):
    reply = api("POST", "/api/v1/namespaces/nope/configmaps", cm("a", "nope"))
    assert reply.code == 404
    assert reply.body["message"] == 'namespaces "nope" not found'


def test_already_exists(api):
    assert api("POST", CMS, cm("a")).code == 201
    reply = api("POST", CMS, cm("a"))
    assert reply.code == 409 and reply.body["reason"] == "AlreadyExists"
    assert reply.body["message"] == 'configmaps "a" already exists'


def test_stale_resource_version_is_conflict(api):
    first = api("POST", CMS, cm("a")).body
    assert api("PUT", f"{CMS}/a", first | {"data": {"x": "1"}}).code == 200
    stale = api("PUT", f"{CMS}/a", first | {"data": {"x": "2"}})
    assert stale.code == 409 and stale.body["reason"] == "Conflict"
    assert "the object has been modified" in stale.body["message"]
    patch = api("PATCH", f"{CMS}/a", {"metadata": {"resourceVersion": first["metadata"]["resourceVersion"]}},
                ctype="application/merge-patch+json")
    assert patch.code == 409


def test_noop_put_keeps_resource_version(api, kubesim):
    obj = api("POST", CMS, cm("a")).body
    before = kubesim.store.rv
    again = api("PUT", f"{CMS}/a", obj)
    assert again.code == 200
    assert again.body["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]
    assert kubesim.store.rv == before


def test_generation_tracks_spec_only(api):
    created = api("POST", DEPLOYS, deployment("web"))
    assert created.code == 201, created.body
    assert created.body["metadata"]["generation"] == 1
    labelled = api("PATCH", f"{DEPLOYS}/web", {"metadata": {"labels": {"x": "y"}}},
                   ctype="application/merge-patch+json")
    assert labelled.body["metadata"]["generation"] == 1
    scaled = api("PATCH", f"{DEPLOYS}/web", {"spec": {"replicas": 3}}, ctype="application/merge-patch+json")
    assert scaled.body["metadata"]["generation"] == 2


def test_cluster_scoped_and_namespace_create(api):
    created = api("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    assert created.code == 201
    assert created.body["status"] == {"phase": "Active"}
    assert api("GET", "/api/v1/namespaces/team").code == 200
    assert api("POST", "/api/v1/namespaces/team/configmaps", cm("a", "team")).code == 201


def test_invalid_is_422_with_causes(api):
    bad = deployment("web")
    bad["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    reply = api("POST", DEPLOYS, bad)
    assert reply.code == 422 and reply.body["reason"] == "Invalid"
    assert reply.body["details"]["kind"] == "Deployment" and reply.body["details"]["causes"]
    assert reply.body["message"].startswith('Deployment.apps "web" is invalid: ')


def test_bad_input_statuses(api):
    assert api("POST", CMS, b"{not json").body["reason"] == "BadRequest"
    assert api("POST", CMS, cm("a"), ctype="text/plain").code == 415
    assert api("PATCH", f"{CMS}/a", {}, ctype="text/plain").code == 415
    assert api("PUT", CMS, cm("a")).code == 405
    assert api("POST", f"{CMS}/a", cm("a")).code == 405
    unknown = api("GET", "/apis/example.com/v1/widgets")
    assert unknown.code == 404 and unknown.body["reason"] == "NotFound"
    assert api("GET", "/api/v1/namespaces/default/configmaps", headers={"Accept": "application/vnd.kubernetes.protobuf"}).code == 406
    big = api("POST", CMS, b"x" * (3 * 1024 * 1024 + 1))
    assert big.code == 413 and big.body["reason"] == "RequestEntityTooLarge"
    wrong_kind = api("POST", CMS, deployment("x"))
    assert wrong_kind.code == 400


def test_field_validation_strict_warn_ignore(api):
    body = cm("typo") | {"dataa": {"x": "y"}}
    strict = api("POST", f"{CMS}?fieldValidation=Strict", body)
    assert strict.code == 400
    assert strict.body["message"] == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                                      'strict decoding error: unknown field "dataa"')
    warned = api("POST", CMS, body)
    assert warned.code == 201 and warned.headers["warning"] == '299 - "unknown field \\"dataa\\""'
    assert "dataa" not in warned.body
    assert "warning" not in api("POST", f"{CMS}?fieldValidation=Ignore", body | {"metadata": {"name": "b"}}).headers


def test_custom_resources_prune_unknown_fields(api):
    from tests.kubesim.test_subresources import CRD

    crd = {**CRD, "spec": {**CRD["spec"], "versions": [{**CRD["spec"]["versions"][0], "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
    assert api("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).code == 201
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
              "spec": {"size": 1, "bogus": True}}
    created = api("POST", "/apis/example.com/v1/namespaces/default/widgets?fieldValidation=Ignore", widget)
    assert created.code == 201 and created.body["spec"] == {"size": 1}


def test_percent_encoded_names(api):
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "system:reader"}, "rules": []}
    assert api("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", role).code == 201
    got = api("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Areader")
    assert got.code == 200 and got.body["metadata"]["name"] == "system:reader"
