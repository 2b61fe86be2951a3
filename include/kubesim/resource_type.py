"""ResourceType: one served resource at one group/version, as discovery describes it."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

ALL_VERBS: tuple[str, ...] = (
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
)
NO_COLLECTION_VERBS: tuple[str, ...] = ("create", "delete", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class ResourceType:
    """One served resource at one group/version (a row of `kubectl api-resources`)."""

    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: frozenset[str] = frozenset()  # e.g. {"status", "scale"}
    has_generation: bool = True  # metadata.generation maintained (spec-bearing kinds, CRs)
    list_kind_name: str = ""  # CRD spec.names.listKind when it is not "<Kind>List"
    crd_name: str = ""  # metadata.name of the defining CRD; "" for built-in kinds
    # CRD additionalPrinterColumns of this version: (name, type, format, description, priority, jsonPath)
    printer_columns: tuple[tuple[str, str, str, str, int, str], ...] = ()
    storage_version: str = ""  # CRD storage version when it differs from `version`

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> str:
        return self.api_version

    @property
    def list_kind(self) -> str:
        return self.list_kind_name or f"{self.kind}List"

    @property
    def is_custom(self) -> bool:
        return bool(self.crd_name)

    @property
    def storage_version_hash(self) -> str:
        """Discovery's storageVersionHash: first 8 bytes of sha256("group/version/kind"), base64."""
        stored = self.storage_version or self.version
        digest = hashlib.sha256(f"{self.group}/{stored}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()
