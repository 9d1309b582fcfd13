"""The answers of `/kpi actions` and `/kpi action add|done`.

An action's text is a person's: escaped, so `<!channel>` or a link typed into it shows as
typed and pings no one. Its owner is a Slack user id validated on the way in, shown as a
mention: these answers are ephemeral, so the mention shows the name without notifying.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from bot.slack.blocks.limits import MESSAGE_BLOCKS, escape, truncate
from bot.slack.blocks.message import Message, context, fallback, header, pack_lines, section
from bot.slack.blocks.reports import ACTION_SHOWN
from bot.slack.copy import normalize_locale, t
from bot.slack.copy.keys import Text
from storage.actions import SLACK_USER, StoredAction


def mention(user: str | None) -> str:
    """A Slack user id as a mention; anything else (never stored, but still) escaped."""
    if not user:
        return ""
    return f"<@{user}>" if SLACK_USER.fullmatch(user) else escape(user)


def action_title(text: str, limit: int = ACTION_SHOWN) -> str:
    """An action's text for mrkdwn: on one line, cut, escaped."""
    return escape(truncate(" ".join(text.split()), limit))


def _owner(locale: str, owner: str | None) -> str:
    return t(locale, Text.ACTIONS_OWNER, owner=mention(owner)) if owner else ""


def _due(locale: str, due: date | None, today: date) -> str:
    if due is None:
        return t(locale, Text.ACTIONS_NO_DUE)
    if due < today:
        return t(locale, Text.ACTIONS_OVERDUE, due=due.isoformat())
    return due.isoformat()


def actions_message(
    actions: list[StoredAction],
    names: Mapping[str, str],
    today: date,
    locale: str,
    *,
    hidden: int = 0,
) -> Message:
    """The open actions in the order given (by due day), as many as one message holds;
    `names` gives each KPI's display name by id, `hidden` counts those not shown."""
    locale = normalize_locale(locale)
    title = t(locale, Text.ACTIONS_TITLE)
    blocks: list[Block] = [header(title)]
    if not actions:
        blocks.append(section(t(locale, Text.ACTIONS_NONE)))
    lines = [
        t(
            locale,
            Text.ACTIONS_LINE,
            id=action.id,
            due=_due(locale, action.due, today),
            kpi=escape(names.get(action.kpi, action.kpi)),
            title=action_title(action.text),
            owner=_owner(locale, action.owner),
        )
        for action in actions
    ]
    chunks = pack_lines(lines[0], lines[1:]) if lines else []
    room = MESSAGE_BLOCKS - len(blocks) - 2  # the "more" line and the hint
    shown = chunks[:room]
    blocks += [section(chunk) for chunk in shown]
    left = sum(chunk.count("\n") + 1 for chunk in chunks[room:])
    notes = []
    if left:
        notes.append(t(locale, Text.ACTIONS_MORE, count=left))
    if hidden:
        notes.append(t(locale, Text.ACTIONS_HIDDEN, count=hidden))
    if notes:
        blocks.append(context(*notes))
    if actions:
        blocks.append(context(t(locale, Text.ACTIONS_HINT)))
    return Message(text=fallback(title), blocks=blocks)


def _line(line: str) -> Message:
    return Message(text=fallback(line), blocks=[section(line)])


def action_added_message(action: StoredAction, kpi_name: str, locale: str) -> Message:
    """Confirm a recorded action: its number (for `done`), KPI, text, owner and due day."""
    due = action.due.isoformat() if action.due else t(locale, Text.ACTIONS_NO_DUE)
    return _line(
        t(
            locale,
            Text.ACTION_ADDED,
            id=action.id,
            kpi=escape(kpi_name),
            title=action_title(action.text),
            owner=_owner(locale, action.owner),
            due=due,
        )
    )


def action_closed_message(action: StoredAction, kpi_name: str, locale: str) -> Message:
    """Confirm an action closed."""
    return _line(
        t(
            locale,
            Text.ACTION_CLOSED,
            id=action.id,
            kpi=escape(kpi_name),
            title=action_title(action.text),
        )
    )


def action_already_done_message(action: StoredAction, zone: ZoneInfo, locale: str) -> Message:
    """Say an action was closed already, by whom and when; nothing changed."""
    done_at: datetime | None = action.done_at
    moment = "" if done_at is None else f"{done_at.astimezone(zone):%Y-%m-%d %H:%M}"
    return _line(
        t(locale, Text.ACTION_ALREADY_DONE, id=action.id, by=mention(action.done_by), moment=moment)
    )


def action_not_found_message(action_id: int, locale: str) -> Message:
    """Say there is no action with that number (or none this user may see)."""
    return _line(t(locale, Text.ACTION_NOT_FOUND, id=action_id))


def action_not_allowed_message(action: StoredAction, locale: str) -> Message:
    """Refuse to close an action: only its owner, its creator or an admin may."""
    who = t(locale, Text.SEPARATOR).join(
        mention(user) for user in dict.fromkeys((action.owner, action.created_by)) if user
    )
    return _line(t(locale, Text.ACTION_NOT_ALLOWED, id=action.id, who=who))


def action_too_long_message(length: int, limit: int, locale: str) -> Message:
    """Refuse an action longer than the limit; nothing was stored."""
    return _line(t(locale, Text.ACTION_TOO_LONG, length=length, limit=limit))


def action_past_due_message(due: date, today: date, locale: str) -> Message:
    """Refuse a due day already passed; nothing was stored."""
    return _line(t(locale, Text.ACTION_PAST_DUE, due=due.isoformat(), today=today.isoformat()))


def action_restricted_message(kpi_name: str, locale: str) -> Message:
    """Refuse an action on a KPI this user may not see here; nothing was stored."""
    return _line(t(locale, Text.ACTION_RESTRICTED, kpi=escape(kpi_name)))
