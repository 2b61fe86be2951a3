"""Values an app reads from Secrets (postBuild.substituteFrom, valuesFrom), kept out of task logs,
XCom and Slack.

Each task that renders, diffs or applies such an app reads the same Secrets again (nothing passes the
values between tasks), registers every value with Airflow's secrets masker, which masks them in the
task log, and gives the engine's errors to ``airflux.redact`` to scrub before they are logged, put in
XCom for the notify task, or raised.
"""

from __future__ import annotations

from typing import Any

from airflux.redact import Redactor, substitution_secrets, values_secrets
from airflux.specs.helm_types import HelmRelease
from airflux.specs.types import Kustomization


def secret_redactor(client: Any, *, app: Kustomization | None = None,
                    release: HelmRelease | None = None) -> Redactor:
    """The Secret values of ``app`` or ``release`` (none read when it names no Secret), masked in the task log."""
    from airflow.sdk.log import mask_secret

    redactor = Redactor()
    refs = app.post_build.substitute_from if app is not None and app.post_build is not None else ()
    if any(ref.kind == "Secret" for ref in refs) and app is not None:
        from airflux.render import kube_reader

        redactor |= substitution_secrets(refs, read=kube_reader(client.api_client, namespace=app.meta.namespace))
    if release is not None and any(ref.kind == "Secret" for ref in release.values_from):
        from airflux.helm import kube_values_reader

        redactor |= values_secrets(release.values_from,
                                   read=kube_values_reader(client.api_client, namespace=release.meta.namespace))
    for value in redactor.values:
        mask_secret(value)
    return redactor
