"""The customers: who enrolls each month, through which channel, and what becomes of them."""

from __future__ import annotations

import functools
import random
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from storage.demo.company import (
    COMPLETER_CHURN_PER_MONTH,
    COMPLETION_RATE,
    COMPLETION_SURVEY_RESPONSE,
    DAYS_PER_MONTH,
    DEMO_START,
    DROPOUT_CHURN,
    OTHER_CHANNELS,
    REFERRAL_SHARE,
    new_customer_base,
)
from storage.demo.draws import (
    Quota,
    interpolate,
    later,
    local_time,
    month_index,
    month_start,
    next_month,
    rng,
    time_of_day,
)


class Customer(NamedTuple):
    """One customer: when and how they enrolled, and what became of them."""

    id: str
    enrolled: datetime
    month: int  # the index of the month of enrollment
    channel: str
    completed: datetime | None
    surveyed: datetime | None  # answered the survey after completing the course
    churned: datetime | None
    billing_second: int  # when in the local day the monthly charge runs


@dataclass(frozen=True)
class World:
    """The customers of every month up to the last one, and what the months share."""

    tz: ZoneInfo
    seed: int
    months: tuple[date, ...]
    customers: tuple[Customer, ...]
    bounds: tuple[int, ...]  # customers[bounds[m]:bounds[m + 1]] enrolled in month m


def _life(seed: int, number: int, enrolled: datetime, channel: str, m: int) -> Customer:
    """Draw one customer's completion, survey answer and churn from their own Random."""
    tz = enrolled.tzinfo
    assert isinstance(tz, ZoneInfo)
    r = random.Random(f"{seed}:customer:{number}")
    completed = surveyed = churned = None
    if r.random() < interpolate(COMPLETION_RATE, m):
        days = round(r.triangular(30, 120, 55))
        completed = local_time(enrolled.date() + timedelta(days=days), time_of_day(r), tz)
        if r.random() < COMPLETION_SURVEY_RESPONSE:
            surveyed = later(completed, r.uniform(600, 3 * 86_400), tz)
        rate = COMPLETER_CHURN_PER_MONTH / DAYS_PER_MONTH / 86_400
        churned = later(completed, r.expovariate(rate), tz)
    elif r.random() < DROPOUT_CHURN:
        churned = local_time(
            enrolled.date() + timedelta(days=r.randint(20, 170)), time_of_day(r), tz
        )
    else:
        rate = COMPLETER_CHURN_PER_MONTH / DAYS_PER_MONTH / 86_400
        churned = later(enrolled, 180 * 86_400 + r.expovariate(rate), tz)
    return Customer(
        id=f"AIM-{number:06d}",
        enrolled=enrolled,
        month=m,
        channel=channel,
        completed=completed,
        surveyed=surveyed,
        churned=churned,
        billing_second=r.randrange(600, 3 * 3600),
    )


@functools.lru_cache(maxsize=8)
def build_world(last_month: date, tz: ZoneInfo, scale: float, seed: int) -> World:
    """Build every customer who enrolls from DEMO_START to the end of `last_month`."""
    months: list[date] = []
    customers: list[Customer] = []
    bounds = [0]
    month = DEMO_START
    while month <= last_month:
        m = month_index(month)
        r = rng(seed, "customers", month)
        count = round(new_customer_base(m) * scale * r.uniform(0.97, 1.03))
        days = monthrange(month.year, month.month)[1]
        # Spread evenly over the month, so that month-to-date figures track the full month.
        stamps = sorted(
            local_time(
                month + timedelta(days=int((k + r.random()) * days / count)), time_of_day(r), tz
            )
            for k in range(count)
        )
        referral = interpolate(REFERRAL_SHARE, m)
        others = sum(share for _, share in OTHER_CHANNELS)
        shares = [("referral", referral)]
        shares += [(name, share * (1 - referral) / others) for name, share in OTHER_CHANNELS]
        channels = Quota(shares, r)
        for enrolled in stamps:
            customers.append(_life(seed, len(customers) + 1, enrolled, channels.draw(), m))
        months.append(month)
        bounds.append(len(customers))
        month = next_month(month)
    return World(tz, seed, tuple(months), tuple(customers), tuple(bounds))


def active_customers(world: World, month: date) -> Iterator[Customer]:
    """Yield the customers enrolled by the end of `month` who had not churned when it began."""
    lo = month_start(month, world.tz)
    for c in world.customers[: world.bounds[month_index(month) + 1]]:
        if c.churned is None or c.churned >= lo:
            yield c
