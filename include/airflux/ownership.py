"""What marks an object as Airflux's, and the per-object Flux annotations every stage honours.

Diff, apply and prune all read these; keeping the names and their meaning in one place means a
stage can never disagree with another about who owns an object or what an annotation means.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

OWNER_LABEL = "airflux.io/app"
ALLOW_EMPTY_ANNOTATION = "airflux.io/allow-empty"

SSA_ANNOTATION = "kustomize.toolkit.fluxcd.io/ssa"
FORCE_ANNOTATION = "kustomize.toolkit.fluxcd.io/force"
PRUNE_ANNOTATION = "kustomize.toolkit.fluxcd.io/prune"
RECONCILE_ANNOTATION = "kustomize.toolkit.fluxcd.io/reconcile"
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"

# Managers whose fields we take over on apply (only whole-object writes, not subresources), as
# Flux does, so that `kubectl edit/label/apply` changes are reverted instead of kept forever.
TAKEOVER_MANAGERS: tuple[tuple[str, str], ...] = (
    ("kubectl", "Apply"),
    ("kubectl", "Update"),
    ("before-first-apply", "Update"),
)


class SsaPolicy(enum.StrEnum):
    """``kustomize.toolkit.fluxcd.io/ssa`` values (case-insensitive in Flux)."""

    OVERRIDE = "Override"  # default: apply and take over fields set by kubectl
    MERGE = "Merge"  # apply, but keep fields other managers (including kubectl) added
    IF_NOT_PRESENT = "IfNotPresent"  # create when missing, never touch an existing object
    IGNORE = "Ignore"  # never apply


def annotations_of(obj: dict[str, Any] | None) -> dict[str, str]:
    return dict(((obj or {}).get("metadata") or {}).get("annotations") or {})


def labels_of(obj: dict[str, Any] | None) -> dict[str, str]:
    return dict(((obj or {}).get("metadata") or {}).get("labels") or {})


def ssa_policy(obj: dict[str, Any]) -> SsaPolicy:
    """The object's ssa policy; the older ``reconcile: disabled`` annotation means Ignore, as in Flux."""
    if annotations_of(obj).get(RECONCILE_ANNOTATION, "").strip().lower() == "disabled":
        return SsaPolicy.IGNORE
    value = annotations_of(obj).get(SSA_ANNOTATION, "").strip().lower()
    for policy in SsaPolicy:
        if policy.value.lower() == value:
            return policy
    return SsaPolicy.OVERRIDE


def force_enabled(obj: dict[str, Any]) -> bool:
    return annotations_of(obj).get(FORCE_ANNOTATION, "").strip().lower() == "enabled"


def prune_disabled(obj: dict[str, Any] | None) -> bool:
    return annotations_of(obj).get(PRUNE_ANNOTATION, "").strip().lower() == "disabled"


def owned_by(obj: dict[str, Any] | None, dag_id: str) -> bool:
    return labels_of(obj).get(OWNER_LABEL) == dag_id


def prunable(live: dict[str, Any] | None, dag_id: str) -> bool:
    """Prune may delete ``live``: it still carries our owner label and does not opt out."""
    return live is not None and owned_by(live, dag_id) and not prune_disabled(live)


def with_owner_label(objects: Iterable[dict[str, Any]], dag_id: str) -> list[dict[str, Any]]:
    """Copies of ``objects`` labelled ``airflux.io/app: <dag id>``; set before diff so diff sees it."""
    out = []
    for obj in objects:
        # Only metadata.labels changes: copy that path, share the rest (render output is not mutated).
        meta = dict(obj.get("metadata") or {})
        meta["labels"] = {**(meta.get("labels") or {}), OWNER_LABEL: dag_id}
        out.append({**obj, "metadata": meta})
    return out
