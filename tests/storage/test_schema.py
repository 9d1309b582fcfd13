"""The column types: a whole column bound at once is bound exactly as value by value."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import URL

from storage.schema import LocalDate, Payment, UTCDateTime, column_processor

SQLITE = URL.create("sqlite").get_dialect()()
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(8999, 12, 30), timezones=OFFSETS
)


@given(st.lists(st.none() | MOMENTS, max_size=20))
def test_a_column_of_times_is_bound_as_each_time_alone(moments: list[datetime | None]) -> None:
    column = UTCDateTime()
    bulk = column.bulk_bind_processor(SQLITE)
    assert bulk is not None
    assert bulk(moments) == [column.process_bind_param(moment, SQLITE) for moment in moments]


@given(st.lists(st.none() | st.dates(min_value=date(1900, 1, 1)), max_size=20))
def test_a_column_of_days_is_bound_as_each_day_alone(days: list[date | None]) -> None:
    column = LocalDate()
    bulk = column.bulk_bind_processor(SQLITE)
    assert bulk is not None
    assert bulk(days) == [column.process_bind_param(day, SQLITE) for day in days]


@given(st.lists(st.none() | st.booleans(), max_size=20))
def test_a_column_of_flags_is_stored_as_each_flag_alone(flags: list[bool | None]) -> None:
    column: Any = Payment.__table__.c.recurring
    each = column.type.dialect_impl(SQLITE).bind_processor(SQLITE)
    bulk = column_processor(column, SQLITE)
    assert bulk is not None
    driver = sqlite3.connect(":memory:")

    def stored(values: list[Any]) -> list[Any]:
        return [driver.execute("SELECT ?", (value,)).fetchone()[0] for value in values]

    assert stored(bulk(flags)) == stored([None if flag is None else each(flag) for flag in flags])


def test_stored_times_are_fixed_width_utc_text() -> None:
    bulk = UTCDateTime().bulk_bind_processor(SQLITE)
    assert bulk is not None
    tokyo = timezone(timedelta(hours=9))
    assert bulk(
        [datetime(2026, 11, 1, 9, 0, tzinfo=tokyo), datetime(2026, 1, 1, 0, 0, 0, 5, UTC)]
    ) == [
        "2026-11-01T00:00:00.000000+00:00",
        "2026-01-01T00:00:00.000005+00:00",
    ]


def test_a_naive_time_is_refused_in_bulk_too() -> None:
    bulk = UTCDateTime().bulk_bind_processor(SQLITE)
    assert bulk is not None
    with pytest.raises(ValueError, match="naive datetime"):
        bulk([datetime(2026, 11, 1)])


def test_postgresql_binds_times_and_days_as_they_are() -> None:
    dialect = URL.create("postgresql+psycopg").get_dialect()()
    assert UTCDateTime().bulk_bind_processor(dialect) is None
    assert LocalDate().bulk_bind_processor(dialect) is None
