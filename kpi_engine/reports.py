"""The reports of the KPI document's rhythm and the periods they cover.

The weekly team summary covers the ISO week just ended, the monthly stakeholder digest the
calendar month just ended, the quarterly review the calendar quarter just ended; all in
local days of the configured time zone. A report's period has a stable key (`2026-W47`,
`2026-11`, `2026-Q4`) by which the outbox knows whether it was already sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpi_engine.catalog import Catalog, KpiDefinition, Phase, Target, Tier
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce, evaluate_period
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Judge, Level, attainment
from kpi_engine.periods import (
    ONE_DAY,
    PeriodKind,
    Span,
    previous,
    same_period_last_year,
    span_containing,
)
from kpi_engine.source import KpiSource
from kpi_engine.targets import target_in_force


class ReportKind(StrEnum):
    """One of the document's reports."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def period_kind(self) -> PeriodKind:
        """The calendar period one report covers."""
        return _PERIOD_KINDS[self]


_PERIOD_KINDS = {
    ReportKind.WEEKLY: PeriodKind.WEEK,
    ReportKind.MONTHLY: PeriodKind.MONTH,
    ReportKind.QUARTERLY: PeriodKind.QUARTER,
}
_KEYS = {
    ReportKind.WEEKLY: re.compile(r"(?P<year>\d{4})-W(?P<number>\d{2})"),
    ReportKind.MONTHLY: re.compile(r"(?P<year>\d{4})-(?P<number>\d{2})"),
    ReportKind.QUARTERLY: re.compile(r"(?P<year>\d{4})-Q(?P<number>[1-4])"),
}


@dataclass(frozen=True)
class ReportPeriod:
    """The local days one report covers."""

    kind: ReportKind
    span: Span

    def __post_init__(self) -> None:
        if span_containing(self.kind.period_kind, self.span.start) != self.span:
            raise ValueError(f"{self.span} is not one {self.kind.period_kind} period")

    @property
    def key(self) -> str:
        """`2026-W47` (ISO year and week), `2026-11`, or `2026-Q4`."""
        start = self.span.start
        match self.kind:
            case ReportKind.WEEKLY:
                year, week, _ = start.isocalendar()
                return f"{year}-W{week:02d}"
            case ReportKind.MONTHLY:
                return f"{start.year}-{start.month:02d}"
            case ReportKind.QUARTERLY:
                return f"{start.year}-Q{(start.month - 1) // 3 + 1}"

    @classmethod
    def from_key(cls, kind: ReportKind, key: str) -> ReportPeriod:
        """The period a key names; ValueError for a key that names none."""
        match = _KEYS[kind].fullmatch(key)
        if match is None:
            raise ValueError(f"{key!r} is not a {kind} report's period")
        year, number = int(match["year"]), int(match["number"])
        match kind:
            case ReportKind.WEEKLY:
                first = date.fromisocalendar(year, number, 1)  # ValueError past the last week
            case ReportKind.MONTHLY:
                first = date(year, number, 1)
            case ReportKind.QUARTERLY:
                first = date(year, (number - 1) * 3 + 1, 1)
        return cls(kind, span_containing(kind.period_kind, first))

    def before(self) -> ReportPeriod:
        """The period of the same report just before this one."""
        return ReportPeriod(self.kind, previous(self.kind.period_kind, self.span))

    def after(self) -> ReportPeriod:
        """The period of the same report just after this one."""
        return ReportPeriod(self.kind, span_containing(self.kind.period_kind, self.span.end))

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """The instant the period ends: local midnight after its last day."""
        return datetime.combine(self.span.end, datetime.min.time(), tzinfo=zone)


def last_ended(kind: ReportKind, moment: datetime, zone: ZoneInfo) -> ReportPeriod:
    """The latest period of a report that has ended at `moment` (an aware instant): at
    Monday 00:00 local, the week that ended then; a second before, the week before it."""
    today = moment.astimezone(zone).date()
    current = span_containing(kind.period_kind, today)
    return ReportPeriod(kind, previous(kind.period_kind, current))


# --- What each report holds -------------------------------------------------------------
#
# The functions below take KPI states evaluated by `kpi_engine.evaluate` (as of the end of
# the report's period, and of the period before) and return the report's content as data;
# `bot.slack.blocks.reports` renders it. Which KPIs are *main* (主要KPI): those in the KPI
# document's phase tables (推移目標: 累計受講生, 月次売上, 完走率, NPS, CAC, LTV/CAC), that is the
# catalog KPIs with at least one target tied to a phase; they are rated ★★★ (or ★★☆ in
# Phase 1) by the document and are the ones the weekly summary follows.


