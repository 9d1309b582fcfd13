"""The alert sweep: evaluate every KPI on one snapshot, decide, and queue what to send.

One sweep reads every KPI's state and freshness on one read snapshot, then for each KPI, in
one transaction: locks its alert state, decides (`kpi_engine.alerts.decide`), writes the new
state, the outbox items the decision's events route to, and one audit row per event. A
crash between two KPIs leaves each KPI either wholly decided or not at all; a second
scheduler's sweep waits on the row lock and then decides from the state the first wrote, so
no change is announced twice. Every outbox key names the KPI, the episode, the event and
the moment, so a sweep repeated at the same moment writes nothing new. A KPI whose decision,
read first without a lock, announces nothing and changes nothing but the evaluation's moment
is not locked: one update records that moment for every such KPI, so a sweep of a quiet
catalog is one short write. What the evaluation reads is kept between sweeps while the data
version stays the same (`storage.source.SourceMemo`).

Routing (see README, "Alerts"):

- yellow: no push (the weekly summary lists it);
- orange: the episode's living message in the alerts channel, mentioning the KPI's owner;
- red: the same, and a post to the leadership channel mentioning the leadership;
- each later change edits the living message (`chat.update`, which notifies no one) and
  replies in its thread; an escalation into red also posts to leadership again; a
  de-escalation or resolution never pings;
- reminders: red to the leadership channel (a new post: it pings), orange in the thread
  mentioning the owner.

A KPI whose data is older than its cycle allows raises one data-missing notice per
staleness episode (keyed by the data's last moment) in the alerts channel, mentioning its
owner.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.jobs.delivery import enqueue_post, enqueue_update
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.blocks.alert_buttons import alert_buttons
from bot.slack.blocks.alerts import (
    AlertView,
    alert_message,
    alert_reply,
    leadership_message,
    mention_for,
    stale_message,
)
from bot.slack.blocks.message import Message
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.report_charts import attainment_figure, render_png
from kpi_engine.alerts import (
    AlertEvent,
    AlertMemory,
    AlertPolicy,
    Decision,
    Observation,
    decide,
    missing_data,
    stale_after,
)
from kpi_engine.catalog import AlertRule, Catalog, KpiDefinition
from kpi_engine.evaluate import KpiState
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Level
from storage import alerts as stored_alerts
from storage import outbox
from storage.alerts import StoredAlert
from storage.snapshot import alert_inputs_at, state_at
from storage.source import SourceMemo

log = logging.getLogger("kpibot.alerts")

JOB = "alerts"
ACTOR = "scheduler"
# The audited action of a data-missing notice (the others are the alert events' values).
DATA_MISSING = "data_missing"
_PUSHED = (Level.ORANGE, Level.RED)


def policy_from(settings: Settings) -> AlertPolicy:
    """The decision's policy from the settings."""
    every = settings.alert_confirmations
    return AlertPolicy(
        confirmations={
            Level.YELLOW: every,
            Level.ORANGE: every,
            Level.RED: settings.alert_confirmations_red,
        },
        red_repeat=timedelta(hours=settings.red_repeat_hours),
        orange_repeat=timedelta(hours=settings.orange_repeat_hours),
    )


class SentKind(StrEnum):
    """What an outbox item a sweep queued is."""

    POST = "post"  # an episode's living message
    UPDATE = "update"  # an edit of it
    REPLY = "reply"  # in its thread
    LEADERSHIP = "leadership"  # a red alert's post to the leadership channel
    REMINDER = "reminder"
    STALE = "stale"  # a data-missing notice


