"""The dependsOn graph of the apps in one apps directory, checked when definitions load.

Nodes are Kustomizations and HelmReleases, keyed by kind too: a Kustomization's ``dependsOn`` names
Kustomizations and a HelmRelease's names HelmReleases (Flux's schema has no kind field there), but
both live in one graph so the checks and ``order`` are written once.

A dependency that is not defined, or a cycle, can never become Ready, so both are definition errors on
the app that declares them (every app of a cycle gets one, naming the whole cycle), as Flux reports
them on the object. ``order`` gives a deploy order for tools and tests (dependencies first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from airflux.specs.helm_types import HelmRelease
from airflux.specs.types import CrossRef, Kustomization

App = Kustomization | HelmRelease
Key = tuple[str, str, str]  # (kind, namespace, name)


@dataclass(frozen=True)
class DependencyProblem:
    app: App
    field: str
    message: str


def _key(app: App) -> Key:
    return (app.kind, app.meta.namespace, app.meta.name)


def _dep_key(dep: CrossRef) -> Key:
    return (dep.kind or "Kustomization", dep.namespace, dep.name)


def _ident(key: Key) -> str:
    return "/".join(key)


def dependency_problems(apps: Iterable[App], *, broken: Iterable[Key] = ()) -> list[DependencyProblem]:
    """Missing dependencies and cycles. ``broken`` are (kind, namespace, name) of apps whose own definition
    failed to load."""
    by_key = {_key(app): app for app in apps}
    broken_keys = set(broken)
    problems: list[DependencyProblem] = []
    for key, app in by_key.items():
        for index, dep in enumerate(app.depends_on):
            dep_key = _dep_key(dep)
            if dep_key == key:
                problems.append(DependencyProblem(app, f"spec.dependsOn[{index}].name",
                                                  f"{_ident(key)} depends on itself"))
            elif dep_key not in by_key:
                why = ("has definition errors (see its own error)" if dep_key in broken_keys
                       else "is not defined in the apps directory")
                problems.append(DependencyProblem(app, f"spec.dependsOn[{index}].name", f"{_ident(dep_key)} {why}"))
    for cycle in _cycles(by_key):
        path = " -> ".join(_ident(key) for key in [*cycle, cycle[0]])
        for key in cycle:
            app = by_key[key]
            nxt = cycle[(cycle.index(key) + 1) % len(cycle)]
            index = next(i for i, dep in enumerate(app.depends_on) if _dep_key(dep) == nxt)
            problems.append(DependencyProblem(app, f"spec.dependsOn[{index}].name", f"dependency cycle: {path}"))
    return problems


def _cycles(by_key: dict[Key, App]) -> list[list[Key]]:
    """Each cycle of two or more apps once (self-dependencies are reported on their own)."""
    edges = {key: [_dep_key(d) for d in app.depends_on if _dep_key(d) in by_key and _dep_key(d) != key]
             for key, app in by_key.items()}
    state: dict[Key, int] = {}  # 1: on the current path, 2: done
    stack: list[Key] = []
    found: list[list[Key]] = []
    seen: set[frozenset[Key]] = set()

    def visit(key: Key) -> None:
        state[key] = 1
        stack.append(key)
        for nxt in edges[key]:
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                if frozenset(cycle) not in seen:
                    seen.add(frozenset(cycle))
                    found.append(list(cycle))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[key] = 2

    for key in sorted(edges):
        if key not in state:
            visit(key)
    return found


def order(apps: Iterable[App]) -> list[App]:
    """Apps with every dependency before its dependents (stable by namespace/name); needs an acyclic graph."""
    by_key = {_key(app): app for app in apps}
    done: dict[Key, App] = {}

    def place(key: Key, path: tuple[Key, ...]) -> None:
        if key in done or key not in by_key:
            return
        if key in path:
            raise ValueError(f"dependency cycle through {_ident(key)}")
        for dep in by_key[key].depends_on:
            place(_dep_key(dep), (*path, key))
        done[key] = by_key[key]

    for key in sorted(by_key):
        place(key, ())
    return list(done.values())
