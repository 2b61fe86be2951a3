"""One event → one Slack message, built with slack-sdk's Block Kit models.

Layout, top to bottom: a header with the app and the outcome; revision (linked to the commit when the
host is known), commit subject and author, changes, duration and health as fields; the first few
names per action; for failures the stage, object and the first lines of the error; the alert's
summary and metadata; a link to the Airflow run. ``text`` is always set: Slack shows it in
notifications and clients without Block Kit. Every string is passed through ``scrub`` so a secret
that found its way into an error message is masked before anything leaves the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from airflux.notify.events import CHANGED, Event, Outcome, counts_text
from airflux.specs.notification import Alert

NAMES_SHOWN = 5  # object names per action in a message
_ICONS = {
    Outcome.APPLIED: ":white_check_mark:", Outcome.DRIFT_CORRECTED: ":arrows_counterclockwise:",
    Outcome.PRUNED: ":wastebasket:", Outcome.RECOVERED: ":large_green_circle:",
    Outcome.ROLLED_BACK: ":rewind:", Outcome.HEALTH_FAILED: ":red_circle:", Outcome.STAGE_FAILED: ":x:",
}


@dataclass(frozen=True)
class Message:
    text: str  # plain-text fallback
    blocks: tuple[dict[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": [dict(b) for b in self.blocks]}


def escape(text: str) -> str:
    """Slack mrkdwn control characters (``&``, ``<``, ``>``) as entities, so text cannot forge links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """Every occurrence of every secret in every string of ``value`` replaced by ``***``."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "***")
        return value
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, secrets) for v in value]
    return value


def short_revision(revision: str) -> str:
    """``main@sha1:0123456789…`` → ``main@0123456``."""
    if not revision:
        return "unknown"
    ref, at, sha = revision.rpartition("@")
    if not at and not revision.startswith("sha1:"):
        return revision  # not a git revision (a Helm release revision, a chart version)
    short = sha.removeprefix("sha1:")[:7]
    return f"{ref}@{short}" if ref else short


def _duration(event: Event) -> str:
    if event.duration is None:
        return "unknown"
    seconds = event.duration.total_seconds()
    return f"{seconds:.1f}s" if seconds < 120 else f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def headline(event: Event) -> str:
    app = event.app
    what = event.outcome.value
    if event.failure and event.outcome is Outcome.STAGE_FAILED:
        what = f"failed at {event.failure.stage}"
    if event.reminder_of:
        what = f"still {what}"
    return f"{app.kind} {app.namespace}/{app.name} {what}"


def _revision_field(event: Event) -> str:
    text = f"`{escape(short_revision(event.revision))}`"
    if event.commit and event.commit.url:
        text = f"<{event.commit.url}|{escape(short_revision(event.revision))}>"
    return f"*Revision*\n{text}"


def _names(event: Event) -> str:
    lines = []
    for action in (*CHANGED, "skipped"):
        names = event.names.get(action, ())
        count = event.counts.get(action, 0)
        if not count or not names:
            continue
        shown = ", ".join(f"`{escape(n)}`" for n in names[:NAMES_SHOWN])
        more = f" and {count - min(len(names), NAMES_SHOWN)} more" if count > NAMES_SHOWN else ""
        lines.append(f"*{action}*: {shown}{more}")
    return "\n".join(lines)


def _failure(event: Event) -> str:
    failure = event.failure
    assert failure is not None
    head = f"*Failed at* `{escape(failure.stage)}`"
    if failure.obj:
        head += f"  *Object* `{escape(failure.obj)}`"
    if event.rollback_to:
        head += f"\n*Rolled back to* `{escape(short_revision(event.rollback_to))}`"
        if event.rollback_from:
            head += f" *from* `{escape(short_revision(event.rollback_from))}`"
    detail = "\n".join(failure.first_lines)[:2500]
    return f"{head}\n```{escape(detail)}```" if detail else head


def _notes(event: Event, alert: Alert | None) -> list[str]:
    notes = []
    if event.reminder_of:
        notes.append(f":repeat: Reminder: failing the same way since {event.reminder_of}"
                     + (f" ({event.repeats} more failed run(s) since the last message)" if event.repeats else ""))
    if event.failed_since:
        notes.append(f":tada: Recovered; the failure was first reported {event.failed_since}")
    if alert is not None and alert.summary:
        notes.append(escape(alert.summary))
    if alert is not None and alert.event_metadata:
        notes.append("  ".join(f"*{escape(k)}*: {escape(v)}" for k, v in alert.event_metadata))
    return notes


def render(event: Event, *, alert: Alert | None = None, secrets: tuple[str, ...] = ()) -> Message:
    """The Block Kit message for ``event`` as ``alert`` wants it, with ``secrets`` masked."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=headline(event)[:150], emoji=True))]
    fields = [_revision_field(event), f"*Duration*\n{_duration(event)}"]
    if event.release:
        fields.insert(1, f"*Release*\n{escape(event.release)}")
    if event.commit and (event.commit.subject or event.commit.author):
        subject = escape(event.commit.subject[:200]) or "(no subject)"
        by = f" — {escape(event.commit.author)}" if event.commit.author else ""
        fields.append(f"*Commit*\n{subject}{by}")
    if event.failure is None:
        fields.append(f"*Changes*\n{counts_text(event.counts)}")
    elif any(event.counts.get(a, 0) for a in CHANGED):
        fields.append(f"*Planned, not applied*\n{counts_text(event.counts)}")  # the diff of a run that failed
    if event.health:
        fields.append(f"*Health*\n{escape(event.health)}")
    blocks.append(SectionBlock(fields=[MarkdownTextObject(text=f[:2000]) for f in fields]))
    if event.failure is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_failure(event)[:3000])))
    names = _names(event)
    if names:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=names[:3000])))
    notes = _notes(event, alert)
    blocks.append(DividerBlock())
    links = [f"<{event.run_url}|View run {escape(event.run_id)} in Airflow>" if event.run_url
             else f"Run `{escape(event.run_id)}`", f"DAG `{escape(event.app.dag_id)}`"]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n[:3000]) for n in [*notes, " · ".join(links)]]))
    text = f"{_ICONS[event.outcome]} {event.message}"
    if event.reminder_of:
        text += f" (reminder; first reported {event.reminder_of})"
    if event.run_url:
        text += f" {event.run_url}"
    payload_blocks = tuple(scrub(b.to_dict(), secrets) for b in blocks)
    return Message(text=scrub(text, secrets), blocks=payload_blocks)
