"""Notes for the monthly digest: competitors and the market, and strategy proposals.

Anyone who may use `/kpi` may add a note; a note is never edited or deleted from Slack.
The writer takes the caller's connection and never commits. Notes are listed by the local
calendar month they were written in, in the database's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from kpi_engine.periods import add_months
from kpi_engine.reports import NoteKind, ReportNote
from storage.schema import Note

# Long enough for a paragraph; short enough that a digest of many notes stays readable.
MAX_NOTE_LENGTH = 1000
MAX_AUTHOR_LENGTH = 200


def check_note(text: str, author: str) -> str:
    """The note's text as stored (trimmed); ValueError when it is empty or too long."""
    text = text.strip()
    if not text:
        raise ValueError("a note needs text")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValueError(f"a note is at most {MAX_NOTE_LENGTH:,} characters, not {len(text):,}")
    if not author.strip() or len(author) > MAX_AUTHOR_LENGTH:
        raise ValueError("a note needs its author")
    return text


def add_note(
    connection: Connection, *, kind: NoteKind, text: str, author: str, at: datetime
) -> ReportNote:
    """Store a note written by `author` (a Slack user id) at the aware instant `at`."""
    stored = check_note(text, author)
    if at.tzinfo is None:
        raise ValueError("a note's time must be aware")
    at = at.astimezone(UTC)
    connection.execute(
        insert(Note).values(kind=kind.value, text=stored, author=author, created_at=at)
    )
    return ReportNote(kind, stored, author, at)


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants a local calendar month starts and ends at."""
    first = month.replace(day=1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=zone),
        datetime.combine(add_months(first, 1), datetime.min.time(), tzinfo=zone),
    )


def notes_between(connection: Connection, start: datetime, end: datetime) -> list[ReportNote]:
    """The notes written in [start, end), oldest first."""
    rows = connection.execute(
        select(Note.kind, Note.text, Note.author, Note.created_at)
        .where(Note.created_at >= start, Note.created_at < end)
        .order_by(Note.created_at, Note.id)
    ).all()
    return [ReportNote(NoteKind(kind), text, author, at) for kind, text, author, at in rows]


def notes_in_month(connection: Connection, month: date, zone: ZoneInfo) -> list[ReportNote]:
    """The notes written during a local calendar month (any day of it), oldest first."""
    return notes_between(connection, *month_bounds(month, zone))
