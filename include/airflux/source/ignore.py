"""Which files of a commit go into the artifact: Flux's ``.sourceignore`` rules.

Flux builds one gitignore matcher per artifact from, lowest priority first: its default
exclusions (VCS files, binaries and images, CI configuration), every ``.sourceignore`` file in the
tree (scoped to its directory), then ``spec.ignore``. The last matching pattern decides, so
``spec.ignore`` can re-include a default exclusion with ``!pattern``. We keep that order and scope
and use ``pathspec`` (an Airflow dependency) for the gitignore syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

import pathspec

IGNORE_FILE = ".sourceignore"

# The defaults of fluxcd/pkg sourceignore, in Flux's order.
EXCLUDE_VCS = (".git/", ".gitignore", ".gitmodules", ".gitattributes")
EXCLUDE_EXT = ("*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip")
EXCLUDE_CI = (
    ".github/",
    ".circleci/",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
)
EXCLUDE_EXTRA = ("**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml")
DEFAULT_PATTERNS = (*EXCLUDE_VCS, *EXCLUDE_EXT, *EXCLUDE_CI, *EXCLUDE_EXTRA)


def _lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class _Layer:
    domain: str  # directory the patterns are relative to, "" for the root, else "a/b/"
    spec: pathspec.GitIgnoreSpec


@dataclass(frozen=True)
class IgnoreRules:
    """An ordered stack of gitignore pattern sets; later layers override earlier ones."""

    layers: tuple[_Layer, ...]

    @classmethod
    def build(cls, *, sourceignore: dict[str, str], spec_ignore: str | None) -> IgnoreRules:
        """``sourceignore`` maps each ``.sourceignore`` file's directory ("" = root) to its text."""
        layers = [_Layer("", pathspec.GitIgnoreSpec.from_lines(DEFAULT_PATTERNS))]
        for directory in sorted(sourceignore, key=lambda d: (d.count("/"), d)):
            lines = _lines(sourceignore[directory])
            if lines:
                domain = f"{directory.strip('/')}/" if directory.strip("/") else ""
                layers.append(_Layer(domain, pathspec.GitIgnoreSpec.from_lines(lines)))
        if spec_ignore:
            lines = _lines(spec_ignore)
            if lines:
                layers.append(_Layer("", pathspec.GitIgnoreSpec.from_lines(lines)))
        return cls(tuple(layers))

    def excluded(self, path: str, *, is_dir: bool = False) -> bool:
        """Whether ``path`` (POSIX, relative to the tree root) is left out of the artifact."""
        verdict = False
        for layer in self.layers:
            if layer.domain and not path.startswith(layer.domain):
                continue
            rel = path[len(layer.domain) :]
            result = layer.spec.check_file(f"{rel}/" if is_dir else rel)
            if result.include is not None:
                verdict = result.include
        return verdict

    def excluded_file(self, path: str) -> bool:
        """A file is left out when it, or any directory above it, is excluded."""
        parts = path.split("/")
        for i in range(1, len(parts)):
            if self.excluded("/".join(parts[:i]), is_dir=True):
                return True
        return self.excluded(path)
