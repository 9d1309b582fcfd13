"""Messages of the outbox's own: the note in a report's thread when a chart could not be
uploaded, and the reports to the admin channel of a post that keeps failing and of a period
the scheduler skipped."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.slack.blocks.limits import escape
from bot.slack.blocks.message import Message, fallback, section
from bot.slack.copy import t
from bot.slack.copy.keys import Text

# What Slack's error codes ask a person to do; other codes get no hint.
_HINTS = {
    "not_in_channel": Text.DELIVERY_HINT_INVITE,
    "channel_not_found": Text.DELIVERY_HINT_NOT_FOUND,
    "is_archived": Text.DELIVERY_HINT_ARCHIVED,
    "invalid_auth": Text.DELIVERY_HINT_TOKEN,
    "not_authed": Text.DELIVERY_HINT_TOKEN,
    "account_inactive": Text.DELIVERY_HINT_TOKEN,
    "token_revoked": Text.DELIVERY_HINT_TOKEN,
    "token_expired": Text.DELIVERY_HINT_TOKEN,
    "missing_scope": Text.DELIVERY_HINT_SCOPE,
}
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
_SHOWN_ERROR_CHARS = 120


def channel_mention(channel: str) -> str:
    """Return a channel id as a mention Slack links (`<#C012AB3CD>`), or escaped as text."""
    return f"<#{channel}>" if _CHANNEL_ID.fullmatch(channel) else f"`{escape(channel)}`"


def _single(text: str) -> Message:
    return Message(text=fallback(text), blocks=[section(text)])


def chart_failed_note(title: str, locale: str) -> Message:
    """Build the note in a report's thread saying a chart could not be uploaded (yet)."""
    return _single(t(locale, Text.DELIVERY_CHART_FAILED, title=escape(title)))


def delivery_failure_message(
    *,
    job: str,
    period: str,
    channel: str,
    error: str,
    retry_at: datetime | None,
    item_id: int,
    zone: ZoneInfo,
    locale: str,
) -> Message:
    """Build the admin channel's report of a post that failed: what, where, why, what to do
    (`/invite` for `not_in_channel`) and whether kpibot tries again."""
    shown_error = error if len(error) <= _SHOWN_ERROR_CHARS else error[:_SHOWN_ERROR_CHARS] + "…"
    mention = channel_mention(channel)
    lines = [
        t(
            locale,
            Text.DELIVERY_FAILED,
            channel=mention,
            job=escape(job).replace("`", "'"),
            period=escape(period).replace("`", "'"),
            error=escape(shown_error).replace("`", "'"),
        )
    ]
    hint = _HINTS.get(error)
    if hint is not None:
        lines.append(t(locale, hint, channel=mention))
    if retry_at is None:
        lines.append(t(locale, Text.DELIVERY_ABANDONED, item=item_id))
    else:
        moment = retry_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        lines.append(t(locale, Text.DELIVERY_RETRY_AT, moment=escape(moment)))
    return _single("\n".join(lines))


def skipped_report_message(
    *,
    job: str,
    period: str,
    channel: str,
    due: datetime,
    grace: timedelta,
    last_day: date,
    zone: ZoneInfo,
    locale: str,
) -> Message:
    """Build the admin channel's report of a period the scheduler recorded as skipped: when
    it was due, the grace window that passed, and the command that posts it anyway."""
    moment = due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    text = t(
        locale,
        Text.DELIVERY_SKIPPED,
        channel=channel_mention(channel),
        job=escape(job).replace("`", "'"),
        period=escape(period).replace("`", "'"),
        due=escape(moment),
        hours=f"{grace.total_seconds() / 3600:g}",
        day=last_day.isoformat(),
    )
    return _single(text)
