"""Seeded randomness and local times: the draws every part of the demo is made of."""

from __future__ import annotations

import functools
import itertools
import random
from bisect import bisect_right
from calendar import monthrange
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from storage.demo.company import DEMO_START

# Mostly business hours, a tail into the night so that local midnight matters.
_HOUR_WEIGHTS = (
    *(6, 3, 2, 1, 1, 2, 5, 12, 25, 40, 50, 50),  # 00-11 h
    *(45, 50, 50, 50, 45, 40, 35, 35, 35, 30, 20, 12),  # 12-23 h
)
_HOURS = tuple(range(24))
_CUM_HOURS = tuple(itertools.accumulate(_HOUR_WEIGHTS))

T = TypeVar("T")


class Quota(Generic[T]):
    """Deal values so that every run of draws keeps close to the target shares."""

    def __init__(self, shares: Sequence[tuple[T, float]], r: random.Random) -> None:
        self._values = [value for value, _ in shares]
        self._shares = [share for _, share in shares]
        self._counts = [0] * len(shares)
        self._drawn = 0
        self._r = r

    def draw(self) -> T:
        self._drawn += 1
        # Largest shortfall wins; the jitter keeps the sequence from looking periodic.
        debts = [
            self._drawn * share - count + 0.15 * self._r.random()
            for share, count in zip(self._shares, self._counts, strict=True)
        ]
        pick = debts.index(max(debts))
        self._counts[pick] += 1
        return self._values[pick]


def interpolate(knots: Sequence[tuple[int, float]], m: int) -> float:
    """Read a curve of (month index, value) knots at month index `m`."""
    xs = [x for x, _ in knots]
    i = bisect_right(xs, m)
    if i == 0:
        return knots[0][1]
    if i == len(knots):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return y0 + (y1 - y0) * (m - x0) / (x1 - x0)


def month_index(month: date) -> int:
    """Count the months from DEMO_START to `month`."""
    return (month.year - DEMO_START.year) * 12 + month.month - DEMO_START.month


def add_months(day: date, months: int) -> date:
    """Move a day by whole months, to the last day of a shorter month if need be."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def next_month(month: date) -> date:
    """Return the first day of the month after `month`."""
    return add_months(month, 1)


def local_time(day: date, second: float, tz: ZoneInfo) -> datetime:
    """A local wall time, normalised so that a time in a DST gap carries a real offset."""
    local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(seconds=int(second))
    if local.date() == day and _steady(day, tz):
        return local
    return local.astimezone(UTC).astimezone(tz)


@functools.lru_cache(maxsize=4096)
def _steady(day: date, tz: ZoneInfo) -> bool:
    """Whether a local day has one UTC offset throughout (no DST change), as most days do."""
    first = datetime(day.year, day.month, day.day, tzinfo=tz)
    return first.utcoffset() == first.replace(hour=23, minute=59, second=59).utcoffset()


def later(at: datetime, seconds: float, tz: ZoneInfo) -> datetime:
    """Return the local time `seconds` of real (UTC) time after `at`, across any DST change."""
    return (at.astimezone(UTC) + timedelta(seconds=int(seconds))).astimezone(tz)


def month_start(month: date, tz: ZoneInfo) -> datetime:
    """Return the local midnight that starts `month`."""
    return local_time(month, 0, tz)


def time_of_day(r: random.Random) -> int:
    """Draw a second of the local day, mostly in business hours."""
    return r.choices(_HOURS, cum_weights=_CUM_HOURS)[0] * 3600 + r.randrange(3600)


def rng(seed: int, stream: str, month: date) -> random.Random:
    """Return the Random of one stream's month, so that each month draws on its own."""
    return random.Random(f"{seed}:{stream}:{month:%Y-%m}")
