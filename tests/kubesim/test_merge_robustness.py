"""Malformed objects, configurations, patches and managedFields never crash the merge functions.

The server turns PatchError and ApplyConflict into Status answers; anything else would be a 500 and
a broken promise that bad input cannot hurt kubesim.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
from typing import Any

from ssa_helpers import DEPLOY, deployment

from kubesim import ssa
from kubesim.smp import PatchError, json_merge_patch, strategic_merge_patch

ODD: list[Any] = [
    None,
    0,
    1.5,
    True,
    "x",
    "",
    [],
    {},
    [1, "a"],
    [{"name": "a"}],
    [{"x": 1}],
    [[1]],
    [{"name": "a"}, 1],
    {"a": None},
    {"$patch": "delete"},
    {"$patch": "merge"},
    {"$patch": 3},
    [{"$patch": "replace"}],
    {"$retainKeys": 3},
    {"$setElementOrder/containers": [{"name": "nginx"}], "containers": [{"name": "z"}]},
    {"$deleteFromPrimitiveList/args": ["a"]},
    {"$setElementOrder/x": 5},
    {"$deleteFromPrimitiveList/y": "s"},
]


def _mutate(rnd: random.Random, node: Any, depth: int = 0) -> None:
    if depth > 6 or not isinstance(node, (dict, list)) or not node:
        return
    key = rnd.choice(list(node)) if isinstance(node, dict) else rnd.randrange(len(node))
    if rnd.random() < 0.5:
        node[key] = copy.deepcopy(rnd.choice(ODD))
    else:
        _mutate(rnd, node[key], depth + 1)


def test_random_malformed_input_only_raises_typed_errors() -> None:
    rnd = random.Random(7)
    base = ssa.apply(
        None, deployment(), manager="a", force=False, schema=DEPLOY, api_version="apps/v1", now="t"
    )
    for _ in range(300):
        cfg = deployment()
        _mutate(rnd, cfg)
        _mutate(rnd, cfg)
        live = copy.deepcopy(base)
        _mutate(rnd, live)
        if rnd.random() < 0.3:
            _mutate(
                rnd, live["metadata"].get("managedFields") if isinstance(live.get("metadata"), dict) else None
            )
        _run_all(rnd, live, cfg)


def _run_all(rnd: random.Random, live: dict[str, Any], cfg: dict[str, Any]) -> None:
    calls = (
        lambda: ssa.apply(
            live, cfg, manager="b", force=rnd.random() < 0.5, schema=DEPLOY, api_version="apps/v1", now="t"
        ),
        lambda: ssa.track_update(live, cfg, manager="c", schema=DEPLOY, api_version="apps/v1", now="t"),
        lambda: strategic_merge_patch(live, cfg, DEPLOY),
        lambda: json_merge_patch(live, cfg),
    )
    for call in calls:
        with contextlib.suppress(ssa.ApplyConflict, PatchError):
            json.dumps(call())
