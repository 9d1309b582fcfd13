"""Notes: stored with their author and time, listed by the local month they were written in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kpi_engine.reports import NoteKind
from storage.db import Database
from storage.notes import MAX_NOTE_LENGTH, add_note, notes_in_month
from tests.kpi_engine.events import TOKYO


def add(database: Database, text: str, at: datetime, kind: NoteKind = NoteKind.MARKET) -> None:
    with database.write() as connection:
        add_note(connection, kind=kind, text=text, author="U0AUTHOR", at=at)


def test_notes_are_listed_in_the_local_month_they_were_written_in(database: Database) -> None:
    # 2026-11-01 00:00 JST is 2026-10-31 15:00 UTC.
    add(database, "october", datetime(2026, 10, 31, 14, 59, 59, 999999, tzinfo=UTC))
    add(database, "first", datetime(2026, 10, 31, 15, 0, tzinfo=UTC), NoteKind.STRATEGY)
    add(database, "last", datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC))
    add(database, "december", datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    with database.read() as connection:
        november = notes_in_month(connection, date(2026, 11, 15), TOKYO)
        october = notes_in_month(connection, date(2026, 10, 1), TOKYO)
    assert [(n.text, n.kind, n.author) for n in november] == [
        ("first", NoteKind.STRATEGY, "U0AUTHOR"),
        ("last", NoteKind.MARKET, "U0AUTHOR"),
    ]
    assert november[0].created_at == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)
    assert [n.text for n in october] == ["october"]


def test_a_note_is_stored_trimmed_and_whole(database: Database) -> None:
    text = "  <!channel> & 競合A社が値下げ\n二行目  "
    add(database, text, datetime(2026, 11, 2, tzinfo=TOKYO))
    with database.read() as connection:
        (note,) = notes_in_month(connection, date(2026, 11, 1), TOKYO)
    assert note.text == text.strip()


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "needs text"), ("   \n ", "needs text"), ("x" * (MAX_NOTE_LENGTH + 1), "at most")],
)
def test_an_empty_or_too_long_note_is_refused_and_nothing_stored(
    database: Database, text: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        add(database, text, datetime(2026, 11, 2, tzinfo=TOKYO))
    add(database, "x" * MAX_NOTE_LENGTH, datetime(2026, 11, 2, tzinfo=TOKYO))
    with database.read() as connection:
        assert [len(n.text) for n in notes_in_month(connection, date(2026, 11, 1), TOKYO)] == [
            MAX_NOTE_LENGTH
        ]
