"""From Helm's rendered templates to the sets Airflux applies: main objects, hooks and CRDs.

What Helm itself does between render and apply is done here: NOTES are dropped, test hooks are
kept only with ``test.enable``, hook objects (``helm.sh/hook``) are split out with their events,
weight and delete policies, namespaced objects without a namespace get the release's, and the
chart's ``crds/`` follow the install/upgrade ``crds`` policy. Helm never deletes CRDs, so they are
marked to be kept when they leave the set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import helm_python as helm
import msgspec
import yaml

from airflux.helm.yaml_read import read_documents
from airflux.ownership import PRUNE_ANNOTATION, SSA_ANNOTATION
from airflux.render.objects import Doc, parse, split_documents

HOOK_ANNOTATION = "helm.sh/hook"
WEIGHT_ANNOTATION = "helm.sh/hook-weight"
DELETE_ANNOTATION = "helm.sh/hook-delete-policy"
TEST_EVENTS = frozenset({"test", "test-success", "test-failure"})
RESOURCE_POLICY_ANNOTATION = "helm.sh/resource-policy"
ORIGIN_NAME_LABEL = "helm.toolkit.fluxcd.io/name"
ORIGIN_NAMESPACE_LABEL = "helm.toolkit.fluxcd.io/namespace"

# Kinds that are cluster-scoped when the cluster cannot be asked (offline render, tests of this module).
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
    "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "APIService", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "CSIDriver", "VolumeAttachment",
})

_JSON = msgspec.json.Encoder()  # one encoder for every document; compact, keys in order, ~6x the stdlib's speed
_ASCII_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)  # for text beyond ASCII: escapes it

IsNamespaced = Callable[[str, str], bool]  # (apiVersion, kind) → namespaced?


def default_is_namespaced(api_version: str, kind: str) -> bool:
    return kind not in CLUSTER_SCOPED


@dataclass(frozen=True)
class Hook:
    """One hook object: the events it runs on, its weight and its delete policies."""

    obj: dict[str, Any]
    template: str
    events: tuple[str, ...]
    weight: int
    delete_policies: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.obj.get('kind')}/{self.obj.get('metadata', {}).get('name')}"


@dataclass(frozen=True)
class SplitSet:
    objects: list[Doc]
    hooks: list[Hook]


def _hook(obj: dict[str, Any], template: str) -> Hook | None:
    notes = (obj.get("metadata") or {}).get("annotations") or {}
    events = tuple(e.strip() for e in str(notes.get(HOOK_ANNOTATION, "")).split(",") if e.strip())
    if not events:
        return None
    try:
        weight = int(str(notes.get(WEIGHT_ANNOTATION, "0")).strip() or 0)
    except ValueError:
        weight = 0
    policies = tuple(p.strip() for p in str(notes.get(DELETE_ANNOTATION, "")).split(",") if p.strip())
    return Hook(obj=obj, template=template, events=events, weight=weight,
                delete_policies=policies or ("before-hook-creation",))


def _parse_all(manifests: dict[str, str]) -> list[tuple[str, Doc]]:
    """Every document of every template, read as Helm's own reader reads it (``yaml_read``), which
    reads values as the API server will (YAML 1.1 booleans, no Python dates). On any problem the
    templates are parsed one by one with PyYAML, whose error names the template and document.
    """
    parts = [(template, text) for template in sorted(manifests)
             if not template.endswith("NOTES.txt") and manifests[template].strip()
             for text in split_documents(manifests[template])]
    try:
        items = read_documents([text for _, text in parts])
    except helm.HelmError:
        items = []
    if len(items) != len(parts) or not all(isinstance(i, dict | None) for i in items):
        return [(template, doc) for template, text in parts for doc in parse(text, source=template)]
    return [(template, Doc(text, obj)) for (template, text), obj in zip(parts, items, strict=True) if obj]


def crd_scopes(objs: Iterable[Any]) -> dict[tuple[str, str], bool]:
    """(group, kind) → namespaced, for each CustomResourceDefinition among ``objs``."""
    scopes: dict[tuple[str, str], bool] = {}
    for obj in objs:
        if not isinstance(obj, dict) or obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj.get("spec")
        names = spec.get("names") if isinstance(spec, dict) else None
        if isinstance(spec, dict) and isinstance(names, dict) and spec.get("group") and names.get("kind"):
            scopes[(str(spec["group"]), str(names["kind"]))] = spec.get("scope", "Namespaced") != "Cluster"
    return scopes


def split(manifests: dict[str, str], *, namespace: str, test_enable: bool,
          is_namespaced: IsNamespaced = default_is_namespaced,
          chart_crds: Iterable[Any] = ()) -> SplitSet:
    """Parse every rendered template (sorted by path, as Helm orders its manifest) into objects and hooks.

    A kind defined by a CRD of the chart (``chart_crds``, from ``crds/``, or a template) takes its scope
    from that CRD, as Helm's install does once it has created the CRDs; other kinds ask ``is_namespaced``.
    """
    parsed = _parse_all(manifests)
    scopes = crd_scopes(chart_crds) | crd_scopes(doc.obj for _, doc in parsed)

    def namespaced(api_version: str, kind: str) -> bool:
        known = scopes.get((api_version.rpartition("/")[0], kind))
        return is_namespaced(api_version, kind) if known is None else known

    objects: list[Doc] = []
    hooks: list[Hook] = []
    for template, doc in parsed:
        _default_namespace(doc, namespace, namespaced)
        hook = _hook(doc.obj, template)
        if hook is None:
            objects.append(doc)
        elif test_enable or not set(hook.events) <= TEST_EVENTS:
            hooks.append(hook)
    return SplitSet(objects=objects, hooks=hooks)


def _default_namespace(doc: Doc, namespace: str, is_namespaced: IsNamespaced) -> None:
    meta = doc.obj.setdefault("metadata", {})
    if not isinstance(meta, dict) or meta.get("namespace"):
        return
    if is_namespaced(str(doc.obj.get("apiVersion", "")), str(doc.obj.get("kind", ""))):
        meta["namespace"] = namespace
        doc.changed = True


def mark(docs: list[Doc], *, name: str, namespace: str) -> None:
    """What helm-controller adds: its origin labels on every object; and ``helm.sh/resource-policy: keep``
    (Helm never deletes such an object) becomes Flux's ``prune: disabled`` so prune keeps it too."""
    for doc in docs:
        meta = doc.obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            continue
        meta["labels"] = {**(meta.get("labels") or {}), ORIGIN_NAME_LABEL: name, ORIGIN_NAMESPACE_LABEL: namespace}
        notes = meta.get("annotations") or {}
        if str(notes.get(RESOURCE_POLICY_ANNOTATION, "")).strip() == "keep":
            meta["annotations"] = {**notes, PRUNE_ANNOTATION: "disabled"}
        doc.changed = True


