"""Strategic merge patch (kubernetes/community strategic-merge-patch.md) and JSON merge patch (RFC 7386)."""

from __future__ import annotations

import copy

import pytest

from kubesim.schema import schema_for
from kubesim.smp import PatchError, json_merge_patch, strategic_merge_patch

POD = schema_for("", "Pod")
DEPLOY = schema_for("apps", "Deployment")
SVC = schema_for("", "Service")


def pod(*containers: dict, **spec: object) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": list(containers), **spec},
    }


def smp(original: dict, patch: dict, schema: object = POD) -> dict:
    before = copy.deepcopy(original)
    snapshot = copy.deepcopy(patch)
    out = strategic_merge_patch(original, patch, schema)  # type: ignore[arg-type]
    assert original == before and patch == snapshot, "inputs must not be mutated"
    return out


NGINX = {"name": "nginx", "image": "nginx-1.0"}


def test_containers_merge_by_name_instead_of_being_replaced() -> None:
    """strategic-merge-patch.md "Background": the container list merges on ``name``."""
    out = smp(pod(NGINX), {"spec": {"containers": [{"name": "log-tailer", "image": "log-tailer-1.0"}]}})
    assert {c["name"] for c in out["spec"]["containers"]} == {"nginx", "log-tailer"}
    out = smp(pod(NGINX), {"spec": {"containers": [{"name": "nginx", "image": "nginx-2.0"}]}})
    assert out["spec"]["containers"] == [{"name": "nginx", "image": "nginx-2.0"}]


def test_new_items_go_before_server_only_items_without_an_order_directive() -> None:
    """apimachinery strategicpatch: without ``$setElementOrder`` patch items come first."""
    out = smp(pod(NGINX), {"spec": {"containers": [{"name": "a", "image": "x"}]}})
    assert [c["name"] for c in out["spec"]["containers"]] == ["a", "nginx"]


def test_nested_lists_merge_with_their_own_keys() -> None:
    """Built-in merge keys: env by name, ports by containerPort, volumeMounts by mountPath."""
    c = {
        "name": "nginx",
        "env": [{"name": "A", "value": "1"}],
        "ports": [{"containerPort": 80}],
        "volumeMounts": [{"mountPath": "/a", "name": "v"}],
    }
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "env": [{"name": "A", "value": "2"}],
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "volumeMounts": [{"mountPath": "/b", "name": "w"}],
                }
            ]
        }
    }
    out = smp(pod(c), patch)["spec"]["containers"][0]
    assert out["env"] == [{"name": "A", "value": "2"}]
    assert out["ports"] == [{"containerPort": 80, "name": "http"}]
    assert sorted(m["mountPath"] for m in out["volumeMounts"]) == ["/a", "/b"]


def test_service_ports_merge_by_port() -> None:
    """Built-in merge key of Service ``spec.ports``: ``port``."""
    svc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}
    out = smp(svc, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}, SVC)
    assert sorted((p["port"], p.get("targetPort")) for p in out["spec"]["ports"]) == [(80, 9090), (443, None)]


def test_lists_without_a_strategy_are_replaced() -> None:
    """strategic-merge-patch.md "deleteFromPrimitiveList": replace is the default list strategy
    (args, tolerations)."""
    out = smp(
        pod({"name": "c", "args": ["a", "b"]}, tolerations=[{"key": "x"}]),
        {"spec": {"containers": [{"name": "c", "args": ["z"]}], "tolerations": [{"key": "y"}]}},
    )
    assert out["spec"]["containers"][0]["args"] == ["z"]
    assert out["spec"]["tolerations"] == [{"key": "y"}]


def test_replace_directive_on_a_map() -> None:
    """strategic-merge-patch.md "replace Directive" → "Map": the map is taken literally."""
    out = smp(pod(NGINX, restartPolicy="Always"), {"spec": {"$patch": "replace", "containers": [NGINX]}})
    assert out["spec"] == {"containers": [NGINX]}


def test_replace_directive_on_a_list_of_maps() -> None:
    """strategic-merge-patch.md "replace Directive" → "List of Maps"."""
    out = smp(pod(NGINX, {"name": "b"}), {"spec": {"containers": [{"name": "n2"}, {"$patch": "replace"}]}})
    assert out["spec"]["containers"] == [{"name": "n2"}]


def test_delete_directive_on_a_list_of_maps_deletes_every_match() -> None:
    """strategic-merge-patch.md "delete Directive" → "List of Maps"."""
    out = smp(
        pod(NGINX, {"name": "log-tailer"}, {"name": "log-tailer", "image": "dup"}),
        {"spec": {"containers": [{"$patch": "delete", "name": "log-tailer"}]}},
    )
    assert out["spec"]["containers"] == [NGINX]


def test_delete_directive_and_null_on_a_map() -> None:
    """strategic-merge-patch.md "delete Directive" → "Maps" (and ``null`` does the same)."""
    dep = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    out = smp(dep, {"spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}}, DEPLOY)
    assert out["spec"]["strategy"]["rollingUpdate"] == {}
    out = smp(dep, {"spec": {"strategy": {"rollingUpdate": None}}}, DEPLOY)
    assert out["spec"]["strategy"] == {"type": "RollingUpdate"}


def test_merge_directive_is_not_accepted_in_patches() -> None:
    """strategic-merge-patch.md "merge Directive": it "is used only in the go struct tags"."""
    with pytest.raises(PatchError, match="merging lists cannot yet be specified"):
        smp(pod(NGINX), {"spec": {"containers": [{"$patch": "merge"}]}})
    with pytest.raises(PatchError, match="unknown patch type: merge"):
        smp(pod(NGINX), {"spec": {"$patch": "merge"}})


def test_finalizers_merge_as_a_set_and_delete_from_primitive_list() -> None:
    """strategic-merge-patch.md "deleteFromPrimitiveList Directive" (finalizers a, b, c)."""
    obj = {"metadata": {"finalizers": ["a", "b", "c"]}}
    assert smp(obj, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "c"]}})["metadata"] == {
        "finalizers": ["a"]
    }
    merged = smp(obj, {"metadata": {"finalizers": ["c", "d"]}})["metadata"]["finalizers"]
    assert sorted(merged) == ["a", "b", "c", "d"]


