"""What the alert message's buttons and modals do, apart from Slack's transport.

Every press is checked in the same order: the button value must be one `alert_buttons`
wrote, the KPI must be in the catalog, and the presser must be a member of the channel the
alert is in (`ChannelMembers`). Every press, accepted or refused, writes one audit row, in the
same transaction as the change it makes. Acknowledging is a conditional update and a modal's
submission is recorded once per view id, so a double click or Slack retrying a request has
one effect (the repeat is audited as such and changes nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from bot.slack.blocks.actions import action_added_message
from bot.slack.blocks.alert_buttons import AlertRef, ModalContext, SnoozeLength, alert_buttons
from bot.slack.blocks.alerts import AlertView, alert_message
from bot.slack.blocks.limits import escape, truncate
from bot.slack.blocks.message import Message, fallback, section
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import KpiDefinition
from kpi_engine.catalog import UnknownKpi as UnknownKpiError
from kpi_engine.evaluate import KpiState
from kpi_engine.periods import span_containing
from storage import outbox
from storage.actions import MAX_ACTION_LENGTH, SLACK_USER, add_action
from storage.alerts import MAX_REASON_CHARS, acknowledge, audit, history, list_states, snooze

if TYPE_CHECKING:
    from bot.slack.services import Services

CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,20}")
# A refused press names no KPI it could trust: its audit row files it under this.
UNKNOWN_KPI = "-"
# The outbox job of the alerts' messages (bot.jobs.alerts.JOB, which bot.slack may not import).
ALERTS_JOB = "alerts"
# How far back a submission looks for its own view id: a retry comes within seconds.
RECENT_AUDIT_ROWS = 200


@dataclass(frozen=True)
class Refusal:
    """A press that changes nothing, and what to tell the presser."""

    message: Message


@dataclass(frozen=True)
class Accepted:
    """A press from a member, about a KPI of the catalog."""

    ref: AlertRef
    kpi: KpiDefinition


def _line(text: str) -> Message:
    return Message(text=fallback(text), blocks=[section(text)])


def _short(text: str) -> str:
    return escape(truncate(" ".join(text.split()), 200))


class AlertPresses:
    """The alert buttons' use cases, on the process's services."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def locale(self) -> str:
        """The language of every answer."""
        return self.services.locale

    def _audit(
        self,
        connection: Connection,
        *,
        action: str,
        user: str,
        ref: AlertRef | None,
        detail: dict[str, Any],
    ) -> None:
        audit(
            connection,
            at=self.services.now(),
            kpi=UNKNOWN_KPI if ref is None else ref.kpi,
            episode=None if ref is None else ref.episode,
            actor=user if SLACK_USER.fullmatch(user) else UNKNOWN_KPI,
            action=action,
            detail=detail,
        )

    def _refuse(
        self, action: str, user: str, ref: AlertRef | None, reason: str, channel: str, text: str
    ) -> Refusal:
        with self.services.database.write() as connection:
            self._audit(
                connection,
                action=action,
                user=user,
                ref=ref,
                detail={"result": "refused", "reason": reason, "channel": channel[:40]},
            )
        return Refusal(_line(text))

    def check(self, action: str, value: object, *, user: str, channel: str) -> Accepted | Refusal:
        """Whether a press may go on; a refusal is audited and changes nothing else."""
        ref = AlertRef.parse(value)
        if ref is None:
            return self._refuse(
                action, user, None, "bad_value", channel, t(self.locale, Text.PRESS_INVALID)
            )
        try:
            kpi = self.services.catalog.get(ref.kpi)
        except UnknownKpiError:
            return self._refuse(
                action, user, ref, "unknown_kpi", channel, t(self.locale, Text.PRESS_INVALID)
            )
        if not self.services.members.is_member(channel, user):
            shown = f"<#{channel}>" if CHANNEL_ID.fullmatch(channel) else escape(channel)
            text = t(self.locale, Text.PRESS_NOT_MEMBER, channel=shown)
            return self._refuse(action, user, ref, "not_member", channel, text)
        return Accepted(ref, kpi)

    def _moment(self, at: datetime | None) -> str:
        if at is None:
            return ""
        return f"{at.astimezone(self.services.settings.zone):%Y-%m-%d %H:%M}"

    def _show_on_message(
        self, connection: Connection, kpi: KpiDefinition, evaluated: KpiState, event: str
    ) -> bool:
        """Queue an edit of the alert's living message showing its stored state (who
        acknowledged or snoozed it), in the caller's transaction, under a key per event and
        moment; False when the alert has no living message (yellow, or not posted yet)."""
        stored = next((s for s in list_states(connection) if s.kpi == kpi.id), None)
        if stored is None or stored.message_key is None or not stored.memory.open:
            return False
        parent = outbox.find(connection, stored.message_key)
        if parent is None or parent.kind is not outbox.ItemKind.MESSAGE:
            return False
        memory = stored.memory
        opened = memory.opened_at or evaluated.as_of
        rule = next(
            (r for r in self.services.catalog.rules_for(kpi.id) if r.id == memory.rule), None
        )
        view = AlertView(
            state=evaluated,
            level=memory.level,
            episode=memory.episode,
            opened_at=opened,
            level_since=memory.level_since or opened,
            rule=rule,
            acknowledged_by=stored.acknowledged_by if memory.acknowledged_at else None,
            acknowledged_at=memory.acknowledged_at,
            snoozed_by=stored.snoozed_by if memory.snoozed_until else None,
            snoozed_until=memory.snoozed_until,
            snooze_reason=stored.snooze_reason if memory.snoozed_until else None,
        )
        locale = self.locale
        buttons = [alert_buttons(kpi.id, memory.episode, locale)]
        message = alert_message(view, self.services.settings.zone, locale, buttons)
        stamp = self.services.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
        item = outbox.NewItem(
            key=f"{stored.message_key}:{event}:{stamp}"[:200],
            job=ALERTS_JOB,
            period=parent.period,
            channel=parent.channel,
            kind=outbox.ItemKind.UPDATE,
            payload=message.as_payload(),
            parent_key=stored.message_key,
        )
        return outbox.insert_if_absent(connection, item, now=self.services.now())

    def acknowledge(self, accepted: Accepted, *, user: str, channel: str) -> Message:
        """Acknowledge the alert's episode once; a repeat says who acknowledged it. The
        living message is edited to show who acknowledged it and when."""
        ref, locale, now = accepted.ref, self.locale, self.services.now()
        name = escape(accepted.kpi.name.in_locale(locale))
        evaluated = self.services.state(accepted.kpi)  # before the write lock: a read
        with self.services.database.write() as connection:
            done = acknowledge(connection, kpi=ref.kpi, episode=ref.episode, by=user, at=now)
            state = next((s for s in list_states(connection) if s.kpi == ref.kpi), None)
            same = state is not None and state.memory.episode == ref.episode and state.memory.open
            result = "done" if done else ("already" if same else "ended")
            shown = done and self._show_on_message(connection, accepted.kpi, evaluated, "ack")
            self._audit(
                connection,
                action="acknowledge",
                user=user,
                ref=ref,
                detail={"result": result, "channel": channel, "message_edited": shown},
            )
        if done:
            return _line(t(locale, Text.ACK_DONE, kpi=name, moment=self._moment(now)))
        if result == "already" and state is not None:
            who = f"<@{state.acknowledged_by}>" if state.acknowledged_by else ""
            moment = self._moment(state.memory.acknowledged_at)
            return _line(t(locale, Text.ACK_ALREADY, who=who, moment=moment))
        return _line(t(locale, Text.PRESS_ENDED))

    def opened(self, action: str, accepted: Accepted, *, user: str, channel: str) -> None:
        """Audit a press that opens a modal (snooze, record action) or shows details."""
        with self.services.database.write() as connection:
            self._audit(
                connection,
                action=action,
                user=user,
                ref=accepted.ref,
                detail={"result": "shown", "channel": channel},
            )

    def snooze_until(self, kpi: KpiDefinition, length: SnoozeLength) -> datetime:
        """When a snooze of this length, starting now, ends."""
        now = self.services.now()
        match length:
            case SnoozeLength.DAY:
                return now + timedelta(days=1)
            case SnoozeLength.WEEK:
                return now + timedelta(days=7)
            case SnoozeLength.NEXT_PERIOD:
                zone = self.services.settings.zone
                today = now.astimezone(zone).date()
                end = span_containing(kpi.period, today).end
                return datetime.combine(end, time(), zone)

    def _seen(self, connection: Connection, kpi: str, action: str, view_id: str) -> bool:
        """Whether this view's submission was recorded already (a retry or a double click)."""
        return any(
            entry.action == action and entry.detail.get("view") == view_id
            for entry in history(connection, kpi=kpi, limit=RECENT_AUDIT_ROWS)
        )

    def submit_snooze(
        self, where: ModalContext, view_id: str, values: dict[str, Any], *, user: str
    ) -> dict[str, str] | Message:
        """Snooze from the modal: input errors by block id, or what to tell the user."""
        kpi = self.services.catalog.get(where.ref.kpi)
        reason = str(_input(values, "snooze_reason", "snooze_reason").get("value") or "").strip()
        option = _input(values, "snooze_length", "snooze_length").get("selected_option") or {}
        errors: dict[str, str] = {}
        try:
            length = SnoozeLength(str(option.get("value")))
        except ValueError:
            errors["snooze_length"] = t(self.locale, Text.SNOOZE_BAD_LENGTH)
        if not reason or len(reason) > MAX_REASON_CHARS:
            errors["snooze_reason"] = t(self.locale, Text.SNOOZE_REASON_REQUIRED)
        if errors:
            return errors
        until, now, ref = self.snooze_until(kpi, length), self.services.now(), where.ref
        evaluated = self.services.state(kpi)  # before the write lock: a read
        shown = False
        with self.services.database.write() as connection:
            if self._seen(connection, ref.kpi, "snooze", view_id):
                result = "repeat"
            else:
                done = snooze(
                    connection,
                    kpi=ref.kpi,
                    episode=ref.episode,
                    by=user,
                    until=until,
                    reason=reason,
                    at=now,
                )
                result = "done" if done else "ended"
                shown = done and self._show_on_message(connection, kpi, evaluated, "snooze")
            self._audit(
                connection,
                action="snooze",
                user=user,
                ref=ref,
                detail={
                    "result": result,
                    "view": view_id,
                    "until": until.isoformat(),
                    "length": length.value,
                    "reason": reason,
                    "channel": where.channel,
                    "message_edited": shown,
                },
            )
        if result == "ended":
            return _line(t(self.locale, Text.PRESS_ENDED))
        name = escape(kpi.name.in_locale(self.locale))
        return _line(
            t(
                self.locale,
                Text.SNOOZE_DONE,
                kpi=name,
                until=self._moment(until),
                reason=_short(reason),
            )
        )

    def submit_action(
        self, where: ModalContext, view_id: str, values: dict[str, Any], *, user: str
    ) -> dict[str, str] | Message | None:
        """Record an improvement action from the modal: input errors by block id, what to
        tell the user, or None for a repeat of a submission already recorded."""
        kpi = self.services.catalog.get(where.ref.kpi)
        locale = self.locale
        text = str(_input(values, "action_text", "action_text").get("value") or "").strip()
        owner_raw = _input(values, "action_owner", "action_owner").get("selected_user")
        due_raw = _input(values, "action_due", "action_due").get("selected_date")
        errors: dict[str, str] = {}
        if not text or len(text) > MAX_ACTION_LENGTH:
            errors["action_text"] = t(locale, Text.RECORD_ACTION_TEXT_REQUIRED)
        owner = None if owner_raw in (None, "") else str(owner_raw)
        if owner is not None and not SLACK_USER.fullmatch(owner):
            errors["action_owner"] = t(locale, Text.RECORD_ACTION_BAD_OWNER)
        due = _day(due_raw)
        today = self.services.now().astimezone(self.services.settings.zone).date()
        if due_raw not in (None, "") and (due is None or due < today):
            errors["action_due"] = t(locale, Text.RECORD_ACTION_BAD_DUE)
        if errors:
            return errors
        ref = where.ref
        with self.services.database.write() as connection:
            if self._seen(connection, ref.kpi, "record_action", view_id):
                self._audit(
                    connection,
                    action="record_action",
                    user=user,
                    ref=ref,
                    detail={"result": "repeat", "view": view_id, "channel": where.channel},
                )
                return None
            stored = add_action(
                connection,
                kpi=kpi.id,
                text=text,
                owner=owner,
                due=due,
                created_by=user,
                at=self.services.now(),
                episode=ref.episode,
            )
            self._audit(
                connection,
                action="record_action",
                user=user,
                ref=ref,
                detail={
                    "result": "done",
                    "view": view_id,
                    "action_id": stored.id,
                    "channel": where.channel,
                },
            )
        return action_added_message(stored, kpi.name.in_locale(locale), locale)


def _input(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    """One input's state from a view submission (empty when missing or malformed)."""
    found = (values.get(block) or {}).get(action) if isinstance(values, dict) else None
    return found if isinstance(found, dict) else {}


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
