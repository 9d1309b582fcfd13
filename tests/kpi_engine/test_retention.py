"""The six-month retention window closes at the same local wall time six months later."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kpi_engine.retention import months_later, retention_deadline

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime(2026, 8, 31, 10, 0, tzinfo=TOKYO), datetime(2027, 2, 28, 10, 0, tzinfo=TOKYO)),
        (datetime(2027, 8, 31, 23, 30, tzinfo=TOKYO), datetime(2028, 2, 29, 23, 30, tzinfo=TOKYO)),
        (datetime(2026, 1, 15, 0, 0, tzinfo=TOKYO), datetime(2026, 7, 15, 0, 0, tzinfo=TOKYO)),
    ],
)
def test_six_months_later_is_the_same_local_time_clamped_to_the_month_end(
    start: datetime, expected: datetime
) -> None:
    assert months_later(start.astimezone(UTC), 6, TOKYO) == expected


def test_six_months_later_keeps_the_local_wall_time_across_daylight_saving() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 1, 10, 9, 0, tzinfo=new_york)
    assert months_later(start, 6, new_york) == datetime(2026, 7, 10, 9, 0, tzinfo=new_york)


def test_the_retention_window_of_an_enrollment_closes_six_months_later_in_utc() -> None:
    enrolled = datetime(2026, 8, 31, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    assert retention_deadline(enrolled, TOKYO) == datetime(2027, 2, 28, 1, 0, tzinfo=UTC)
