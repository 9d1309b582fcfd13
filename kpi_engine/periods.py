"""Period arithmetic on local calendar dates.

A period is a `Span` of whole local days, half-open: [start, end). Every function here takes
and returns `datetime.date`s already in the configured time zone; callers convert instants.

The kinds of period:

* day, week (ISO: Monday to Sunday), month and quarter (calendar quarters) tile the calendar.
* trailing_12m is the twelve months ending with a day: for 2025-03-15 it is
  [2024-03-16, 2025-03-16): it starts twelve months before the day after, so a window
  ending on a month's last day starts on a 1st (2025-02-28 gives [2024-03-01, 2025-03-01)),
  and no day is in two consecutive month-end windows.
* cumulative is everything up to and including a day: [date.min, day + 1).

Trailing and cumulative periods overlap, so "the previous one" is a month-end snapshot:
the window ending with the last day of the previous month (see `previous`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ONE_DAY = timedelta(days=1)


class PeriodKind(StrEnum):
    """The period a KPI's value is computed over."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    TRAILING_12M = "trailing_12m"
    CUMULATIVE = "cumulative"


@dataclass(frozen=True)
class Span:
    """The local days [start, end); never empty."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty span: end {self.end} is not after start {self.start}")

    @property
    def days(self) -> int:
        """Count the days in the span."""
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        """Return the span's last day (the day before `end`)."""
        return self.end - ONE_DAY


def month_start(day: date) -> date:
    """Return the first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    """Move `day` by `n` months, clamped to the month's end: 2024-02-29 + 12 is 2025-02-28."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + n, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def span_containing(kind: PeriodKind, day: date) -> Span:
    """Return the period of `kind` containing `day`; trailing and cumulative ones end with it."""
    match kind:
        case PeriodKind.DAY:
            return Span(day, day + ONE_DAY)
        case PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return Span(monday, monday + timedelta(weeks=1))
        case PeriodKind.MONTH:
            first = month_start(day)
            return Span(first, add_months(first, 1))
        case PeriodKind.QUARTER:
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return Span(first, add_months(first, 3))
        case PeriodKind.TRAILING_12M:
            # Twelve months back from the day after: a window ending on a month's last day
            # starts on the 1st, so no day (29 February included) is in two windows.
            return Span(add_months(day + ONE_DAY, -12), day + ONE_DAY)
        case PeriodKind.CUMULATIVE:
            return Span(date.min, day + ONE_DAY)


def previous(kind: PeriodKind, span: Span) -> Span:
    """Return the last complete period of `kind` before `span`, a period of that kind.

    For day, week, month and quarter that is the period just before. Trailing and
    cumulative periods overlap, so theirs is the one ending with the last day of the month
    before the one `span` ends in: for a trailing window ending 2025-03-15 or 2025-03-31,
    the window ending 2025-02-28; for the cumulative period up to 2025-03-15, up to 2025-02-28.
    """
    match kind:
        case PeriodKind.TRAILING_12M:
            return span_containing(kind, month_start(span.last_day) - ONE_DAY)
        case PeriodKind.CUMULATIVE:
            return Span(date.min, month_start(span.last_day))
        case _:
            return span_containing(kind, span.start - ONE_DAY)


def same_period_last_year(kind: PeriodKind, span: Span) -> Span:
    """Return the period of `kind` a year before `span`, a period of that kind.

    A week maps to the ISO week 52 weeks earlier, so weekdays line up; the other kinds map
    by their last day moved back 12 months (a 29 February becomes the 28th).
    """
    match kind:
        case PeriodKind.WEEK:
            return span_containing(kind, span.start - timedelta(weeks=52))
        case _:
            return span_containing(kind, add_months(span.last_day, -12))


def history(kind: PeriodKind, day: date, count: int = 12) -> list[Span]:
    """Return the last `count` periods, oldest first, ending with the one containing `day`.

    Trailing and cumulative histories step back month-end by month-end, as `previous` does.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    spans: list[Span] = []
    if count:
        spans.append(span_containing(kind, day))
    while len(spans) < count:
        spans.append(previous(kind, spans[-1]))
    return spans[::-1]


def shortest_days(kind: PeriodKind) -> int | None:
    """Return the fewest days a period of `kind` can have; None for cumulative ones."""
    return {
        PeriodKind.DAY: 1,
        PeriodKind.WEEK: 7,
        PeriodKind.MONTH: 28,
        PeriodKind.QUARTER: 90,
        PeriodKind.TRAILING_12M: 365,
        PeriodKind.CUMULATIVE: None,
    }[kind]


def elapsed_share(span: Span, as_of: date) -> float:
    """Return the share of `span` elapsed by the end of `as_of`, between 0 and 1."""
    elapsed = (as_of - span.start).days + 1
    return min(max(elapsed / span.days, 0.0), 1.0)