class Response(StrEnum):
    """What a level calls for, per the document's 警告レベル設定."""

    CONSIDER = "consider"  # レベル1 注意 (黄色): 週次で改善アクション検討
    ACT_NOW = "act_now"  # レベル2 警戒 (オレンジ): 即座に改善アクション実行
    EMERGENCY = "emergency"  # レベル3 緊急 (赤): 緊急対策会議・戦略見直し


RESPONSES = {
    Level.YELLOW: Response.CONSIDER,
    Level.ORANGE: Response.ACT_NOW,
    Level.RED: Response.EMERGENCY,
}


class NoteKind(StrEnum):
    """What a note for the monthly digest is about."""

    MARKET = "market"  # 競合・市場動向
    STRATEGY = "strategy"  # 戦略見直し提案


@dataclass(frozen=True)
class ReportNote:
    """A note written by a person: its text is theirs, untrusted."""

    kind: NoteKind
    text: str
    author: str  # a Slack user id, or `cli:<os user>`
    created_at: datetime  # aware


@dataclass(frozen=True)
class ImprovementAction:
    """A PDCA improvement action on a KPI, due on a local day; its title and owner come from
    a person (untrusted text; the owner is a Slack user id when given)."""

    kpi: str
    title: str
    due: date
    owner: str = ""
    id: int | None = None  # its number in storage, which `/kpi action done` names


@dataclass(frozen=True)
class ActionTally:
    """How many improvement actions on one KPI were opened and closed in a period."""

    kpi: str
    opened: int
    closed: int


def is_main(kpi: KpiDefinition) -> bool:
    """Whether a KPI is one of the document's main KPIs (it has a phase target)."""
    return any(target.phase is not None for target in kpi.targets)


def judged_period(state: KpiState) -> PeriodValue:
    """The period a state's level was judged on: its value is the one a report shows."""
    return state.previous if state.basis is Basis.PREVIOUS else state.current


@dataclass(frozen=True)
class Progress:
    """A KPI as a report shows it, and the same figures one comparison earlier."""

    state: KpiState
    before: KpiState | None  # evaluated at the comparison moment; None when not evaluated

    @property
    def kpi(self) -> KpiDefinition:
        """The KPI."""
        return self.state.kpi

    @property
    def period(self) -> PeriodValue:
        """The period judged, whose value is shown."""
        return judged_period(self.state)

    @property
    def value(self) -> float | None:
        """The value shown."""
        return self.period.value

    @property
    def target(self) -> TargetInForce | None:
        """What the value was judged against: the judged period's own target."""
        return self.period.target

    @property
    def attainment(self) -> float | None:
        """Attainment of the judged period, in percent."""
        return self.state.attainment

    @property
    def level(self) -> Level:
        """The level."""
        return self.state.level

    @property
    def value_before(self) -> float | None:
        """The value shown at the comparison moment."""
        return None if self.before is None else judged_period(self.before).value

    @property
    def attainment_before(self) -> float | None:
        """The attainment at the comparison moment."""
        return None if self.before is None else self.before.attainment


def _by_kpi(states: list[KpiState]) -> dict[str, KpiState]:
    return {state.kpi.id: state for state in states}


def _progress(states: list[KpiState], before: list[KpiState]) -> list[Progress]:
    earlier = _by_kpi(before)
    return [Progress(state, earlier.get(state.kpi.id)) for state in states]


def _worst_first(progress: Progress) -> tuple[int, float]:
    """Sort key: most severe level first, then lowest attainment (unknown last)."""
    attained = progress.attainment
    return (-progress.level.severity, math.inf if attained is None else attained)


@dataclass(frozen=True)
class Concern:
    """A KPI at yellow or worse, and what its level calls for."""

    progress: Progress
    response: Response


@dataclass(frozen=True)
class WeeklySummary:
    """週次レポート for the team: main KPIs' progress, problems, next week's actions, stale data."""

    period: ReportPeriod
    as_of: datetime
    progress: list[Progress]  # the main KPIs, catalog order; `before`: a week earlier
    concerns: list[Concern]  # every KPI at yellow or worse, worst first
    actions: list[ImprovementAction]  # due in the coming week, by due day
    stale: list[Freshness]  # KPIs whose data is stale, catalog order
    overdue: list[ImprovementAction] = field(default_factory=list)  # due before it, oldest first
    action_kpis: dict[str, KpiDefinition] = field(default_factory=dict)  # the actions' KPIs


