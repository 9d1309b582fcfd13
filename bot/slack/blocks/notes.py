"""The answers of `/kpi note` and `/kpi notes`."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, SectionBlock

from bot.slack.blocks.limits import MESSAGE_BLOCKS, SECTION_TEXT
from bot.slack.blocks.message import Message, context, fallback, header, mrkdwn, section
from bot.slack.blocks.reports import NOTE_KINDS, note_blocks
from bot.slack.copy import normalize_locale, t
from bot.slack.copy.keys import Text
from kpi_engine.reports import NoteKind, ReportNote


def _month(month: date) -> str:
    return f"{month:%Y-%m}"


def note_saved_message(kind: NoteKind, month: date, locale: str) -> Message:
    """Confirm a stored note, and the digest it will appear in."""
    line = t(locale, Text.NOTE_SAVED, kind=t(locale, NOTE_KINDS[kind]), month=_month(month))
    return Message(text=fallback(line), blocks=[section(line)])


def note_too_long_message(length: int, limit: int, locale: str) -> Message:
    """Refuse a note longer than the limit; nothing was stored."""
    line = t(locale, Text.NOTE_TOO_LONG, length=length, limit=limit)
    return Message(text=fallback(line), blocks=[section(line)])


def notes_message(notes: list[ReportNote], month: date, zone: ZoneInfo, locale: str) -> Message:
    """A month's notes by kind, oldest first, as many as one message holds."""
    locale = normalize_locale(locale)
    title = t(locale, Text.NOTES_TITLE, month=_month(month), zone=zone.key)
    blocks: list[Block] = [header(title)]
    if not notes:
        blocks.append(section(t(locale, Text.NOTES_NONE, month=_month(month))))
        return Message(text=fallback(title), blocks=blocks)
    room = MESSAGE_BLOCKS - len(blocks) - 1  # one for the "and N more" line
    for kind in NoteKind:
        of_kind = [note for note in notes if note.kind is kind]
        if not of_kind or room < 2:
            continue
        label = mrkdwn(f"*{t(locale, NOTE_KINDS[kind])}*", SECTION_TEXT)
        shown = note_blocks(of_kind, zone, locale)[: room - 1]
        blocks += [SectionBlock(text=label), *shown]
        room -= 1 + len(shown)
    hidden = len(notes) - sum(1 for block in blocks[1:] if _is_note(block))
    if hidden > 0:
        blocks.append(context(t(locale, Text.NOTES_MORE, count=hidden)))
    return Message(text=fallback(title), blocks=blocks)


def _is_note(block: Block) -> bool:
    text = getattr(block, "text", None)
    return bool(getattr(text, "verbatim", False))
