"""Values composed in Flux's order from valuesFrom (read through a reader) and spec.values."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflux.helm.values import compose_values
from airflux.model import RenderError
from airflux.specs.helm_types import ChartRef, HelmRelease, ValuesReference
from airflux.specs.types import CrossRef, Meta, Origin

DATA = {
    ("ConfigMap", "base"): {"values.yaml": "image: {repository: shop, tag: '1.0'}\nreplicas: 1\nlist: [a]\n"},
    ("Secret", "prod"): {"values.yaml": "replicas: 3\nimage: {tag: '2.0'}\n", "password": "hunter2",
                         "quoted": '"0755"', "csv": "a,b"},
}


def _release(refs: list[ValuesReference], values: dict[str, object] | None = None) -> HelmRelease:
    return HelmRelease(meta=Meta(name="web", namespace="team"), origin=Origin(Path("x"), 0),
                       chart=ChartRef(chart="web", source_ref=CrossRef(kind="HelmRepository", name="r",
                                                                       namespace="team")),
                       release_name="web", target_namespace="team", values=values or {}, values_from=tuple(refs))


def _read(ref: ValuesReference) -> dict[str, str] | None:
    return DATA.get((ref.kind, ref.name))


def test_later_sources_win_maps_merge_and_spec_values_come_last() -> None:
    release = _release([ValuesReference("ConfigMap", "base"), ValuesReference("Secret", "prod")],
                       values={"replicas": 5, "list": ["b"]})
    assert compose_values(release, read=_read) == {"image": {"repository": "shop", "tag": "2.0"}, "replicas": 5,
                                                   "list": ["b"]}


def test_target_path_puts_the_key_at_a_path_typed_like_set() -> None:
    release = _release([
        ValuesReference("Secret", "prod", values_key="password", target_path="auth.password"),
        ValuesReference("Secret", "prod", values_key="quoted", target_path="mode"),
        ValuesReference("Secret", "prod", values_key="csv", target_path="hosts"),
        ValuesReference("ConfigMap", "base", values_key="values.yaml", target_path="raw\\.yaml"),
    ])
    values = compose_values(release, read=_read)
    assert values["auth"] == {"password": "hunter2"}
    assert values["mode"] == "0755" and values["hosts"] == "a,b"
    assert values["raw.yaml"].startswith("image:")


def test_missing_sources_and_keys_fail_unless_optional_and_never_show_values() -> None:
    optional = _release([ValuesReference("Secret", "gone", optional=True),
                         ValuesReference("Secret", "prod", values_key="nope", optional=True)])
    assert compose_values(optional, read=_read) == {}
    with pytest.raises(RenderError, match=r"valuesFrom Secret/team/prod has no key 'nope'") as caught:
        compose_values(_release([ValuesReference("Secret", "prod", values_key="nope")]), read=_read)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(RenderError, match=r"valuesFrom ConfigMap/team/gone does not exist"):
        compose_values(_release([ValuesReference("ConfigMap", "gone")]), read=_read)
