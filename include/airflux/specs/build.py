"""Turn a validated document into the frozen spec types, applying Flux's defaults.

Runs only after ``validate.check_document`` found nothing wrong, so shapes and types are trusted here;
what remains are the defaults and the few rules that need more than one field.
"""

from __future__ import annotations

import posixpath
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from airflux.specs.durations import parse_duration
from airflux.specs.types import (
    CommonMetadata,
    CrossRef,
    GitRef,
    GitRepository,
    Image,
    Kustomization,
    Meta,
    Origin,
    Patch,
    PostBuild,
    Selector,
    SubstituteFrom,
)
from airflux.specs.validate import Problem

DEFAULT_NAMESPACE = "default"
GIT_URL_SCHEMES = ("https", "http", "ssh", "file")
GIT_TIMEOUT_DEFAULT = timedelta(seconds=60)
KS_TIMEOUT_MARGIN = timedelta(seconds=30)
KS_TIMEOUT_FLOOR = timedelta(seconds=30)


class BuildProblems(Exception):
    """Cross-field problems found while building; carries ``(field, message)`` pairs."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _pairs(mapping: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((mapping or {}).items()))


def build_meta(doc: dict[str, Any]) -> Meta:
    meta = doc["metadata"]
    return Meta(
        name=meta["name"],
        namespace=meta.get("namespace") or DEFAULT_NAMESPACE,
        labels=_pairs(meta.get("labels")),
        annotations=_pairs(meta.get("annotations")),
    )


# Every applied object carries the owner label ``airflux.io/app: <dag id>``; label values are limited
# to 63 characters (Kubernetes "Labels and Selectors", syntax and character set), so an app whose DAG
# id is longer could never be applied. Say so when the definition loads, not at the first dry-run.
LABEL_VALUE_MAX = 63


def owner_label_problems(dag_id: str) -> list[Problem]:
    if len(dag_id) <= LABEL_VALUE_MAX:
        return []
    return [("metadata.name", f"the DAG id {dag_id!r} is {len(dag_id)} characters; it is the value of the owner "
             f"label airflux.io/app and Kubernetes label values are limited to {LABEL_VALUE_MAX}: "
             "shorten the name or namespace")]


def kustomization_timeout(interval: timedelta) -> timedelta:
    """Default ``spec.timeout``: the interval minus 30 s, never below 30 s."""
    return max(interval - KS_TIMEOUT_MARGIN, KS_TIMEOUT_FLOOR)


def build_git_repository(doc: dict[str, Any], origin: Origin) -> GitRepository:
    spec = doc["spec"]
    url = spec["url"]
    scheme = urlsplit(url).scheme
    if scheme not in GIT_URL_SCHEMES:
        raise BuildProblems([("spec.url", f"URL scheme must be one of {', '.join(GIT_URL_SCHEMES)}; got {url!r}")])
    ref = spec.get("ref") or {}
    git_ref = GitRef(**{key: ref.get(key) for key in ("branch", "tag", "semver", "commit", "name")})
    if not any(vars(git_ref).values()):
        git_ref = GitRef(branch="master")
    return GitRepository(
        meta=build_meta(doc),
        origin=origin,
        url=url,
        ref=git_ref,
        interval=parse_duration(spec["interval"]),
        timeout=parse_duration(spec["timeout"]) if "timeout" in spec else GIT_TIMEOUT_DEFAULT,
        secret_ref=(spec.get("secretRef") or {}).get("name"),
        ignore=spec.get("ignore"),
        suspend=bool(spec.get("suspend", False)),
    )


def _check_path(value: str, field: str) -> list[Problem]:
    normal = posixpath.normpath(value.lstrip("/") or ".")
    if normal == ".." or normal.startswith("../"):
        return [(field, f"path {value!r} leaves the source root")]
    return []


def build_kustomization(doc: dict[str, Any], origin: Origin) -> Kustomization:
    meta = build_meta(doc)
    spec = doc["spec"]
    path = spec.get("path", "./")
    problems = _check_path(path, "spec.path") + owner_label_problems(f"ks.{meta.namespace}.{meta.name}")
    for index, component in enumerate(spec.get("components") or ()):
        # components are relative to spec.path, as kustomize resolves them
        problems += _check_path(posixpath.join(path.lstrip("/"), component), f"spec.components[{index}]")
    if problems:
        raise BuildProblems(problems)

    source = spec["sourceRef"]
    interval = parse_duration(spec["interval"])
    post_build = spec.get("postBuild")
    common = spec.get("commonMetadata")
    return Kustomization(
        meta=meta,
        origin=origin,
        source_ref=CrossRef(
            kind=source["kind"],
            name=source["name"],
            namespace=source.get("namespace") or meta.namespace,
            api_version=source.get("apiVersion"),
        ),
        path=spec.get("path", "./"),
        interval=interval,
        retry_interval=parse_duration(spec["retryInterval"]) if "retryInterval" in spec else interval,
        timeout=parse_duration(spec["timeout"]) if "timeout" in spec else kustomization_timeout(interval),
        prune=spec["prune"],
        wait=bool(spec.get("wait", False)),
        health_checks=tuple(
            CrossRef(kind=item["kind"], name=item["name"], namespace=item.get("namespace") or "",
                     api_version=item.get("apiVersion"))
            for item in spec.get("healthChecks") or ()
        ),
        depends_on=tuple(
            CrossRef(kind="Kustomization", name=item["name"], namespace=item.get("namespace") or meta.namespace)
            for item in spec.get("dependsOn") or ()
        ),
        target_namespace=spec.get("targetNamespace"),
        name_prefix=spec.get("namePrefix"),
        name_suffix=spec.get("nameSuffix"),
        common_metadata=CommonMetadata(
            labels=_pairs(common.get("labels")), annotations=_pairs(common.get("annotations"))
        ) if common is not None else None,
        patches=tuple(_patch(item) for item in spec.get("patches") or ()),
        images=tuple(
            Image(name=item["name"], new_name=item.get("newName"), new_tag=item.get("newTag"),
                  digest=item.get("digest"))
            for item in spec.get("images") or ()
        ),
        components=tuple(spec.get("components") or ()),
        post_build=PostBuild(
            substitute=_pairs(post_build.get("substitute")),
            substitute_from=tuple(
                SubstituteFrom(kind=item["kind"], name=item["name"], optional=bool(item.get("optional", False)))
                for item in post_build.get("substituteFrom") or ()
            ),
        ) if post_build is not None else None,
        force=bool(spec.get("force", False)),
        suspend=bool(spec.get("suspend", False)),
        raw_spec=spec,
    )


def _patch(item: dict[str, Any]) -> Patch:
    target = item.get("target")
    selector = Selector(
        group=target.get("group"),
        version=target.get("version"),
        kind=target.get("kind"),
        name=target.get("name"),
        namespace=target.get("namespace"),
        label_selector=target.get("labelSelector"),
        annotation_selector=target.get("annotationSelector"),
    ) if target is not None else None
    return Patch(patch=item["patch"], target=selector)