def settle(docs: list[Doc]) -> None:
    """Give every changed document its new text once, as JSON: JSON is YAML, so the stored set stays
    loadable by every reader, and it is about ten times cheaper than dumping YAML."""
    for doc in docs:
        if doc.changed:
            text = _JSON.encode(doc.obj).decode()
            if not text.isascii() or "\x7f" in text:  # escaped, as the stored set is read by a YAML reader too
                text = _ASCII_JSON.encode(doc.obj).replace("\x7f", "\\u007f")
            doc.text = text + "\n"
            doc.changed = False


def crd_docs(crds: list[dict[str, str]], *, policy: str) -> list[Doc]:
    """The chart's ``crds/`` per policy: Skip → none; Create → created when absent, never updated;
    CreateReplace → applied. Never pruned (Helm leaves CRDs behind)."""
    if policy == "Skip":
        return []
    docs: list[Doc] = []
    for crd in crds:
        for doc in parse(crd["data"], source=crd.get("filename") or crd.get("name") or "crds"):
            notes = doc.obj.setdefault("metadata", {}).setdefault("annotations", {})
            notes[PRUNE_ANNOTATION] = "disabled"
            if policy == "Create":
                notes[SSA_ANNOTATION] = "IfNotPresent"
            doc.changed = True
            docs.append(doc)
    return docs


def namespace_doc(namespace: str) -> Doc:
    """``install.createNamespace``: the target Namespace, created by the release but never pruned."""
    obj = {"apiVersion": "v1", "kind": "Namespace",
           "metadata": {"name": namespace, "annotations": {PRUNE_ANNOTATION: "disabled"}}}
    return Doc(yaml.safe_dump(obj, sort_keys=False), obj, changed=True)
