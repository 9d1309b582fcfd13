"""The schedule's APScheduler triggers: crontab days as cron counts them, in the configured
zone whatever the host's, and each period's due moment."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from bot.schedule import ReportJob
from kpi_engine.reports import ReportKind, ReportPeriod
from kpi_engine.schedule import parse_crontab

TOKYO = ZoneInfo("Asia/Tokyo")
# Wednesday 2026-11-25 12:00 in Tokyo.
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)


def job(expression: str, zone: ZoneInfo = TOKYO) -> ReportJob:
    return ReportJob(
        ReportKind.WEEKLY, "C0TEAM", parse_crontab(expression), timedelta(hours=24), zone
    )


@pytest.mark.parametrize(
    ("day_of_week", "fires_on"),
    [
        ("0", date(2026, 11, 29)),  # Sunday
        ("7", date(2026, 11, 29)),  # Sunday too
        ("1", date(2026, 11, 30)),  # Monday
        ("6", date(2026, 11, 28)),  # Saturday
        ("4", date(2026, 11, 26)),  # Thursday
        ("0-2", date(2026, 11, 29)),  # Sunday to Tuesday: Sunday comes first
        ("1,5", date(2026, 11, 27)),  # Monday and Friday: Friday comes first
        ("sat", date(2026, 11, 28)),
    ],
)
def test_day_of_week_numbers_mean_what_they_mean_in_cron(day_of_week: str, fires_on: date) -> None:
    fire = job(f"0 9 * * {day_of_week}").next_run(WEDNESDAY)
    assert fire == datetime.combine(fires_on, datetime.min.time(), TOKYO).replace(hour=9)


def test_a_range_of_weekdays_skips_the_weekend() -> None:
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=TOKYO)
    assert job("30 8 * * 1-5").next_run(saturday) == datetime(2026, 11, 30, 8, 30, tzinfo=TOKYO)


def test_the_trigger_runs_in_the_configured_zone_not_the_host_s() -> None:
    # Monday 09:00 in Tokyo is Monday 00:00 UTC; in New York it is 14:00 UTC in winter.
    sunday_noon_utc = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert job("0 9 * * 1").next_run(sunday_noon_utc) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    new_york = job("0 9 * * 1", ZoneInfo("America/New_York"))
    assert new_york.next_run(sunday_noon_utc) == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert str(job("0 9 * * 1").trigger().timezone) == "Asia/Tokyo"


def test_a_period_is_due_at_the_first_run_after_it_ends() -> None:
    week = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
    assert job("0 9 * * 1").due_at(week) == datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)
    # A schedule that runs at midnight on Mondays is due the moment the week ends.
    assert job("0 0 * * 1").due_at(week) == datetime(2026, 11, 23, 0, 0, tzinfo=TOKYO)


def test_a_schedule_that_never_fires_has_no_next_run_and_nothing_due() -> None:
    never = job("0 9 31 2 *")
    assert never.next_run(WEDNESDAY) is None
    week = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
    assert never.due_at(week).year == 9999


@pytest.fixture
def host_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's own zone (what a bare trigger reads) is New York, then back."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    tzlocal.reload_localzone()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()
        tzlocal.reload_localzone()
    assert os.environ.get("TZ") != "America/New_York"


@pytest.mark.usefixtures("host_in_new_york")
def test_a_host_in_another_zone_changes_no_run() -> None:
    sunday_noon_utc = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    # The host's zone is in force: a bare trigger would fire at 09:00 in New York...
    bare = CronTrigger(hour=9, minute=0, day_of_week="mon")
    assert bare.get_next_fire_time(None, sunday_noon_utc) == datetime(
        2026, 11, 30, 14, 0, tzinfo=UTC
    )
    # ...the report's fires at 09:00 in Tokyo, the configured zone.
    weekly = job("0 9 * * 1")
    assert weekly.trigger().get_next_fire_time(None, sunday_noon_utc) == datetime(
        2026, 11, 30, 0, 0, tzinfo=UTC
    )
    assert weekly.next_run(sunday_noon_utc) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
