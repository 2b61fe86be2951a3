"""Read rendered Helm documents into objects exactly as Helm's own YAML reader would, faster.

Helm (and kubectl) read manifests with sigs.k8s.io/yaml: YAML 1.1 scalars (``yes``/``on`` are
booleans, ``0777`` is octal), then a JSON round trip (``1.0`` and ``1e3`` become integers, integers
pass through a float64, keys become strings). That reader, called through the engine's
``values_from_yaml``, is the reference, but it is slow: about 40 µs per object. yaml-rs (a YAML 1.2
reader in Rust) is about four times faster and agrees with it on everything a YAML 1.1/1.2 and JSON
round trip cannot change: strings, quoted scalars, decimal integers up to 15 digits, true/false/null,
block scalars, flow collections. So each document is screened first: any token that could read
differently (a number that is not a plain decimal, a YAML 1.1 boolean word, a non-string key, a
backslash escape, a tag, an anchor, a merge key, a tab, a YAML 1.1 line break) sends that document to
Helm's reader instead. The screen is conservative: a false alarm only costs speed.
``tests/airflux/helm/test_yaml_read.py`` checks both readers agree on a corpus of such tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate
from typing import Any

import helm_python as helm
import yaml_rs

# Each pattern starts with a character class, so the regex engine skips ahead to where it can match:
# the screen costs about 6 ms for 1,000 objects (315 kB). The text screened starts with a newline.
_END = r"(?=[\s,\]}])"
_TOKEN = re.compile(
    # where a plain scalar (or a key) can start: after whitespace or a flow indicator
    r"[\s\[{,](?=[-+._0-9yYnNoOtTfF~=!&*?:|>])(?:"
    # a digit- or dot-led token made only of characters a decimal, float, sexagesimal or date can hold,
    # unless a plain decimal integer that a float64 keeps exactly (keys like "1:" are caught: ':' is in
    # the class); or a hex, octal or binary prefix. A hex digest like 3b1f... is a string to both.
    r"(?![-+]?(?:0|[1-9][0-9]{0,14})" + _END + r")[-+]?[._0-9][0-9_.:eE+\-]*" + _END
    + r"|[-+]?0[xXoObB]"
    + r"|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)"
    # YAML 1.1 booleans (and the value key '='), as a value or a key
    r"|(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|=)(?=[\s,\]}:])"
    # true/false/null as a key (YAML gives a non-string key; the JSON round trip a string)
    r"|(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|~)[ ]*:(?=\s)"
    r"|[!&*?]"  # tags, anchors, aliases, complex keys
    r"|:(?=\s)"  # nothing as a key
    r"|[|>][-+]?[0-9]"  # a block scalar's explicit indentation
    r")")
_FLOW_LINE = re.compile(r"[\[{\]}][^\n]*")  # from a flow indicator to the end of its line
_FLOW = re.compile(
    r"[\[{](?:[^\n]*[,:])?[ ]*[|>]"  # block scalar indicators inside a flow collection
    r"|[\[{][^\n]*(?:[`~@%!&*?|>#]|:(?=\S)|[\[{,][ ]*:)"  # indicators, or ':' not before a space, in one
    r"|\{(?:[^\n]*,)?[ ]*[^\s:,}\]]+[ ]*[,}]"  # a flow-mapping entry with no value: a key that may not be a string
    r"|[\]}][ ]*:(?=\s|$)")  # a collection as a key
_ODD_LINES = re.compile(r"<<|\n%|\n\.\.\.")  # merge keys, directives, document end markers
_EMPTY_BLOCK = re.compile(r"[|>][-+0-9]*(?:[ ]+#[^\n]*)?\n\Z")  # a block scalar header as a document's last line
_SEPARATOR = "\x00\n"  # between documents when they are screened at once: no document screened holds it


def _screen(texts: list[str]) -> set[int]:
    """The documents (by index; each rstripped with one final newline) that could read differently in
    YAML 1.2 and in Helm's reader. They are screened as one text, one pass per pattern."""
    # a tab, a control character, a YAML 1.1 line break (NEL, LS, PS) or a BOM is not printable,
    # and a backslash escape is not safe either
    joined = "\n" + _SEPARATOR.join(texts) + "\x00"
    risky: set[int] = set()
    if "\\" in joined or not joined.replace("\n", "").replace("\x00", "").isprintable():
        risky = {i for i, t in enumerate(texts) if "\\" in t or not t.replace("\n", "").isprintable()}
    starts = list(accumulate((len(t) + len(_SEPARATOR) for t in texts[:-1]), initial=1))

    def owner(at: int) -> int:  # a match starts at most one character (the newline before it) ahead of its document
        return bisect_right(starts, at + 1) - 1

    risky |= {owner(m.start()) for m in _TOKEN.finditer(joined)}
    if "<<" in joined or "\n%" in joined or "\n..." in joined:
        risky |= {owner(m.start()) for m in _ODD_LINES.finditer(joined)}
    # flow collections are rare: their lines are found first, then looked at closely
    if any(c in joined for c in "[]{}"):
        risky |= {owner(m.start()) for m in _FLOW_LINE.finditer(joined) if _FLOW.search(m.group())}
    risky |= {i for i, t in enumerate(texts) if _EMPTY_BLOCK.search(t, t.rfind("\n", 0, len(t) - 1) + 1)}
    return risky


