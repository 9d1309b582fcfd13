import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.periods import (
    PeriodKind,
    Span,
    add_months,
    elapsed_share,
    history,
    month_start,
    previous,
    same_period_last_year,
    span_containing,
)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def span(start: str, end: str) -> Span:
    return Span(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (PeriodKind.DAY, "2025-03-15", span("2025-03-15", "2025-03-16")),
        (PeriodKind.WEEK, "2025-03-15", span("2025-03-10", "2025-03-17")),  # a Saturday
        (PeriodKind.WEEK, "2025-03-10", span("2025-03-10", "2025-03-17")),  # a Monday
        (PeriodKind.WEEK, "2024-12-31", span("2024-12-30", "2025-01-06")),
        (PeriodKind.MONTH, "2025-02-14", span("2025-02-01", "2025-03-01")),
        (PeriodKind.MONTH, "2025-12-31", span("2025-12-01", "2026-01-01")),
        (PeriodKind.QUARTER, "2025-05-20", span("2025-04-01", "2025-07-01")),
        (PeriodKind.QUARTER, "2025-12-01", span("2025-10-01", "2026-01-01")),
        (PeriodKind.TRAILING_12M, "2025-03-15", span("2024-03-16", "2025-03-16")),
        (PeriodKind.TRAILING_12M, "2024-02-29", span("2023-03-01", "2024-03-01")),
        (PeriodKind.TRAILING_12M, "2025-02-28", span("2024-03-01", "2025-03-01")),
        (PeriodKind.CUMULATIVE, "2025-03-15", Span(date.min, date(2025, 3, 16))),
    ],
)
def test_span_containing_gives_the_period_around_a_day(
    kind: PeriodKind, day: str, expected: Span
) -> None:
    assert span_containing(kind, date.fromisoformat(day)) == expected


@pytest.mark.parametrize("kind", list(PeriodKind))
@given(day=days)
def test_every_period_contains_its_day(kind: PeriodKind, day: date) -> None:
    found = span_containing(kind, day)

    assert found.start <= day < found.end


@given(day=days)
def test_a_trailing_year_is_365_or_366_days(day: date) -> None:
    assert span_containing(PeriodKind.TRAILING_12M, day).days in (365, 366)


@pytest.mark.parametrize(
    ("kind", "current", "expected"),
    [
        (PeriodKind.DAY, span("2025-03-01", "2025-03-02"), span("2025-02-28", "2025-03-01")),
        (PeriodKind.WEEK, span("2025-01-06", "2025-01-13"), span("2024-12-30", "2025-01-06")),
        (PeriodKind.MONTH, span("2025-01-01", "2025-02-01"), span("2024-12-01", "2025-01-01")),
        (PeriodKind.QUARTER, span("2025-01-01", "2025-04-01"), span("2024-10-01", "2025-01-01")),
        # The window ending with the last day of the month before the current one.
        (
            PeriodKind.TRAILING_12M,
            span("2024-03-16", "2025-03-16"),
            span("2024-03-01", "2025-03-01"),
        ),
        (
            PeriodKind.TRAILING_12M,
            span("2024-04-01", "2025-04-01"),
            span("2024-03-01", "2025-03-01"),
        ),
        (
            PeriodKind.CUMULATIVE,
            Span(date.min, date(2025, 3, 16)),
            Span(date.min, date(2025, 3, 1)),
        ),
    ],
)
def test_previous_is_the_last_complete_period_before(
    kind: PeriodKind, current: Span, expected: Span
) -> None:
    assert previous(kind, current) == expected


@pytest.mark.parametrize(
    ("kind", "current", "expected"),
    [
        (PeriodKind.DAY, span("2024-02-29", "2024-03-01"), span("2023-02-28", "2023-03-01")),
        # 52 weeks back: Monday stays Monday.
        (PeriodKind.WEEK, span("2025-03-10", "2025-03-17"), span("2024-03-11", "2024-03-18")),
        (PeriodKind.MONTH, span("2024-02-01", "2024-03-01"), span("2023-02-01", "2023-03-01")),
        (PeriodKind.QUARTER, span("2025-04-01", "2025-07-01"), span("2024-04-01", "2024-07-01")),
        (
            PeriodKind.TRAILING_12M,
            span("2023-03-01", "2024-03-01"),
            span("2022-03-01", "2023-03-01"),
        ),
        (
            PeriodKind.CUMULATIVE,
            Span(date.min, date(2025, 3, 16)),
            Span(date.min, date(2024, 3, 16)),
        ),
    ],
)
def test_same_period_last_year_moves_back_twelve_months(
    kind: PeriodKind, current: Span, expected: Span
) -> None:
    assert same_period_last_year(kind, current) == expected


def test_history_lists_the_last_periods_oldest_first() -> None:
    assert history(PeriodKind.MONTH, date(2025, 2, 10), count=3) == [
        span("2024-12-01", "2025-01-01"),
        span("2025-01-01", "2025-02-01"),
        span("2025-02-01", "2025-03-01"),
    ]


def test_history_of_a_cumulative_kpi_steps_back_by_month_ends() -> None:
    assert history(PeriodKind.CUMULATIVE, date(2025, 2, 10), count=3) == [
        Span(date.min, date(2025, 1, 1)),
        Span(date.min, date(2025, 2, 1)),
        Span(date.min, date(2025, 2, 11)),
    ]


def test_history_defaults_to_twelve_periods_and_allows_none() -> None:
    assert len(history(PeriodKind.WEEK, date(2025, 2, 10))) == 12
    assert history(PeriodKind.WEEK, date(2025, 2, 10), count=0) == []
    with pytest.raises(ValueError):
        history(PeriodKind.WEEK, date(2025, 2, 10), count=-1)


@pytest.mark.parametrize("kind", [PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH])
@given(day=days)
def test_calendar_periods_in_a_history_tile_without_gaps(kind: PeriodKind, day: date) -> None:
    spans = history(kind, day, count=5)

    assert all(a.end == b.start for a, b in itertools.pairwise(spans))


def test_half_a_thirty_day_month_has_elapsed_at_the_end_of_the_fifteenth() -> None:
    assert elapsed_share(span("2025-06-01", "2025-07-01"), date(2025, 6, 15)) == 0.5


@pytest.mark.parametrize(
    ("as_of", "share"),
    [("2025-05-31", 0.0), ("2025-06-01", 1 / 30), ("2025-06-30", 1.0), ("2025-08-01", 1.0)],
)
def test_elapsed_share_counts_the_as_of_day_and_is_clamped(as_of: str, share: float) -> None:
    assert elapsed_share(span("2025-06-01", "2025-07-01"), date.fromisoformat(as_of)) == share


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-03-31", -1, "2025-02-28"),
        ("2025-11-15", 2, "2026-01-15"),
        ("2025-01-15", -13, "2023-12-15"),
        ("2025-01-15", 0, "2025-01-15"),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_month_start_is_the_first() -> None:
    assert month_start(date(2025, 2, 28)) == date(2025, 2, 1)


def test_an_empty_span_is_refused() -> None:
    with pytest.raises(ValueError):
        span("2025-01-01", "2025-01-01")
