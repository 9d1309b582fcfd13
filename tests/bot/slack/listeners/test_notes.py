"""`/kpi note` and `/kpi notes` as Slack sends them: signed requests to the app."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.slack.grammar import AddNote, Grammar, ListNotes, UsageError
from bot.slack.problems import Problem
from bot.slack.services import Services
from kpi_engine.catalog import load_catalog
from kpi_engine.reports import NoteKind
from storage.notes import MAX_NOTE_LENGTH, add_note, notes_in_month
from tests.bot.conftest import ADMIN, MEMBER, NOW, TOKYO, SlackAppServer
from tests.bot.slack.blocks.slack_checks import check_message
from tests.bot.slack.listeners.test_commands import ephemeral, shown

GRAMMAR = Grammar(load_catalog())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "note market Competitor A cut prices",
            AddNote(note=NoteKind.MARKET, text="Competitor A cut prices"),
        ),
        ("メモ 市場 A社が値下げ", AddNote(note=NoteKind.MARKET, text="A社が値下げ")),
        ("メモ 競合 A社", AddNote(note=NoteKind.MARKET, text="A社")),
        ("メモ 戦略 法人向けプラン", AddNote(note=NoteKind.STRATEGY, text="法人向けプラン")),
        ("NOTE Strategy  two\nlines  ", AddNote(note=NoteKind.STRATEGY, text="two\nlines")),
        # Slack escapes &, < and > in a command's text: the note keeps what was typed.
        (
            "note market a &amp; b &lt;!channel&gt;",
            AddNote(note=NoteKind.MARKET, text="a & b <!channel>"),
        ),
        ("notes", ListNotes()),
        ("メモ一覧 2026-10", ListNotes(month=date(2026, 10, 1))),
        ("notes 2026/3", ListNotes(month=date(2026, 3, 1))),
        ("note", UsageError(problem=Problem.NOTE_KIND)),
        ("note idea text", UsageError(problem=Problem.NOTE_KIND, word="idea")),
        ("note market", UsageError(problem=Problem.NOTE_EMPTY)),
        ("メモ 戦略   ", UsageError(problem=Problem.NOTE_EMPTY)),
        ("notes 2026-13", UsageError(problem=Problem.BAD_MONTH, word="2026-13")),
        ("notes 0000-01", UsageError(problem=Problem.BAD_MONTH, word="0000-01")),
        ("notes november", UsageError(problem=Problem.BAD_MONTH, word="november")),
        ("notes 2026-11 extra", UsageError(problem=Problem.EXTRA_WORDS, word="extra")),
    ],
)
def test_the_note_grammar(text: str, expected: Any) -> None:
    assert GRAMMAR.parse(text) == expected


def stored(services: Services, month: date = date(2026, 11, 1)) -> list[tuple[str, str, str]]:
    with services.database.read() as connection:
        return [
            (note.kind.value, note.text, note.author)
            for note in notes_in_month(connection, month, TOKYO)
        ]


def test_any_member_adds_a_market_note_stored_with_author_and_time(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("メモ 市場 競合A社が20%値下げ", user=MEMBER))
    assert (
        body["text"] == "📝 競合・市場動向のメモを保存しました。2026-11 の月次レポートに載ります。"
    )
    assert stored(services) == [("market", "競合A社が20%値下げ", MEMBER)]
    with services.database.read() as connection:
        (note,) = notes_in_month(connection, date(2026, 11, 1), TOKYO)
    assert note.created_at == NOW.astimezone(UTC)


def test_a_strategy_note_in_english(app: SlackAppServer, services: Services) -> None:
    ephemeral(app.command("note strategy Offer a team plan", user=ADMIN))
    assert stored(services) == [("strategy", "Offer a team plan", ADMIN)]


def test_a_note_over_the_limit_is_refused_with_its_length_and_nothing_is_stored(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("note market " + "x" * (MAX_NOTE_LENGTH + 1)))
    assert body["text"] == (
        "⚠️ メモが長すぎます（1,001文字）。1,000文字以内にしてください。何も保存していません。"
    )
    assert stored(services) == []
    ephemeral(app.command("note market " + "x" * MAX_NOTE_LENGTH))
    assert len(stored(services)) == 1


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("note", "`market`（市場・競合）か `strategy`（戦略提案）"),
        ("note market", "メモの本文がありません"),
        ("notes 2026-13", "`2026-13` は年月ではありません"),
    ],
)
def test_a_malformed_note_command_says_what_is_wrong_and_stores_nothing(
    app: SlackAppServer, services: Services, text: str, says: str
) -> None:
    body = ephemeral(app.command(text))
    assert says in body["text"]
    assert stored(services) == []


def test_notes_lists_this_months_notes_escaped(app: SlackAppServer, services: Services) -> None:
    ephemeral(app.command("note market <!channel> look &amp; <https://evil.example|login>"))
    with services.database.write() as connection:
        # 2026-10-31 23:59 JST: October's, not listed for November.
        october = datetime(2026, 10, 31, 14, 59, tzinfo=UTC)
        add_note(connection, kind=NoteKind.STRATEGY, text="old", author=MEMBER, at=october)
    body = ephemeral(app.command("notes"))
    text = shown(body)
    assert "2026-11 のメモ（Asia/Tokyo）" in body["text"]
    assert "&lt;!channel&gt; look &amp; &lt;https://evil.example|login&gt;" in text
    assert "<!channel>" not in text and "old" not in text
    october_body = ephemeral(app.command("notes 2026-10"))
    assert "old" in shown(october_body)


def test_notes_of_a_month_without_any_says_so(app: SlackAppServer) -> None:
    body = ephemeral(app.command("メモ一覧 2025-01"))
    assert "2025-01 のメモはありません。" in shown(body)


def test_a_month_of_many_notes_fits_one_message_and_says_how_many_are_left_out(
    services: Services,
) -> None:
    with services.database.write() as connection:
        for i in range(80):
            moment = datetime(2026, 11, 2, 0, i % 60, tzinfo=TOKYO)
            kind = NoteKind.MARKET if i % 2 else NoteKind.STRATEGY
            add_note(connection, kind=kind, text=f"note {i}", author=MEMBER, at=moment)
    payload = check_message(services.notes(date(2026, 11, 1)))
    # The header, the 40 market notes under their label, the strategy label and the first 6
    # strategy notes, and the closing line: 50 blocks; the other 34 notes are counted.
    assert len(payload["blocks"]) == 50
    assert payload["blocks"][-1]["elements"][0]["text"] == "…ほか 34件（古い順に表示しています）"