PARALLEL_FROM = 64  # documents for Helm's reader; below that a second thread costs more than it saves
CHUNK = 128
SHARE_FROM = 200  # documents; from there Helm's reader takes the first HELM_SHARE of them on a second core
HELM_SHARE = 0.3  # it reads about 40 µs a document, the screen and yaml-rs about 16 µs: both end together


def read_documents(texts: list[str]) -> list[Any]:
    """Each document's object (None for an empty one), as Helm's reader gives it.

    Raises ``helm.HelmError`` when Helm's reader rejects a document it was given.
    """
    texts = [text.rstrip() + "\n" for text in texts]  # as Helm's reader, which trims every document
    lead = int(len(texts) * HELM_SHARE) if len(texts) >= SHARE_FROM else 0
    out: list[Any] = [None] * len(texts)
    slow: list[int] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(_helm_chunk, texts[:lead]) if lead else None  # the call releases the GIL
        risky = _screen(texts[lead:]) if len(texts) > lead else set()
        for i in range(lead, len(texts)):
            if i - lead in risky:
                slow.append(i)
                continue
            try:
                out[i] = yaml_rs.loads(texts[i], parse_datetime=False,
                                       duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
            except yaml_rs.YAMLDecodeError:  # duplicate keys (Helm keeps the last), or broken YAML: Helm decides
                slow.append(i)
        if ahead is not None:
            out[:lead] = ahead.result()
    for i, obj in zip(slow, helm_read([texts[i] for i in slow]), strict=True):
        out[i] = obj
    return out


def helm_read(texts: list[str]) -> list[Any]:
    """The reference: Helm's own reader, one call per chunk of documents, two chunks at a time
    (the library call releases the GIL)."""
    if not texts:
        return []
    if len(texts) < PARALLEL_FROM:
        return _helm_chunk(texts)
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [item for chunk in pool.map(_helm_chunk, chunks) for item in chunk]


def _helm_chunk(texts: list[str]) -> list[Any]:
    wrapped = "items:\n" + "".join("- " + text.replace("\n", "\n  ").rstrip() + "\n" for text in texts)
    items = helm.values_from_yaml(wrapped).get("items") or []
    if not isinstance(items, list) or len(items) != len(texts):
        raise helm.HelmError(f"Helm's reader returned {len(items) if isinstance(items, list) else 'no'} "
                             f"documents for {len(texts)}")
    return items

