"""Load every app definition under ``AIRFLUX_APPS_DIR`` into typed objects plus precise errors.

This is the only way definitions enter Airflux (DAG factory, CLI, tests), so it never raises for a bad
definition: each problem becomes a ``DefinitionError`` naming file, document, object and field, and
every other app still loads. Documents of Flux kinds not handled yet are kept aside, not rejected.
Parsing uses PyYAML's C loader because the DAG factory re-reads everything on every parse.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from airflux.specs.build import BuildProblems, build_git_repository, build_kustomization
from airflux.specs.errors import DefinitionError, UnsupportedDocument
from airflux.specs.fields import FLUX_GROUPS, SUPPORTED
from airflux.specs.helm_build import build_helm_release, build_helm_repository
from airflux.specs.helm_types import HelmRelease, HelmRepository
from airflux.specs.notification import Alert, Provider, build_alert, build_provider
from airflux.specs.receiver import Receiver, build_receiver, missing_resources
from airflux.specs.types import GitRepository, Kustomization, Origin, ident
from airflux.specs.validate import check_document

APPS_DIR_ENV = "AIRFLUX_APPS_DIR"
DEFAULT_APPS_DIR = "apps"
SUFFIXES = (".yaml", ".yml")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BUILDERS: dict[str, Callable[[dict[str, Any], Origin], Any]] = {
    "GitRepository": build_git_repository,
    "Kustomization": build_kustomization,
    "HelmRepository": build_helm_repository,
    "HelmRelease": build_helm_release,
    "Provider": build_provider,
    "Alert": build_alert,
    "Receiver": build_receiver,
}
_SUPPORTED_BY_KIND = {spec.kind: spec for spec in SUPPORTED.values()}


@dataclass(frozen=True)
class AppSet:
    """Everything found under one apps directory."""

    apps_dir: Path
    git_repositories: tuple[GitRepository, ...] = ()
    kustomizations: tuple[Kustomization, ...] = ()
    errors: tuple[DefinitionError, ...] = ()
    unsupported: tuple[UnsupportedDocument, ...] = ()
    files: tuple[Path, ...] = ()
    _sources: Mapping[tuple[str, str], GitRepository] = field(default_factory=dict, repr=False, compare=False)
    helm_repositories: tuple[HelmRepository, ...] = ()
    helm_releases: tuple[HelmRelease, ...] = ()
    _helm_sources: Mapping[tuple[str, str], HelmRepository] = field(default_factory=dict, repr=False,
                                                                    compare=False)
    providers: tuple[Provider, ...] = ()  # notification Providers and Alerts: who hears about app runs
    alerts: tuple[Alert, ...] = ()
    receivers: tuple[Receiver, ...] = ()  # webhooks that start apps (of their sources, or named)

    def chart_source_of(self, release: HelmRelease) -> HelmRepository | GitRepository:
        """The HelmRepository or GitRepository a HelmRelease's chart comes from (the loader checked it)."""
        ref = release.chart.source_ref
        table: Mapping[tuple[str, str], HelmRepository | GitRepository] = (
            self._helm_sources if ref.kind == "HelmRepository" else self._sources)
        return table[(ref.namespace, ref.name)]

    def source_of(self, app: Kustomization) -> GitRepository:
        """The GitRepository a Kustomization deploys from (the loader guarantees it exists)."""
        return self._sources[(app.source_ref.namespace, app.source_ref.name)]

    def errors_in(self, file: Path) -> tuple[DefinitionError, ...]:
        return tuple(error for error in self.errors if error.file == file)


def apps_dir_from_env(*, default: Path | None = None) -> Path:
    """``$AIRFLUX_APPS_DIR``, else ``default``, else ``apps`` in the working directory."""
    return Path(os.environ.get(APPS_DIR_ENV) or default or DEFAULT_APPS_DIR)


def definition_files(apps_dir: Path) -> list[Path]:
    """``.yaml``/``.yml`` files at any depth, in a stable order; hidden files and directories skipped."""
    found: list[Path] = []
    for root, dirs, files in os.walk(apps_dir):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        found.extend(
            Path(root, name) for name in sorted(files) if name.endswith(SUFFIXES) and not name.startswith(".")
        )
    return found


