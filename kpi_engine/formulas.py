"""Each KPI's value over a window, computed from aggregates of the read interface.

A formula returns a `Reading`: the value (None when nothing was measured or a denominator
is zero) and the sample size n behind it (None where a sample makes no sense).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kpi_engine.catalog import (
    Catalog,
    CatalogError,
    CatalogProblem,
    EntryProblem,
    KpiDefinition,
    ValueRule,
)
from kpi_engine.periods import ONE_DAY, Span, add_months, month_start
from kpi_engine.retention import RETENTION_MONTHS
from kpi_engine.source import Fact, KpiSource, Tally

# Instants before any business data: where a cumulative window starts.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_COURSE_DAYS = 90
DEFAULT_MAX_LIFETIME_MONTHS = 36


@dataclass(frozen=True)
class Window:
    """A period and how much of it is known: data through `until` (exclusive local day)
    and up to the instant `end`; `as_of` is the moment of evaluation."""

    span: Span
    until: date
    start: datetime
    end: datetime
    as_of: datetime
    zone: ZoneInfo


@dataclass(frozen=True)
class Reading:
    """A KPI's value over a window and the sample size behind it."""

    value: float | None
    n: int | None


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day starts."""
    if day <= date(1970, 1, 2):
        return EPOCH
    return datetime.combine(day, time(), tzinfo=zone)


def window(span: Span, as_of: datetime, zone: ZoneInfo) -> Window:
    """The part of a period known at `as_of` (the whole of it once it has ended)."""
    as_of_day = (as_of - timedelta(microseconds=1)).astimezone(zone).date()
    until = min(span.end, as_of_day + ONE_DAY)
    span_end = local_midnight(span.end, zone)
    return Window(
        span=span,
        until=until,
        start=local_midnight(span.start, zone),
        end=min(span_end, as_of),
        as_of=as_of,
        zone=zone,
    )


def _percent(part: float, whole: float) -> float | None:
    return part / whole * 100 if whole > 0 else None


def _mean(tally: Tally) -> float | None:
    return tally.total / tally.count if tally.count else None


def tally_before(
    source: KpiSource, fact: Fact, start: date, end: datetime, zone: ZoneInfo
) -> Tally:
    """Sum a daily fact over the events on local days from `start` timed before `end`.

    Whole days are read from `daily` (the rollups); the day `end` falls inside, unless `end`
    is its midnight, from `part_of_day`, so that as of 13:27 the rows timed later that day
    are not counted, and as of a midnight (`--at DATE`) only rollups are read.
    """
    day = end.astimezone(zone).date()
    whole = source.daily(fact, start, day) if start < day else Tally(0.0, 0)
    if day < start or end == local_midnight(day, zone):
        return whole
    part = source.part_of_day(fact, day, end)
    return Tally(whole.total + part.total, whole.count + part.count)


def _daily(source: KpiSource, fact: Fact, w: Window) -> Tally:
    return tally_before(source, fact, w.span.start, w.end, w.zone)


def _a_year_before(w: Window) -> datetime:
    """The instant a year before a window's end: the same local time on the same day.

    The last day included is shifted, not the exclusive end: 2028-02-29 as an end would
    clamp to 2027-02-28 and lose that day. A window ending inside a day (as of 13:27) ends a
    year earlier at 13:27 too, so a morning is not compared with a whole day.
    """
    last_day = add_months(w.until - ONE_DAY, -12)
    if w.end == local_midnight(w.until, w.zone):
        return local_midnight(last_day + ONE_DAY, w.zone)
    return datetime.combine(last_day, w.end.astimezone(w.zone).time(), tzinfo=w.zone)


def _count_of(fact: Fact) -> Callable[[KpiSource, Window, KpiDefinition], Reading]:
    def formula(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
        tally = _daily(source, fact, w)
        return Reading(float(tally.count) if tally.count else None, tally.count)

    return formula


@dataclass(frozen=True)
class Revenue:
    """Payments net of refunds over some days: `net` in JPY, and how many of each."""

    net: float
    payments: int
    refunds: int

    @property
    def any(self) -> bool:
        """Whether a payment or a refund happened at all."""
        return bool(self.payments or self.refunds)


def revenue_before(source: KpiSource, start: date, end: datetime, zone: ZoneInfo) -> Revenue:
    """Revenue net of refunds on local days from `start`, timed before `end`.

    A refund counts on the day it was paid back, whatever period its payment was in: a
    refund in December of a November payment lowers December's revenue, not November's.
    """
    paid = tally_before(source, Fact.REVENUE, start, end, zone)
    refunded = tally_before(source, Fact.REFUNDS, start, end, zone)
    return Revenue(paid.total - refunded.total, paid.count, refunded.count)


def _revenue(source: KpiSource, w: Window) -> Revenue:
    return revenue_before(source, w.span.start, w.end, w.zone)


def net_revenue(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """Payments minus refunds in the window; n counts the payments."""
    revenue = _revenue(source, w)
    return Reading(revenue.net if revenue.any else None, revenue.payments)


def nps(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """% of scores 9-10 minus % of scores 0-6, among responses with an nps."""
    tally = _daily(source, Fact.NPS, w)
    return Reading(_percent(tally.total, tally.count), tally.count)


def csat(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """Mean csat score among responses with one."""
    tally = _daily(source, Fact.CSAT, w)
    return Reading(_mean(tally), tally.count)


def ai_adoption_rate(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """% answering yes among responses that answered the AI adoption question."""
    tally = _daily(source, Fact.AI_ADOPTION, w)
    return Reading(_percent(tally.total, tally.count), tally.count)


def referral_rate(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """% of the period's new customers whose first enrollment came by referral."""
    new = _daily(source, Fact.NEW_CUSTOMERS, w).count
    referred = _daily(source, Fact.NEW_REFERRALS, w).count
    return Reading(_percent(referred, new), new)


