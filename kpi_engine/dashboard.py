"""The document's realtime dashboard (リアルタイムダッシュボード) as data.

Daily sales and sign-ups, system status, support status and learning progress, read at a
moment; the KPI levels come from `evaluate_all`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpi_engine.catalog import Catalog
from kpi_engine.formulas import revenue_before, tally_before, uptime, window
from kpi_engine.periods import PeriodKind, span_containing
from kpi_engine.source import Fact, KpiSource, Tally


class Figure(StrEnum):
    """A figure of the dashboard that gives away part of some KPIs."""

    REVENUE = "revenue"  # revenue (net of refunds) and payments today
    ENROLLMENTS = "enrollments"
    NEW_CUSTOMERS = "new_customers"
    UPTIME = "uptime"  # today's, this month's, and whether the system is down now
    OPEN_TICKETS = "open_tickets"
    ACTIVE_STUDENTS = "active_students"
    ANSWERED_24H = "answered_24h"
    ANSWERED_48H = "answered_48h"
    COMPLETION = "completion"


# The KPIs each figure reveals, wholly or in part (a part of a sum, of a numerator or a
# denominator): whoever may not see one of them must not see the figure either. Generous on
# purpose: hiding a figure too many costs little; showing one too many leaks.
_REVENUE = ("mrr", "annual_revenue", "revenue_growth_yoy", "gross_margin", "ltv", "ltv_cac")
_CUSTOMERS = ("new_customers", "cumulative_students", "cac", "ltv_cac", "referral_rate")
_CHURN = ("cumulative_students", "retention_6m", "ltv", "ltv_cac")
_SUPPORT = ("support_response_24h", "support_response_48h")
REVEALS: dict[Figure, tuple[str, ...]] = {
    Figure.REVENUE: _REVENUE,
    Figure.ENROLLMENTS: _CUSTOMERS,
    Figure.NEW_CUSTOMERS: _CUSTOMERS,
    Figure.UPTIME: ("uptime",),
    Figure.OPEN_TICKETS: _SUPPORT,
    Figure.ACTIVE_STUDENTS: tuple(dict.fromkeys(_CUSTOMERS + _CHURN)),
    Figure.ANSWERED_24H: ("support_response_24h",),
    Figure.ANSWERED_48H: ("support_response_48h",),
    Figure.COMPLETION: ("completion_rate",),
}
# The figures that show a KPI's own value.
SHOWS: dict[Figure, str] = {
    Figure.ANSWERED_24H: "support_response_24h",
    Figure.ANSWERED_48H: "support_response_48h",
    Figure.COMPLETION: "completion_rate",
}


def hidden_figures(restricted: set[str] | frozenset[str]) -> frozenset[Figure]:
    """The figures that reveal any of these KPIs (those a viewer may not see)."""
    return frozenset(figure for figure, kpis in REVEALS.items() if restricted.intersection(kpis))


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows at `as_of` (local `day`)."""

    as_of: datetime
    day: date
    revenue_today: float
    payments_today: int
    enrollments_today: int
    new_customers_today: int
    uptime_today: float | None
    uptime_month: float | None
    open_downtime_since: datetime | None
    open_tickets: int
    active_students: int


def dashboard(catalog: Catalog, source: KpiSource, as_of: datetime, zone: ZoneInfo) -> Dashboard:
    """Read the dashboard's figures at a moment."""
    day = (as_of - timedelta(microseconds=1)).astimezone(zone).date()

    def so_far(fact: Fact, start: date) -> Tally:
        # Up to the moment: as of 13:27 the rows timed later today are not counted yet.
        return tally_before(source, fact, start, as_of, zone)

    revenue = revenue_before(source, day, as_of, zone)
    uptime_kpi = catalog.get("uptime")

    def uptime_over(kind: PeriodKind) -> float | None:
        return uptime(source, window(span_containing(kind, day), as_of, zone), uptime_kpi).value

    enrolled = so_far(Fact.NEW_CUSTOMERS, date.min).count
    churned = so_far(Fact.CHURNS, date.min).count
    return Dashboard(
        as_of=as_of,
        day=day,
        revenue_today=revenue.net,
        payments_today=revenue.payments,
        enrollments_today=so_far(Fact.ENROLLMENTS, day).count,
        new_customers_today=so_far(Fact.NEW_CUSTOMERS, day).count,
        uptime_today=uptime_over(PeriodKind.DAY),
        uptime_month=uptime_over(PeriodKind.MONTH),
        open_downtime_since=source.open_downtime_since(as_of),
        open_tickets=source.open_tickets(as_of),
        # Customers ever enrolled minus churns: those still learning or subscribed.
        active_students=max(enrolled - churned, 0),
    )
