"""What the Slack listeners work with: settings, database, catalog, clock and Web API client.

`Services` is built once per process and injected into every listener's `context` by a
Bolt middleware (`bot.slack.app`). Its methods are the `/kpi` use cases: each parses, checks
access, calls one engine or storage function and renders a `Message`. They know nothing of
Slack's transport, so `kpibot demo` and the tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from pydantic import ValidationError
from slack_sdk.models.views import View

from bot.schedule import gather_health
from bot.settings import Settings
from bot.slack.access import can_close_action, can_post, can_record, can_see
from bot.slack.blocks.actions import (
    action_added_message,
    action_already_done_message,
    action_closed_message,
    action_not_allowed_message,
    action_not_found_message,
    action_past_due_message,
    action_restricted_message,
    action_too_long_message,
    actions_message,
)
from bot.slack.blocks.alerts import OpenAlertLine, alerts_list_message
from bot.slack.blocks.health import health_message
from bot.slack.blocks.home import home_view
from bot.slack.blocks.kpi import (
    chart_pending_message,
    deletion_confirmation,
    future_day_message,
    help_message,
    impossible_value_message,
    kpi_message,
    not_admin_message,
    not_recordable_message,
    record_confirmation,
    restricted_message,
    shared_kpi_message,
    status_message,
    status_pending_message,
    unknown_kpi_message,
    usage_message,
)
from bot.slack.blocks.message import Message
from bot.slack.blocks.notes import note_saved_message, note_too_long_message, notes_message
from bot.slack.client import ResponseUrls, SlackClient
from bot.slack.followups import FollowUps
from bot.slack.grammar import (
    AddAction,
    AddNote,
    Alerts,
    CloseAction,
    Command,
    DeleteRecord,
    Grammar,
    Health,
    Help,
    KpiAction,
    ListActions,
    ListNotes,
    Record,
    ShowKpi,
    Status,
    UnknownKpi,
    UsageError,
)
from bot.slack.membership import ChannelMembers
from bot.slack.problems import Problem
from kpi_engine.alerts import missing_data
from kpi_engine.catalog import Catalog, KpiDefinition
from kpi_engine.catalog import UnknownKpi as UnknownKpiError
from kpi_engine.dashboard import Dashboard
from kpi_engine.evaluate import KpiState
from kpi_engine.formulas import measured_kpis
from kpi_engine.levels import Level
from storage.actions import (
    MAX_ACTION_LENGTH,
    StoredAction,
    add_action,
    close_action,
    get_action,
    open_actions,
)
from storage.db import Database
from storage.imports.ingest import validated_measurement, write_measurement
from storage.measurements import Author, delete_measurements
from storage.notes import MAX_NOTE_LENGTH, add_note, notes_in_month
from storage.snapshot import board_at, open_alerts_at, state_at, states_at

# `/kpi record` answers in the ack, which Slack wants within 3 s: behind an import that
# holds the write lock longer, it says so and asks to try again.
RECORD_WAIT_SECONDS = 1.5


@dataclass(frozen=True)
class SendStatus:
    """After the ack: the status list (at a level, if given) in place of the pending note."""

    level: Level | None


@dataclass(frozen=True)
class UploadChart:
    """After the ack: a KPI's chart uploaded into the channel, then the pending note goes."""

    kpi: KpiDefinition


@dataclass(frozen=True)
class PostInChannel:
    """After the ack: a KPI's answer posted in the channel for everyone."""

    kpi: KpiDefinition


FollowUp = SendStatus | UploadChart | PostInChannel


@dataclass(frozen=True)
class Reply:
    """The answer to one `/kpi` command: what to ack with, and the work after the ack."""

    message: Message | None
    follow_up: FollowUp | None = None


