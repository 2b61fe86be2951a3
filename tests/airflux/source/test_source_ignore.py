"""What goes into an artifact: Flux's default exclusions, .sourceignore, spec.ignore, digests."""

from __future__ import annotations

import os

from airflux.source import fetch_source, tree_digest

FILES = {
    "deploy/app.yaml": "kind: Deployment\n",
    "deploy/logo.png": b"\x89PNG",
    "deploy/bundle.tar.gz": b"gz",
    "deploy/.sops.yaml": "creation_rules: []\n",
    "deploy/nested/.flux.yaml": "x\n",
    ".gitignore": "*.tmp\n",
    ".gitattributes": "* text=auto\n",
    ".github/workflows/ci.yml": "on: push\n",
    ".circleci/config.yml": "x\n",
    ".travis.yml": "x\n",
    ".goreleaser.yml": "x\n",
    "cloudbuild.yaml": "x\n",
    "docs/guide.md": "guide\n",
}


def exported(path) -> set[str]:
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


def test_default_exclusions_drop_vcs_ci_and_binary_files(upstream, layout, make_repo):
    upstream.commit(FILES)
    art = fetch_source(make_repo(upstream.url), layout=layout)
    assert exported(art.path) == {"deploy/app.yaml", "docs/guide.md"}


def test_sourceignore_files_apply_to_their_own_directory(upstream, layout, make_repo):
    upstream.commit(
        {
            ".sourceignore": "docs/\n# comment\n*.md\n",
            "deploy/.sourceignore": "local.yaml\n",
            "deploy/app.yaml": "a\n",
            "deploy/local.yaml": "l\n",
            "other/local.yaml": "kept\n",
            "docs/guide.yaml": "d\n",
            "README.md": "r\n",
        }
    )
    art = fetch_source(make_repo(upstream.url), layout=layout)
    assert exported(art.path) == {
        ".sourceignore",
        "deploy/.sourceignore",
        "deploy/app.yaml",
        "other/local.yaml",
    }


def test_spec_ignore_adds_rules_and_can_reinclude_defaults(upstream, layout, make_repo):
    upstream.commit(FILES)
    art = fetch_source(make_repo(upstream.url, ignore="/docs/\n!deploy/logo.png\n"), layout=layout)
    assert exported(art.path) == {"deploy/app.yaml", "deploy/logo.png"}


def test_digest_depends_on_exported_content_only(upstream, layout, make_repo):
    upstream.commit({"app.yaml": "a: 1\n", "img.png": b"1"})
    first = fetch_source(make_repo(upstream.url), layout=layout)
    # Same commit under another GitRepository, exported again into its own directory.
    twin = fetch_source(make_repo(upstream.url, obj_name="twin"), layout=layout)
    assert twin.fetched is True and twin.path != first.path
    assert twin.digest == first.digest
    # A new commit that only changes an excluded file yields the same digest.
    upstream.commit({"img.png": b"2"})
    excluded_only = fetch_source(make_repo(upstream.url), layout=layout)
    assert excluded_only.commit != first.commit and excluded_only.digest == first.digest
    # Mode and content changes change the digest.
    os.chmod(upstream.path / "app.yaml", 0o755)
    upstream.git("add", "app.yaml")
    upstream.commit({})
    mode_changed = fetch_source(make_repo(upstream.url), layout=layout)
    assert mode_changed.digest != first.digest
    upstream.commit({"app.yaml": "a: 2\n"})
    content_changed = fetch_source(make_repo(upstream.url), layout=layout)
    assert content_changed.digest not in (first.digest, mode_changed.digest)
    assert content_changed.digest == tree_digest(content_changed.path)


def test_changing_ignore_rules_produces_a_new_artifact(upstream, layout, make_repo):
    upstream.commit({"a.yaml": "a\n", "b.yaml": "b\n"})
    everything = fetch_source(make_repo(upstream.url), layout=layout)
    fewer = fetch_source(make_repo(upstream.url, ignore="b.yaml"), layout=layout)
    assert fewer.fetched is True and fewer.digest != everything.digest
    assert exported(fewer.path) == {"a.yaml"} and exported(everything.path) == {"a.yaml", "b.yaml"}
