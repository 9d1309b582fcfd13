"""Alerts as Slack messages: the living message of an episode, its thread replies, the
leadership's post, reminders, data-missing notices and `/kpi alerts`.

The living message is rendered whole from the stored alert and the KPI's latest state, so an
update is "render again and `chat.update`". Mentions are built only from validated ids
(`mention_for`) and only ever go in mrkdwn text, never in a header (a header cannot mention
anyone). Whether a mention notifies is the caller's business: in a new post it does, in an
edit it does not, which is why an escalation into red is a new reply carrying the ping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock

from bot.slack.blocks.formatting import as_of_label, format_attainment, format_kpi_value
from bot.slack.blocks.kpi import figure_fields, kpi_name, trend_text
from bot.slack.blocks.limits import MESSAGE_BLOCKS, escape
from bot.slack.blocks.message import Message, context, fallback, header, section
from bot.slack.copy import frequency_label, level_emoji, level_label, normalize_locale, t
from bot.slack.copy.keys import Text
from kpi_engine.alerts import AlertEvent
from kpi_engine.catalog import AlertRule, KpiDefinition
from kpi_engine.evaluate import KpiState
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Level, RuleCondition

USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
GROUP_ID = re.compile(r"S[A-Z0-9]{2,30}")

_RESPONSES = {
    Level.YELLOW: Text.ALERT_RESPONSE_YELLOW,
    Level.ORANGE: Text.ALERT_RESPONSE_ORANGE,
    Level.RED: Text.ALERT_RESPONSE_RED,
}
_THRESHOLDS = {
    RuleCondition.ATTAINMENT_BELOW: Text.ALERT_THRESHOLD_ATTAINMENT,
    RuleCondition.VALUE_AT_MOST: Text.ALERT_THRESHOLD_AT_MOST,
    RuleCondition.VALUE_BELOW: Text.ALERT_THRESHOLD_BELOW,
}


def mention_for(owner: str) -> str | None:
    """The mrkdwn mention of a Slack user or user group id; None for anything else."""
    if USER_ID.fullmatch(owner):
        return f"<@{owner}>"
    if GROUP_ID.fullmatch(owner):
        return f"<!subteam^{owner}>"
    return None


@dataclass(frozen=True)
class AlertView:
    """What the living message shows: the KPI's state and the episode's stored facts."""

    state: KpiState
    level: Level  # announced; for a resolved episode, the level it was in before
    episode: int
    opened_at: datetime
    level_since: datetime
    rule: AlertRule | None = None
    resolved: bool = False
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    snoozed_by: str | None = None
    snoozed_until: datetime | None = None
    snooze_reason: str | None = None


def _moment(at: datetime, zone: ZoneInfo) -> str:
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M}"


def _who(user: str | None) -> str:
    if user is None:
        return "-"
    return mention_for(user) or escape(user)


def threshold_text(rule: AlertRule, kpi: KpiDefinition, locale: str) -> str:
    """A rule's threshold as words: 達成率 80.0% 未満, 50.0 pt 以下."""
    if rule.condition is RuleCondition.ATTAINMENT_BELOW:
        value = format_attainment(rule.threshold)
    else:
        value = format_kpi_value(rule.threshold, kpi, locale)
    return t(locale, _THRESHOLDS[rule.condition], value=value)


def rule_text(rule: AlertRule, kpi: KpiDefinition, locale: str) -> str:
    """The line naming an automatic rule, its message and its threshold."""
    return t(
        locale,
        Text.ALERT_RULE,
        rule=escape(rule.id),
        message=escape(rule.message.in_locale(locale)),
        threshold=threshold_text(rule, kpi, locale),
    )