def revenue_growth_yoy(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """% change of net revenue on the same days a year earlier, up to the same local time."""
    now = _revenue(source, w)
    before = revenue_before(source, add_months(w.span.start, -12), _a_year_before(w), w.zone)
    if before.net <= 0:
        return Reading(None, now.payments)
    return Reading((now.net - before.net) / before.net * 100, now.payments)


def gross_margin(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """(net revenue - variable costs) / net revenue, %."""
    revenue = _revenue(source, w)
    variable = _daily(source, Fact.COST_VARIABLE, w)
    if revenue.net <= 0:
        return Reading(None, revenue.payments)
    return Reading((revenue.net - variable.total) / revenue.net * 100, revenue.payments)


def _cac(source: KpiSource, w: Window) -> Reading:
    marketing = _daily(source, Fact.COST_MARKETING, w)
    new = _daily(source, Fact.NEW_CUSTOMERS, w).count
    if not new or not marketing.count:
        return Reading(None, new)
    return Reading(marketing.total / new, new)


def cac(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """Marketing costs / new customers."""
    return _cac(source, w)


def ltv(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """Monthly revenue per paying customer x average lifetime in months.

    Net revenue (payments minus the refunds paid back in those months) per payer over the
    three complete months before the one the window ends in;
    lifetime = 1 / the pooled monthly churn rate (churns / customers active at each month's
    start) of the six complete months before it, at most `max_lifetime_months` (36), which
    is also the lifetime when nobody churned.
    """
    reference = month_start(w.until - ONE_DAY)
    months = (add_months(reference, -3), reference)
    revenue = source.daily(Fact.REVENUE, *months).total - source.daily(Fact.REFUNDS, *months).total
    payer_months = source.payer_months(*months)
    if not payer_months:
        return Reading(None, 0)
    cap = float(kpi.settings.get("max_lifetime_months", DEFAULT_MAX_LIFETIME_MONTHS))
    first = add_months(reference, -6)
    active = (
        source.daily(Fact.NEW_CUSTOMERS, date.min, first).count
        - source.daily(Fact.CHURNS, date.min, first).count
    )
    active_months = churned = 0
    for offset in range(6):
        month = add_months(first, offset)
        following = add_months(month, 1)
        active_months += max(active, 0)
        churns = source.daily(Fact.CHURNS, month, following).count
        churned += churns
        active += source.daily(Fact.NEW_CUSTOMERS, month, following).count - churns
    lifetime = cap if not churned or not active_months else min(cap, active_months / churned)
    return Reading(revenue / payer_months * lifetime, payer_months)


def ltv_cac(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """LTV / the period's CAC."""
    value = ltv(source, w, kpi).value
    acquisition = _cac(source, w)
    if value is None or acquisition.value is None or acquisition.value <= 0:
        return Reading(None, acquisition.n)
    return Reading(value / acquisition.value, acquisition.n)


def completion_rate(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """% with a completion among customers first enrolled 12 months to course_days before."""
    course_days = int(kpi.settings.get("course_days", DEFAULT_COURSE_DAYS))
    cohort = source.completion_cohort(
        add_months(w.until, -12), w.until - timedelta(days=course_days), w.end
    )
    return Reading(_percent(cohort.total, cohort.count), cohort.count)


def retention_6m(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """% without a churn within six months, of customers first enrolled six months before."""
    cohort_month = add_months(month_start(w.span.start), -RETENTION_MONTHS)
    cohort = source.retention_cohort(cohort_month, add_months(cohort_month, 1), w.end)
    return Reading(_percent(cohort.total, cohort.count), cohort.count)


def uptime(source: KpiSource, w: Window, _kpi: KpiDefinition) -> Reading:
    """(elapsed time - merged downtime) / elapsed time, %."""
    length = w.end - w.start
    if length <= timedelta(0):
        return Reading(None, None)
    down = source.downtime(w.start, w.end)
    return Reading((length - down) / length * 100, None)


def support_response(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """% answered within the hours, of tickets opened in the period and at least that old.

    A ticket exactly that old at the as-of moment counts: one opened at 00:00 is 24 hours old
    at the end of its day.
    """
    within = timedelta(hours=float(kpi.settings.get("response_hours", 24)))
    if w.as_of - within < w.start:
        return Reading(None, 0)
    tally = source.ticket_answers(w.start, w.end, within, w.as_of)
    return Reading(_percent(tally.total, tally.count), tally.count)


def latest_measurement(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """The latest manual measurement taken in the period."""
    value = source.latest_measurement(kpi.id, w.start, w.end)
    return Reading(value, 0 if value is None else 1)


def team_productivity(source: KpiSource, w: Window, kpi: KpiDefinition) -> Reading:
    """% growth of the latest measurement on the previous quarter's latest."""
    value = source.latest_measurement(kpi.id, w.start, w.end)
    before = local_midnight(add_months(w.span.start, -3), w.zone)
    base = source.latest_measurement(kpi.id, before, w.start)
    if value is None or base is None or base == 0:
        return Reading(None, 0 if value is None else 1)
    return Reading((value - base) / abs(base) * 100, 1)


Formula = Callable[[KpiSource, Window, KpiDefinition], Reading]

FORMULAS: dict[str, Formula] = {
    "nps": nps,
    "csat": csat,
    "ai_adoption_rate": ai_adoption_rate,
    "new_customers": _count_of(Fact.NEW_CUSTOMERS),
    "cumulative_students": _count_of(Fact.NEW_CUSTOMERS),
    "referral_rate": referral_rate,
    "mrr": net_revenue,
    "annual_revenue": net_revenue,
    "revenue_growth_yoy": revenue_growth_yoy,
    "gross_margin": gross_margin,
    "cac": cac,
    "ltv": ltv,
    "ltv_cac": ltv_cac,
    "completion_rate": completion_rate,
    "retention_6m": retention_6m,
    "uptime": uptime,
    "support_response_24h": support_response,
    "support_response_48h": support_response,
    "content_updates": _count_of(Fact.RELEASES),
    "team_productivity": team_productivity,
}


# The flow totals, each with the fact whose first event is the day its data begins. A period
# of a flow total that starts on or after that day and has no event is 0, not "no data"
# (the evaluator applies this: `kpi_engine.evaluate`); before that day it has no value.
FLOW_FACTS: dict[str, Fact] = {
    "new_customers": Fact.NEW_CUSTOMERS,
    "mrr": Fact.REVENUE,
    "annual_revenue": Fact.REVENUE,
    "content_updates": Fact.RELEASES,
}


def formula_for(kpi_id: str) -> Formula:
    """The formula of a KPI; a KPI kpibot does not compute is read from manual measurements."""
    return FORMULAS.get(kpi_id, latest_measurement)


def is_measured(kpi_id: str) -> bool:
    """Whether a KPI's values come from manual measurements (`kpibot record`, imports)."""
    return formula_for(kpi_id) in (latest_measurement, team_productivity)


def measured_kpis(catalog: Catalog) -> dict[str, ValueRule]:
    """The KPIs measured outside kpibot, which `record` and imports may set, with the values
    each may take; a measured KPI that declares none makes the catalog invalid."""
    measured = [kpi for kpi in catalog.kpis if is_measured(kpi.id)]
    undeclared = [
        EntryProblem(
            ("kpis", catalog.kpis.index(kpi), "measured_value"),
            CatalogProblem.NO_MEASURED_VALUE,
            {"kpi": kpi.id},
        )
        for kpi in measured
        if kpi.measured_value is None
    ]
    if undeclared:
        raise CatalogError(undeclared)
    return {kpi.id: kpi.measured_value for kpi in measured if kpi.measured_value is not None}
