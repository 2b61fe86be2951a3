"""Apps sharing a source fetch it once per revision; a manual ``with_source`` run exports it again."""

from __future__ import annotations

from airflux.source import fetch_source


def test_second_app_on_the_same_revision_fetches_nothing(upstream, layout, make_repo) -> None:
    upstream.commit({"app/cm.yaml": "kind: ConfigMap\n"})
    repo = make_repo(upstream.url, branch="main")
    first = fetch_source(repo, layout=layout)
    second = fetch_source(repo, layout=layout)
    assert (first.fetched, second.fetched) == (True, False)
    assert second.path == first.path and second.digest == first.digest


def test_refetch_exports_again_and_repairs_a_damaged_artifact(upstream, layout, make_repo) -> None:
    upstream.commit({"app/cm.yaml": "kind: ConfigMap\n"})
    repo = make_repo(upstream.url, branch="main")
    first = fetch_source(repo, layout=layout)
    (first.path / "app" / "cm.yaml").write_text("tampered\n")
    (first.path / "stray.txt").write_text("left behind\n")
    again = fetch_source(repo, layout=layout, refetch=True)
    assert again.fetched is True
    assert again.digest == first.digest
    assert (again.path / "app" / "cm.yaml").read_text() == "kind: ConfigMap\n"
    assert not (again.path / "stray.txt").exists()
    assert fetch_source(repo, layout=layout).fetched is False
