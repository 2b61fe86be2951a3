"""Flux ``notification.toolkit.fluxcd.io/v1`` Receiver objects as frozen types.

A Receiver is not an app: it turns a signed webhook (GitHub, GitLab, generic, generic-hmac) into an
"reconcile now" for the resources it lists (GitRepository, HelmRepository, Kustomization, HelmRelease).
Its fields are in the one field table (``fields.py``); this module adds Flux's defaults and the checks the
table cannot express (a listed resource must be defined in the apps directory).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from airflux.specs.build import build_meta
from airflux.specs.durations import parse_duration
from airflux.specs.types import CrossRef, Meta, Named, Origin

RECEIVER_API = "notification.toolkit.fluxcd.io/v1"
RECEIVER_TYPES = ("generic", "generic-hmac", "github", "gitlab")
RECEIVER_INTERVAL_DEFAULT = timedelta(minutes=10)


@dataclass(frozen=True)
class Receiver(Named):
    meta: Meta
    origin: Origin
    type: str
    resources: tuple[CrossRef, ...]
    secret_ref: str
    events: tuple[str, ...] = ()
    interval: timedelta = RECEIVER_INTERVAL_DEFAULT
    suspend: bool = False

    kind = "Receiver"


def build_receiver(doc: dict[str, Any], origin: Origin) -> Receiver:
    meta = build_meta(doc)
    spec = doc["spec"]
    return Receiver(
        meta=meta,
        origin=origin,
        type=spec["type"],
        resources=tuple(
            CrossRef(kind=item["kind"], name=item["name"], namespace=item.get("namespace") or meta.namespace,
                     api_version=item.get("apiVersion"))
            for item in spec["resources"]
        ),
        secret_ref=spec["secretRef"]["name"],
        events=tuple(spec.get("events") or ()),
        interval=parse_duration(spec["interval"]) if "interval" in spec else RECEIVER_INTERVAL_DEFAULT,
        suspend=bool(spec.get("suspend", False)),
    )


RESOURCE_KINDS = ("GitRepository", "HelmRepository", "Kustomization", "HelmRelease")


def missing_resources(receiver: Receiver,
                      defined: Mapping[str, Container[tuple[str, str]]]) -> list[tuple[str, str]]:
    """``(field, message)`` for every listed resource not defined in the apps directory; ``defined`` maps
    each kind a Receiver may name to its (namespace, name) keys."""
    return [
        (f"spec.resources[{index}].name",
         f"{ref.kind} {ref.namespace}/{ref.name} is not defined in the apps directory")
        for index, ref in enumerate(receiver.resources)
        if (ref.namespace, ref.name) not in defined.get(ref.kind, ())
    ]
