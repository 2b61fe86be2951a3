"""Rendered documents are read exactly as Helm's own YAML reader reads them, whichever reader answers.

Every document below is read twice: by ``read_documents`` (yaml-rs behind a screen, Helm's reader
for what the screen flags) and by Helm's reader alone. The results must be the same objects with the
same types, keys included (``1`` is not ``1.0``, ``True`` is not ``"true"``), or both must fail.
"""

from __future__ import annotations

import random
from typing import Any

import helm_python as helm
import pytest

from airflux.helm.yaml_read import helm_read, read_documents

# Scalars whose meaning differs somewhere between YAML 1.1, YAML 1.2 and a JSON round trip, next to
# ones that must not differ.
TOKENS = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    "true", "True", "TRUE", "tRUE", "false", "FALSE", "null", "Null", "NULL", "~", "=",
    "0", "00", "07", "0777", "0o17", "0x1F", "0b101", "1_000", "1e3", "1E3", "1e+3", "1.0", "1.5", ".5", "5.",
    "-1", "+5", "-0", "-0.0", "1:20", "190:20:30", ".inf", "-.inf", ".nan", ".NaN", "1e400",
    "12345678901234567890", "9007199254740993", "123456789012345", "1234567890123456",
    "2001-12-14", "2001-12-14T21:59:43.10-05:00", "3b1f0c9e", "0b1f", "0x", "0XAB", "1f", "9e", "1e", "e1", "0e0",
    "0xag", "1_", "_1", "1__2", "+0x1", "-0b1", "0o", "1ee3", "1e3e", "12h", "1.2.3", "1:2:3", "100m", "128Mi", "1.27", "v1.2.3", "nginx:1.27",
    "10.0.0.1", "8080:80", "--flag", "-x", "a b", "hello # comment", "http://x:80/a", "a'b", "it's",
    "'single ''quoted'''", '"double"', '"esc \\n \\t \\u00e9 \\x41"', '"\\/"', '"\\e"', "!!str 5", '!!int "5"',
    "!!float 1", "!!binary aGk=", "&anchor 1", "*alias", "<<", "@at", "`tick", "%pct", "é", "日本",
    "a\tb", "[]", "{}", "[1, 2]", "{a: 1}", "''", '""', "", "key: value", "a:b", "?", "? x", "| x",
]

CONTEXTS = [
    "k: {t}\n",
    "{t}: v\n",
    "list:\n- {t}\n",
    "flow: [{t}, x]\n",
    "map: {{{t}: v}}\n",
    "map: {{a: {t}}}\n",
    "nested:\n  deeper:\n    - name: x\n      value: {t}\n",
]

DOCUMENTS = [
    "a: 1\na: 2\n",  # duplicate keys: Helm keeps the last
    "a: &x {b: 1}\nc: *x\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "text: |\n  line one\n    indented\n  line three\n",
    "text: >-\n  folded\n  lines\n\n  para\n",
    "text: |2+\n    kept\n\n",
    "plain: multi\n  line\n  plain 10\n",
    "data:\n  script: |\n    #!/bin/sh\n    echo \"on\" yes\n",
    "tab:\tvalue\n",
    "bom: \ufeffx\n",
    "nel: a\x85b\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n...\n",
    "- a\n- b\n",  # not a mapping
    "just a string\n",
    "",
    "# only a comment\n",
    "a: [unclosed\n",
    "a:\n  - b\n c: d\n",
    "a: b: c\n",
    "spec:\n  ports:\n  - port: 80\n    targetPort: http\n  replicas: 3\n",
]


def _typed(obj: Any) -> Any:
    """The object with every key and scalar tagged by its type, so 1 == 1.0 and True == 1 tell apart."""
    if isinstance(obj, dict):
        return ("dict", sorted(((type(k).__name__, repr(k)), _typed(v)) for k, v in obj.items()))
    if isinstance(obj, list):
        return ("list", [_typed(v) for v in obj])
    return (type(obj).__name__, repr(obj))


def _reference(text: str) -> Any:
    try:
        return _typed(helm_read([text])[0])
    except helm.HelmError:
        return "rejected"


def _ours(text: str) -> Any:
    try:
        return _typed(read_documents([text])[0])
    except helm.HelmError:
        return "rejected"