def weekly_summary(
    period: ReportPeriod,
    states: list[KpiState],
    week_before: list[KpiState],
    freshness: list[Freshness],
    actions: Sequence[ImprovementAction] = (),
) -> WeeklySummary:
    """The weekly team summary of a week, from states as of its end and a week before, and
    the improvement actions open at its end: those due in the coming week, and those whose
    due day has passed (overdue)."""
    if period.kind is not ReportKind.WEEKLY:
        raise ValueError(f"a weekly summary covers a week, not a {period.kind} period")
    if not states:
        raise ValueError("a report needs the evaluated KPI states")
    everything = _progress(states, week_before)
    concerns = [
        Concern(progress, RESPONSES[progress.level])
        for progress in sorted(everything, key=_worst_first)  # stable: catalog order on ties
        if progress.level in RESPONSES
    ]
    next_week = period.after().span
    return WeeklySummary(
        period=period,
        as_of=states[0].as_of,
        progress=[progress for progress in everything if is_main(progress.kpi)],
        concerns=concerns,
        actions=sorted(
            (a for a in actions if next_week.start <= a.due < next_week.end), key=_due_order
        ),
        stale=[item for item in freshness if item.stale],
        overdue=sorted((a for a in actions if a.due < next_week.start), key=_due_order),
        action_kpis={
            state.kpi.id: state.kpi
            for state in states
            if any(a.kpi == state.kpi.id for a in actions)
        },
    )


def _due_order(action: ImprovementAction) -> tuple[date, int]:
    return (action.due, -1 if action.id is None else action.id)


def toward_target(
    value: float | None, target: TargetInForce | Target | None, kpi: KpiDefinition
) -> float | None:
    """How far a value has come to a target's own value (not the pro-rated or straight-line
    figure a level is judged on), in percent: 1,049 students of a 1,500 goal is 69.9 %."""
    if value is None or target is None:
        return None
    judge = Judge.GROWTH if kpi.judge is Judge.GROWTH else Judge.RATIO
    return attainment(value, target.value, kpi.direction, judge)


@dataclass(frozen=True)
class Detail:
    """A KPI in detail: its progress on the period before, a year earlier, and how far it
    has come to the target in force (the phase's, when the KPI has one for the phase)."""

    progress: Progress
    last_year: PeriodValue | None  # the same period a year earlier as the one judged

    @property
    def value_last_year(self) -> float | None:
        """The value of the judged period's same period a year earlier."""
        return None if self.last_year is None else self.last_year.value

    @property
    def toward_target(self) -> float | None:
        """Percent of the way to the target's own value."""
        return toward_target(self.progress.value, self.progress.target, self.progress.kpi)


@dataclass(frozen=True)
class TierDetails:
    """The KPIs of one tier."""

    tier: Tier
    details: list[Detail]


@dataclass(frozen=True)
class MonthlyDigest:
    """月次レポート for stakeholders: every KPI by tier, and the month's notes."""

    period: ReportPeriod
    as_of: datetime
    phase: Phase | None  # in force on the month's last day
    tiers: list[TierDetails]  # every tier in document order; `before`: a month earlier
    market: list[ReportNote]  # 競合・市場動向, oldest first
    strategy: list[ReportNote]  # 戦略見直し提案, oldest first
    actions: list[ActionTally] = field(default_factory=list)  # opened/closed, catalog order


def judged_last_year(
    catalog: Catalog, source: KpiSource, states: list[KpiState], zone: ZoneInfo
) -> dict[str, PeriodValue]:
    """Each KPI's judged period's same period a year earlier, by KPI id. A state judged on its
    current period already holds it (`last_year`); only those judged on the previous period
    are read again, which keeps a digest at about two evaluations rather than three."""
    result = {}
    for state in states:
        if state.basis is not Basis.PREVIOUS:
            result[state.kpi.id] = state.last_year
            continue
        judged = state.previous
        span = same_period_last_year(state.kpi.period, Span(judged.start, judged.end + ONE_DAY))
        result[state.kpi.id] = evaluate_period(state.kpi, catalog, source, span, zone)
    return result


def phase_on(catalog: Catalog, day: date) -> Phase | None:
    """The phase of the plan a day falls in; None outside every phase."""
    return next((phase for phase in catalog.phases if phase.start <= day <= phase.end), None)


def notes_in(period: ReportPeriod, notes: list[ReportNote], zone: ZoneInfo) -> list[ReportNote]:
    """The notes written during a period's local days, oldest first."""
    span = period.span
    return sorted(
        (
            note
            for note in notes
            if span.start <= note.created_at.astimezone(zone).date() < span.end
        ),
        key=lambda note: note.created_at,
    )


