"""Merge and apply errors as the Status a real API server answers, and allocations that failed or
dry-run updates give back.

Sources: the apiserver's PATCH handler (strategic merge patch errors are a 400 ``BadRequest`` for
malformed directives, a 422 ``Invalid`` with a generic message for content the merge rejects, the
merge library's plain error — a 500 without reason — otherwise; server-side apply conflicts are the
409 of "Server-Side Apply → Conflicts", naming each manager without a timestamp), and "Service →
Virtual IPs and Service Proxies"/"Type NodePort" (a port or IP is taken only by a stored Service).
"""

from __future__ import annotations

from typing import Any

from tests.kubesim.conftest import deployment
from tests.kubesim.kubectl_helpers import fails, ok

DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"
SVCS = "/api/v1/namespaces/default/services"
APPLY = "application/apply-patch+yaml"
SMP = "application/strategic-merge-patch+json"


def _containers(*items: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": list(items)}}}}


def test_apply_with_managed_fields_in_the_body_is_a_bad_request(api, kubesim):
    body = deployment("web")
    body["metadata"]["managedFields"] = [{"manager": "x", "operation": "Apply"}]
    before = kubesim.snapshot()
    reply = api("PATCH", f"{DEPLOYS}/web?fieldManager=me", body, ctype=APPLY)
    assert (reply.code, reply.body["reason"], reply.body["message"]) == (
        400, "BadRequest", "metadata.managedFields must be nil")
    assert kubesim.diff(before, kubesim.snapshot()) == []


def test_apply_configuration_the_merge_cannot_type_is_a_plain_500(api, kubesim):
    """A list-map item without its key: the merge library's error passes through, as on a real server."""
    api("PATCH", f"{DEPLOYS}/web?fieldManager=me", deployment("web"), ctype=APPLY)
    before = kubesim.snapshot()
    config = deployment("web")
    config["spec"]["template"]["spec"]["containers"] = [{"image": "nginx"}]
    reply = api("PATCH", f"{DEPLOYS}/web?fieldManager=me", config, ctype=APPLY)
    assert reply.code == 500 and "reason" not in reply.body and "details" not in reply.body
    assert reply.body["message"].startswith("failed to create typed patch object (apps/v1, Kind=Deployment): "
                                            ".spec.template.spec.containers: element 0: associative list with keys")
    assert kubesim.diff(before, kubesim.snapshot()) == []


def test_apply_error_on_create_leaves_nothing_behind(api, kubesim):
    config = deployment("new")
    config["spec"]["template"]["spec"]["containers"] = [{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]
    reply = api("PATCH", f"{DEPLOYS}/new?fieldManager=me", config, ctype=APPLY)
    assert reply.code == 500 and 'duplicate entries for key [name="a"]' in reply.body["message"]
    assert api("GET", f"{DEPLOYS}/new").code == 404


def test_strategic_merge_patch_errors_follow_the_apiserver_codes(api):
    api("POST", DEPLOYS, deployment("web"))
    bad_directive = api("PATCH", f"{DEPLOYS}/web", {"spec": {"template": {"spec": {"$retainKeys": 3}}}}, ctype=SMP)
    assert (bad_directive.code, bad_directive.body["reason"], bad_directive.body["message"]) == (
        400, "BadRequest", "invalid patch format of retainKeys")
    list_of_lists = api("PATCH", f"{DEPLOYS}/web", _containers([1]), ctype=SMP)  # type: ignore[arg-type]
    assert list_of_lists.code == 422
    assert list_of_lists.body["reason"] == "Invalid" and list_of_lists.body["details"] == {}
    assert list_of_lists.body["message"] == "the server rejected our request due to an error in our request"
    no_key = api("PATCH", f"{DEPLOYS}/web", _containers({"image": "y"}), ctype=SMP)
    assert no_key.code == 500 and "reason" not in no_key.body
    assert no_key.body["message"] == "map: map[image:y] does not contain declared merge key: name"


def test_apply_conflict_names_an_update_manager_by_api_version_without_a_time(api):
    """Server-Side Apply → Conflicts: the 409 names the field and the manager that owns it."""
    api("POST", f"{DEPLOYS}?fieldManager=creator", deployment("web", replicas=1))
    reply = api("PATCH", f"{DEPLOYS}/web?fieldManager=applier", deployment("web", replicas=3), ctype=APPLY)
    assert reply.code == 409 and reply.body["reason"] == "Conflict"
    assert reply.body["message"] == 'Apply failed with 1 conflict: conflict with "creator" using apps/v1: .spec.replicas'
    assert reply.body["details"] == {"causes": [
        {"type": "FieldManagerConflict", "message": 'conflict with "creator" using apps/v1', "field": ".spec.replicas"}]}


def test_kubectl_prints_the_conflict_with_the_create_manager(kubesim):
    manifest = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n"
                "data: {mode: VALUE}\n")
    ok(kubesim, "create", "-f", "-", input=manifest.replace("VALUE", "a"))
    err = fails(kubesim, "apply", "--server-side", "-f", "-", input=manifest.replace("VALUE", "b"))
    assert 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.mode' in err
    assert " at 20" not in err


def _service(name: str, kind: str = "ClusterIP", **port: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"type": kind, "selector": {"app": name}, "ports": [{"port": 80, **port}]}}


def _node_port(reply: Any) -> int:
    return int(reply.body["spec"]["ports"][0]["nodePort"])


def test_dry_run_type_change_keeps_no_node_port(api):
    live = api("POST", SVCS, _service("a")).body
    trial = api("PUT", f"{SVCS}/a?dryRun=All", live | {"spec": live["spec"] | {"type": "NodePort"}})
    assert trial.code == 200
    port = _node_port(trial)
    assert api("POST", SVCS, _service("b", "NodePort", nodePort=port)).code == 201


def test_failed_update_keeps_no_node_port(api):
    live = api("POST", SVCS, _service("a")).body
    spec = live["spec"] | {"type": "NodePort", "sessionAffinity": "Sometimes", "ports": [{"port": 80, "nodePort": 30100}]}
    assert api("PUT", f"{SVCS}/a", live | {"spec": spec}).code == 422  # allocation runs before validation fails
    assert api("POST", SVCS, _service("b", "NodePort", nodePort=30100)).code == 201


def test_stored_update_frees_what_the_old_service_held(api):
    live = api("POST", SVCS, _service("a", "NodePort")).body
    port, ip = live["spec"]["ports"][0]["nodePort"], live["spec"]["clusterIP"]
    as_external = {"type": "ExternalName", "externalName": "example.com", "ports": [{"port": 80}]}
    assert api("PUT", f"{SVCS}/a", live | {"spec": as_external}).code == 200
    taken = api("POST", SVCS, _service("b", "NodePort", nodePort=port))
    assert taken.code == 201
    again = _service("c")
    again["spec"]["clusterIP"] = ip
    assert api("POST", SVCS, again).code == 201