def test_set_element_order_on_primitives_and_maps() -> None:
    """strategic-merge-patch.md "setElementOrder Directive" (both examples)."""
    obj = {"metadata": {"finalizers": ["a", "b", "c"]}}
    out = smp(obj, {"metadata": {"$setElementOrder/finalizers": ["b", "c", "a"]}})
    assert out["metadata"]["finalizers"] == ["b", "c", "a"]
    p = pod({"name": "a"}, {"name": "b"}, {"name": "c"})
    out = smp(p, {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "c"}, {"name": "a"}]}})
    assert [c["name"] for c in out["spec"]["containers"]] == ["b", "c", "a"]
    out = smp(
        p,
        {
            "spec": {
                "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}],
                "containers": [{"name": "d", "image": "new"}],
            }
        },
    )
    assert [c["name"] for c in out["spec"]["containers"]] == ["a", "b", "c", "d"]


def test_retain_keys_clears_fields_not_listed() -> None:
    """strategic-merge-patch.md "retainKeys Directive" (the union example)."""
    out = smp(
        {"union": {"foo": "a", "other": "b"}},
        {"union": {"$retainKeys": ["another", "bar"], "another": "d", "bar": "c"}},
    )
    assert out == {"union": {"another": "d", "bar": "c"}}
    with pytest.raises(PatchError):
        smp({"union": {}}, {"union": {"$retainKeys": ["a"], "b": 1}})


def test_retain_keys_inside_a_volume_switches_its_source() -> None:
    """Volumes are ``merge,retainKeys``: kubectl's patch replaces one volume source by another."""
    p = pod(NGINX, volumes=[{"name": "v", "emptyDir": {}}])
    out = smp(
        p,
        {
            "spec": {
                "volumes": [{"name": "v", "$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}}]
            }
        },
    )
    assert out["spec"]["volumes"] == [{"name": "v", "configMap": {"name": "cm"}}]


def test_null_deletes_a_field_and_nulls_inside_new_values_vanish() -> None:
    """JSON-merge-patch semantics that strategic merge patch keeps: ``null`` deletes."""
    out = smp(
        pod(NGINX, restartPolicy="Always"),
        {"spec": {"restartPolicy": None, "nodeSelector": {"a": "1", "b": None}}},
    )
    assert "restartPolicy" not in out["spec"]
    assert out["spec"]["nodeSelector"] == {"a": "1"}


def test_missing_merge_key_is_an_error() -> None:
    with pytest.raises(PatchError, match="does not contain declared merge key: name"):
        smp(pod(NGINX), {"spec": {"containers": [{"image": "x"}]}})


def test_json_merge_patch_rfc7386_examples() -> None:
    """RFC 7386 section 3 example: members merge, null removes, arrays replace."""
    target = {
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged",
    }
    patch = {
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": None},
        "tags": ["example"],
    }
    before = copy.deepcopy(target)
    assert json_merge_patch(target, patch) == {
        "title": "Hello!",
        "author": {"givenName": "John"},
        "tags": ["example"],
        "content": "This will be unchanged",
        "phoneNumber": "+01-123-456-7890",
    }
    assert target == before
    assert json_merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert json_merge_patch({"e": None}, {"a": {"bb": {"ccc": None}}}) == {"e": None, "a": {"bb": {}}}


def test_json_merge_patch_replaces_lists_even_when_they_have_merge_keys() -> None:
    out = json_merge_patch(pod(NGINX), {"spec": {"containers": [{"name": "other"}]}})
    assert out["spec"]["containers"] == [{"name": "other"}]


def test_errors_carry_the_status_code_a_real_server_answers() -> None:
    """apiserver ``interpretStrategicMergePatchError``: format errors 400, content errors 422, the rest
    pass through as 500 with the merge library's message."""
    with pytest.raises(PatchError) as err:
        smp({"a": {}}, {"a": {"$retainKeys": "x"}})
    assert err.value.code == 400
    with pytest.raises(PatchError) as err:
        smp({"a": {}}, {"a": {"$retainKeys": ["x"], "y": 1}})
    assert (err.value.code, err.value.message) == (422, "patch content doesn't match retainKeys list")
    with pytest.raises(PatchError) as err:
        smp(pod(NGINX), {"spec": {"containers": [{"image": "x"}]}})
    assert (err.value.code, err.value.message) == (
        500,
        "map: map[image:x] does not contain declared merge key: name",
    )


def test_set_element_order_must_agree_with_the_patch_list() -> None:
    """strategic-merge-patch.md "setElementOrder Directive": the patch list follows the given order."""
    p = pod({"name": "a"}, {"name": "b"})
    with pytest.raises(PatchError, match="doesn't match"):
        smp(
            p,
            {
                "spec": {
                    "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                    "containers": [{"name": "b", "image": "x"}, {"name": "a", "image": "y"}],
                }
            },
        )
