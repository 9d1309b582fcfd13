"""What an alert does next: the pure decision from a KPI's level, its alert state and the time.

An alert *episode* opens when a KPI's level, announced, leaves green, and ends when it is
announced green again. Within an episode the announced level moves up (escalate) and down
(de-escalate). Levels are announced only after they hold, so a value flapping on a
boundary does not flood a channel:

- a worse level X is announced when the last `confirmations[X]` evaluations were all at
  least as bad as X (default 2; red 0, i.e. at once; 0 and 1 both mean "on first sight");
- a better level X (green resolves) is announced when the last `settle` evaluations (default
  2) were all at least as good as X.

Each direction keeps a *run* per level: how many consecutive evaluations were at least as
bad (`up`) or at least as good (`down`) as that level. Runs are exact up to the longest
count the policy asks for, where they stop growing (more would decide nothing more, and a
KPI holding steady then keeps the same state, which a sweep need not write again), so
yellow / orange alternating under a green alert announces yellow after two evaluations,
and never orange.

`no_data` and `insufficient_data` never alert: such an evaluation neither counts nor breaks
a run; an open episode stays open (its reminders and snooze keep their clock).

Reminders: an unacknowledged red alert every `red_repeat` (24 h), an unacknowledged orange
one every `orange_repeat` (72 h), counted from the later of the level's announcement and the
last reminder; never during a snooze. A snooze suppresses escalation, de-escalation and
reminders; runs keep counting, so when it ends the evaluation announces what held. Two things
break through a snooze: resolution (the episode ends), and escalation into red, which ends
the snooze (a critical level must not wait for a week's snooze set on an orange one).
An escalation clears the acknowledgement: the new level needs someone to look again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kpi_engine.catalog import KpiDefinition, UpdateFrequency
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Level

ALERT_LEVELS = (Level.YELLOW, Level.ORANGE, Level.RED)
# Days without new data after which a KPI raises a data-missing notice (the cycle
# allowances; a catalog's `stale_after_days` overrides them per KPI). A realtime feed silent
# for a whole day has stopped, as `kpi_engine.freshness` says.
STALE_AFTER_DAYS = {
    UpdateFrequency.REALTIME: 1,
    UpdateFrequency.DAILY: 2,
    UpdateFrequency.WEEKLY: 10,
    UpdateFrequency.MONTHLY: 35,
    UpdateFrequency.QUARTERLY: 100,
}
_ANNOUNCED = (Level.GREEN, *ALERT_LEVELS)  # the levels a state can announce, best first


class AlertEvent(StrEnum):
    """What happened to an alert at one evaluation."""

    OPEN = "open"
    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    RESOLVE = "resolve"
    REMIND = "remind"
    SNOOZE_ENDED = "snooze_ended"


@dataclass(frozen=True)
class AlertPolicy:
    """How long a level must hold, how long to wait between reminders."""

    confirmations: Mapping[Level, int] = field(
        default_factory=lambda: {Level.YELLOW: 2, Level.ORANGE: 2, Level.RED: 0}
    )
    settle: int = 2  # evaluations at a better level before it is announced (green: resolve)
    red_repeat: timedelta = timedelta(hours=24)
    orange_repeat: timedelta = timedelta(hours=72)

    def __post_init__(self) -> None:
        for level in ALERT_LEVELS:
            if self.confirmations.get(level, 0) < 0:
                raise ValueError(f"confirmations for {level} must be 0 or more")
        if self.settle < 0:
            raise ValueError("settle must be 0 or more")
        if self.red_repeat <= timedelta(0) or self.orange_repeat <= timedelta(0):
            raise ValueError("reminder intervals must be positive")

    def needed_up(self, level: Level) -> int:
        """Consecutive evaluations at `level` or worse before it is announced (at least 1)."""
        return max(1, self.confirmations.get(level, 2))

    def needed_down(self) -> int:
        """Consecutive evaluations at a better level before it is announced (at least 1)."""
        return max(1, self.settle)

    def longest_run(self) -> int:
        """The longest run any decision compares: runs count no further."""
        return max(self.needed_down(), *(self.needed_up(level) for level in ALERT_LEVELS))

    def repeat(self, level: Level) -> timedelta | None:
        """The reminder interval of an announced level; None: that level is never reminded."""
        return {Level.RED: self.red_repeat, Level.ORANGE: self.orange_repeat}.get(level)


@dataclass(frozen=True)
class Runs:
    """Consecutive evaluations at least as bad (`up`) / at least as good (`down`) as a level."""

    up: Mapping[Level, int] = field(default_factory=dict)
    down: Mapping[Level, int] = field(default_factory=dict)

    def after(self, observed: Level, *, longest: int | None = None) -> Runs:
        """The runs once one more evaluation observed `observed` (an announceable level),
        each counting no further than `longest` when given."""
        severity = observed.severity

        def grown(count: int) -> int:
            return count + 1 if longest is None else min(count + 1, longest)

        return Runs(
            up={
                level: grown(self.up.get(level, 0))
                for level in ALERT_LEVELS
                if severity >= level.severity
            },
            down={
                level: grown(self.down.get(level, 0))
                for level in _ANNOUNCED[:-1]
                if severity <= level.severity
            },
        )

    def as_dict(self) -> dict[str, dict[str, int]]:
        """A JSON-ready form, for storage."""
        return {
            "up": {str(level): n for level, n in self.up.items()},
            "down": {str(level): n for level, n in self.down.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, int]]) -> Runs:
        """Read `as_dict`'s form back."""
        return cls(
            up={Level(key): int(n) for key, n in data.get("up", {}).items()},
            down={Level(key): int(n) for key, n in data.get("down", {}).items()},
        )


