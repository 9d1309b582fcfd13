"""The periods reports cover: the one just ended at any instant, in local days, and keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.periods import Span
from kpi_engine.reports import ReportKind, ReportPeriod, last_ended

TOKYO = ZoneInfo("Asia/Tokyo")
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@pytest.mark.parametrize(
    ("kind", "moment", "key", "span"),
    [
        # Monday 00:00 in Tokyo is Sunday 15:00 UTC: the week of 16-22 November has ended.
        (
            ReportKind.WEEKLY,
            datetime(2026, 11, 22, 15, 0, tzinfo=UTC),
            "2026-W47",
            Span(date(2026, 11, 16), date(2026, 11, 23)),
        ),
        # A second before, it has not: the week before is the last one ended.
        (
            ReportKind.WEEKLY,
            datetime(2026, 11, 22, 14, 59, 59, tzinfo=UTC),
            "2026-W46",
            Span(date(2026, 11, 9), date(2026, 11, 16)),
        ),
        # 2026-12-01 00:00 JST is 2026-11-30 15:00 UTC: November has ended in Tokyo.
        (
            ReportKind.MONTHLY,
            datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
            "2026-11",
            Span(date(2026, 11, 1), date(2026, 12, 1)),
        ),
        (
            ReportKind.MONTHLY,
            datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC),
            "2026-10",
            Span(date(2026, 10, 1), date(2026, 11, 1)),
        ),
        (
            ReportKind.QUARTERLY,
            datetime(2026, 12, 31, 15, 0, tzinfo=UTC),
            "2026-Q4",
            Span(date(2026, 10, 1), date(2027, 1, 1)),
        ),
        # ISO week 1 of 2027 starts on Monday 2027-01-04; the week before is 2026-W53.
        (
            ReportKind.WEEKLY,
            datetime(2027, 1, 4, 0, 0, tzinfo=TOKYO),
            "2026-W53",
            Span(date(2026, 12, 28), date(2027, 1, 4)),
        ),
    ],
)
def test_the_period_just_ended_is_counted_in_local_days(
    kind: ReportKind, moment: datetime, key: str, span: Span
) -> None:
    period = last_ended(kind, moment, TOKYO)
    assert (period.key, period.span) == (key, span)


@given(kind=st.sampled_from(ReportKind), moment=MOMENTS)
def test_the_period_just_ended_ended_at_or_before_the_moment_and_the_next_one_after_it(
    kind: ReportKind, moment: datetime
) -> None:
    period = last_ended(kind, moment, TOKYO)
    assert period.ends_at(TOKYO) <= moment < period.after().ends_at(TOKYO)
    assert period.after().before() == period
    assert ReportPeriod.from_key(kind, period.key) == period


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (ReportKind.WEEKLY, "2026-W54"),
        (ReportKind.WEEKLY, "2026-11"),
        (ReportKind.MONTHLY, "2026-13"),
        (ReportKind.MONTHLY, "2026-1"),
        (ReportKind.QUARTERLY, "2026-Q5"),
        (ReportKind.QUARTERLY, " 2026-Q1"),
    ],
)
def test_a_key_that_names_no_period_is_refused(kind: ReportKind, key: str) -> None:
    with pytest.raises(ValueError):
        ReportPeriod.from_key(kind, key)


def test_a_span_that_is_not_one_calendar_period_is_refused() -> None:
    with pytest.raises(ValueError, match="not one week"):
        ReportPeriod(ReportKind.WEEKLY, Span(date(2026, 11, 17), date(2026, 11, 24)))
    assert ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W48").span.start + timedelta(
        days=6
    ) == date(2026, 11, 29)
