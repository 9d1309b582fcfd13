"""`kpibot alerts check` and `kpibot alerts history`: the alert sweep run by hand, and the
audit log, in words of KPIBOT_LOCALE (the names Slack's alert messages and buttons use)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.state_commands import find_kpi
from bot.jobs.alerts import ACTOR, DATA_MISSING, AlertSweep, SentKind
from bot.runtime import Runtime
from bot.slack.blocks.alert_buttons import SnoozeLength, snooze_length_label
from bot.slack.blocks.formatting import format_attainment
from bot.slack.copy import alert_event_label, level_label, t
from bot.slack.copy.keys import Text
from kpi_engine.alerts import AlertEvent
from kpi_engine.levels import Level
from storage import alerts as stored_alerts
from storage.alerts import AuditEntry

_SENT_KINDS = {
    SentKind.POST: Text.ALERT_SENT_POST,
    SentKind.UPDATE: Text.ALERT_SENT_UPDATE,
    SentKind.REPLY: Text.ALERT_SENT_REPLY,
    SentKind.LEADERSHIP: Text.ALERT_SENT_LEADERSHIP,
    SentKind.REMINDER: Text.ALERT_EVENT_REMIND,
    SentKind.STALE: Text.ALERT_DATA_MISSING,
}
# Audited actions other than the alert events: a data-missing notice, and the buttons an
# alert message offers, named by their labels.
_ACTIONS = {
    DATA_MISSING: Text.ALERT_DATA_MISSING,
    "acknowledge": Text.ALERT_BUTTON_ACKNOWLEDGE,
    "snooze": Text.ALERT_BUTTON_SNOOZE,
    "record_action": Text.ALERT_BUTTON_RECORD_ACTION,
    "details": Text.ALERT_BUTTON_DETAILS,
}
_RESULTS = {
    "done": Text.AUDIT_RESULT_DONE,
    "already": Text.AUDIT_RESULT_ALREADY,
    "ended": Text.AUDIT_RESULT_ENDED,
    "refused": Text.AUDIT_RESULT_REFUSED,
    "shown": Text.AUDIT_RESULT_SHOWN,
    "repeat": Text.AUDIT_RESULT_REPEAT,
}
_REFUSALS = {
    "bad_value": Text.AUDIT_REASON_BAD_VALUE,
    "unknown_kpi": Text.AUDIT_REASON_UNKNOWN_KPI,
    "not_member": Text.AUDIT_REASON_NOT_MEMBER,
}
# The details worded below; `view` (Slack's id of a submitted form, kept to spot a repeated
# submission) says nothing to a reader. Any other detail is shown as stored.
_WORDED = frozenset(
    {
        "from",
        "to",
        "observed",
        "attainment",
        "rule",
        "last_event",
        "allowed_days",
        "result",
        "reason",
        "until",
        "length",
        "action_id",
        "channel",
        "message_edited",
        "view",
    }
)


def sent_kind_label(kind: SentKind, locale: str) -> str:
    """What a queued alert message is, in words: 投稿 or post, and so on."""
    return t(locale, _SENT_KINDS[kind])


def _level(value: Any, locale: str) -> str:
    try:
        return level_label(Level(value), locale)
    except ValueError:
        return str(value)


def _moment(value: Any, zone: ZoneInfo) -> str:
    try:
        return f"{datetime.fromisoformat(str(value)).astimezone(zone):%Y-%m-%d %H:%M}"
    except ValueError:
        return str(value)


def _action(action: str, locale: str) -> str:
    if action in _ACTIONS:
        return t(locale, _ACTIONS[action])
    try:
        return alert_event_label(AlertEvent(action), locale)
    except ValueError:
        return action


def _length(value: Any, locale: str) -> str:
    try:
        return snooze_length_label(SnoozeLength(value), locale)
    except ValueError:
        return str(value)


def audit_details(detail: Mapping[str, Any], zone: ZoneInfo, locale: str) -> list[str]:
    """An audit line's details in words: levels, attainment, the rule, the outcome of a
    press, the snooze, the channel."""
    words: list[str] = []
    if "from" in detail and "to" in detail:
        before, after = _level(detail["from"], locale), _level(detail["to"], locale)
        words.append(t(locale, Text.AUDIT_CHANGE, before=before, after=after))
    if "observed" in detail:
        words.append(t(locale, Text.AUDIT_OBSERVED, level=_level(detail["observed"], locale)))
    if detail.get("attainment") is not None:
        attainment = format_attainment(float(detail["attainment"]))
        words.append(t(locale, Text.AUDIT_ATTAINMENT, value=attainment))
    if detail.get("rule"):
        words.append(t(locale, Text.AUDIT_RULE, rule=detail["rule"]))
    if "last_event" in detail:
        last = "-" if detail["last_event"] is None else _moment(detail["last_event"], zone)
        words.append(t(locale, Text.AUDIT_LAST_EVENT, at=last))
    if "allowed_days" in detail:
        words.append(t(locale, Text.AUDIT_ALLOWED_DAYS, days=detail["allowed_days"]))
    result, reason = detail.get("result"), detail.get("reason")
    if result in _RESULTS:
        words.append(t(locale, _RESULTS[result]))
    if result == "refused" and reason in _REFUSALS:
        words.append(t(locale, _REFUSALS[reason]))
    if detail.get("until"):
        until = t(locale, Text.AUDIT_UNTIL, until=_moment(detail["until"], zone))
        if detail.get("length"):
            until = t(locale, Text.PAREN, text=until, note=_length(detail["length"], locale))
        words.append(until)
    if reason and result != "refused":  # a snooze's reason, as its author wrote it
        words.append(t(locale, Text.AUDIT_REASON, reason=reason))
    if "action_id" in detail:
        words.append(t(locale, Text.AUDIT_ACTION_ID, id=detail["action_id"]))
    if detail.get("channel"):
        words.append(t(locale, Text.AUDIT_CHANNEL, channel=detail["channel"]))
    if detail.get("message_edited"):
        words.append(t(locale, Text.AUDIT_MESSAGE_EDITED))
    for name in sorted(set(detail) - _WORDED):
        words.append(f"{name}={json.dumps(detail[name], ensure_ascii=False)}")
    return words


def audit_line(entry: AuditEntry, zone: ZoneInfo, locale: str) -> str:
    """One line of the audit log: when, which KPI and episode, who, what, and the details."""
    episode = f"#{entry.episode}" if entry.episode is not None else "-"
    actor = t(locale, Text.AUDIT_SCHEDULER) if entry.actor == ACTOR else entry.actor
    line = (
        f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M} {entry.kpi} {episode} "
        f"{actor}: {_action(entry.action, locale)}"
    )
    details = audit_details(entry.detail, zone, locale)
    if not details:
        return line
    return t(locale, Text.PAREN, text=line, note=t(locale, Text.SEPARATOR).join(details))


def check(args: argparse.Namespace, runtime: Runtime) -> int:
    """Evaluate every KPI now and print what changes and what would be sent; without
    --dry-run the changes are stored and their messages queued for the scheduler."""
    locale = runtime.settings.locale
    outcomes = AlertSweep(runtime).run(runtime.clock(), dry_run=args.dry_run)
    changed = [outcome for outcome in outcomes if outcome.events or outcome.queued]
    for outcome in changed:
        events = t(locale, Text.SEPARATOR).join(
            alert_event_label(event, locale) for event in outcome.events
        )
        print(
            f"{outcome.kpi}: {level_label(outcome.before, locale)} → "
            f"{level_label(outcome.after, locale)} [{events or '-'}]"
        )
        for sent in outcome.queued:
            first_line = sent.text.splitlines()[0] if sent.text else ""
            print(f"  → {sent.channel} {sent_kind_label(sent.kind, locale)}: {first_line}")
    if not changed:
        print(t(locale, Text.ALERTS_CHECK_NOTHING, count=len(outcomes)))
    queued = sum(len(outcome.queued) for outcome in outcomes)
    if args.dry_run:
        print(t(locale, Text.ALERTS_CHECK_DRY_RUN))
    elif queued:
        print(t(locale, Text.ALERTS_CHECK_QUEUED, count=queued))
    return 0


def history(args: argparse.Namespace, runtime: Runtime) -> int:
    """Print the audit log, newest first, of one KPI when given."""
    settings = runtime.settings
    kpi = find_kpi(runtime.catalog, args.kpi, settings.locale).id if args.kpi else None
    with runtime.database.read() as connection:
        entries = stored_alerts.history(connection, kpi=kpi, limit=args.limit)
    if not entries:
        print(t(settings.locale, Text.ALERTS_HISTORY_NONE))
    for entry in entries:
        print(audit_line(entry, settings.zone, settings.locale))
    return 0
