"""The narrow read interface the engine evaluates KPIs through; `storage` implements it.

Dates are local calendar dates in the engine's time zone and ranges are half-open
[start, end); instants are aware datetimes. An event exactly at the end of a range is
outside it, so "as of an instant" counts the events timed before that instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol


class Fact(StrEnum):
    """Daily facts: per local day, a total and a count."""

    REVENUE = "revenue"  # total: JPY paid; count: payments (gross: before refunds)
    REVENUE_RECURRING = "revenue_recurring"  # the same, recurring payments only
    REFUNDS = "refunds"  # total: JPY paid back; count: refunds
    COST_MARKETING = "cost_marketing"  # total: JPY spent; count: cost rows
    COST_VARIABLE = "cost_variable"
    COST_FIXED = "cost_fixed"
    ENROLLMENTS = "enrollments"  # count: enrollment events
    NEW_CUSTOMERS = "new_customers"  # count: customers whose first-ever enrollment is that day
    NEW_REFERRALS = "new_referrals"  # count: of those, first enrollment by referral
    COMPLETIONS = "completions"  # count: completion events
    CHURNS = "churns"  # count: churn events
    NPS = "nps"  # total: promoters (9-10) minus detractors (0-6); count: responses with nps
    CSAT = "csat"  # total: sum of scores; count: responses with csat
    AI_ADOPTION = "ai_adoption"  # total: answered yes; count: answered
    RELEASES = "releases"  # count: releases


class Feed(StrEnum):
    """A stream of events a KPI is computed from, whose silence can make its data stale."""

    ENROLLMENTS = "enrollments"
    COMPLETIONS = "completions"
    PAYMENTS = "payments"
    COSTS = "costs"
    SURVEYS = "surveys"
    TICKETS = "tickets"
    RELEASES = "releases"


@dataclass(frozen=True)
class Tally:
    """A sum and the number of things summed."""

    total: float
    count: int


class KpiSource(Protocol):
    """Aggregates over stored events, each answered without reading every row."""

    def daily(self, fact: Fact, start: date, end: date) -> Tally:
        """Sum a daily fact over the whole local days [start, end)."""
        ...

    def part_of_day(self, fact: Fact, day: date, before: datetime) -> Tally:
        """Sum a daily fact over the events of the local day `day` timed before `before`.

        The part of a day known at an instant inside it, counted as `daily` counts whole
        days: as of 13:27, the rows timed later that day are not counted yet.
        """
        ...

    def first_day(self, fact: Fact) -> date | None:
        """The first local day with an event counted by a daily fact; None before any."""
        ...

    def payer_months(self, start: date, end: date) -> int:
        """Sum, over the calendar months starting in [start, end), of distinct paying customers.

        Whole months only: the engine never asks for the month in progress at the as-of
        moment (LTV reads the three months before the as-of month).
        """
        ...

    def completion_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled on local days [first_from, first_until) (count) and how
        many of them completed before `before` (total)."""
        ...

    def retention_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled on local days [first_from, first_until) (count) and how
        many had no churn within six months of that enrollment, counting churns before
        `before` only (total)."""
        ...

    def ticket_answers(
        self, opened_from: datetime, opened_until: datetime, within: timedelta, as_of: datetime
    ) -> Tally:
        """Tickets opened in [opened_from, opened_until) and at least `within` old at `as_of`,
        that is opened at or before `as_of - within` (count), and how many of them had a first
        response at most `within` after opening (total)."""
        ...

    def downtime(self, start: datetime, end: datetime) -> timedelta:
        """Merged downtime inside [start, end); an outage still open lasts until `end`."""
        ...

    def latest_measurement(self, kpi: str, start: datetime, end: datetime) -> float | None:
        """The value of the latest manual measurement of a KPI taken in [start, end)."""
        ...

    def open_tickets(self, before: datetime) -> int:
        """Tickets opened before `before` without a first response by then."""
        ...

    def open_downtime_since(self, before: datetime) -> datetime | None:
        """The start of the earliest outage begun before `before` and not over by then."""
        ...

    def last_event(self, feed: Feed, before: datetime) -> datetime | None:
        """The time of the latest event of a feed that happened before `before`; None if none."""
        ...

    def last_measurement_at(self, kpi: str, before: datetime) -> datetime | None:
        """The time of the latest manual measurement of a KPI taken before `before`."""
        ...
