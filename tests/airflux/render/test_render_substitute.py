"""postBuild substitution with Flux's rules, including values read from the target cluster."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from render_helpers import TreeWriter, make_ks

from airflux.model import RenderError
from airflux.paths import Layout
from airflux.render import RenderFileError, render
from airflux.render.substitute import substitute
from airflux.specs.types import CommonMetadata, PostBuild, SubstituteFrom

pytestmark = pytest.mark.kubectl

TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${env}
  namespace: ${namespace:=default-ns}
data:
  plain: ${plain}
  dash_default: ${unset:-dash}
  eq_default: ${unset:=eq}
  empty_then_default: ${empty:-was-empty}
  empty_kept: "[${empty=not-used}]"
  missing: "[${nowhere}]"
  escaped: $${plain}
  shell: $HOME and $$ and ${plain}x
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas:=1}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:${tag:=latest}"}]}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  raw: ${plain}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched-by-label
  labels:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  raw: ${plain}
"""


def _objs(result) -> dict[str, dict[str, Any]]:
    return {f"{o['kind']}/{o['metadata']['name']}": o for o in yaml.safe_load_all(result.path.read_text())}


def _render(root, layout: Layout, post: PostBuild, reader=None, **kw):
    return render(make_ks(path="./app", post_build=post, **kw), artifact_dir=root, artifact_digest="sha256:x",
                  layout=layout, substitute_from=reader)


@pytest.fixture
def root(artifact: TreeWriter):
    return artifact({"app/all.yaml": TEMPLATE})


def test_all_three_forms_defaults_and_escapes(root, layout: Layout) -> None:
    post = PostBuild(substitute=(("env", "prod"), ("plain", "hello"), ("empty", ""), ("replicas", "3"), ("tag", "1.27")))
    objs = _objs(_render(root, layout, post))
    cm = objs["ConfigMap/app-prod"]
    assert cm["metadata"]["namespace"] == "default-ns"
    assert cm["data"] == {
        "plain": "hello",
        "dash_default": "dash",
        "eq_default": "eq",
        "empty_then_default": "was-empty",
        "empty_kept": "[]",
        "missing": "[]",
        "escaped": "${plain}",
        "shell": "$HOME and $ and hellox",
    }
    deploy = objs["Deployment/web"]
    assert deploy["spec"]["replicas"] == 3, "substitution happens on YAML text, so numbers stay numbers"
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_opt_out_by_annotation_or_label(root, layout: Layout) -> None:
    objs = _objs(_render(root, layout, PostBuild(substitute=(("plain", "hello"), ("env", "x")))))
    assert objs["ConfigMap/untouched"]["data"]["raw"] == "${plain}"
    assert objs["ConfigMap/untouched-by-label"]["data"]["raw"] == "${plain}"


def test_no_variables_means_no_substitution(root, layout: Layout) -> None:
    objs = _objs(_render(root, layout, PostBuild()))
    assert "ConfigMap/app-${env}" in objs


def test_substitute_from_in_order_and_inline_substitute_wins(root, layout: Layout) -> None:
    sources = {
        ("ConfigMap", "vars"): {"env": "staging", "plain": "from-configmap", "tag": "1.0"},
        ("Secret", "secret-vars"): {"tag": "2.0", "replicas": "4"},
    }
    refs = (SubstituteFrom(kind="ConfigMap", name="vars"), SubstituteFrom(kind="Secret", name="secret-vars"))
    post = PostBuild(substitute=(("plain", "inline"),), substitute_from=refs)
    objs = _objs(_render(root, layout, post, reader=lambda ref: sources.get((ref.kind, ref.name))))
    cm = objs["ConfigMap/app-staging"]
    assert cm["data"]["plain"] == "inline"
    deploy = objs["Deployment/web"]
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2.0"
    assert deploy["spec"]["replicas"] == 4


def test_optional_missing_source_is_skipped(root, layout: Layout) -> None:
    refs = (SubstituteFrom(kind="ConfigMap", name="absent", optional=True),)
    post = PostBuild(substitute=(("env", "dev"),), substitute_from=refs)
    objs = _objs(_render(root, layout, post, reader=lambda ref: None))
    assert "ConfigMap/app-dev" in objs


