"""Values read from Secrets into a render are hidden in errors, logs and diffs (``airflux.redact``)."""

from __future__ import annotations

import logging

import pytest

from airflux.diff.render import unified_diff
from airflux.model import RenderError
from airflux.redact import Redactor, redacting, scrub_error, substitution_secrets, values_secrets
from airflux.specs.helm_types import ValuesReference
from airflux.specs.types import SubstituteFrom

SECRETS = {
    ("Secret", "db"): {"DB_PASSWORD": "pa55-word-1", "PORT": "5432", "CERT": "-----BEGIN-----\nAAAABBBB\nCCCCDDDD\n"},
    ("ConfigMap", "plain"): {"REGION": "eu-west-1"},
    ("Secret", "values"): {"values.yaml": "auth: {password: hunter2-x, user: bob}\nreplicas: 3\nflag: true\n",
                           "token": "tok-123456"},
}


def _read(ref: SubstituteFrom | ValuesReference) -> dict[str, str] | None:
    return SECRETS.get((ref.kind, ref.name))


def test_secret_values_of_substitute_from_are_hidden_and_configmaps_and_short_values_are_not() -> None:
    redactor = substitution_secrets([SubstituteFrom("Secret", "db"), SubstituteFrom("ConfigMap", "plain"),
                                     SubstituteFrom("Secret", "gone", optional=True)], read=_read)
    text = "password pa55-word-1 at port 5432 in eu-west-1, cert line AAAABBBB"
    assert redactor.scrub(text) == "password *** at port 5432 in eu-west-1, cert line ***"


def test_values_from_secrets_hide_every_string_of_the_document_or_the_target_path_value() -> None:
    redactor = values_secrets([ValuesReference("Secret", "values"),
                               ValuesReference("Secret", "values", values_key="token", target_path="api.token")],
                              read=_read)
    assert redactor.scrub("user bob, password hunter2-x, token tok-123456, replicas 3") == \
        "user bob, password ***, token ***, replicas 3"  # "bob" is shorter than five characters: kept


def test_a_value_containing_another_is_hidden_whole() -> None:
    assert Redactor.of(["abcde", "abcdefgh"]).scrub("x abcdefgh y abcde") == "x *** y ***"


def test_errors_leave_scrubbed() -> None:
    redactor = Redactor.of(["pa55-word-1"])
    with pytest.raises(RenderError) as caught:
        try:
            raise RenderError('Invalid value: "pa55-word-1"', obj="ConfigMap/shop/db")
        except RenderError as exc:
            scrub_error(exc, redactor)
            raise
    assert "pa55-word-1" not in str(caught.value) and 'Invalid value: "***"' in str(caught.value)


def test_the_redacting_logger_scrubs_formatted_messages(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("airflux.test.redact")
    with caplog.at_level(logging.INFO, logger=logger.name):
        redacting(logger, Redactor.of(["pa55-word-1"])).info("%s: %s", "db", "pa55-word-1")
        redacting(logger, Redactor()).info("%s", "kept as is")
    assert [r.getMessage() for r in caplog.records] == ["db: ***", "kept as is"]
    assert redacting(logger, Redactor()) is logger


def test_a_rotated_value_shows_as_changed_never_as_itself() -> None:
    """The live object holds the old value, which the Secret no longer has: the field is masked on both
    sides because the merged side holds a hidden value."""
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "db"},
            "data": {"password": "old-pa55-word", "user": "shop", "dsn": "postgres://shop:pa55-word-1@db"}}
    merged = {**live, "data": {"password": "pa55-word-1", "user": "shop2", "dsn": "postgres://shop:pa55-word-1@db"}}
    text = unified_diff(live, merged, label="ConfigMap/shop/db", redactor=Redactor.of(["pa55-word-1"]))
    assert "old-pa55-word" not in text and "pa55-word-1" not in text
    assert "-  password: '*** (before)'" in text and "+  password: '*** (after)'" in text
    assert "  dsn: '***'" in text and "-  user: shop" in text and "+  user: shop2" in text
    assert unified_diff(live, merged, label="x") != text  # without a redactor the values show