def monthly_digest(
    catalog: Catalog,
    period: ReportPeriod,
    states: list[KpiState],
    month_before: list[KpiState],
    last_year: dict[str, PeriodValue],
    notes: list[ReportNote],
    zone: ZoneInfo,
    actions: Sequence[ActionTally] = (),
) -> MonthlyDigest:
    """The monthly stakeholder digest of a month, from states as of its end and a month
    before, each KPI's judged period a year earlier (`judged_last_year`), the notes (those
    written in the month are kept) and the month's improvement actions opened and closed
    per KPI (KPIs with neither are left out)."""
    if period.kind is not ReportKind.MONTHLY:
        raise ValueError(f"a monthly digest covers a month, not a {period.kind} period")
    if not states:
        raise ValueError("a report needs the evaluated KPI states")
    details = {
        progress.kpi.id: Detail(progress, last_year.get(progress.kpi.id))
        for progress in _progress(states, month_before)
    }
    written = notes_in(period, notes, zone)
    return MonthlyDigest(
        period=period,
        as_of=states[0].as_of,
        phase=phase_on(catalog, period.span.last_day),
        tiers=[
            TierDetails(tier, [details[kpi.id] for kpi in kpis if kpi.id in details])
            for tier, kpis in catalog.by_tier().items()
        ],
        market=[note for note in written if note.kind is NoteKind.MARKET],
        strategy=[note for note in written if note.kind is NoteKind.STRATEGY],
        actions=_in_catalog_order(catalog, actions),
    )


def _in_catalog_order(catalog: Catalog, tallies: Sequence[ActionTally]) -> list[ActionTally]:
    order = {kpi.id: index for index, kpi in enumerate(catalog.kpis)}
    kept = [tally for tally in tallies if tally.opened or tally.closed]
    return sorted(kept, key=lambda tally: (order.get(tally.kpi, len(order)), tally.kpi))


@dataclass(frozen=True)
class GoalProgress:
    """A strategic KPI against its long-term goal (the last target the catalog gives it)."""

    progress: Progress
    goal: Target | None

    @property
    def toward_goal(self) -> float | None:
        """Percent of the way to the long-term goal."""
        return toward_target(self.progress.value, self.goal, self.progress.kpi)


@dataclass(frozen=True)
class NextTarget:
    """A target that applies during the next quarter, and the one in force now."""

    kpi: KpiDefinition
    target: Target
    now: Target | None  # in force on the reviewed quarter's last day

    @property
    def changed(self) -> bool:
        """Whether it differs from the target in force now (a new phase, a new goal)."""
        return self.now != self.target


@dataclass(frozen=True)
class QuarterlyReview:
    """四半期レビュー for leadership and investors."""

    period: ReportPeriod
    as_of: datetime
    strategic: list[GoalProgress]  # the strategic KPIs; `before`: a quarter earlier
    phase: Phase | None  # in force on the quarter's last day
    results: list[Detail]  # the main KPIs against their targets in the phase plan
    next_phase: Phase | None  # in force on the next quarter's first day
    next_targets: list[NextTarget]  # every KPI's targets during the next quarter

    @property
    def phase_changes(self) -> bool:
        """Whether the next quarter starts a new phase (or leaves the plan)."""
        return self.next_phase != self.phase


def targets_during(kpi: KpiDefinition, span: Span) -> list[Target]:
    """The KPI's targets in force on any day of a span, in order."""
    starts = [target.start for target in kpi.targets[1:]] + [date.max]
    return [
        target
        for target, ends in zip(kpi.targets, starts, strict=True)
        if target.start < span.end and ends > span.start
    ]


def quarterly_review(
    catalog: Catalog,
    period: ReportPeriod,
    states: list[KpiState],
    quarter_before: list[KpiState],
) -> QuarterlyReview:
    """The quarterly review of a quarter, from states as of its end and a quarter before."""
    if period.kind is not ReportKind.QUARTERLY:
        raise ValueError(f"a quarterly review covers a quarter, not a {period.kind} period")
    if not states:
        raise ValueError("a report needs the evaluated KPI states")
    everything = _progress(states, quarter_before)
    last_day = period.span.last_day
    following = period.after().span
    return QuarterlyReview(
        period=period,
        as_of=states[0].as_of,
        strategic=[
            GoalProgress(progress, progress.kpi.targets[-1] if progress.kpi.targets else None)
            for progress in everything
            if progress.kpi.tier is Tier.STRATEGIC
        ],
        phase=phase_on(catalog, last_day),
        results=[Detail(progress, None) for progress in everything if is_main(progress.kpi)],
        next_phase=phase_on(catalog, following.start),
        next_targets=[
            NextTarget(kpi, target, target_in_force(kpi, last_day))
            for kpi in catalog.kpis
            for target in targets_during(kpi, following)
        ],
    )


def period_attainment(kpi: KpiDefinition, period: PeriodValue) -> float | None:
    """A past period's attainment against the figure it was judged against (its own
    target's judged figure), in percent; None without a value or a target."""
    if period.value is None or period.target is None:
        return None
    return attainment(period.value, period.target.judged, kpi.direction, kpi.judge)
