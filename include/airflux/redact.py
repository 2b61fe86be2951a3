"""Values read from Secrets into a render, kept out of everything a run writes for people to read.

A Kustomization's ``postBuild.substituteFrom`` and a HelmRelease's ``valuesFrom`` can take values from
Secrets in the cluster. Those values end up in rendered objects, so they can come back in text Airflux
prints: a diff line of a ConfigMap, the API server quoting a rejected field value, a Helm template
error. Each stage that may print such text builds a ``Redactor`` from the same Secrets (read again: no
stage hands the values to another) and scrubs its errors with it; the Airflow adapter also registers
the values with Airflow's secrets masker, which covers the task logs.

As Airflow's masker (``[logging] min_length_masked_secret``), values shorter than five characters are
not masked: masking ``true`` or ``80`` everywhere would make every log unreadable. A multi-line value
is also masked line by line (a diff shows it one line at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from airflux.model import AirfluxError

MIN_LENGTH = 5
MASK = "***"

Reader = Callable[[Any], "Mapping[str, str] | None"]  # one ConfigMap/Secret reference → its decoded data


@dataclass(frozen=True)
class Redactor:
    """The secret strings of one app, longest first so a value containing another is masked whole."""

    values: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: Iterable[str]) -> Redactor:
        found: set[str] = set()
        for value in values:
            for part in (value, *value.splitlines()):
                part = part.strip()
                if len(part) >= MIN_LENGTH:
                    found.add(part)
        return cls(tuple(sorted(found, key=lambda v: (-len(v), v))))

    def __bool__(self) -> bool:
        return bool(self.values)

    def scrub(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def __or__(self, other: Redactor) -> Redactor:
        return Redactor.of(self.values + other.values)


class RedactingLogger:
    """A logger for the engine's stages (``info("%s", ...)`` and friends) that scrubs each message.

    Airflow's secrets masker covers a task's log where the task runs under Airflow's supervisor; the
    engine does not rely on it (``dag.test()``, the CLI and tests log without it).
    """

    def __init__(self, logger: Any, redactor: Redactor) -> None:
        self.logger = logger
        self.redactor = redactor

    def _emit(self, level: str, msg: object, *args: object) -> None:
        text = str(msg) % args if args else str(msg)
        getattr(self.logger, level)("%s", self.redactor.scrub(text))

    def debug(self, msg: object, *args: object) -> None:
        self._emit("debug", msg, *args)

    def info(self, msg: object, *args: object) -> None:
        self._emit("info", msg, *args)

    def warning(self, msg: object, *args: object) -> None:
        self._emit("warning", msg, *args)

    def error(self, msg: object, *args: object) -> None:
        self._emit("error", msg, *args)


def redacting(logger: Any, redactor: Redactor) -> Any:
    """``logger`` itself when there is nothing to hide, else a ``RedactingLogger`` over it."""
    return RedactingLogger(logger, redactor) if redactor else logger


def scrub_error(exc: AirfluxError, redactor: Redactor) -> None:
    """Scrub an engine error's message in place (it is what logs, XCom and Slack show)."""
    if redactor:
        exc.message = redactor.scrub(exc.message)
        exc.args = (exc.message,)


def substitution_secrets(refs: Iterable[Any], *, read: Reader) -> Redactor:
    """Every value of the Secrets a Kustomization's ``postBuild.substituteFrom`` names."""
    values: list[str] = []
    for ref in refs:
        if ref.kind == "Secret":
            values.extend((read(ref) or {}).values())
    return Redactor.of(values)


def values_secrets(refs: Iterable[Any], *, read: Reader) -> Redactor:
    """The values a HelmRelease's ``valuesFrom`` takes from Secrets: with ``targetPath`` the value itself,
    else every string (and number written as one) in the YAML document under ``valuesKey``."""
    values: list[str] = []
    for ref in refs:
        if ref.kind != "Secret":
            continue
        text = (read(ref) or {}).get(ref.values_key)
        if text is None:
            continue
        values.append(text)
        if ref.target_path:
            continue
        try:
            values.extend(_leaves(yaml.safe_load(text)))
        except yaml.YAMLError:
            continue  # the render stage reports it, without the text
    return Redactor.of(values)


def _leaves(node: Any) -> Iterator[str]:
    if isinstance(node, dict):  # keys name the values; they are not secret
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)
    elif node is not None and not isinstance(node, bool):
        yield str(node)