@dataclass(frozen=True)
class AlertMemory:
    """A KPI's persisted alert state, as the decision reads and writes it."""

    level: Level = Level.GREEN  # announced; green: no open episode
    episode: int = 0  # the number of the latest episode opened (0: none yet)
    runs: Runs = field(default_factory=Runs)
    opened_at: datetime | None = None
    level_since: datetime | None = None
    rule: str | None = None  # the automatic rule behind the announced level, if any
    acknowledged_at: datetime | None = None
    snoozed_until: datetime | None = None
    last_reminded_at: datetime | None = None
    evaluated_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Whether an episode is open."""
        return self.level is not Level.GREEN

    def snoozed(self, now: datetime) -> bool:
        """Whether a snooze is in force at `now`."""
        return self.snoozed_until is not None and now < self.snoozed_until

    def pending(self) -> tuple[Level | None, int]:
        """The most severe level seen lately but not announced, and for how many evaluations."""
        for level in reversed(ALERT_LEVELS):
            if level.severity > self.level.severity and self.runs.up.get(level, 0):
                return level, self.runs.up[level]
        return None, 0


@dataclass(frozen=True)
class Observation:
    """What one evaluation of a KPI saw: its level and the automatic rule that fired."""

    level: Level
    rule: str | None = None


@dataclass(frozen=True)
class Decision:
    """The events of one evaluation, in the order they are announced, and the new state."""

    events: tuple[AlertEvent, ...]
    before: AlertMemory
    after: AlertMemory

    @property
    def steady(self) -> bool:
        """Whether the evaluation announced nothing and changed nothing but its moment."""
        return not self.events and self.after == replace(
            self.before, evaluated_at=self.after.evaluated_at
        )


def decide(
    memory: AlertMemory, observed: Observation, now: datetime, policy: AlertPolicy
) -> Decision:
    """Decide what one evaluation at `now` does to a KPI's alert."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    events: list[AlertEvent] = []
    state = replace(memory, evaluated_at=now)
    if memory.snoozed_until is not None and not memory.snoozed(now):
        events.append(AlertEvent.SNOOZE_ENDED)
        state = replace(state, snoozed_until=None)
    if observed.level in ALERT_LEVELS or observed.level is Level.GREEN:
        runs = state.runs.after(observed.level, longest=policy.longest_run())
        state = replace(state, runs=runs)
        state, moved = _move(state, observed, now, policy)
        if moved is not None:
            if state.snoozed_until is not None and moved is AlertEvent.ESCALATE:
                # Only an escalation into red gets here during a snooze: it ends it.
                events.append(AlertEvent.SNOOZE_ENDED)
                state = replace(state, snoozed_until=None)
            events.append(moved)
            return Decision(tuple(events), memory, state)
    if _reminder_due(state, now, policy):
        events.append(AlertEvent.REMIND)
        state = replace(state, last_reminded_at=now)
    return Decision(tuple(events), memory, state)


def _move(
    state: AlertMemory, observed: Observation, now: datetime, policy: AlertPolicy
) -> tuple[AlertMemory, AlertEvent | None]:
    """Announce the level that held, if it differs from the announced one."""
    announced = state.level
    snoozed = state.snoozed(now)
    worse = [
        level
        for level in ALERT_LEVELS
        if level.severity > announced.severity
        and state.runs.up.get(level, 0) >= policy.needed_up(level)
    ]
    if worse:
        target = worse[-1]
        if snoozed and target is not Level.RED:
            return state, None
        if not state.open:
            return (
                replace(
                    state,
                    level=target,
                    episode=state.episode + 1,
                    opened_at=now,
                    level_since=now,
                    rule=observed.rule,
                    acknowledged_at=None,
                    snoozed_until=None,
                    last_reminded_at=None,
                ),
                AlertEvent.OPEN,
            )
        return (
            replace(
                state,
                level=target,
                level_since=now,
                rule=observed.rule,
                acknowledged_at=None,
                last_reminded_at=None,
            ),
            AlertEvent.ESCALATE,
        )
    better = [
        level
        for level in _ANNOUNCED
        if level.severity < announced.severity
        and state.runs.down.get(level, 0) >= policy.needed_down()
    ]
    if not better:
        return state, None
    target = better[0]
    if target is Level.GREEN:
        return (
            replace(
                state,
                level=Level.GREEN,
                level_since=now,
                rule=None,
                acknowledged_at=None,
                snoozed_until=None,
                last_reminded_at=None,
            ),
            AlertEvent.RESOLVE,
        )
    if snoozed:
        return state, None
    return (
        replace(state, level=target, level_since=now, rule=observed.rule, last_reminded_at=None),
        AlertEvent.DEESCALATE,
    )


def _reminder_due(state: AlertMemory, now: datetime, policy: AlertPolicy) -> bool:
    repeat = policy.repeat(state.level)
    if repeat is None or state.acknowledged_at is not None or state.snoozed(now):
        return False
    since = state.last_reminded_at or state.level_since
    return since is not None and now - since >= repeat


def stale_after(kpi: KpiDefinition) -> timedelta:
    """How old a KPI's latest data may be before a data-missing notice."""
    return timedelta(days=kpi.stale_after_days or STALE_AFTER_DAYS[kpi.update_frequency])


def missing_data(fresh: Freshness) -> bool:
    """Whether a KPI's data, once begun, is older than its allowance at the freshness's
    moment; a KPI whose data never began is not missing data, only not fed yet."""
    return fresh.last_event is not None and fresh.as_of - fresh.last_event > stale_after(fresh.kpi)
