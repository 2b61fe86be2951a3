"""The real kubectl against kubesim for the write flows of issue 2's "Done when" list."""

from __future__ import annotations

import pytest
from tests.kubesim.kubectl_helpers import fails, ok

pytestmark = pytest.mark.kubectl

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: nginx:1.25}]
"""

CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
"""


def deploy(replicas: int) -> str:
    return DEPLOY.replace("REPLICAS", str(replicas))


def test_server_side_apply_conflict_and_force(kubesim):
    assert "serverside-applied" in ok(kubesim, "apply", "--server-side", "-f", "-", input=deploy(2))
    err = fails(kubesim, "apply", "--server-side", "--field-manager=other", "-f", "-", input=deploy(5))
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' in err
    ok(kubesim, "apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-", input=deploy(5))
    assert ok(kubesim, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "5"


def test_client_side_apply_diff_and_delete(kubesim):
    assert "created" in ok(kubesim, "apply", "-f", "-", input=deploy(1))
    assert "unchanged" in ok(kubesim, "apply", "-f", "-", input=deploy(1))
    assert kubesim.kubectl("diff", "-f", "-", input=deploy(1)).returncode == 0
    changed = kubesim.kubectl("diff", "-f", "-", input=deploy(3))
    assert changed.returncode == 1 and "+  replicas: 3" in changed.stdout
    assert "configured" in ok(kubesim, "apply", "-f", "-", input=deploy(3))
    assert 'deployment.apps "web" deleted' in ok(kubesim, "delete", "deploy", "web")
    assert "NotFound" in fails(kubesim, "get", "deploy", "web")


def test_wait_available_and_scale(kubesim):
    ok(kubesim, "apply", "--server-side", "-f", "-", input=deploy(2))
    assert "condition met" in ok(kubesim, "wait", "--for=condition=Available", "deploy/web", "--timeout=20s")
    assert "scaled" in ok(kubesim, "scale", "deploy/web", "--replicas=4")
    assert ok(kubesim, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "4"


def test_crd_then_custom_resource(kubesim):
    ok(kubesim, "apply", "-f", "-", input=CRD)
    ok(kubesim, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")
    cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n"
    assert "widget.example.com/w1 serverside-applied" in ok(kubesim, "apply", "--server-side", "-f", "-", input=cr)
    assert ok(kubesim, "get", "wd", "w1", "-o", "jsonpath={.spec.size}") == "3"
    ok(kubesim, "delete", "crd", "widgets.example.com")
    assert kubesim.objects("apiextensions.k8s.io/v1", "CustomResourceDefinition") == []
