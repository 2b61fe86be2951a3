"""The one table of Flux fields Airflux supports, per kind.

The validator walks every document against this table, so a field missing here is an error that names
it, and ``docs/app-definitions.md`` is generated from it (``python -m airflux.specs.docs``), so the
documentation can never drift from what the loader accepts.

Paths are dotted; ``[]`` marks the items of a list (``spec.patches[].target.kind``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property


class FieldType(enum.StrEnum):
    STRING = "string"
    BOOL = "boolean"
    DURATION = "duration"  # Flux duration string: 30s, 10m, 1h, 1m30s
    OBJECT = "object"  # a mapping whose keys are fields of this table
    LIST = "list of objects"  # items are mappings whose keys are fields under "<path>[]"
    STRINGS = "list of strings"
    MAP = "map of strings"  # free keys, string values (labels, annotations, substitute)


@dataclass(frozen=True)
class Field:
    path: str
    type: FieldType
    doc: str
    required: bool = False
    default: str = ""
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.path.rsplit(".", 1)[0] if "." in self.path else ""


@dataclass(frozen=True)
class KindSpec:
    api_version: str
    kind: str
    summary: str
    fields: tuple[Field, ...]

    @cached_property
    def children(self) -> dict[str, dict[str, Field]]:
        """Parent path (``""`` for the document root) → its allowed keys."""
        table: dict[str, dict[str, Field]] = {}
        for item in self.fields:
            table.setdefault(item.parent, {})[item.key] = item
        return table

    @cached_property
    def by_path(self) -> dict[str, Field]:
        return {item.path: item for item in self.fields}


S, B, D, OBJ, L, SL, M = (
    FieldType.STRING,
    FieldType.BOOL,
    FieldType.DURATION,
    FieldType.OBJECT,
    FieldType.LIST,
    FieldType.STRINGS,
    FieldType.MAP,
)


def _envelope(api_version: str, kind: str) -> tuple[Field, ...]:
    return (
        Field("apiVersion", S, "API version of the object.", required=True, choices=(api_version,)),
        Field("kind", S, "Kind of the object.", required=True, choices=(kind,)),
        Field("metadata", OBJ, "Object metadata.", required=True),
        Field("metadata.name", S, "Name (DNS-1123 subdomain); part of the DAG id.", required=True),
        Field("metadata.namespace", S, "Namespace (DNS-1123 label), as with kubectl.", default="`default`"),
        Field("metadata.labels", M, "Labels, kept on the definition."),
        Field("metadata.annotations", M, "Annotations, kept on the definition."),
        Field("spec", OBJ, "Desired state.", required=True),
    )


GIT_REPOSITORY = KindSpec(
    api_version="source.toolkit.fluxcd.io/v1",
    kind="GitRepository",
    summary="A Git repository to fetch manifests from; Kustomizations refer to it by `sourceRef`.",
    fields=(
        *_envelope("source.toolkit.fluxcd.io/v1", "GitRepository"),
        Field("spec.url", S, "Repository URL: `https://`, `http://`, `ssh://` or `file://`.", required=True),
        Field("spec.ref", OBJ, "Which revision to check out; the first set of commit, name, semver, tag, "
              "branch wins.", default="branch `master`"),
        Field("spec.ref.branch", S, "Branch to follow."),
        Field("spec.ref.tag", S, "Tag to check out."),
        Field("spec.ref.semver", S, "Semver range over the tags, e.g. `>=1.0.0 <2.0.0`."),
        Field("spec.ref.commit", S, "Exact commit SHA-1."),
        Field("spec.ref.name", S, "Git reference name, e.g. `refs/heads/main` or `refs/pull/4/head`."),
        Field("spec.interval", D, "How often to look for a new revision.", required=True),
        Field("spec.timeout", D, "Bound on every git operation.", default="`60s`"),
        Field("spec.secretRef", OBJ, "Credentials: the Airflow connection with this id (or with `-` "
              "replaced by `_`)."),
        Field("spec.secretRef.name", S, "Connection id.", required=True),
        Field("spec.ignore", S, "Extra `.gitignore`-style exclusions, added to Flux's defaults."),
        Field("spec.suspend", B, "Stop looking for new revisions.", default="`false`"),
    ),
)

_SELECTOR = (
    ("group", "API group"),
    ("version", "API version"),
    ("kind", "Kind"),
    ("name", "Name (regular expression)"),
    ("namespace", "Namespace (regular expression)"),
    ("labelSelector", "Label selector"),
    ("annotationSelector", "Annotation selector"),
)

KUSTOMIZATION = KindSpec(
    api_version="kustomize.toolkit.fluxcd.io/v1",
    kind="Kustomization",
    summary="A path in a source to render with kustomize and apply; becomes the DAG `ks.<namespace>.<name>`.",
    fields=(
        *_envelope("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
        Field("spec.sourceRef", OBJ, "The source to deploy from.", required=True),
        Field("spec.sourceRef.kind", S, "Kind of the source.", required=True, choices=("GitRepository",)),
        Field("spec.sourceRef.name", S, "Name of the source; it must be defined under the apps directory.",
              required=True),
        Field("spec.sourceRef.namespace", S, "Namespace of the source.", default="the Kustomization's"),
        Field("spec.sourceRef.apiVersion", S, "API version of the source.",
              choices=("source.toolkit.fluxcd.io/v1",)),
        Field("spec.path", S, "Directory in the source to build, relative to its root.", default="`./`"),
        Field("spec.interval", D, "How often to reconcile (the DAG schedule).", required=True),
        Field("spec.retryInterval", D, "Delay between retries of a failed run.", default="`spec.interval`"),
        Field("spec.timeout", D, "Bound on each task (execution timeout).",
              default="`spec.interval` - 30s, at least 30s"),
        Field("spec.prune", B, "Delete objects that left the source.", required=True),
        Field("spec.wait", B, "Wait for every applied object to be Ready.", default="`false`"),
        Field("spec.healthChecks", L, "Objects that must be Ready after apply."),
        Field("spec.healthChecks[].apiVersion", S, "API version of the object."),
        Field("spec.healthChecks[].kind", S, "Kind of the object.", required=True),
        Field("spec.healthChecks[].name", S, "Name of the object.", required=True),
        Field("spec.healthChecks[].namespace", S, "Namespace of the object (empty: cluster-scoped)."),
        Field("spec.dependsOn", L, "Kustomizations that must be Ready first (parsed; ordering comes later)."),
        Field("spec.dependsOn[].name", S, "Name of the Kustomization.", required=True),
        Field("spec.dependsOn[].namespace", S, "Its namespace.", default="the Kustomization's"),
        Field("spec.targetNamespace", S, "Namespace set on every namespaced object."),
        Field("spec.namePrefix", S, "Prefix added to every object name."),
        Field("spec.nameSuffix", S, "Suffix added to every object name."),
        Field("spec.commonMetadata", OBJ, "Labels and annotations added to every object."),
        Field("spec.commonMetadata.labels", M, "Labels to add."),
        Field("spec.commonMetadata.annotations", M, "Annotations to add."),
        Field("spec.patches", L, "Strategic merge or JSON 6902 patches."),
        Field("spec.patches[].patch", S, "The patch (YAML or JSON).", required=True),
        Field("spec.patches[].target", OBJ, "Objects the patch applies to."),
        *(Field(f"spec.patches[].target.{key}", S, f"{doc} of the target.") for key, doc in _SELECTOR),
        Field("spec.images", L, "Image overrides, as kustomize `images`."),
        Field("spec.images[].name", S, "Image name to match.", required=True),
        Field("spec.images[].newName", S, "Replacement name."),
        Field("spec.images[].newTag", S, "Replacement tag."),
        Field("spec.images[].digest", S, "Replacement digest (wins over newTag)."),
        Field("spec.components", SL, "Kustomize components, relative to `spec.path`."),
        Field("spec.postBuild", OBJ, "Variable substitution after the build."),
        Field("spec.postBuild.substitute", M, "Variables, `${name}` in manifests."),
        Field("spec.postBuild.substituteFrom", L, "ConfigMaps and Secrets in the target cluster to read "
              "variables from."),
        Field("spec.postBuild.substituteFrom[].kind", S, "Kind of the object.", required=True,
              choices=("ConfigMap", "Secret")),
        Field("spec.postBuild.substituteFrom[].name", S, "Its name, in the Kustomization's namespace.",
              required=True),
        Field("spec.postBuild.substituteFrom[].optional", B, "Tolerate a missing object.", default="`false`"),
        Field("spec.force", B, "Recreate objects whose immutable fields changed.", default="`false`"),
        Field("spec.suspend", B, "Stop reconciling: the DAG is paused and does nothing.", default="`false`"),
    ),
)

SUPPORTED: dict[tuple[str, str], KindSpec] = {
    (spec.api_version, spec.kind): spec for spec in (GIT_REPOSITORY, KUSTOMIZATION)
}

# Flux fields that exist upstream but Airflux does not do yet: the error says so instead of
# calling them unknown, so a Flux user knows the manifest is right but the feature is missing.
KNOWN_UNSUPPORTED: dict[str, frozenset[str]] = {
    "GitRepository": frozenset({
        "spec.provider", "spec.proxySecretRef", "spec.recurseSubmodules", "spec.include", "spec.verify",
        "spec.sparseCheckout", "spec.ref.semverFilter",
    }),
    "Kustomization": frozenset({
        "spec.decryption", "spec.kubeConfig", "spec.serviceAccountName", "spec.deletionPolicy",
        "spec.namespace", "spec.ignoreMissingComponents", "spec.healthCheckExprs",
    }),
}

# Toolkit groups whose other kinds are kept aside as "not yet supported" rather than rejected.
FLUX_GROUPS = (
    "source.toolkit.fluxcd.io",
    "kustomize.toolkit.fluxcd.io",
    "helm.toolkit.fluxcd.io",
    "notification.toolkit.fluxcd.io",
    "image.toolkit.fluxcd.io",
)
