"""Slack's size limits as named constants, and the two text helpers that respect them.

slack_sdk checks some limits only when a payload is serialised, and some not at all (blocks
per message, field length), so the builders truncate deliberately with these.
"""

from __future__ import annotations

MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
MODAL_BLOCKS = 100
VIEW_TITLE = 24
SECTION_TEXT = 3000
FIELD_TEXT = 2000
SECTION_FIELDS = 10
CONTEXT_TEXT = 3000
CONTEXT_ELEMENTS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
FALLBACK_TEXT = 3000

ELLIPSIS = "…"
# The longest entity `escape` writes ("&amp;"): a cut inside one would show debris.
_ENTITY_LENGTH = 5


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut.

    A cut never splits an `&amp;`-style entity or a `<@U…>` mention, so escaped and
    linked text stays well formed.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    ampersand = cut.rfind("&", max(len(cut) - _ENTITY_LENGTH, 0))
    if ampersand != -1 and ";" not in cut[ampersand:]:
        cut = cut[:ampersand]
    opening = cut.rfind("<")
    if opening != -1 and ">" not in cut[opening:]:
        cut = cut[:opening]
    return cut + ELLIPSIS