@dataclass(frozen=True, eq=False)
class Services:
    """The process-wide objects a listener needs; built once, shared by every thread."""

    settings: Settings
    database: Database
    catalog: Catalog
    client: SlackClient
    responses: ResponseUrls
    followups: FollowUps
    clock: Callable[[], datetime]
    grammar: Grammar = field(init=False, repr=False)
    members: ChannelMembers = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "grammar", Grammar(self.catalog))
        # One cache per process: the alert buttons' membership checks share it.
        object.__setattr__(self, "members", ChannelMembers(self.client))

    @property
    def locale(self) -> str:
        """The language of every answer."""
        return self.settings.locale

    def now(self) -> datetime:
        """The moment to evaluate at."""
        return self.clock()

    def state(self, kpi: KpiDefinition) -> KpiState:
        """Evaluate one KPI now."""
        return state_at(self.database, kpi, self.catalog, self.now(), self.settings.zone)

    def states(self) -> list[KpiState]:
        """Evaluate every KPI now, on one snapshot."""
        return states_at(self.database, self.catalog, self.now(), self.settings.zone)

    def board_and_states(self) -> tuple[Dashboard, list[KpiState]]:
        """The dashboard figures and every KPI's state, on one snapshot."""
        return board_at(self.database, self.catalog, self.now(), self.settings.zone)

    def reply(self, text: str, *, user_id: str, channel_id: str) -> Reply:
        """Answer the text of a `/kpi` command from a user in a channel."""
        return self.answer(self.grammar.parse(text), user_id=user_id, channel_id=channel_id)

    def answer(self, command: Command, *, user_id: str, channel_id: str) -> Reply:
        """Answer a parsed `/kpi` command."""
        locale = self.locale
        match command:
            case Help():
                return Reply(help_message(locale))
            case UsageError(problem=problem, word=word):
                return Reply(usage_message(problem, word, locale))
            case Status():
                # Evaluating every KPI takes too long for the ack: the list follows it.
                return Reply(status_pending_message(locale), SendStatus(command.level))
            case UnknownKpi(query=query, suggestions=suggestions):
                kpis = [self.catalog.get(kpi_id) for kpi_id in suggestions]
                return Reply(unknown_kpi_message(query, kpis, locale))
            case ShowKpi(kpi=kpi_id, action=action):
                return self._show(self.catalog.get(kpi_id), action, user_id, channel_id)
            case Record():
                return self._record(command, user_id)
            case DeleteRecord():
                return self._delete(command, user_id)
            case Health():
                # A few indexed reads: quick enough for the ack.
                health = gather_health(self.settings, self.database, self.now())
                return Reply(health_message(health, locale))
            case Alerts():
                # Indexed reads of the alert states and each feed's latest event.
                return Reply(self.alerts(user_id=user_id, channel_id=channel_id))
            case AddNote():
                return self._add_note(command, user_id)
            case ListNotes(month=month):
                return Reply(self.notes(month))
            case ListActions():
                return Reply(self.actions(user_id=user_id, channel_id=channel_id))
            case AddAction():
                return Reply(self.add_action(command, user_id=user_id, channel_id=channel_id))
            case CloseAction(action_id=action_id):
                return Reply(self.close_action(action_id, user_id=user_id, channel_id=channel_id))

    def alerts(self, *, user_id: str, channel_id: str | None) -> Message:
        """The open alerts and the KPIs missing data that the user may see here."""
        now = self.now()
        opened, fresh = open_alerts_at(self.database, self.catalog, now)
        kpis = {kpi.id: kpi for kpi in self.catalog.kpis}
        lines = [
            OpenAlertLine(
                kpis[alert.kpi],
                alert.memory.level,
                alert.memory.level_since or now,
                alert.memory.acknowledged_at is not None,
                alert.memory.snoozed_until,
            )
            for alert in opened
            if alert.kpi in kpis
            and can_see(kpis[alert.kpi], user_id=user_id, channel_id=channel_id)
        ]
        stale = [
            item
            for item in fresh
            if missing_data(item) and can_see(item.kpi, user_id=user_id, channel_id=channel_id)
        ]
        return alerts_list_message(
            lines, stale, now=now, zone=self.settings.zone, locale=self.locale
        )

    def detail(self, kpi: KpiDefinition, *, user_id: str, channel_id: str | None) -> Message:
        """One KPI's detail for one user, or the note that it is restricted."""
        if not can_see(kpi, user_id=user_id, channel_id=channel_id):
            return restricted_message(kpi, self.locale)
        return kpi_message(self.state(kpi), self.locale)

    def status(self, level: Level | None, *, user_id: str, channel_id: str | None) -> Message:
        """Every KPI the user may see here (or those at `level`), grouped by tier."""
        visible = [
            state
            for state in self.states()
            if can_see(state.kpi, user_id=user_id, channel_id=channel_id)
        ]
        return status_message(visible, self.locale, level)

    def follow_up_message(self, follow_up: FollowUp, *, user_id: str, channel_id: str) -> Message:
        """What a follow-up sends after the ack: the status list, or a KPI's answer for the
        channel (naming who shared it; its text also heads an uploaded chart)."""
        match follow_up:
            case SendStatus(level=level):
                return self.status(level, user_id=user_id, channel_id=channel_id)
            case PostInChannel(kpi=kpi):
                # The verified request's user: the channel sees who shared the answer.
                return shared_kpi_message(self.state(kpi), user_id, self.locale)
            case UploadChart(kpi=kpi):
                return kpi_message(self.state(kpi), self.locale)

    def home(self, user_id: str) -> View:
        """The App Home of one user: the dashboard and the KPIs they may see."""
        board, states = self.board_and_states()
        visible = [
            state for state in states if can_see(state.kpi, user_id=user_id, channel_id=None)
        ]
        restricted = frozenset(
            kpi.id
            for kpi in self.catalog.kpis
            if not can_see(kpi, user_id=user_id, channel_id=None)
        )
        return home_view(board, visible, self.locale, restricted)

    def _show(self, kpi: KpiDefinition, action: KpiAction, user_id: str, channel_id: str) -> Reply:
        if action is KpiAction.DETAIL:
            return Reply(self.detail(kpi, user_id=user_id, channel_id=channel_id))
        if not can_post(kpi, channel_id=channel_id):
            return Reply(restricted_message(kpi, self.locale))
        if action is KpiAction.CHART:
            return Reply(chart_pending_message(kpi, self.locale), UploadChart(kpi))
        return Reply(None, PostInChannel(kpi))

    def _recordable(self, kpi_id: str, user_id: str) -> Reply | None:
        """Why this user may not change this KPI's measurements, if they may not."""
        admins = self.settings.admins
        if not can_record(user_id, admins):
            return Reply(not_admin_message(list(admins), self.locale))
        kpi = self.catalog.get(kpi_id)
        measured = measured_kpis(self.catalog)
        if kpi.id not in measured:
            recordable = [self.catalog.get(kpi_id) for kpi_id in measured]
            return Reply(not_recordable_message(kpi, recordable, self.locale))
        return None

    def _record(self, command: Record, user_id: str) -> Reply:
        refusal = self._recordable(command.kpi, user_id)
        if refusal is not None:
            return refusal
        kpi = self.catalog.get(command.kpi)
        if not measured_kpis(self.catalog)[kpi.id].allows(command.value):
            return Reply(impossible_value_message(kpi, command.value, self.locale))
        if command.day is not None and command.day > self.now().date():
            return Reply(future_day_message(command.day, self.locale))
        zone = self.settings.zone
        at = self.now() if command.day is None else datetime.combine(command.day, time(), zone)
        try:
            measurement = validated_measurement(
                kpi=kpi.id,
                value=command.value,
                at=at,
                zone=self.database.zone,
                known_kpis=measured_kpis(self.catalog),
            )
        except ValidationError:
            # Only a date outside the supported range gets here: the grammar checked the rest.
            day = command.day.isoformat() if command.day else ""
            return Reply(usage_message(Problem.BAD_DATE, day, self.locale))
        with self.database.write(wait=RECORD_WAIT_SECONDS) as connection:
            stored = write_measurement(
                connection, measurement, zone=self.database.zone, author=self._author(user_id)
            )
        at = stored.record["at"].astimezone(zone)
        return Reply(record_confirmation(kpi, command.value, at, stored.previous, self.locale))

    def _delete(self, command: DeleteRecord, user_id: str) -> Reply:
        refusal = self._recordable(command.kpi, user_id)
        if refusal is not None:
            return refusal
        with self.database.write(wait=RECORD_WAIT_SECONDS) as connection:
            deleted = delete_measurements(
                connection, kpi=command.kpi, day=command.day, author=self._author(user_id)
            )
        kpi = self.catalog.get(command.kpi)
        values = [change.previous for change in deleted if change.previous is not None]
        return Reply(deletion_confirmation(kpi, command.day, values, self.locale))

    def _add_note(self, command: AddNote, user_id: str) -> Reply:
        """Store a note by any user who may use /kpi: notes are the team's input to the
        monthly digest, and each names its author."""
        if len(command.text) > MAX_NOTE_LENGTH:
            return Reply(note_too_long_message(len(command.text), MAX_NOTE_LENGTH, self.locale))
        now = self.now()
        with self.database.write(wait=RECORD_WAIT_SECONDS) as connection:
            add_note(connection, kind=command.note, text=command.text, author=user_id, at=now)
        month = now.astimezone(self.settings.zone).date().replace(day=1)
        return Reply(note_saved_message(command.note, month, self.locale))

    def notes(self, month: date | None) -> Message:
        """The notes of a local month (this month when None)."""
        zone = self.settings.zone
        month = month or self.now().astimezone(zone).date().replace(day=1)
        with self.database.read() as connection:
            notes = notes_in_month(connection, month, zone)
        return notes_message(notes, month, zone, self.locale)

    def today(self) -> date:
        """Today in the configured time zone."""
        return self.now().astimezone(self.settings.zone).date()

    def _known(self, kpi_id: str) -> KpiDefinition | None:
        """The KPI with this id; None when the catalog no longer has it."""
        try:
            return self.catalog.get(kpi_id)
        except UnknownKpiError:
            return None

    def _kpi_name(self, kpi_id: str) -> str:
        kpi = self._known(kpi_id)
        return kpi_id if kpi is None else kpi.name.in_locale(self.locale)

    def _may_see_action(self, action: StoredAction, user_id: str, channel_id: str | None) -> bool:
        """An action on a restricted KPI is as restricted as the KPI's value; an action on
        a KPI no longer in the catalog stays visible, so it can still be closed."""
        kpi = self._known(action.kpi)
        return kpi is None or can_see(kpi, user_id=user_id, channel_id=channel_id)

    def actions(self, *, user_id: str, channel_id: str | None) -> Message:
        """The open improvement actions this user may see here, by due day."""
        with self.database.read() as connection:
            everything = open_actions(connection)
        shown = [a for a in everything if self._may_see_action(a, user_id, channel_id)]
        names = {action.kpi: self._kpi_name(action.kpi) for action in shown}
        hidden = len(everything) - len(shown)
        return actions_message(shown, names, self.today(), self.locale, hidden=hidden)

    def add_action(
        self,
        command: AddAction,
        *,
        user_id: str,
        channel_id: str | None,
        episode: int | None = None,
    ) -> Message:
        """Record an improvement action by any user who may see the KPI here: actions are
        the team's plan, and each names who recorded it."""
        kpi = self.catalog.get(command.kpi)
        locale = self.locale
        if not can_see(kpi, user_id=user_id, channel_id=channel_id):
            return action_restricted_message(kpi.name.in_locale(locale), locale)
        if len(command.text) > MAX_ACTION_LENGTH:
            return action_too_long_message(len(command.text), MAX_ACTION_LENGTH, locale)
        today = self.today()
        if command.due is not None and command.due < today:
            return action_past_due_message(command.due, today, locale)
        with self.database.write(wait=RECORD_WAIT_SECONDS) as connection:
            stored = add_action(
                connection,
                kpi=kpi.id,
                text=command.text,
                owner=command.owner,
                due=command.due,
                created_by=user_id,
                at=self.now(),
                episode=episode,
            )
        return action_added_message(stored, kpi.name.in_locale(locale), locale)

    def close_action(self, action_id: int, *, user_id: str, channel_id: str | None) -> Message:
        """Close an action for its owner, the person who recorded it, or an admin."""
        locale = self.locale
        with self.database.write(wait=RECORD_WAIT_SECONDS) as connection:
            action = get_action(connection, action_id)
            if action is None or not self._may_see_action(action, user_id, channel_id):
                return action_not_found_message(action_id, locale)
            if not action.is_open:
                return action_already_done_message(action, self.settings.zone, locale)
            if not can_close_action(
                user_id, owner=action.owner, creator=action.created_by, admins=self.settings.admins
            ):
                return action_not_allowed_message(action, locale)
            close_action(connection, action_id=action_id, by=user_id, at=self.now())
        return action_closed_message(action, self._kpi_name(action.kpi), locale)

    def _author(self, user_id: str) -> Author:
        """A change made now by a Slack user (an id from a verified request)."""
        return Author(by=user_id, at=self.now().astimezone(UTC))
