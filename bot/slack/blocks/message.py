"""A chat message, and the text objects and blocks every builder makes it from.

The helpers cut text to Slack's limits and never return an empty text object, which Slack
rejects with `invalid_blocks` and slack_sdk does not catch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    BlockElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack.blocks.limits import (
    CONTEXT_ELEMENTS,
    CONTEXT_TEXT,
    FALLBACK_TEXT,
    FIELD_TEXT,
    HEADER_TEXT,
    MODAL_BLOCKS,
    SECTION_FIELDS,
    SECTION_TEXT,
    VIEW_TITLE,
    truncate,
)

EMPTY = "-"


@dataclass(frozen=True)
class Message:
    """A message ready for `chat.postMessage`, `chat.postEphemeral` or `respond`."""

    text: str
    blocks: list[Block]

    def as_payload(self) -> dict[str, Any]:
        """Return the `text` and `blocks` arguments of a Slack message as plain JSON."""
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}


def _filled(text: str, limit: int) -> str:
    return truncate(text, limit) if text.strip() else EMPTY


def mrkdwn(text: str | None, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    """Return a mrkdwn text object of already escaped `text`, cut to `limit`."""
    return MarkdownTextObject(text=_filled(text or "", limit))


def plain(text: str, limit: int) -> PlainTextObject:
    """Return a plain-text object (not escaped: Slack shows it as is), cut to `limit`."""
    return PlainTextObject(text=_filled(text, limit), emoji=True)


def header(text: str) -> HeaderBlock:
    """Return a header block of plain `text`."""
    return HeaderBlock(text=plain(text, HEADER_TEXT))


def section(
    text: str | None = None,
    *,
    fields: list[str] | None = None,
    accessory: BlockElement | None = None,
    block_id: str | None = None,
) -> SectionBlock:
    """Return a section of escaped mrkdwn `text` and up to ten `fields`, each cut to its limit."""
    shown = [mrkdwn(field, FIELD_TEXT) for field in (fields or [])[:SECTION_FIELDS]]
    # Slack needs text or fields; an empty section still says something rather than fail.
    body = mrkdwn(text) if text is not None or not shown else None
    return SectionBlock(
        text=body,
        fields=shown or None,
        accessory=accessory,
        block_id=block_id,
    )


def pack_lines(title: str, lines: list[str]) -> list[str]:
    """Pack a titled list of lines into as few section texts as Slack's limit allows."""
    chunks = [title]
    for line in lines:
        if len(chunks[-1]) + 1 + len(line) > SECTION_TEXT:
            chunks.append(line)
        else:
            chunks[-1] += "\n" + line
    return chunks


def context(*texts: str) -> ContextBlock:
    """Return a context block with one mrkdwn element per escaped text."""
    elements = [mrkdwn(text, CONTEXT_TEXT) for text in texts[:CONTEXT_ELEMENTS]]
    return ContextBlock(elements=elements or [mrkdwn(EMPTY)])


def fallback(text: str) -> str:
    """Return the notification text of a message: escaped `text`, cut, never empty."""
    return _filled(text, FALLBACK_TEXT)


MODAL_TITLE = "kpibot"


def modal(message: Message, close: str) -> View:
    """Return a modal showing a message (as an answer in place of a submitted form)."""
    return View(
        type="modal",
        title=plain(MODAL_TITLE, VIEW_TITLE),
        close=plain(close, VIEW_TITLE),
        blocks=message.blocks[:MODAL_BLOCKS],
    )
