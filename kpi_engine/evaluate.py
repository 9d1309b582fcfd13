"""Evaluating KPIs: values per period, the target in force, attainment and level.

`evaluate_all` is the one call the CLI, `/kpi`, reports and alerts share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpi_engine.catalog import AlertRule, Catalog, KpiDefinition, Localized
from kpi_engine.formulas import (
    FLOW_FACTS,
    Reading,
    Window,
    formula_for,
    local_midnight,
    tally_before,
    window,
)
from kpi_engine.levels import Judge, Level, attainment, band, most_severe
from kpi_engine.periods import ONE_DAY, Span, elapsed_share, history, same_period_last_year
from kpi_engine.rules import fired_rules
from kpi_engine.source import Fact, KpiSource
from kpi_engine.targets import judged_target, target_in_force

HISTORY_PERIODS = 12


class Basis(StrEnum):
    """Which period a level was judged on."""

    CURRENT = "current"
    PREVIOUS = "previous"


@dataclass(frozen=True)
class TargetInForce:
    """A target in force on a period's last day, and the figure the period is judged by."""

    value: float
    due: date | None
    phase: str | None
    judged: float  # the figure actually compared: pro-rated, or on the straight line
    label: Localized | None = None  # the catalog's name for it, if it has one


@dataclass(frozen=True)
class PeriodValue:
    """A KPI's value over a period: first and last local day (inclusive) and sample size."""

    start: date
    end: date
    value: float | None
    n: int | None
    # The period's own level (band and rules), judged as if it were the basis; for charts.
    level: Level = Level.NO_DATA
    # The target in force on the period's last day, which its value is judged against
    # (None before the KPI's first target); set whether or not the period has a value.
    target: TargetInForce | None = None


@dataclass(frozen=True)
class KpiState:
    """Everything known about a KPI at a moment.

    `target` is always the target in force for the current period (`current.target`:
    value, due date, phase, and its figure for the period so far), whatever the level and
    the basis; it is None only before the KPI's first target. The level, `attainment` and
    `rule` come from the `basis` period, judged against that period's own target: when the
    basis is the previous period, that is `previous.target`, which differs from `target`
    when a new target started with the current period (on 2026-07-01 Phase 3's target is in
    force, June was judged against Phase 2's).
    """

    kpi: KpiDefinition
    as_of: datetime
    current: PeriodValue
    previous: PeriodValue
    last_year: PeriodValue
    history: list[PeriodValue]
    target: TargetInForce | None  # in force for the current period
    attainment: float | None  # against the basis period's own target
    level: Level
    basis: Basis | None
    rule: AlertRule | None
    projection: float | None


@dataclass(frozen=True)
class _Verdict:
    level: Level
    attainment: float | None = None
    basis: Basis | None = None
    rule: AlertRule | None = None


@dataclass(frozen=True)
class _Period:
    """A period read: its window, its reading and the target in force over it."""

    window: Window
    reading: Reading
    target: TargetInForce | None


def _judgeable(kpi: KpiDefinition, period: _Period) -> bool:
    """Whether a period can be judged: it has a value from a large enough sample, and at least
    `elapsed_days_to_judge` whole days of it have passed at the as-of moment (always so for
    a complete period), so that 00:05 on the 1st does not judge a month on five minutes."""
    reading, w = period.reading, period.window
    if reading.value is None or (reading.n is not None and reading.n < kpi.min_sample):
        return False
    judged_from = w.span.start + timedelta(days=kpi.elapsed_days_to_judge)
    return w.as_of >= local_midnight(judged_from, w.zone)


def _verdict(kpi: KpiDefinition, rules: list[AlertRule], period: _Period, basis: Basis) -> _Verdict:
    """Judge a period with a value against its target and the alert rules."""
    reading, target = period.reading, period.target
    percent: float | None = None
    if target is not None and reading.value is not None:
        percent = attainment(reading.value, target.judged, kpi.direction, kpi.judge)
    banded = band(percent) if percent is not None else Level.NO_DATA
    fired = fired_rules(rules, reading.value, percent)
    return _Verdict(
        level=most_severe(banded, *(rule.level for rule in fired)),
        attainment=percent,
        basis=basis,
        rule=max(fired, key=lambda fired_rule: fired_rule.level.severity, default=None),
    )


def _period_value(kpi: KpiDefinition, rules: list[AlertRule], period: _Period) -> PeriodValue:
    """A period as the state shows it, with its own level and target."""
    reading = period.reading
    if _judgeable(kpi, period):
        level = _verdict(kpi, rules, period, Basis.CURRENT).level
    else:
        level = Level.NO_DATA if reading.value is None else Level.INSUFFICIENT_DATA
    w = period.window
    return PeriodValue(
        w.span.start, w.until - ONE_DAY, reading.value, reading.n, level, period.target
    )