@dataclass(frozen=True)
class Sent:
    """One outbox item a decision queued: its key, channel, what it is, and its text."""

    key: str
    channel: str
    kind: SentKind
    text: str
    message: Message | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class KpiOutcome:
    """What one sweep did for one KPI."""

    kpi: str
    before: Level
    after: Level
    events: tuple[AlertEvent, ...]
    queued: list[Sent] = field(default_factory=list)


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that nothing it wrote is kept."""


def living_message(view: AlertView, zone: ZoneInfo, locale: str) -> Message:
    """The living message of an episode, with the buttons while it is open."""
    state = view.state
    buttons = [] if view.resolved else [alert_buttons(state.kpi.id, view.episode, locale)]
    return alert_message(view, zone, locale, buttons)


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


def _observation(state: KpiState) -> Observation:
    return Observation(state.level, state.rule.id if state.rule else None)


def _rule(catalog: Catalog, kpi: KpiDefinition, rule_id: str | None) -> AlertRule | None:
    if rule_id is None:
        return None
    return next((rule for rule in catalog.rules_for(kpi.id) if rule.id == rule_id), None)


class AlertSweep:
    """Evaluates every KPI and queues its alert traffic; one per process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.policy = policy_from(runtime.settings)
        # What the last sweeps read, kept while the data stays the same (`SourceMemo`).
        self.memo = SourceMemo()

    @property
    def mentions(self) -> list[str]:
        """The leadership mention, validated at start (settings)."""
        return list(self.settings.leadership_mention)

    def run(self, now: datetime | None = None, *, dry_run: bool = False) -> list[KpiOutcome]:
        """Sweep at `now` (the clock's time if None); with `dry_run`, decide and render but
        keep nothing. Return what each KPI did."""
        moment = (now or self.runtime.clock()).astimezone(UTC)
        runtime = self.runtime
        catalog, database, zone = runtime.catalog, runtime.database, self.settings.zone
        states, fresh = alert_inputs_at(database, catalog, moment, zone, self.memo)
        if dry_run:
            outcomes: list[KpiOutcome] = []
            try:
                with outbox.transaction(database) as connection:
                    stored_alerts.ensure_states(connection, [kpi.id for kpi in catalog.kpis])
                    outcomes = self._sweep(connection, states, fresh, moment)
                    raise _DryRun
            except _DryRun:
                pass
            return outcomes
        steady = self._steady(states, fresh, moment)
        outcomes = []
        for state, freshness in zip(states, fresh, strict=True):
            if state.kpi.id in steady:
                level = steady[state.kpi.id]
                outcomes.append(KpiOutcome(state.kpi.id, level, level, ()))
                continue
            with outbox.transaction(database) as connection:
                stored_alerts.ensure_states(connection, [state.kpi.id])
                outcomes.append(self._one(connection, state, freshness, moment))
        if steady:
            with outbox.transaction(database) as connection:
                stored_alerts.mark_evaluated(connection, list(steady), moment)
        return outcomes

    def _steady(
        self, states: Sequence[KpiState], fresh: Sequence[Freshness], moment: datetime
    ) -> dict[str, Level]:
        """The KPIs this sweep changes nothing for, with their announced level, read without
        a lock: a KPI held steady is written nothing but the moment, so a sweep of a quiet
        catalog is one short write. Any other KPI is decided again under its row's lock."""
        with self.runtime.database.read() as connection:
            stored = {alert.kpi: alert for alert in stored_alerts.list_states(connection)}
            steady: dict[str, Level] = {}
            for state, freshness in zip(states, fresh, strict=True):
                alert = stored.get(state.kpi.id)
                if alert is None:
                    continue
                decision = decide(alert.memory, _observation(state), moment, self.policy)
                stale_key = self._stale_key(freshness)
                if decision.steady and (
                    stale_key is None or outbox.find(connection, stale_key) is not None
                ):
                    steady[state.kpi.id] = alert.memory.level
        return steady

    def _sweep(
        self,
        connection: Connection,
        states: Sequence[KpiState],
        fresh: Sequence[Freshness],
        moment: datetime,
    ) -> list[KpiOutcome]:
        return [
            self._one(connection, state, freshness, moment)
            for state, freshness in zip(states, fresh, strict=True)
        ]

    def _one(
        self, connection: Connection, state: KpiState, freshness: Freshness, now: datetime
    ) -> KpiOutcome:
        kpi = state.kpi
        stored = stored_alerts.lock_state(connection, kpi.id)
        decision = decide(stored.memory, _observation(state), now, self.policy)
        queued: list[Sent] = []
        message_key = stored.message_key
        if message_key is not None:
            message_key = outbox.current_key(connection, message_key)
        for event in decision.events:
            message_key = self._route(
                connection, event, decision, stored, state, message_key, now, queued
            )
            stored_alerts.audit(
                connection,
                at=now,
                kpi=kpi.id,
                episode=decision.after.episode,
                actor=ACTOR,
                action=event.value,
                detail={
                    "from": decision.before.level.value,
                    "to": decision.after.level.value,
                    "observed": state.level.value,
                    "attainment": state.attainment,
                    "rule": decision.after.rule,
                },
            )
        if AlertEvent.OPEN in decision.events and decision.after.level not in _PUSHED:
            message_key = None  # a new (yellow) episode has no living message yet
        if not decision.after.open:
            message_key = None
        stored_alerts.save_state(connection, kpi.id, decision.after, message_key=message_key)
        queued.extend(self._stale(connection, freshness, now))
        return KpiOutcome(
            kpi.id, decision.before.level, decision.after.level, decision.events, queued
        )

    # Routing ---------------------------------------------------------------------------

    def view(
        self, state: KpiState, stored: StoredAlert, memory: AlertMemory, *, resolved: bool
    ) -> AlertView:
        """What the living message shows for a KPI's state and its alert."""
        opened = memory.opened_at or state.as_of
        return AlertView(
            state=state,
            level=stored.memory.level if resolved else memory.level,
            episode=memory.episode,
            opened_at=opened,
            level_since=memory.level_since or opened,
            rule=_rule(
                self.runtime.catalog, state.kpi, stored.memory.rule if resolved else memory.rule
            ),
            resolved=resolved,
            acknowledged_by=stored.acknowledged_by if memory.acknowledged_at else None,
            acknowledged_at=memory.acknowledged_at,
            snoozed_by=stored.snoozed_by if memory.snoozed_until else None,
            snoozed_until=memory.snoozed_until,
            snooze_reason=stored.snooze_reason if memory.snoozed_until else None,
        )

    def _route(
        self,
        connection: Connection,
        event: AlertEvent,
        decision: Decision,
        stored: StoredAlert,
        state: KpiState,
        message_key: str | None,
        now: datetime,
        queued: list[Sent],
    ) -> str | None:
        """Queue what one event sends; return the living message's key after it."""
        settings, locale, zone = self.settings, self.settings.locale, self.settings.zone
        after, before = decision.after, decision.before
        kpi = state.kpi
        base = f"alert:{kpi.id}:{after.episode}"
        stamp = _stamp(now)
        channel = settings.alerts_channel
        resolved = event is AlertEvent.RESOLVE
        view = self.view(state, stored, after, resolved=resolved)
        owner = [mention] if (mention := mention_for(kpi.owner)) else []

        def queue(
            key: str,
            target: str,
            kind: SentKind,
            message: Message,
            parent: str | None,
            files: list[tuple[str, str, bytes]] | None = None,
        ) -> None:
            if parent is None:
                written = enqueue_post(
                    connection,
                    key=key,
                    job=JOB,
                    period=f"{kpi.id}:{after.episode}"[:40],
                    channel=target,
                    messages=[message.as_payload()],
                    files=files or [],
                    now=now,
                )
            elif kind is SentKind.UPDATE:
                written = enqueue_update(
                    connection, key=key, job=JOB, parent_key=parent, message=message, now=now
                )
            else:
                written = outbox.insert_if_absent(
                    connection,
                    outbox.NewItem(
                        key=key,
                        job=JOB,
                        period=f"{kpi.id}:{after.episode}"[:40],
                        channel=target,
                        kind=outbox.ItemKind.MESSAGE,
                        payload=message.as_payload(),
                        parent_key=parent,
                    ),
                    now=now,
                )
            if written:
                queued.append(Sent(key, target, kind, message.text, message))

        pushed = after.level in _PUSHED
        into_red = after.level is Level.RED and event in (AlertEvent.OPEN, AlertEvent.ESCALATE)
        if into_red and settings.channel_leadership is not None:
            queue(
                f"{base}:leadership:{stamp}",
                settings.channel_leadership,
                SentKind.LEADERSHIP,
                leadership_message(view, mentions=self.mentions, zone=zone, locale=locale),
                None,
            )
        if channel is None:
            return message_key
        hours = int((self.policy.repeat(after.level) or timedelta(0)).total_seconds() // 3600)
        if message_key is None:
            # No living message yet: the first orange or red post of the episode is one.
            if event in (AlertEvent.OPEN, AlertEvent.ESCALATE) and pushed:
                key = f"{base}:post:{stamp}"
                message = living_message(view, zone, locale)
                queue(
                    key, channel, SentKind.POST, message, None, [self._chart(state, after.episode)]
                )
                return key
            if event is AlertEvent.REMIND and after.level is Level.RED:
                self._remind_leadership(queue, base, stamp, view, hours, locale)
            return None
        if resolved and before.level.value not in settings.alert_resolved_notice_levels:
            return message_key
        queue(
            f"{base}:update:{stamp}",
            channel,
            SentKind.UPDATE,
            living_message(view, zone, locale),
            message_key,
        )
        # An edit notifies no one: an escalation (to orange or red) and an orange reminder
        # ping the owner in the thread reply; de-escalation, resolution and a snooze's end
        # never ping.
        pings: list[str] = []
        if event is AlertEvent.ESCALATE or (
            event is AlertEvent.REMIND and after.level is Level.ORANGE
        ):
            pings = owner
        if event is AlertEvent.REMIND and after.level is Level.RED:
            self._remind_leadership(queue, base, stamp, view, hours, locale)
            return message_key
        reply = alert_reply(
            event, view, previous=before.level, mentions=pings, hours=hours, locale=locale
        )
        queue(f"{base}:{event.value}:{stamp}", channel, SentKind.REPLY, reply, message_key)
        return message_key

    def _chart(self, state: KpiState, episode: int) -> tuple[str, str, bytes]:
        """The KPI's recent attainment as a small chart for the living message's thread."""
        locale = self.settings.locale
        title = t(locale, Text.ALERT_CHART_TITLE, name=state.kpi.name.in_locale(locale))
        png = render_png(attainment_figure([state], title, locale))
        return f"alert-{state.kpi.id}-{episode}.png", title, png

    def _remind_leadership(
        self, queue: Any, base: str, stamp: str, view: AlertView, hours: int, locale: str
    ) -> None:
        target = self.settings.channel_leadership or self.settings.alerts_channel
        if target is None:
            return
        reply = alert_reply(
            AlertEvent.REMIND,
            view,
            previous=view.level,
            mentions=self.mentions,
            hours=hours,
            locale=locale,
        )
        queue(f"{base}:remind:{stamp}", target, SentKind.REMINDER, reply, None)

    # Staleness ---------------------------------------------------------------------------

    def _stale_key(self, fresh: Freshness) -> str | None:
        """The outbox key of the KPI's data-missing notice, if one is due; None if not."""
        if self.settings.alerts_channel is None or not missing_data(fresh):
            return None
        since = "none" if fresh.last_event is None else _stamp(fresh.last_event)
        return f"alert-stale:{fresh.kpi.id}:{since}"

    def _stale(self, connection: Connection, fresh: Freshness, now: datetime) -> list[Sent]:
        channel, key = self.settings.alerts_channel, self._stale_key(fresh)
        if channel is None or key is None:
            return []
        kpi = fresh.kpi
        owner = [mention] if (mention := mention_for(kpi.owner)) else []
        message = stale_message(
            fresh,
            mentions=owner,
            allowed_days=stale_after(kpi).days,
            zone=self.settings.zone,
            locale=self.settings.locale,
        )
        written = enqueue_post(
            connection,
            key=key,
            job=JOB,
            period=f"{kpi.id}:stale"[:40],
            channel=channel,
            messages=[message.as_payload()],
            files=[],
            now=now,
        )
        if not written:
            return []
        stored_alerts.audit(
            connection,
            at=now,
            kpi=kpi.id,
            episode=None,
            actor=ACTOR,
            action=DATA_MISSING,
            detail={"last_event": fresh.last_event, "allowed_days": stale_after(kpi).days},
        )
        return [Sent(key, channel, SentKind.STALE, message.text, message)]


def refresh_living_message(runtime: Runtime, kpi_id: str, now: datetime) -> bool:
    """Queue an edit of a KPI's living message showing its stored state as it is now (after
    an acknowledgement or a snooze, say); return False when the KPI has no open episode with
    a living message, or an edit at this moment is queued already."""
    kpi = next((kpi for kpi in runtime.catalog.kpis if kpi.id == kpi_id), None)
    if kpi is None:
        raise LookupError(f"no KPI {kpi_id!r} in the catalog")
    settings = runtime.settings
    state = state_at(runtime.database, kpi, runtime.catalog, now, settings.zone)
    with outbox.transaction(runtime.database) as connection:
        stored_alerts.ensure_states(connection, [kpi_id])
        stored = stored_alerts.lock_state(connection, kpi_id)
        memory = stored.memory
        if not memory.open or stored.message_key is None:
            return False
        parent = outbox.current_key(connection, stored.message_key)
        view = AlertSweep(runtime).view(state, stored, memory, resolved=False)
        return enqueue_update(
            connection,
            key=f"alert:{kpi_id}:{memory.episode}:update:{_stamp(now)}",
            job=JOB,
            parent_key=parent,
            message=living_message(view, settings.zone, settings.locale),
            now=now,
        )
