"""Values an app reads from Secrets (postBuild.substituteFrom, valuesFrom), kept out of task logs,
XCom and Slack.

Each task that renders, diffs or applies such an app reads the same Secrets again (nothing passes the
values between tasks), registers every value with Airflow's secrets masker, which masks them in the
task log, and gives the engine's errors to ``airflux.redact`` to scrub before they are logged, put in
XCom for the notify task, or raised.
"""

from __future__ import annotations

from typing import Any

from airflux.redact import Reader, Redactor, substitution_secrets, values_secrets
from airflux.specs.helm_types import HelmRelease
from airflux.specs.types import Kustomization


def secret_redactor(client: Any, *, app: Kustomization | None = None, release: HelmRelease | None = None,
                    read: Reader | None = None) -> Redactor:
    """The Secret values of ``app`` or ``release`` (none read when it names no Secret), masked in the task log.

    ``read`` is the ConfigMap/Secret reader the task also gives the engine (a render), so each Secret
    is read once; without it one is made for the object's namespace.
    """
    from airflow.sdk.log import mask_secret

    from airflux.render import kube_reader

    def reader(namespace: str) -> Reader:
        return read or kube_reader(client.api_client, namespace=namespace)

    redactor = Redactor()
    if app is not None and app.post_build is not None:
        refs = app.post_build.substitute_from
        if any(ref.kind == "Secret" for ref in refs):
            redactor |= substitution_secrets(refs, read=reader(app.meta.namespace))
    if release is not None and any(ref.kind == "Secret" for ref in release.values_from):
        redactor |= values_secrets(release.values_from, read=reader(release.meta.namespace))
    for value in redactor.values:
        mask_secret(value)
    return redactor