class _Evaluator:
    def __init__(self, source: KpiSource, as_of: datetime, zone: ZoneInfo) -> None:
        self.source = source
        self.as_of = as_of
        self.zone = zone
        self.as_of_day = (as_of - timedelta(microseconds=1)).astimezone(zone).date()
        self.start_values: dict[tuple[str, date], float | None] = {}
        self.first_days: dict[Fact, date | None] = {}

    def read(self, kpi: KpiDefinition, span: Span) -> _Period:
        w = window(span, self.as_of, self.zone)
        return _Period(w, self.reading(kpi, w), self.in_force(kpi, w))

    def reading(self, kpi: KpiDefinition, w: Window) -> Reading:
        """The KPI's formula over a window; a flow total without events is 0 in a period
        starting on or after the day its data begins (its first event), no data before."""
        reading = formula_for(kpi.id)(self.source, w, kpi)
        fact = FLOW_FACTS.get(kpi.id)
        if reading.value is None and fact is not None:
            begins = self.first_day(fact)
            if begins is not None and begins <= w.span.start:
                return Reading(0.0, 0)
        return reading

    def first_day(self, fact: Fact) -> date | None:
        """The day a fact's data begins at the as-of moment, asked once per evaluator."""
        if fact not in self.first_days:
            begins = self.source.first_day(fact)
            # A first day that is not over at the as-of moment may hold only events timed
            # after it: then the data has not begun yet. Earlier days are whole, so the
            # rollups' first day stands without another look.
            if begins is not None and begins >= self.as_of_day:
                counted = tally_before(self.source, fact, begins, self.as_of, self.zone)
                begins = begins if counted.count else None
            self.first_days[fact] = begins
        return self.first_days[fact]

    def in_force(self, kpi: KpiDefinition, w: Window) -> TargetInForce | None:
        """The target in force on the window's last day, with the figure to judge it by."""
        judged_day = w.until - ONE_DAY
        target = target_in_force(kpi, judged_day)
        if target is None:
            return None
        start_value = self.start_value(kpi, target.start) if kpi.judge is Judge.LINE else None
        figure = judged_target(kpi, target, w.span, judged_day, start_value)
        return TargetInForce(target.value, target.due, target.phase, figure, target.label)

    def start_value(self, kpi: KpiDefinition, start: date) -> float | None:
        """The value when a target started: the period ending the day before, complete."""
        key = (kpi.id, start)
        if key not in self.start_values:
            self.start_values[key] = self._value_before(kpi, start)
        return self.start_values[key]

    def _value_before(self, kpi: KpiDefinition, start: date) -> float | None:
        day_before = start - ONE_DAY
        span = history(kpi.period, day_before, 1)[0]
        w = window(span, datetime.combine(start, datetime.min.time(), tzinfo=self.zone), self.zone)
        return self.reading(kpi, w).value

    def evaluate(self, kpi: KpiDefinition, rules: list[AlertRule]) -> KpiState:
        spans = history(kpi.period, self.as_of_day, HISTORY_PERIODS)
        periods = [self.read(kpi, span) for span in spans]
        current, previous = periods[-1], periods[-2]
        last_year = self.read(kpi, same_period_last_year(kpi.period, spans[-1]))
        if _judgeable(kpi, current):
            verdict = _verdict(kpi, rules, current, Basis.CURRENT)
        elif _judgeable(kpi, previous):
            verdict = _verdict(kpi, rules, previous, Basis.PREVIOUS)
        else:
            seen_any = current.reading.value is not None or previous.reading.value is not None
            verdict = _Verdict(Level.INSUFFICIENT_DATA if seen_any else Level.NO_DATA)
        history_values = [_period_value(kpi, rules, period) for period in periods]
        return KpiState(
            kpi=kpi,
            as_of=self.as_of,
            current=history_values[-1],
            previous=history_values[-2],
            last_year=_period_value(kpi, rules, last_year),
            history=history_values,
            projection=self._projection(kpi, current.window, current.reading),
            target=history_values[-1].target,
            attainment=verdict.attainment,
            level=verdict.level,
            basis=verdict.basis,
            rule=verdict.rule,
        )

    def _projection(self, kpi: KpiDefinition, w: Window, reading: Reading) -> float | None:
        if kpi.judge is not Judge.PRORATED or reading.value is None:
            return None
        share = elapsed_share(w.span, w.until - ONE_DAY)
        return reading.value / share if share > 0 else None


def evaluate(
    kpi: KpiDefinition, catalog: Catalog, source: KpiSource, as_of: datetime, zone: ZoneInfo
) -> KpiState:
    """Evaluate one KPI at a moment."""
    return _Evaluator(source, as_of, zone).evaluate(kpi, catalog.rules_for(kpi.id))


def evaluate_period(
    kpi: KpiDefinition, catalog: Catalog, source: KpiSource, span: Span, zone: ZoneInfo
) -> PeriodValue:
    """A KPI's value over one period, as known at the period's end, with its own level."""
    as_of = local_midnight(span.end, zone)
    period = _Evaluator(source, as_of, zone).read(kpi, span)
    return _period_value(kpi, catalog.rules_for(kpi.id), period)


def evaluate_all(
    catalog: Catalog, source: KpiSource, as_of: datetime, zone: ZoneInfo
) -> list[KpiState]:
    """Evaluate every KPI of the catalog at a moment, in catalog order."""
    evaluator = _Evaluator(source, as_of, zone)
    return [evaluator.evaluate(kpi, catalog.rules_for(kpi.id)) for kpi in catalog.kpis]
