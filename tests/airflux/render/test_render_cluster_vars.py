"""substituteFrom against a real Kubernetes API (kubesim), read with the official client."""

from __future__ import annotations

import base64

import pytest
import yaml
from render_helpers import TreeWriter, make_ks

from airflux.model import RenderError
from airflux.paths import Layout
from airflux.render import render
from airflux.render.cluster_vars import kube_reader
from airflux.specs.types import Kustomization, PostBuild, SubstituteFrom

pytest.importorskip("kubesim.server")
pytestmark = pytest.mark.kubectl

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${env}
data:
  password: ${db_password}
  region: ${region:=eu-west-1}
"""


def test_values_from_configmap_and_secret_in_the_kustomization_namespace(
    kubesim, artifact: TreeWriter, layout: Layout
) -> None:
    kubesim.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "flux-system"}})
    kubesim.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "vars", "namespace": "flux-system"},
                   "data": {"env": "prod", "region": "us-east-1"}})
    kubesim.apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "flux-system"},
                   "data": {"db_password": base64.b64encode(b"hunter2").decode()}})
    root = artifact({"app/cm.yaml": MANIFEST})
    refs = (
        SubstituteFrom(kind="ConfigMap", name="vars"),
        SubstituteFrom(kind="Secret", name="db"),
        SubstituteFrom(kind="ConfigMap", name="not-there", optional=True),
    )
    ks: Kustomization = make_ks(path="./app", post_build=PostBuild(substitute_from=refs))
    reader = kube_reader(kubesim.api_client(), namespace=ks.meta.namespace)

    result = render(ks, artifact_dir=root, artifact_digest="sha256:x", layout=layout, substitute_from=reader)

    (obj,) = yaml.safe_load_all(result.path.read_text())
    assert obj["metadata"]["name"] == "app-prod"
    assert obj["data"] == {"password": "hunter2", "region": "us-east-1"}

    required = make_ks(path="./app", post_build=PostBuild(substitute_from=(SubstituteFrom(kind="Secret", name="gone"),)))
    with pytest.raises(RenderError, match="substituteFrom Secret/flux-system/gone not found"):
        render(required, artifact_dir=root, artifact_digest="sha256:x", layout=layout, substitute_from=reader)


def test_api_failure_is_retryable_and_names_the_source(kubesim, artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/cm.yaml": MANIFEST})
    ks = make_ks(path="./app", post_build=PostBuild(substitute_from=(SubstituteFrom(kind="Secret", name="db"),)))
    kubesim.fail(path=".*/secrets/db", code=500, count=None)
    reader = kube_reader(kubesim.api_client(), namespace="flux-system")
    with pytest.raises(RenderError, match=r"substituteFrom Secret/flux-system/db: cannot be read") as info:
        render(ks, artifact_dir=root, artifact_digest="sha256:x", layout=layout, substitute_from=reader)
    assert info.value.retryable
