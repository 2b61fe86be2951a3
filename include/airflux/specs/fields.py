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
    INT = "integer"
    VALUES = "free-form mapping"  # any YAML below it (Helm values): checked by the chart's schema


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
V, N = FieldType.VALUES, FieldType.INT


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
        Field("spec.dependsOn", L, "Kustomizations that must have applied the same source revision and be Ready "
              "first (the run waits, deferred); a missing one or a cycle is a definition error."),
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

HELM_REPOSITORY = KindSpec(
    api_version="source.toolkit.fluxcd.io/v1",
    kind="HelmRepository",
    summary="A Helm chart repository (HTTP(S) `index.yaml`, or OCI); HelmReleases refer to it by "
            "`chart.spec.sourceRef`.",
    fields=(
        *_envelope("source.toolkit.fluxcd.io/v1", "HelmRepository"),
        Field("spec.url", S, "`https://`/`http://` URL of the repository (its `index.yaml`), or `oci://` with "
              "`type: oci`.", required=True),
        Field("spec.type", S, "Repository type.", default="`default`", choices=("default", "oci")),
        Field("spec.interval", D, "How long a fetched index is used before it is fetched again.", required=True),
        Field("spec.timeout", D, "Bound on each index or chart download.", default="`60s`"),
        Field("spec.secretRef", OBJ, "Basic auth: the Airflow connection with this id (login, password)."),
        Field("spec.secretRef.name", S, "Connection id.", required=True),
        Field("spec.suspend", B, "Use the last fetched index; fetch no new one.", default="`false`"),
    ),
)