CORPUS = [context.format(t=token) for token in TOKENS for context in CONTEXTS] + DOCUMENTS


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_token_reads_as_helm_reads_it(context: str) -> None:
    wrong = []
    for token in TOKENS:
        text = context.format(t=token)
        if _ours(text) != _reference(text):
            wrong.append(f"{text!r}: ours {_ours(text)} helm {_reference(text)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_whole_documents_read_as_helm_reads_them(text: str) -> None:
    assert _ours(text) == _reference(text)


def test_a_batch_of_mixed_documents_keeps_each_in_its_place() -> None:
    """Fast and flagged documents interleaved: each result lands at its own index."""
    texts = [t for t in CORPUS if _reference(t) != "rejected"]
    assert len(texts) > 500
    ours = [_typed(o) for o in read_documents(texts)]
    assert ours == [_reference(t) for t in texts]


def test_one_rejected_document_fails_the_batch() -> None:
    with pytest.raises(helm.HelmError):
        read_documents(["a: 1\n", "a: [unclosed\n", "b: 2\n"])


def test_a_typical_manifest_takes_the_fast_reader() -> None:
    """The screen must not flag ordinary manifests, or the speed-up is gone (bench/helm_bench.py)."""
    from airflux.helm.yaml_read import _screen

    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n"
        "    app.kubernetes.io/version: \"1.0\"\n    helm.sh/chart: web-1.2.3\nspec:\n  replicas: 2\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    spec:\n      containers:\n"
        "        - name: web\n          image: nginx:1.27\n          args: [\"--port=8080\", \"-v\"]\n"
        "          ports:\n            - containerPort: 8080\n          resources:\n"
        "            limits: {cpu: 500m, memory: 128Mi}\n          env:\n            - name: MODE\n"
        "              value: \"on\"\n")
    assert _screen([deployment + "\n"]) == set()


SAFE_TOKENS = ["web", "nginx:1.27", "3b1f0c9e52ad", "8d5e957f297893487bd98fa830fa6413", '"x y"', "'a'", "8080", "100m", "hello world", "a-b", "x.y/z", "", "true",
               "null", "0", "-3", "[]", "{}", "[a, b]", "{a: b}", '"on"', "http://x/y", "a # c", "#c"]
KEYS = ["a", "b", "name", "value", "y", "1", "on", "key with space", '"q"', "k.io/x"]
NOISE = "abcfyYnNoO01789.-+_:eExXbB#'\"!&*?|>[]{},@%`~= \n"


def _random_document(rnd: random.Random, tokens: list[str]) -> str:
    """A few lines of manifest-shaped YAML (mappings, sequences, block scalars, stray indentation) whose
    scalars come from ``tokens`` or are random runs of YAML's indicator characters."""
    def token() -> str:
        if rnd.random() < 0.6:
            return rnd.choice(tokens)
        return "".join(rnd.choice(NOISE) for _ in range(rnd.randint(1, 5))).replace("\n", " ")

    lines = []
    for _ in range(rnd.randint(1, 8)):
        indent = " " * rnd.choice([0, 0, 2, 2, 4, 6, 1, 3])
        lines.append(rnd.choice([
            f"{indent}{rnd.choice(KEYS)}: {token()}",
            f"{indent}- {token()}",
            f"{indent}{rnd.choice(KEYS)}: {rnd.choice(['|', '>', '|-', '>-', '|+', '>+'])}",
            f"{indent}{token()} {token()}",
            f"{indent}{rnd.choice(KEYS)}:",
            f"{indent}- {rnd.choice(KEYS)}: {token()}",
            "",
        ]))
    return "\n".join(lines) + rnd.choice(["\n", "", "\n\n", "  \n"])


@pytest.mark.parametrize("tokens", [TOKENS, SAFE_TOKENS], ids=["tricky", "ordinary"])
def test_random_documents_read_as_helm_reads_them(tokens: list[str]) -> None:
    """A seeded fuzz (80,000 such documents agreed when the screen was written; 3,000 run here)."""
    rnd = random.Random(20261126)
    wrong = []
    texts = [_random_document(rnd, tokens) for _ in range(3000)]
    for text in texts:
        if _ours(text) != _reference(text):
            wrong.append(f"{text!r}: ours {_ours(text)} helm {_reference(text)}")
    assert not wrong, "\n".join(wrong[:10])
    readable = [text for text in texts if _reference(text) != "rejected"]
    assert [_typed(o) for o in read_documents(readable)] == [_reference(text) for text in readable]