def alert_message(
    view: AlertView, zone: ZoneInfo, locale: str, buttons: Sequence[Block] = ()
) -> Message:
    """Build the living message of an alert episode (open or resolved)."""
    locale = normalize_locale(locale)
    state, kpi = view.state, view.state.kpi
    label = level_label(view.level, locale)

    def titled(name: str) -> str:
        if view.resolved:
            return t(locale, Text.ALERT_RESOLVED_TITLE, name=name, level=label)
        return t(locale, Text.ALERT_TITLE, emoji=level_emoji(view.level), level=label, name=name)

    # The header is plain text, shown as is; the fallback is mrkdwn: escaped.
    title, escaped_title = titled(kpi.name.in_locale(locale)), titled(kpi_name(kpi, locale))
    owner = mention_for(kpi.owner)
    lines = [
        t(locale, Text.ALERT_OWNER, owner=owner) if owner else t(locale, Text.ALERT_NO_OWNER),
        t(
            locale,
            Text.ALERT_SINCE,
            level=label,
            since=_moment(view.level_since, zone),
            opened=_moment(view.opened_at, zone),
        ),
    ]
    if not view.resolved:
        lines.insert(0, t(locale, _RESPONSES[view.level]))
    if view.rule is not None:
        lines.append(rule_text(view.rule, kpi, locale))
    if view.acknowledged_at is not None:
        lines.append(
            t(
                locale,
                Text.ALERT_ACKNOWLEDGED,
                who=_who(view.acknowledged_by),
                moment=_moment(view.acknowledged_at, zone),
            )
        )
    if view.snoozed_until is not None and not view.resolved:
        lines.append(
            t(
                locale,
                Text.ALERT_SNOOZED,
                who=_who(view.snoozed_by),
                until=_moment(view.snoozed_until, zone),
                reason=escape(view.snooze_reason or "-"),
            )
        )
    blocks: list[Block] = [
        header(title),
        section("\n".join(lines)),
        section(fields=figure_fields(state, locale)),
    ]
    trend = trend_text(state, locale)
    if trend is not None:
        blocks.append(section(trend))
    blocks.append(
        context(
            t(
                locale,
                Text.ALERT_EPISODE,
                episode=view.episode,
                as_of=as_of_label(state.as_of.astimezone(zone), locale),
            ),
            t(locale, Text.ALERT_BANDS),
        )
    )
    if not view.resolved and buttons:
        # The actions part's buttons (acknowledge, snooze, record action, details).
        blocks.append(DividerBlock())
        blocks.extend(buttons)
    text = escaped_title if owner is None or view.resolved else f"{owner} {escaped_title}"
    return Message(text=fallback(text), blocks=blocks[:MESSAGE_BLOCKS])


def _attainment(state: KpiState) -> str:
    return format_attainment(state.attainment)


def alert_reply(
    event: AlertEvent,
    view: AlertView,
    *,
    previous: Level,
    mentions: Sequence[str],
    hours: int,
    locale: str,
) -> Message:
    """Build the thread reply announcing one event of an episode.

    `mentions` (validated mentions) are written only where the event pings: an escalation
    into red and a reminder; a de-escalation or resolution never pings.
    """
    locale = normalize_locale(locale)
    state = view.state
    pinged = " ".join(mentions)
    fmt = {
        "emoji": level_emoji(view.level),
        "level": level_label(view.level, locale),
        "previous": level_label(previous, locale),
        "attainment": _attainment(state),
        "name": kpi_name(state.kpi, locale),
        "hours": hours,
        "mentions": pinged,
    }
    match event:
        case AlertEvent.OPEN:
            key = Text.ALERT_REPLY_OPEN
        case AlertEvent.ESCALATE:
            key = (
                Text.ALERT_REPLY_ESCALATE_RED
                if view.level is Level.RED
                else Text.ALERT_REPLY_ESCALATE
            )
        case AlertEvent.DEESCALATE:
            key = Text.ALERT_REPLY_DEESCALATE
        case AlertEvent.RESOLVE:
            key = Text.ALERT_REPLY_RESOLVE
        case AlertEvent.REMIND:
            key = (
                Text.ALERT_REPLY_REMIND_RED
                if view.level is Level.RED
                else Text.ALERT_REPLY_REMIND_ORANGE
            )
        case AlertEvent.SNOOZE_ENDED:
            key = Text.ALERT_REPLY_SNOOZE_ENDED
    text = t(locale, key, **fmt).strip()
    blocks: list[Block] = [section(text)]
    if event in (AlertEvent.OPEN, AlertEvent.ESCALATE) and view.rule is not None:
        blocks.append(context(rule_text(view.rule, state.kpi, locale)))
    return Message(text=fallback(text), blocks=blocks)


