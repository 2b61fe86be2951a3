"""Server-side apply migrations driven by the real kubectl, which relies on the exact managedFields format.

Docs: https://kubernetes.io/docs/reference/using-api/server-side-apply/ "Migration between client-side
and server-side apply".
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.kubesim.kubectl_helpers import fails, ok

pytestmark = pytest.mark.kubectl

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mig, namespace: default}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: mig}}
  template:
    metadata: {labels: {app: mig}}
    spec:
      containers: [{name: main, image: IMAGE}]
"""


def manifest(replicas: int = 2, image: str = "nginx:1.25") -> str:
    return DEPLOY.replace("REPLICAS", str(replicas)).replace("IMAGE", image)


def managers(kubesim: Any) -> dict[tuple[str, str], dict[str, Any]]:
    obj = json.loads(ok(kubesim, "get", "deploy", "mig", "-o", "json", "--show-managed-fields"))
    return {(e["manager"], e["operation"]): e for e in obj["metadata"]["managedFields"]}


def test_upgrade_from_client_side_apply(kubesim: Any) -> None:
    """Docs "Upgrading from client-side apply to server-side apply": ownership moves to the
    ``kubectl`` applier without conflicts, and the client-side manager is gone.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#upgrading-from-client-side-apply-to-server-side-apply
    """
    ok(kubesim, "apply", "-f", "-", input=manifest())
    assert ("kubectl-client-side-apply", "Update") in managers(kubesim)
    ok(kubesim, "apply", "--server-side", "-f", "-", input=manifest(image="nginx:2"))
    found = managers(kubesim)
    assert ("kubectl-client-side-apply", "Update") not in found
    assert "f:replicas" in found[("kubectl", "Apply")]["fieldsV1"]["f:spec"]
    assert (
        ok(kubesim, "get", "deploy", "mig", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
        == "nginx:2"
    )


def test_scaled_field_conflicts_on_upgrade(kubesim: Any) -> None:
    """Docs "Upgrading ...": a field changed by ``kubectl scale`` after client-side apply is not owned
    by client-side apply and conflicts on ``kubectl apply --server-side``.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#upgrading-from-client-side-apply-to-server-side-apply
    """
    ok(kubesim, "apply", "-f", "-", input=manifest(replicas=2))
    ok(kubesim, "scale", "deploy", "mig", "--replicas=5")
    err = fails(kubesim, "apply", "--server-side", "-f", "-", input=manifest(replicas=2))
    assert "Apply failed with 1 conflict" in err and ".spec.replicas" in err


def test_downgrade_to_client_side_apply(kubesim: Any) -> None:
    """Docs "Downgrading from server-side apply to client-side apply": kubectl's server-side apply keeps
    last-applied-configuration current, so a later client-side apply computes the right patch.
    https://kubernetes.io/docs/reference/using-api/server-side-apply/#downgrading-from-server-side-apply-to-client-side-apply
    """
    ok(kubesim, "apply", "-f", "-", input=manifest(replicas=2))
    ok(kubesim, "apply", "--server-side", "-f", "-", input=manifest(replicas=3))
    annotation = ok(
        kubesim,
        "get",
        "deploy",
        "mig",
        "-o",
        "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}",
    )
    assert json.loads(annotation)["spec"]["replicas"] == 3
    assert "configured" in ok(kubesim, "apply", "-f", "-", input=manifest(replicas=4))
    assert ok(kubesim, "get", "deploy", "mig", "-o", "jsonpath={.spec.replicas}") == "4"
