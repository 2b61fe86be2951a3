"""Build HelmRepository and HelmRelease definitions from validated documents, with Flux's defaults.

Flux rules that need more than one field live here: the release name (``[<targetNamespace>-]<name>``,
shortened to 53 characters with a hash as helm-controller does), the OCI url/type pairing and the
default remediation strategy.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from airflux.specs.build import BuildProblems, build_meta
from airflux.specs.durations import parse_duration
from airflux.specs.helm_types import (
    ChartRef,
    HelmRelease,
    HelmRepository,
    PostRenderer,
    Remediation,
    ValuesReference,
)
from airflux.specs.types import CrossRef, Image, Origin, Patch, Selector
from airflux.specs.validate import Problem

RELEASE_NAME_MAX = 53  # Helm stores releases in Secrets whose names and labels bound the length
HELM_TIMEOUT_DEFAULT = timedelta(minutes=5)
REPO_TIMEOUT_DEFAULT = timedelta(seconds=60)


def release_name(name: str, target_namespace: str | None) -> str:
    """Flux's default release name, shortened like helm-controller's ``release.ShortenName``."""
    full = f"{target_namespace}-{name}" if target_namespace else name
    if len(full) <= RELEASE_NAME_MAX:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:12]
    return f"{full[:RELEASE_NAME_MAX - 13]}-{digest}".lower()


def build_helm_repository(doc: dict[str, Any], origin: Origin) -> HelmRepository:
    spec = doc["spec"]
    url, kind = spec["url"], spec.get("type", "default")
    scheme = urlsplit(url).scheme
    problems: list[Problem] = []
    if kind == "oci" and scheme != "oci":
        problems.append(("spec.url", f"a `type: oci` repository needs an oci:// URL; got {url!r}"))
    elif kind != "oci" and scheme not in ("http", "https"):
        hint = " (set `type: oci`)" if scheme == "oci" else ""
        problems.append(("spec.url", f"URL scheme must be http or https{hint}; got {url!r}"))
    if problems:
        raise BuildProblems(problems)
    return HelmRepository(
        meta=build_meta(doc), origin=origin, url=url, type=kind,
        interval=parse_duration(spec["interval"]),
        timeout=parse_duration(spec["timeout"]) if "timeout" in spec else REPO_TIMEOUT_DEFAULT,
        secret_ref=(spec.get("secretRef") or {}).get("name"),
        suspend=bool(spec.get("suspend", False)),
    )


def _remediation(section: dict[str, Any] | None) -> Remediation:
    rem = (section or {}).get("remediation") or {}
    return Remediation(retries=int(rem.get("retries", 0)), strategy=rem.get("strategy", "rollback"))


def _patch(item: dict[str, Any]) -> Patch:
    target = item.get("target")
    selector = Selector(
        group=target.get("group"), version=target.get("version"), kind=target.get("kind"),
        name=target.get("name"), namespace=target.get("namespace"),
        label_selector=target.get("labelSelector"), annotation_selector=target.get("annotationSelector"),
    ) if target is not None else None
    return Patch(patch=item["patch"], target=selector)


def build_helm_release(doc: dict[str, Any], origin: Origin) -> HelmRelease:
    meta = build_meta(doc)
    spec = doc["spec"]
    chart = spec["chart"]["spec"]
    source = chart["sourceRef"]
    problems: list[Problem] = []
    explicit = spec.get("releaseName")
    if explicit is not None and len(explicit) > RELEASE_NAME_MAX:
        problems.append(("spec.releaseName", f"{explicit!r} is longer than {RELEASE_NAME_MAX} characters"))
    if source["kind"] == "GitRepository" and chart.get("version") not in (None, "*"):
        problems.append(("spec.chart.spec.version", "a version range applies to HelmRepository charts only"))
    if problems:
        raise BuildProblems(problems)
    target = spec.get("targetNamespace")
    install, upgrade = spec.get("install") or {}, spec.get("upgrade") or {}
    return HelmRelease(
        meta=meta, origin=origin,
        chart=ChartRef(
            chart=chart["chart"],
            source_ref=CrossRef(kind=source["kind"], name=source["name"],
                                namespace=source.get("namespace") or meta.namespace,
                                api_version=source.get("apiVersion")),
            version=chart.get("version") or "*",
            values_files=tuple(chart.get("valuesFiles") or ()),
        ),
        release_name=explicit or release_name(meta.name, target),
        target_namespace=target or meta.namespace,
        interval=parse_duration(spec["interval"]),
        timeout=parse_duration(spec["timeout"]) if "timeout" in spec else HELM_TIMEOUT_DEFAULT,
        values=spec.get("values") or {},
        values_from=tuple(
            ValuesReference(kind=item["kind"], name=item["name"], values_key=item.get("valuesKey") or "values.yaml",
                            target_path=item.get("targetPath"), optional=bool(item.get("optional", False)))
            for item in spec.get("valuesFrom") or ()
        ),
        create_namespace=bool(install.get("createNamespace", False)),
        install_crds=install.get("crds", "Create"),
        install_remediation=_remediation(install),
        upgrade_crds=upgrade.get("crds", "Skip"),
        upgrade_remediation=_remediation(upgrade),
        test_enable=bool((spec.get("test") or {}).get("enable", False)),
        post_renderers=tuple(
            PostRenderer(
                patches=tuple(_patch(p) for p in (item["kustomize"].get("patches") or ())),
                images=tuple(Image(name=i["name"], new_name=i.get("newName"), new_tag=i.get("newTag"),
                                   digest=i.get("digest")) for i in (item["kustomize"].get("images") or ())),
            )
            for item in spec.get("postRenderers") or ()
        ),
        depends_on=tuple(
            CrossRef(kind="HelmRelease", name=item["name"], namespace=item.get("namespace") or meta.namespace)
            for item in spec.get("dependsOn") or ()
        ),
        suspend=bool(spec.get("suspend", False)),
    )
