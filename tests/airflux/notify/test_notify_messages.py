"""What people read in Slack for each kind of run, through the real slack-sdk in token and webhook mode."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from notify_helpers import CHANGED, FAILURE, NOOP, REVISION, Setup, applied, facts

from airflux.notify import Rollback, StageFailure, commit_info, commit_url
from airflux.notify.events import CommitInfo
from airflux.source.fetch import cache_key


def _texts(body: dict) -> str:
    """Every piece of text of a message (fallback and blocks), for assertions on what a reader sees."""
    return json.dumps(body)


def test_change_set_is_one_message_with_revision_counts_names_duration_and_run_link(setup: Setup) -> None:
    commit = CommitInfo(sha=REVISION[-40:], url=commit_url("https://github.com/acme/shop.git", REVISION[-40:]),
                        subject="Scale web to 3 replicas", author="Ada Lovelace")
    result = setup.run(facts("run-1", applied=CHANGED, commit=commit))

    assert [d.delivered for d in result.deliveries] == [True]
    (body,) = setup.bodies()
    assert body["text"] == (":white_check_mark: Kustomization/flux-system/shop applied at " + REVISION
                            + ": 2 created, 1 configured http://airflow.example/dags/ks.flux-system.shop/runs/run-1")
    header = body["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == "Kustomization flux-system/shop applied"
    text = _texts(body)
    assert f"https://github.com/acme/shop/commit/{REVISION[-40:]}|main@a1b2c3d" in text
    assert "Scale web to 3 replicas" in text and "Ada Lovelace" in text
    assert "2 created, 1 configured" in text
    assert "`Deployment/shop/web`" in text and "`ConfigMap/shop/cfg`" in text
    assert "12.3s" in text and "3/3 ready" in text
    assert "http://airflow.example/dags/ks.flux-system.shop/runs/run-1" in text
    if setup.mode == "token":
        assert body["channel"] == "#deploys" and body["username"] == "airflux"


def test_a_helm_release_message_names_chart_version_and_release_revision(setup: Setup) -> None:
    setup.run(facts("run-1", applied=CHANGED, release="cache 0.2.0 (app 7.4), revision 3 (upgrade)"))
    setup.run(facts("run-2", applied=CHANGED, revision="main@sha1:" + "f" * 40))

    helm, plain = setup.bodies()
    section = next(b for b in helm["blocks"] if b["type"] == "section" and "fields" in b)
    assert [f["text"] for f in section["fields"]][1] == "*Release*\ncache 0.2.0 (app 7.4), revision 3 (upgrade)"
    assert "*Release*" not in _texts(plain)  # a Kustomization has no release


def test_noop_healthy_run_sends_nothing(setup: Setup) -> None:
    result = setup.run(facts("run-1", applied=NOOP))

    assert result.event is None and result.deliveries == ()
    assert setup.recorder.requests() == []


def test_failure_names_stage_object_and_first_lines_of_the_error(setup: Setup) -> None:
    setup.run(facts("run-1", failure=FAILURE))

    (body,) = setup.bodies()
    assert body["blocks"][0]["text"]["text"] == "Kustomization flux-system/shop failed at apply"
    text = _texts(body)
    assert "*Failed at* `apply`" in text and "*Object* `Deployment/shop/web`" in text
    assert "spec.replicas: Invalid value: -1" in text and "second line" in text
    assert "failed at apply" in body["text"]


def test_health_failure_is_its_own_outcome(setup: Setup) -> None:
    setup.run(facts("run-1", applied=None, failure=StageFailure(
        stage="health", obj="Deployment/shop/web", message="[health] 1/3 ready after 120s: Deployment/shop/web")))

    (body,) = setup.bodies()
    assert body["blocks"][0]["text"]["text"] == "Kustomization flux-system/shop health check failed"


def test_recovery_after_a_failure_says_so_and_when_it_started(setup: Setup) -> None:
    setup.run(facts("run-1", failure=FAILURE))
    setup.run(facts("run-2", applied=NOOP))

    _, second = setup.bodies()
    assert second["blocks"][0]["text"]["text"] == "Kustomization flux-system/shop recovered"
    assert "Recovered; the failure was first reported 2026-11-26T12:00:00+00:00" in _texts(second)
    # the recovery closed it: the next quiet run says nothing
    setup.run(facts("run-3", applied=NOOP))
    assert len(setup.bodies()) == 2


def test_rollback_names_the_failure_and_the_revision_it_went_back_to(setup: Setup) -> None:
    setup.run(facts("run-1", applied=None, rollback=Rollback(
        to_revision="main@sha1:" + "0" * 40,
        failure=StageFailure(stage="health", obj="Deployment/shop/web", message="timed out waiting for rollout"))))

    (body,) = setup.bodies()
    assert body["blocks"][0]["text"]["text"] == "Kustomization flux-system/shop rolled back"
    text = _texts(body)
    assert "*Rolled back to* `main@0000000`" in text and "timed out waiting for rollout" in text


def test_same_revision_with_changes_is_drift_correction_and_deletions_only_is_prune(setup: Setup) -> None:
    setup.run(facts("run-1", applied=CHANGED))
    setup.run(facts("run-2", applied=applied({"configured": 1}, {"configured": ("ConfigMap/shop/cfg",)})))
    setup.run(facts("run-3", applied=applied({"deleted": 2}, {"deleted": ("Service/shop/old", "Secret/shop/x")})))

    heads = [b["blocks"][0]["text"]["text"] for b in setup.bodies()]
    assert heads == ["Kustomization flux-system/shop applied", "Kustomization flux-system/shop drift corrected",
                     "Kustomization flux-system/shop pruned"]


def test_many_names_show_the_first_few_and_how_many_more(setup: Setup) -> None:
    names = tuple(f"ConfigMap/shop/cm-{i}" for i in range(20))
    setup.run(facts("run-1", applied=applied({"created": 40}, {"created": names})))

    text = _texts(setup.bodies()[0])
    assert "`ConfigMap/shop/cm-4`" in text and "cm-5`" not in text and "and 35 more" in text


def test_commit_links_for_github_gitlab_gitea_and_none_for_unknown_hosts() -> None:
    sha = "f" * 40
    assert commit_url("git@github.com:acme/shop.git", sha) == f"https://github.com/acme/shop/commit/{sha}"
    assert commit_url("https://user:pw@gitlab.example.com/g/sub/shop.git", sha) == \
        f"https://gitlab.example.com/g/sub/shop/-/commit/{sha}"
    assert commit_url("ssh://git@gitea.internal:2222/ops/shop", sha) == f"https://gitea.internal/ops/shop/commit/{sha}"
    assert commit_url("https://git.example.com/shop.git", sha) is None
    assert commit_url("file:///tmp/shop.git", sha) is None


def test_commit_subject_and_author_come_from_the_source_git_cache(tmp_path: Path) -> None:
    url = "https://github.com/acme/shop.git"
    cache = tmp_path / "git" / cache_key(url)
    work = tmp_path / "work"
    env = {"GIT_AUTHOR_NAME": "Grace Hopper", "GIT_AUTHOR_EMAIL": "g@example.com", "GIT_COMMITTER_NAME": "x",
           "GIT_COMMITTER_EMAIL": "x@example.com", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-q", "--allow-empty", "-m", "Bump web to v2\n\nbody"],
                   check=True, env=env)
    sha = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], check=True, capture_output=True,
                         text=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(cache)], check=True)

    info = commit_info(repo_url=url, revision=f"main@sha1:{sha}", git_cache=tmp_path / "git")

    assert info == CommitInfo(sha=sha, url=f"https://github.com/acme/shop/commit/{sha}", subject="Bump web to v2",
                              author="Grace Hopper")
    assert commit_info(repo_url=url, revision="main@sha1:" + "e" * 40, git_cache=tmp_path / "git") == \
        CommitInfo(sha="e" * 40, url=f"https://github.com/acme/shop/commit/{'e' * 40}")