def test_required_missing_source_is_an_error_naming_it(root, layout: Layout) -> None:
    refs = (SubstituteFrom(kind="Secret", name="absent"),)
    with pytest.raises(RenderError, match=r"substituteFrom Secret/flux-system/absent not found") as info:
        _render(root, layout, PostBuild(substitute_from=refs), reader=lambda ref: None)
    assert info.value.retryable, "the source may appear later"


def test_secret_values_never_reach_errors(root, layout: Layout) -> None:
    secret = "s3cr3t: [unbalanced"
    refs = (SubstituteFrom(kind="Secret", name="creds"),)
    with pytest.raises(RenderFileError) as info:
        _render(root, layout, PostBuild(substitute_from=refs), reader=lambda ref: {"plain": secret, "env": "x"})
    assert "after substitution" in str(info.value)
    for text in (str(info.value), repr(info.value), repr(info.value.__cause__), repr(info.value.__context__)):
        assert "s3cr3t" not in text

    def broken(ref: SubstituteFrom) -> dict[str, str]:
        raise ConnectionError(f"cannot reach the API while reading {secret}")

    with pytest.raises(RenderFileError) as info:
        _render(root, layout, PostBuild(substitute_from=refs), reader=broken)
    assert info.value.retryable and "s3cr3t" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_invalid_variable_name_is_refused(root, layout: Layout) -> None:
    with pytest.raises(RenderError, match=r"variable name 'bad-name' is invalid"):
        _render(root, layout, PostBuild(substitute=(("bad-name", "x"),)))


def test_changed_variable_value_renders_again(root, layout: Layout) -> None:
    values = {"env": "one"}
    refs = (SubstituteFrom(kind="ConfigMap", name="vars"),)
    post = PostBuild(substitute_from=refs)
    first = _render(root, layout, post, reader=lambda ref: dict(values))
    again = _render(root, layout, post, reader=lambda ref: dict(values))
    values["env"] = "two"
    changed = _render(root, layout, post, reader=lambda ref: dict(values))
    assert again.cached and not changed.cached
    assert "ConfigMap/app-two" in _objs(changed) and first.digest != changed.digest


def test_common_metadata_is_added_after_substitution(root, layout: Layout) -> None:
    meta = CommonMetadata(labels=(("literal", "${env}"),))
    objs = _objs(_render(root, layout, PostBuild(substitute=(("env", "prod"),)), common_metadata=meta))
    assert objs["ConfigMap/app-prod"]["metadata"]["labels"] == {"literal": "${env}"}


def test_duplicates_created_by_substitution_are_refused(artifact: TreeWriter, layout: Layout) -> None:
    root = artifact({"app/two.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a${x}\n---\n"
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a${y}\n"})
    with pytest.raises(RenderError, match="duplicate object ConfigMap/a"):
        _render(root, layout, PostBuild(substitute=(("z", "1"),)))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${file}", "app.config.yaml"),
        ("${#file}", "15"),
        ("${name^}", "Shop"),
        ("${name^^}", "SHOP"),
        ("${loud,}", "sHOP"),
        ("${loud,,}", "shop"),
        ("${file:4}", "config.yaml"),
        ("${file:4:6}", "config"),
        ("${file: -4}", "yaml"),
        ("${file#*.}", "config.yaml"),
        ("${file##*.}", "yaml"),
        ("${file%.*}", "app.config"),
        ("${file%%.*}", "app"),
        ("${file/a/A}", "App.config.yaml"),
        ("${file//a/A}", "App.config.yAml"),
        ("${file/#app/web}", "web.config.yaml"),
        ("${file/%yaml/json}", "app.config.json"),
        ("${unset:-${name}-x}", "shop-x"),
        ("${empty-kept}", ""),
        ("$${name} $$ $name", "${name} $ $name"),
    ],
)
def test_flux_envsubst_functions(expression: str, expected: str) -> None:
    variables = {"file": "app.config.yaml", "name": "shop", "loud": "SHOP", "empty": ""}
    assert substitute(expression, variables) == expected


@pytest.mark.parametrize("expression", ["${}", "${name", "${name!}", "${-x}"])
def test_malformed_expressions_are_errors(expression: str) -> None:
    with pytest.raises(ValueError, match=r"substitution|brace"):
        substitute(f"value: {expression}", {"name": "shop"})
