"""The render cache of the Helm render stage: an unchanged release is not rendered again, anything that
can change the output (values, release revision, cluster capabilities) renders anew, and a chart that
calls ``lookup`` (its output depends on the live cluster) is rendered every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from airflux.helm import Capabilities, HelmRender, ReleaseRecord, render_release
from airflux.paths import Layout
from airflux.specs import load_file
from airflux.specs.helm_types import HelmRelease

CM = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-{{ .Values.name }}
data:
  revision: {{ .Release.Revision | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
"""
HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations: {"helm.sh/hook": pre-upgrade, "helm.sh/hook-weight": "1"}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}}
"""
LOOKUP = """{{- $old := lookup "v1" "ConfigMap" .Release.Namespace "seen" }}
apiVersion: v1
kind: ConfigMap
metadata: {name: seen}
data: {first: {{ empty $old | quote }}}
"""


def _chart(root: Path, *, templates: dict[str, str]) -> Path:
    chart = root / "tiny"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: tiny\nversion: 0.3.0\nappVersion: '9'\n")
    (chart / "values.yaml").write_text("name: config\n")
    for name, text in templates.items():
        (chart / "templates" / name).write_text(text)
    return chart


def _release(root: Path, values: dict[str, str] | None = None) -> HelmRelease:
    docs = [{"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
             "metadata": {"name": "tiny", "namespace": "apps"},
             "spec": {"interval": "5m", "chart": {"spec": {"chart": "./tiny", "sourceRef": {
                 "kind": "GitRepository", "name": "src"}}}, **({"values": values} if values else {})}},
            {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
             "metadata": {"name": "src", "namespace": "apps"},
             "spec": {"url": "https://example.invalid/src.git", "interval": "5m", "ref": {"branch": "main"}}}]
    path = root / f"apps-{len(list(root.glob('apps-*')))}.yaml"
    path.write_text(yaml.safe_dump_all(docs))
    apps = load_file(path)
    assert apps.errors == (), apps.errors
    (release,) = apps.helm_releases
    return release


def _render(release: HelmRelease, chart: Path, layout: Layout, *, kube: str = "v1.37.1",
            history: list[ReleaseRecord] | None = None) -> HelmRender:
    return render_release(release, chart_path=chart, chart_digest="sha256:tiny", source_revision="main@sha1:abc",
                          layout=layout, history=history or [], capabilities=Capabilities(kube_version=kube))


def _data(render: HelmRender) -> dict[str, str]:
    (cm,) = [o for o in yaml.safe_load_all(render.result.path.read_text()) if o["kind"] == "ConfigMap"]
    return dict(cm["data"])


def test_an_unchanged_release_is_served_from_the_cache_with_its_hooks(tmp_path: Path) -> None:
    chart = _chart(tmp_path, templates={"cm.yaml": CM, "hook.yaml": HOOK})
    release, layout = _release(tmp_path), Layout(tmp_path / "store")
    first = _render(release, chart, layout)
    again = _render(release, chart, layout)

    assert not first.result.cached and again.result.cached
    assert again.result.digest == first.result.digest and again.result.path == first.result.path
    assert again.to_dict()["object_count"] == 1 and again.to_dict()["kinds"] == {"ConfigMap": 1}
    assert (again.hook_count, again.hooks_path.read_text()) == (1, first.hooks_path.read_text())
    assert (again.chart, again.version, again.app_version) == ("tiny", "0.3.0", "9")
    assert (again.release_key, again.values_digest) == (first.release_key, first.values_digest)


def test_values_revision_or_capabilities_changed_render_anew(tmp_path: Path) -> None:
    chart = _chart(tmp_path, templates={"cm.yaml": CM})
    layout = Layout(tmp_path / "store")
    base = _render(_release(tmp_path), chart, layout)

    other_values = _render(_release(tmp_path, {"name": "other"}), chart, layout)
    assert not other_values.result.cached
    assert [ref.name for ref in other_values.result.objects] == ["tiny-other"]
    newer_cluster = _render(_release(tmp_path), chart, layout, kube="v1.38.0")
    assert not newer_cluster.result.cached and _data(newer_cluster)["kube"] == "v1.38.0"
    deployed = ReleaseRecord(revision=1, chart="tiny", version="0.1.0", app_version="9", values_digest="x",
                             source_revision="old", rendered_digest="x", status="deployed", release_key="older")
    upgrade = _render(_release(tmp_path), chart, layout, history=[deployed])
    assert not upgrade.result.cached and upgrade.release.revision == 2 and _data(upgrade)["revision"] == "2"
    assert _data(base)["revision"] == "1"


def test_a_chart_that_calls_lookup_is_rendered_every_time(tmp_path: Path) -> None:
    chart = _chart(tmp_path, templates={"cm.yaml": LOOKUP})
    release, layout = _release(tmp_path), Layout(tmp_path / "store")
    _render(release, chart, layout)
    assert not _render(release, chart, layout).result.cached


def _crd(kind: str, scope: str) -> str:
    plural = kind.lower() + "s"
    return (f"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            f"metadata: {{name: {plural}.example.com}}\n"
            f"spec:\n  group: example.com\n  names: {{kind: {kind}, plural: {plural}, singular: {kind.lower()}}}\n"
            f"  scope: {scope}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n"
            f"    schema: {{openAPIV3Schema: {{type: object, x-kubernetes-preserve-unknown-fields: true}}}}\n")


def _namespaces(render: HelmRender) -> dict[str, str | None]:
    return {o["kind"]: o["metadata"].get("namespace") for o in yaml.safe_load_all(render.result.path.read_text())}


def test_kinds_defined_by_the_charts_crds_take_their_scope_from_them(tmp_path: Path) -> None:
    """Before the chart's CRDs exist in the cluster nobody can be asked: the scope comes from the CRDs
    themselves, in crds/ or among the templates, as Helm's install sees it once it has created them."""
    chart = _chart(tmp_path, templates={
        "cm.yaml": CM, "gizmo-crd.yaml": _crd("Gizmo", "Cluster"),
        "objects.yaml": "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n---\n"
                        "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: z}\n---\n"
                        "apiVersion: example.com/v1\nkind: Doohickey\nmetadata: {name: d}\n"})
    (chart / "crds").mkdir()
    (chart / "crds" / "gadgets.yaml").write_text(_crd("Gadget", "Cluster"))
    (chart / "crds" / "doohickeys.yaml").write_text(_crd("Doohickey", "Namespaced"))
    render = _render(_release(tmp_path), chart, Layout(tmp_path / "store"))
    found = _namespaces(render)
    assert (found["Gadget"], found["Gizmo"], found["Doohickey"], found["ConfigMap"]) == (None, None, "apps", "apps")


