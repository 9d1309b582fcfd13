"""Messages as plain text, for a terminal: what a Slack reader sees, markup dropped."""

from __future__ import annotations

import html

from bot.slack.blocks.message import Message

MARKUP = str.maketrans("", "", "*")


def _plain(text: str) -> str:
    # Inside `code` an asterisk is itself (a crontab's `0 9 * * 1`); outside it is bold.
    parts = text.split("`")
    return html.unescape(
        "".join(part if index % 2 else part.translate(MARKUP) for index, part in enumerate(parts))
    )


def _field(text: str) -> str:
    label, _, value = _plain(text).partition("\n")
    return f"{label}: {value.replace(chr(10), ' / ')}" if value else label


def plain_text(message: Message) -> str:
    """Render a message's blocks as the plain text a reader sees (markup dropped)."""
    lines: list[str] = []
    for block in message.blocks:
        data = block.to_dict()
        kind = data.get("type")
        if kind == "header":
            lines.append(_plain(data["text"]["text"]))
        elif kind == "section":
            if "text" in data:
                accessory = data.get("accessory") or {}
                button = f"  [{accessory['text']['text']}]" if "text" in accessory else ""
                lines.append(_plain(data["text"]["text"]) + button)
            lines.extend(_field(field["text"]) for field in data.get("fields", []))
        elif kind == "context":
            lines.append("  ·  ".join(_plain(item.get("text", "")) for item in data["elements"]))
        elif kind == "actions":
            lines.append(" ".join(f"[{item['text']['text']}]" for item in data["elements"]))
        elif kind == "divider":
            lines.append("-" * 20)
    return "\n".join(lines) if lines else message.text