def leadership_message(
    view: AlertView, *, mentions: Sequence[str], zone: ZoneInfo, locale: str
) -> Message:
    """Build the red alert's post to the leadership channel, pinging the leadership."""
    locale = normalize_locale(locale)
    state, kpi = view.state, view.state.kpi
    text = t(
        locale,
        Text.ALERT_LEADERSHIP,
        mentions=" ".join(mentions),
        name=kpi_name(kpi, locale),
        attainment=_attainment(state),
    ).strip()
    lines = [text]
    if view.rule is not None:
        lines.append(rule_text(view.rule, kpi, locale))
    owner = mention_for(kpi.owner)
    lines.append(
        t(locale, Text.ALERT_OWNER, owner=owner) if owner else t(locale, Text.ALERT_NO_OWNER)
    )
    blocks: list[Block] = [
        section("\n".join(lines)),
        section(fields=figure_fields(state, locale)),
        context(
            t(
                locale,
                Text.ALERT_EPISODE,
                episode=view.episode,
                as_of=as_of_label(state.as_of.astimezone(zone), locale),
            )
        ),
    ]
    return Message(text=fallback(text), blocks=blocks)


def stale_message(
    fresh: Freshness, *, mentions: Sequence[str], allowed_days: int, zone: ZoneInfo, locale: str
) -> Message:
    """Build a data-missing notice for a KPI whose data is older than its cycle allows."""
    locale = normalize_locale(locale)
    kpi = fresh.kpi
    pinged = " ".join(mentions)
    if fresh.last_event is None:
        text = t(locale, Text.ALERT_STALE_NEVER, mentions=pinged, name=kpi_name(kpi, locale))
    else:
        text = t(
            locale,
            Text.ALERT_STALE,
            mentions=pinged,
            name=kpi_name(kpi, locale),
            last=_moment(fresh.last_event, zone),
            frequency=frequency_label(kpi.update_frequency, locale),
            days=allowed_days,
        )
    text = text.strip()
    return Message(text=fallback(text), blocks=[section(text)])


@dataclass(frozen=True)
class OpenAlertLine:
    """One open alert as `/kpi alerts` lists it."""

    kpi: KpiDefinition
    level: Level
    since: datetime
    acknowledged: bool
    snoozed_until: datetime | None


def alerts_list_message(
    open_alerts: Sequence[OpenAlertLine],
    stale: Sequence[Freshness],
    *,
    now: datetime,
    zone: ZoneInfo,
    locale: str,
) -> Message:
    """Build the answer to `/kpi alerts`: open alerts worst first, then data missing."""
    locale = normalize_locale(locale)
    lines = []
    for alert in open_alerts:
        state = ""
        if alert.acknowledged:
            state += t(locale, Text.ALERTS_STATE_ACKNOWLEDGED)
        if alert.snoozed_until is not None and alert.snoozed_until > now:
            state += t(locale, Text.ALERTS_STATE_SNOOZED, until=_moment(alert.snoozed_until, zone))
        lines.append(
            t(
                locale,
                Text.ALERTS_LINE,
                emoji=level_emoji(alert.level),
                name=kpi_name(alert.kpi, locale),
                level=level_label(alert.level, locale),
                since=_moment(alert.since, zone),
                state=state,
            )
        )
    blocks: list[Block] = [header(t(locale, Text.ALERTS_TITLE))]
    blocks.append(section("\n".join(lines) if lines else t(locale, Text.ALERTS_NONE)))
    if stale:
        stale_lines = [
            t(
                locale,
                Text.ALERTS_STALE_LINE,
                name=kpi_name(fresh.kpi, locale),
                last=_moment(fresh.last_event, zone) if fresh.last_event else "-",
            )
            for fresh in stale
        ]
        blocks.append(section(f"*{t(locale, Text.ALERTS_STALE_TITLE)}*\n" + "\n".join(stale_lines)))
    blocks.append(context(as_of_label(now.astimezone(zone), locale)))
    summary = t(locale, Text.ALERTS_TITLE)
    return Message(text=fallback(summary), blocks=blocks[:MESSAGE_BLOCKS])