def test_a_kind_whose_scope_changed_in_the_cluster_renders_anew(tmp_path: Path, kubesim: Any) -> None:
    """The cached render gave a cluster-scoped Thing no namespace. The CRD is deleted and created again as
    namespaced: the same release is not served from the cache, and the Thing now gets the release's."""
    from airflux.helm import namespaced_by
    from airflux.kube import KubeClient

    chart = _chart(tmp_path, templates={
        "thing.yaml": "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n"})
    release, layout = _release(tmp_path), Layout(tmp_path / "store")
    crd = tmp_path / "crd.yaml"

    def render() -> HelmRender:
        with KubeClient.from_kubeconfig(kubesim.kubeconfig) as client:
            return render_release(release, chart_path=chart, chart_digest="sha256:tiny", source_revision="main",
                                  layout=layout, history=[], capabilities=Capabilities(kube_version="v1.37.1"),
                                  is_namespaced=namespaced_by(client))

    crd.write_text(_crd("Thing", "Cluster"))
    kubesim.kubectl("apply", "-f", str(crd), check=True)
    first, again = render(), render()
    assert _namespaces(first)["Thing"] is None and again.result.cached

    kubesim.kubectl("delete", "-f", str(crd), "--wait=true", check=True)
    crd.write_text(_crd("Thing", "Namespaced"))
    kubesim.kubectl("apply", "-f", str(crd), check=True)
    kubesim.wait_for(lambda: kubesim.kubectl("get", "things", "-A").returncode == 0)
    changed = render()
    assert not changed.result.cached and _namespaces(changed)["Thing"] == "apps"


def test_the_stored_set_reads_back_with_any_character_in_values(tmp_path: Path) -> None:
    """The set is stored as JSON documents and read back by the later stages' YAML reader: characters a
    YAML reader would refuse or fold if written raw (DEL, NEL, the line separator, a bell) and non-ASCII
    text come back as the chart gave them (here as escapes in a double-quoted scalar)."""
    from airflux.reconcile.runs import load_rendered

    chart = _chart(tmp_path, templates={"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd}\n"
                                                  'data: {text: "na\\u00efve \\u2603 \\u2028 \\x85 \\x7f \\a end", '
                                                  "plain: ok}\n"})
    render = _render(_release(tmp_path), chart, Layout(tmp_path / "store"))
    (cm,) = load_rendered(render.result.path)
    assert cm["data"] == {"text": "na\u00efve \u2603 \u2028 \x85 \x7f \x07 end", "plain": "ok"}