HELM_RELEASE = KindSpec(
    api_version="helm.toolkit.fluxcd.io/v2",
    kind="HelmRelease",
    summary="A Helm chart rendered by the Helm engine and applied like a Kustomization; becomes the DAG "
            "`hr.<namespace>.<name>`.",
    fields=(
        *_envelope("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
        Field("spec.chart", OBJ, "The chart to deploy.", required=True),
        Field("spec.chart.spec", OBJ, "Chart template.", required=True),
        Field("spec.chart.spec.chart", S, "Chart name in the HelmRepository, or its path in the GitRepository.",
              required=True),
        Field("spec.chart.spec.version", S, "Semver range; the newest matching version is used (HelmRepository "
              "only).", default="`*`"),
        Field("spec.chart.spec.sourceRef", OBJ, "Where the chart comes from.", required=True),
        Field("spec.chart.spec.sourceRef.kind", S, "Kind of the source.", required=True,
              choices=("HelmRepository", "GitRepository")),
        Field("spec.chart.spec.sourceRef.name", S, "Name of the source, defined under the apps directory.",
              required=True),
        Field("spec.chart.spec.sourceRef.namespace", S, "Namespace of the source.", default="the HelmRelease's"),
        Field("spec.chart.spec.sourceRef.apiVersion", S, "API version of the source.",
              choices=("source.toolkit.fluxcd.io/v1",)),
        Field("spec.chart.spec.valuesFiles", SL, "Values files in the chart, merged in order over its "
              "`values.yaml`."),
        Field("spec.chart.spec.interval", D, "Accepted for compatibility; the HelmRepository's interval decides."),
        Field("spec.values", V, "Values, merged last (they win over `valuesFrom`)."),
        Field("spec.valuesFrom", L, "ConfigMaps/Secrets in the target cluster (HelmRelease's namespace), merged in "
              "order before `values`."),
        Field("spec.valuesFrom[].kind", S, "Kind of the object.", required=True, choices=("ConfigMap", "Secret")),
        Field("spec.valuesFrom[].name", S, "Its name.", required=True),
        Field("spec.valuesFrom[].valuesKey", S, "Data key to read.", default="`values.yaml`"),
        Field("spec.valuesFrom[].targetPath", S, "Put the key's value at this path (`--set` syntax) instead of "
              "merging it as YAML."),
        Field("spec.valuesFrom[].optional", B, "Tolerate a missing object or key.", default="`false`"),
        Field("spec.releaseName", S, "Helm release name (at most 53 characters).",
              default="`[<targetNamespace>-]<name>`, shortened with a hash past 53 characters"),
        Field("spec.targetNamespace", S, "Namespace of the release.", default="the HelmRelease's"),
        Field("spec.install", OBJ, "First install."),
        Field("spec.install.createNamespace", B, "Create the target namespace.", default="`false`"),
        Field("spec.install.crds", S, "What to do with the chart's `crds/`.", default="`Create`",
              choices=("Skip", "Create", "CreateReplace")),
        Field("spec.install.remediation", OBJ, "On a failed install."),
        Field("spec.install.remediation.retries", N, "Attempts after a failure (rollback/uninstall remediates "
              "when > 0; the run still fails).", default="`0`"),
        Field("spec.upgrade", OBJ, "Later upgrades."),
        Field("spec.upgrade.crds", S, "What to do with the chart's `crds/`.", default="`Skip`",
              choices=("Skip", "Create", "CreateReplace")),
        Field("spec.upgrade.remediation", OBJ, "On a failed upgrade."),
        Field("spec.upgrade.remediation.retries", N, "Attempts after a failure (rollback/uninstall remediates "
              "when > 0; the run still fails).", default="`0`"),
        Field("spec.upgrade.remediation.strategy", S, "Remediation.", default="`rollback`",
              choices=("rollback", "uninstall")),
        Field("spec.test", OBJ, "Helm tests."),
        Field("spec.test.enable", B, "Keep the chart's test hooks (and NOTES) in the render.", default="`false`"),
        Field("spec.postRenderers", L, "Kustomize post-renderers, run on the rendered set."),
        Field("spec.postRenderers[].kustomize", OBJ, "A kustomize post-renderer.", required=True),
        Field("spec.postRenderers[].kustomize.patches", L, "Strategic merge or JSON 6902 patches."),
        Field("spec.postRenderers[].kustomize.patches[].patch", S, "The patch.", required=True),
        Field("spec.postRenderers[].kustomize.patches[].target", OBJ, "Objects the patch applies to."),
        *(Field(f"spec.postRenderers[].kustomize.patches[].target.{key}", S, f"{doc} of the target.")
          for key, doc in _SELECTOR),
        Field("spec.postRenderers[].kustomize.images", L, "Image overrides."),
        Field("spec.postRenderers[].kustomize.images[].name", S, "Image name to match.", required=True),
        Field("spec.postRenderers[].kustomize.images[].newName", S, "Replacement name."),
        Field("spec.postRenderers[].kustomize.images[].newTag", S, "Replacement tag."),
        Field("spec.postRenderers[].kustomize.images[].digest", S, "Replacement digest."),
        Field("spec.interval", D, "How often to reconcile (the DAG schedule).", required=True),
        Field("spec.timeout", D, "Bound on hooks and on the health wait.", default="`5m`"),
        Field("spec.suspend", B, "Stop reconciling: the DAG is paused and does nothing.", default="`false`"),
        Field("spec.dependsOn", L, "HelmReleases that must have applied and be Ready first (same commit "
              "when both charts come from one GitRepository; the run waits, deferred); a missing one or a cycle "
              "is a definition error."),
        Field("spec.dependsOn[].name", S, "Name.", required=True),
        Field("spec.dependsOn[].namespace", S, "Namespace.", default="the HelmRelease's"),
    ),
)

PROVIDER = KindSpec(
    api_version="notification.toolkit.fluxcd.io/v1beta3",
    kind="Provider",
    summary="Where notifications go. Only `type: slack` so far: an incoming webhook (`address`, or the "
            "connection's password holding the webhook URL), or a bot token with `channel` (chat.postMessage).",
    fields=(
        *_envelope("notification.toolkit.fluxcd.io/v1beta3", "Provider"),
        Field("spec.type", S, "Provider type: `slack`. Other Flux types are an error that says they are not "
              "supported yet.", required=True),
        Field("spec.channel", S, "Slack channel (token mode: the connection's password is a bot token)."),
        Field("spec.username", S, "Name the message is posted as."),
        Field("spec.address", S, "Webhook mode: the incoming-webhook URL. Token mode: the chat.postMessage URL.",
              default="token mode: `https://slack.com/api/chat.postMessage`"),
        Field("spec.timeout", D, "Bound on each request to Slack.", default="`15s`"),
        Field("spec.secretRef", OBJ, "Airflow connection (id, or `-` replaced by `_`) whose password is the bot "
              "token, or the webhook URL when `address` is not set."),
        Field("spec.secretRef.name", S, "Connection id.", required=True),
        Field("spec.suspend", B, "Send nothing through this provider.", default="`false`"),
    ),
)

ALERT = KindSpec(
    api_version="notification.toolkit.fluxcd.io/v1beta3",
    kind="Alert",
    summary="Which apps' run events reach which Provider: one message per run, a repeated error only as a "
            "reminder, and a recovery message when it is fixed.",
    fields=(
        *_envelope("notification.toolkit.fluxcd.io/v1beta3", "Alert"),
        Field("spec.providerRef", OBJ, "The Provider, in the Alert's namespace.", required=True),
        Field("spec.providerRef.name", S, "Its name.", required=True),
        Field("spec.eventSources", L, "Apps whose events are sent.", required=True),
        Field("spec.eventSources[].kind", S, "Kind of the app.", required=True,
              choices=("Kustomization", "HelmRelease")),
        Field("spec.eventSources[].name", S, "Name, or `*` for every app of the kind.", required=True),
        Field("spec.eventSources[].namespace", S, "Namespace of the app.", default="the Alert's"),
        Field("spec.eventSources[].matchLabels", M, "Labels the app's definition must carry (with `name: \"*\"`)."),
        Field("spec.eventSources[].apiVersion", S, "API version of the app (not used for matching)."),
        Field("spec.eventSeverity", S, "`info`: every event; `error`: failures only.", default="`info`",
              choices=("info", "error")),
        Field("spec.inclusionList", SL, "Regular expressions; when set, only events whose message matches one "
              "are sent."),
        Field("spec.exclusionList", SL, "Regular expressions; events whose message matches one are not sent."),
        Field("spec.eventMetadata", M, "Extra key/values shown in every message."),
        Field("spec.summary", S, "A line shown in every message (deprecated in Flux, still honoured)."),
        Field("spec.suspend", B, "Send nothing for this alert.", default="`false`"),
    ),
)

RECEIVER = KindSpec(
    api_version="notification.toolkit.fluxcd.io/v1",
    kind="Receiver",
    summary="A webhook that starts the apps of the listed GitRepositories at once, served by the Airflux plugin "
            "at `/airflux/hook/<sha256 of token + name + namespace>` as Flux serves `/hook/...`.",
    fields=(
        *_envelope("notification.toolkit.fluxcd.io/v1", "Receiver"),
        Field("spec.type", S, "Sender: `github` (`X-Hub-Signature-256`), `gitlab` (`X-Gitlab-Token`), `generic` "
              "(the path is the proof), `generic-hmac` (`X-Signature: sha256=<hex>`).", required=True,
              choices=("generic", "generic-hmac", "github", "gitlab")),
        Field("spec.events", SL, "Event types that start a reconcile (`X-GitHub-Event`, `X-Gitlab-Event`, e.g. "
              "`push`, `Push Hook`); others are acknowledged and ignored.", default="all"),
        Field("spec.resources", L, "What to reconcile now: every app deploying from a listed GitRepository "
              "or HelmRepository, and each listed Kustomization and HelmRelease.", required=True),
        Field("spec.resources[].apiVersion", S, "API version of the resource.",
              choices=("source.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1", "helm.toolkit.fluxcd.io/v2")),
        Field("spec.resources[].kind", S, "Kind of the resource.", required=True,
              choices=("GitRepository", "HelmRepository", "Kustomization", "HelmRelease")),
        Field("spec.resources[].name", S, "Name; it must be defined under the apps directory.", required=True),
        Field("spec.resources[].namespace", S, "Namespace.", default="the Receiver's"),
        Field("spec.secretRef", OBJ, "Airflow connection (id, or `-` replaced by `_`) whose password (or extra "
              "`token`) is the webhook token.", required=True),
        Field("spec.secretRef.name", S, "Connection id.", required=True),
        Field("spec.interval", D, "Accepted for Flux compatibility; the token is read on every request.",
              default="`10m`"),
        Field("spec.suspend", B, "Acknowledge hooks but start nothing.", default="`false`"),
    ),
)

SUPPORTED: dict[tuple[str, str], KindSpec] = {
    (spec.api_version, spec.kind): spec for spec in (GIT_REPOSITORY, KUSTOMIZATION, HELM_REPOSITORY,
                                                     HELM_RELEASE, PROVIDER, ALERT, RECEIVER)
}

# Flux fields that exist upstream but Airflux does not do yet: the error says so instead of
# calling them unknown, so a Flux user knows the manifest is right but the feature is missing.
KNOWN_UNSUPPORTED: dict[str, frozenset[str]] = {
    "GitRepository": frozenset({
        "spec.provider", "spec.proxySecretRef", "spec.recurseSubmodules", "spec.include", "spec.verify",
        "spec.sparseCheckout", "spec.ref.semverFilter",
    }),
    "HelmRepository": frozenset({
        "spec.provider", "spec.certSecretRef", "spec.passCredentials", "spec.insecure", "spec.accessFrom",
    }),
    "HelmRelease": frozenset({
        "spec.chartRef", "spec.kubeConfig", "spec.serviceAccountName", "spec.storageNamespace", "spec.maxHistory",
        "spec.persistentClient", "spec.driftDetection", "spec.rollback", "spec.uninstall", "spec.commonMetadata",
        "spec.healthCheckExprs", "spec.chart.spec.reconcileStrategy", "spec.chart.spec.verify",
        "spec.chart.spec.ignoreMissingValuesFiles", "spec.chart.metadata", "spec.install.timeout",
        "spec.install.disableWait", "spec.install.disableHooks", "spec.install.skipCRDs", "spec.install.replace",
        "spec.upgrade.timeout", "spec.upgrade.force", "spec.upgrade.preserveValues", "spec.upgrade.disableWait",
        "spec.upgrade.cleanupOnFail", "spec.upgrade.remediation.remediateLastFailure", "spec.test.timeout",
        "spec.test.ignoreFailures", "spec.test.filters",
    }),
    "Receiver": frozenset({"spec.resourceFilter", "spec.oidcProviders", "spec.resources.matchLabels"}),
    "Provider": frozenset({"spec.interval", "spec.proxy", "spec.proxySecretRef", "spec.certSecretRef",
                           "spec.commitStatusExpr", "spec.serviceAccountName"}),
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
