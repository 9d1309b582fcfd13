"""Whether a KPI's data is fresh: its feeds' latest events against its update frequency.

A KPI is *stale* at a moment when the latest event of any feed it is computed from (or, for
a KPI recorded by hand, its latest measurement) is older than its catalog `update_frequency`
allows, or when no such event exists at all. The allowance is one longest cycle of the
frequency plus a day for the data to land, so one missed update is reported, not a late one:

    realtime   1 day      (a live feed silent for a whole day has stopped)
    daily      2 days
    weekly     8 days
    monthly    32 days    (the longest month, 31 days, plus one)
    quarterly  93 days    (the longest quarter, 92 days, plus one)

An event exactly as old as the allowance is still fresh; one microsecond older is stale.
Uptime is never stale: it is computed from outages, and a healthy system records none.
Churns are not a feed of any KPI either, for the same reason: months without a churn are
good news, not missing data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kpi_engine.catalog import Catalog, KpiDefinition, UpdateFrequency
from kpi_engine.formulas import is_measured
from kpi_engine.source import Feed, KpiSource

ALLOWED_AGE = {
    UpdateFrequency.REALTIME: timedelta(days=1),
    UpdateFrequency.DAILY: timedelta(days=2),
    UpdateFrequency.WEEKLY: timedelta(days=8),
    UpdateFrequency.MONTHLY: timedelta(days=32),
    UpdateFrequency.QUARTERLY: timedelta(days=93),
}

# The feeds each computed KPI reads; a KPI not named here and not measured by hand has none.
FEEDS: dict[str, tuple[Feed, ...]] = {
    "cumulative_students": (Feed.ENROLLMENTS,),
    "annual_revenue": (Feed.PAYMENTS,),
    "mrr": (Feed.PAYMENTS,),
    "revenue_growth_yoy": (Feed.PAYMENTS,),
    "gross_margin": (Feed.PAYMENTS, Feed.COSTS),
    "new_customers": (Feed.ENROLLMENTS,),
    "cac": (Feed.COSTS, Feed.ENROLLMENTS),
    "ltv": (Feed.PAYMENTS, Feed.ENROLLMENTS),
    "ltv_cac": (Feed.PAYMENTS, Feed.ENROLLMENTS, Feed.COSTS),
    "completion_rate": (Feed.ENROLLMENTS, Feed.COMPLETIONS),
    "uptime": (),
    "support_response_24h": (Feed.TICKETS,),
    "support_response_48h": (Feed.TICKETS,),
    "content_updates": (Feed.RELEASES,),
    "nps": (Feed.SURVEYS,),
    "csat": (Feed.SURVEYS,),
    "retention_6m": (Feed.ENROLLMENTS,),
    "ai_adoption_rate": (Feed.SURVEYS,),
    "referral_rate": (Feed.ENROLLMENTS,),
}


@dataclass(frozen=True)
class Freshness:
    """A KPI's latest data at a moment, and the age its update frequency allows."""

    kpi: KpiDefinition
    as_of: datetime
    last_event: datetime | None  # the oldest of its feeds' latest events; None: a feed has none
    allowed: timedelta

    @property
    def stale(self) -> bool:
        """Whether the data is older than allowed, or missing."""
        return self.last_event is None or self.as_of - self.last_event > self.allowed


def freshness(catalog: Catalog, source: KpiSource, as_of: datetime) -> list[Freshness]:
    """Every KPI's freshness at a moment, in catalog order; a KPI without feeds is fresh."""
    feeds: dict[Feed, datetime | None] = {}  # several KPIs share a feed: ask each once

    def latest(feed: Feed) -> datetime | None:
        if feed not in feeds:
            feeds[feed] = source.last_event(feed, as_of)
        return feeds[feed]

    result = []
    for kpi in catalog.kpis:
        last: datetime | None
        if is_measured(kpi.id):
            last = source.last_measurement_at(kpi.id, as_of)
        else:
            moments = [latest(feed) for feed in FEEDS.get(kpi.id, ())]
            known = [moment for moment in moments if moment is not None]
            # The stalest feed decides; a feed without any event makes the KPI stale.
            last = None if len(known) < len(moments) else min(known, default=as_of)
        result.append(Freshness(kpi, as_of, last, ALLOWED_AGE[kpi.update_frequency]))
    return result
