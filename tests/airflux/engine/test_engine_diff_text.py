"""Diff output as a user reads it: normalisation, flux-diff lines, line-by-line text diffs, Secret masking."""

from __future__ import annotations

from airflux.diff.changes import Change, ChangeSet
from airflux.diff.normalize import normalize
from airflux.diff.render import to_yaml, unified_diff
from airflux.model import Action, ObjRef


def _cm(data: dict[str, str], **meta: object) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cfg", "namespace": "shop", **meta}, "data": data}


def test_server_bookkeeping_and_status_do_not_count_as_changes() -> None:
    live = _cm({"a": "1"}, resourceVersion="7", uid="u-1", generation=3, creationTimestamp="2026-01-01T00:00:00Z",
               managedFields=[{"manager": "airflux"}])
    live["status"] = {"x": 1}
    assert normalize(live) == normalize(_cm({"a": "1"}))
    assert unified_diff(live, _cm({"a": "1"}, resourceVersion="8"), label="ConfigMap/shop/cfg") == ""


def test_a_changed_line_in_a_multiline_value_shows_as_one_changed_line() -> None:
    before = _cm({"app.conf": "port=80\nworkers=2\nlog=info\n"})
    after = _cm({"app.conf": "port=80\nworkers=4\nlog=info\n"})
    text = unified_diff(before, after, label="ConfigMap/shop/cfg")
    assert "-    workers=2\n" in text and "+    workers=4\n" in text
    assert "port=80" in text and "-    port=80" not in text
    assert "|" in to_yaml(after)


def test_secret_values_are_masked_and_only_say_whether_they_changed() -> None:
    def secret(data: dict[str, str]) -> dict:
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
                "data": data}

    text = unified_diff(secret({"password": "c2VjcmV0MQ==", "user": "YWRtaW4="}),
                        secret({"password": "c2VjcmV0Mg==", "user": "YWRtaW4=", "new": "eA=="}),
                        label="Secret/shop/db")
    assert "c2VjcmV0" not in text and "YWRtaW4" not in text and "eA==" not in text
    assert "-  password: '*** (before)'" in text and "+  password: '*** (after)'" in text
    assert "+  new: '*** (after)'" in text
    assert "user: '***'" in text and "-  user" not in text


def test_secret_values_in_the_last_applied_annotation_are_masked_too() -> None:
    live = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration": '{"data":{"password":"c2VjcmV0MQ=="}}'}},
        "data": {"password": "c2VjcmV0MQ=="}}
    merged = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
              "data": {"password": "c2VjcmV0MQ=="}}
    assert "c2VjcmV0MQ" not in unified_diff(live, merged, label="Secret/shop/db")


def test_changeset_renders_like_flux_diff_and_counts_actions() -> None:
    web = ObjRef("apps", "Deployment", "shop", "web")
    cs = ChangeSet.of([
        Change(web, Action.CONFIGURED, "apps/v1", diff="--- a\n+++ b\n-  replicas: 2\n+  replicas: 3\n"),
        Change(ObjRef("", "Service", "shop", "web"), Action.DELETED, "v1"),
        Change(ObjRef("", "ConfigMap", "shop", "cfg"), Action.UNCHANGED, "v1"),
    ])
    text = cs.render()
    assert text.splitlines()[0] == "► Deployment/shop/web configured"
    assert "+  replicas: 3" in text and "► Service/shop/web deleted" in text and "cfg" not in text
    assert cs.counts()["configured"] == 1 and cs.counts()["unchanged"] == 1 and cs.changed
    assert cs.summary() == "1 configured, 1 unchanged, 1 deleted"