def load_apps(apps_dir: Path | str | None = None) -> AppSet:
    """Load, validate and cross-check every definition under ``apps_dir`` (default: ``$AIRFLUX_APPS_DIR``)."""
    root = Path(apps_dir) if apps_dir is not None else apps_dir_from_env()
    collector = _Collector()
    if not root.is_dir():
        collector.errors.append(DefinitionError(file=root, message="apps directory does not exist"))
        return collector.result(root, [])
    files = definition_files(root)
    for path in files:
        collector.load_file(path)
    return collector.result(root, files)


def load_file(path: Path | str) -> AppSet:
    """Load one definition file on its own (its sourceRefs must then be in the same file)."""
    collector = _Collector()
    collector.load_file(Path(path))
    return collector.result(Path(path).parent, [Path(path)])


class _Collector:
    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], GitRepository] = {}
        self.apps: dict[tuple[str, str], Kustomization] = {}
        self.helm_repos: dict[tuple[str, str], HelmRepository] = {}
        self.releases: dict[tuple[str, str], HelmRelease] = {}
        self.providers: dict[tuple[str, str], Provider] = {}
        self.alerts: dict[tuple[str, str], Alert] = {}
        self.receivers: dict[tuple[str, str], Receiver] = {}
        self.broken: set[tuple[str, str, str]] = set()  # (kind, namespace, name) of invalid documents
        self.errors: list[DefinitionError] = []
        self.unsupported: list[UnsupportedDocument] = []

    def load_file(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(DefinitionError(file=path, message=f"cannot read file: {exc}"))
            return
        for index, doc in _documents(path, text, self.errors):
            if doc is not None:
                self.load_document(path, index, doc)

    def load_document(self, path: Path, index: int, doc: Any) -> None:
        if not isinstance(doc, dict):
            self._error(path, index, None, None, f"a document must be a mapping, got {type(doc).__name__}")
            return
        api_version, kind = doc.get("apiVersion"), doc.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            missing = "apiVersion" if not isinstance(api_version, str) else "kind"
            self._error(path, index, None, missing, "required field is missing or not a string")
            return
        ident = _identity(kind, doc)
        spec = SUPPORTED.get((api_version, kind))
        if spec is None:
            self._not_supported(path, index, api_version, kind, ident)
            return
        origin = Origin(file=path, doc=index)
        problems = check_document(doc, spec)
        built: Any = None
        if not problems:
            try:
                built = _BUILDERS[kind](doc, origin)
            except BuildProblems as exc:
                problems = exc.problems
        key = _key(doc)
        if built is None:
            self.broken.add((kind, *key))
            for field_path, message in problems:
                self._error(path, index, ident, field_path, message)
            return
        tables: dict[str, dict[tuple[str, str], Any]] = {
            "GitRepository": self.repos, "HelmRepository": self.helm_repos, "HelmRelease": self.releases,
            "Provider": self.providers, "Alert": self.alerts, "Receiver": self.receivers}
        table = tables.get(kind, self.apps)
        first = table.get(key)
        if first is not None:
            self._error(path, index, ident, "metadata.name", f"{ident} is already defined in {first.origin}")
            return
        table[key] = built

    def _not_supported(self, path: Path, index: int, api_version: str, kind: str, ident: str) -> None:
        group = api_version.rpartition("/")[0]
        known = _SUPPORTED_BY_KIND.get(kind)
        if known is not None and group == known.api_version.rpartition("/")[0]:
            self._error(path, index, ident, "apiVersion",
                        f"{api_version} is not supported; use {known.api_version}")
        elif group in FLUX_GROUPS:
            self.unsupported.append(UnsupportedDocument(
                file=path, doc=index, api_version=api_version, kind=kind, obj=ident,
                message=f"{api_version} {kind} is not supported by Airflux yet; this document is ignored",
            ))
        else:
            self.unsupported.append(UnsupportedDocument(
                file=path, doc=index, api_version=api_version, kind=kind, obj=ident,
                message=f"{api_version} {kind} is not an app definition; this document is ignored",
            ))

    def _error(self, path: Path, index: int, obj: str | None, field_path: str | None, message: str) -> None:
        self.errors.append(DefinitionError(file=path, doc=index, obj=obj, field=field_path, message=message))

    def _check_sources(self) -> None:
        for key, app in list(self.apps.items()):
            ref = app.source_ref
            if (ref.namespace, ref.name) in self.repos:
                continue
            if (ref.kind, ref.namespace, ref.name) in self.broken:
                message = f"{ref.kind} {ref.namespace}/{ref.name} has definition errors (see its own error)"
            else:
                message = f"{ref.kind} {ref.namespace}/{ref.name} is not defined in the apps directory"
            self._error(app.origin.file, app.origin.doc, app.ident, "spec.sourceRef.name", message)
            del self.apps[key]

    def _check_chart_sources(self) -> None:
        for key, release in list(self.releases.items()):
            ref = release.chart.source_ref
            known = self.helm_repos if ref.kind == "HelmRepository" else self.repos
            if (ref.namespace, ref.name) in known:
                continue
            broken = (ref.kind, ref.namespace, ref.name) in self.broken
            why = "has definition errors (see its own error)" if broken else "is not defined in the apps directory"
            self._error(release.origin.file, release.origin.doc, release.ident, "spec.chart.spec.sourceRef.name",
                        f"{ref.kind} {ref.namespace}/{ref.name} {why}")
            del self.releases[key]

    def _check_providers(self) -> None:
        for key, alert in list(self.alerts.items()):
            if (alert.meta.namespace, alert.provider_ref) in self.providers:
                continue
            broken = ("Provider", alert.meta.namespace, alert.provider_ref) in self.broken
            why = "has definition errors (see its own error)" if broken else "is not defined in the apps directory"
            self._error(alert.origin.file, alert.origin.doc, alert.ident, "spec.providerRef.name",
                        f"Provider {alert.meta.namespace}/{alert.provider_ref} {why}")
            del self.alerts[key]

    def _check_receivers(self) -> None:
        defined: dict[str, Container[tuple[str, str]]] = {
            "GitRepository": self.repos, "HelmRepository": self.helm_repos, "Kustomization": self.apps,
            "HelmRelease": self.releases}
        for key, receiver in list(self.receivers.items()):
            for field_path, message in missing_resources(receiver, defined):
                self._error(receiver.origin.file, receiver.origin.doc, receiver.ident, field_path, message)
                self.receivers.pop(key, None)

    def _check_annotations(self) -> None:
        from airflux.specs.annotations import annotation_problems

        tables: tuple[dict[tuple[str, str], Any], ...] = (self.apps, self.releases)
        for table in tables:
            for key, app in list(table.items()):
                for field_path, message in annotation_problems(app):
                    self._error(app.origin.file, app.origin.doc, app.ident,
                                field_path, message)
                    table.pop(key, None)

    def _check_depends_on(self) -> None:
        from airflux.deps.graph import dependency_problems

        # One graph for both kinds (Kustomizations name Kustomizations, HelmReleases name HelmReleases).
        for problem in dependency_problems([*self.apps.values(), *self.releases.values()], broken=self.broken):
            app = problem.app
            self._error(app.origin.file, app.origin.doc, app.ident,
                        problem.field, problem.message)
            table: dict[tuple[str, str], Any] = self.releases if app.kind == "HelmRelease" else self.apps
            table.pop((app.meta.namespace, app.meta.name), None)

    def result(self, root: Path, files: list[Path]) -> AppSet:
        self._check_sources()
        self._check_annotations()
        self._check_chart_sources()
        self._check_depends_on()
        self._check_receivers()
        self._check_providers()
        return AppSet(
            apps_dir=root,
            git_repositories=tuple(self.repos.values()),
            kustomizations=tuple(self.apps.values()),
            errors=tuple(self.errors),
            unsupported=tuple(self.unsupported),
            files=tuple(files),
            _sources=dict(self.repos),
            helm_repositories=tuple(self.helm_repos.values()),
            helm_releases=tuple(self.releases.values()),
            _helm_sources=dict(self.helm_repos),
            providers=tuple(self.providers.values()),
            alerts=tuple(self.alerts.values()),
            receivers=tuple(self.receivers.values()),
        )


def _documents(path: Path, text: str, errors: list[DefinitionError]) -> Iterator[tuple[int, Any]]:
    index = 0  # documents fully read so far: the index of the one that failed
    try:
        for doc in yaml.load_all(text, Loader=_Loader):
            yield index, doc
            index += 1
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        where = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
        errors.append(DefinitionError(file=path, doc=index, line=line, message=f"invalid YAML{where}: {problem}"))


def _key(doc: dict[str, Any]) -> tuple[str, str]:
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return (str(meta.get("namespace") or "default"), str(meta.get("name") or "?"))


def _identity(kind: str, doc: dict[str, Any]) -> str:
    namespace, name = _key(doc)
    return ident(kind, namespace, name)
