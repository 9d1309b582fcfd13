"""Crontab schedules as cron reads them, and the catch-up decision for missed reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.periods import Span
from kpi_engine.reports import ReportKind, ReportPeriod
from kpi_engine.schedule import (
    MAX_CATCH_UP,
    ON_TIME_TOLERANCE,
    CatchUp,
    CrontabError,
    CrontabField,
    CrontabProblem,
    catch_up_decision,
    parse_crontab,
    periods_to_catch_up,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("0", ("sun",)),
        ("7", ("sun",)),
        ("1", ("mon",)),
        ("6", ("sat",)),
        ("1-5", ("mon", "tue", "wed", "thu", "fri")),
        ("5-7", ("sun", "fri", "sat")),
        ("0-2", ("sun", "mon", "tue")),
        ("1,3,5", ("mon", "wed", "fri")),
        ("0,7", ("sun",)),
        ("*/2", ("sun", "tue", "thu", "sat")),
        ("1-7/3", ("sun", "mon", "thu")),
        ("MON", ("mon",)),
        ("sun,sat", ("sun", "sat")),
        ("mon-wed", ("mon", "tue", "wed")),
    ],
)
def test_days_of_week_count_from_sunday_as_cron_does(field: str, days: tuple[str, ...]) -> None:
    assert parse_crontab(f"0 9 * * {field}").weekdays == days


def test_the_default_schedules_read_as_the_document_means() -> None:
    weekly = parse_crontab("0 9 * * 1")
    assert weekly.trigger_fields() == {
        "minute": "0",
        "hour": "9",
        "day": "*",
        "month": "*",
        "day_of_week": "mon",
    }
    quarterly = parse_crontab("0 10 1 1,4,7,10 *")
    assert quarterly.trigger_fields()["month"] == "1,4,7,10"
    assert quarterly.trigger_fields()["day"] == "1"
    assert parse_crontab("*/15 8-10 * jan,jul *").minutes == (0, 15, 30, 45)
    assert parse_crontab("*/15 8-10 * jan,jul *").months == (1, 7)
    assert parse_crontab("5/20 * * * *").minutes == (5, 25, 45)


MINUTE, HOUR, DAY, MONTH, WEEKDAY = CrontabField


@pytest.mark.parametrize(
    ("expression", "problem", "params"),
    [
        ("0 9 * *", CrontabProblem.FIELD_COUNT, {"expression": "0 9 * *", "count": 4}),
        (
            "0 9 * * 1 extra",
            CrontabProblem.FIELD_COUNT,
            {"expression": "0 9 * * 1 extra", "count": 6},
        ),
        ("60 9 * * 1", CrontabProblem.OUT_OF_RANGE, {"field": MINUTE, "value": 60}),
        ("0 24 * * 1", CrontabProblem.OUT_OF_RANGE, {"field": HOUR, "value": 24}),
        ("0 9 0 * *", CrontabProblem.OUT_OF_RANGE, {"field": DAY, "low": 1, "high": 31}),
        ("0 9 * 13 *", CrontabProblem.OUT_OF_RANGE, {"field": MONTH, "high": 12}),
        ("0 9 * * 8", CrontabProblem.OUT_OF_RANGE, {"field": WEEKDAY, "low": 0, "high": 7}),
        (
            "0 9 * * funday",
            CrontabProblem.NOT_A_NUMBER,
            {"field": WEEKDAY, "value": "funday", "name": "sun"},
        ),
        ("0 9 * * 5-1", CrontabProblem.BACKWARDS, {"span": "5-1", "low": 5, "high": 1}),
        ("0 9 1 * 1", CrontabProblem.BOTH_DAYS, {"expression": "0 9 1 * 1"}),
        ("*/0 9 * * *", CrontabProblem.ZERO_STEP, {"field": MINUTE}),
        ("*/x 9 * * *", CrontabProblem.BAD_STEP, {"field": MINUTE, "value": "x"}),
        ("-1 9 * * *", CrontabProblem.NOT_A_NUMBER, {"value": "", "low": 0, "high": 59}),
        ("0 9 * * ", CrontabProblem.FIELD_COUNT, {"count": 4}),
        (",".join(["1"] * 61) + " 9 * * *", CrontabProblem.TOO_MANY_ITEMS, {"most": 60}),
    ],
)
def test_a_bad_schedule_is_refused_saying_what_is_allowed(
    expression: str, problem: CrontabProblem, params: dict[str, object]
) -> None:
    with pytest.raises(CrontabError) as refused:
        parse_crontab(expression)
    assert refused.value.problem is problem
    assert params.items() <= refused.value.params.items()


DUE = datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)
GRACE = timedelta(hours=24)


def test_a_report_is_on_time_late_or_skipped_by_its_age() -> None:
    assert catch_up_decision(DUE, DUE - timedelta(microseconds=1), GRACE) is CatchUp.NOT_DUE
    assert catch_up_decision(DUE, DUE, GRACE) is CatchUp.ON_TIME
    assert catch_up_decision(DUE, DUE + ON_TIME_TOLERANCE, GRACE) is CatchUp.ON_TIME
    late = DUE + ON_TIME_TOLERANCE + timedelta(microseconds=1)
    assert catch_up_decision(DUE, late, GRACE) is CatchUp.LATE
    assert catch_up_decision(DUE, DUE + GRACE, GRACE) is CatchUp.LATE
    skipped = DUE + GRACE + timedelta(microseconds=1)
    assert catch_up_decision(DUE, skipped, GRACE) is CatchUp.SKIPPED


AGES = st.timedeltas(min_value=-timedelta(days=30), max_value=timedelta(days=30))
GRACES = st.timedeltas(min_value=timedelta(minutes=2), max_value=timedelta(days=100))


@given(age=AGES, grace=GRACES)
def test_the_decision_follows_the_age_exactly(age: timedelta, grace: timedelta) -> None:
    decision = catch_up_decision(DUE, DUE + age, grace)
    if age < timedelta(0):
        assert decision is CatchUp.NOT_DUE
    elif age <= ON_TIME_TOLERANCE:
        assert decision is CatchUp.ON_TIME
    elif age <= grace:
        assert decision is CatchUp.LATE
    else:
        assert decision is CatchUp.SKIPPED


@given(grace=GRACES, offset=st.sampled_from([-1, 0, 1]))
def test_exactly_the_grace_window_is_the_last_late_moment(grace: timedelta, offset: int) -> None:
    now = DUE + grace + timedelta(microseconds=offset)
    expected = CatchUp.SKIPPED if offset > 0 else CatchUp.LATE
    assert catch_up_decision(DUE, now, grace) is expected


def _monday_nine(period: ReportPeriod) -> datetime:
    """Due at 09:00 local on the first day after the period (a Monday for weeks)."""
    return period.ends_at(TOKYO) + timedelta(hours=9)


def week(start: date) -> ReportPeriod:
    return ReportPeriod(ReportKind.WEEKLY, Span(start, start + timedelta(days=7)))


def test_a_missed_monday_is_posted_late_and_an_older_one_skipped() -> None:
    # Down from before 2026-11-16 09:00 until Monday 2026-11-23 15:00: the week of 9-15
    # November was due a week ago (skipped); the week of 16-22 six hours ago (late).
    plan = periods_to_catch_up(
        ReportKind.WEEKLY,
        latest_recorded=week(date(2026, 11, 2)),
        now=datetime(2026, 11, 23, 15, 0, tzinfo=TOKYO),
        zone=TOKYO,
        due_at=_monday_nine,
        grace=GRACE,
    )
    assert [(period.key, decision) for period, _, decision in plan] == [
        ("2026-W46", CatchUp.SKIPPED),
        ("2026-W47", CatchUp.LATE),
    ]
    assert plan[1][1] == datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)


def test_nothing_is_caught_up_before_its_run_or_once_recorded() -> None:
    early_monday = datetime(2026, 11, 23, 8, 59, tzinfo=TOKYO)
    assert (
        periods_to_catch_up(
            ReportKind.WEEKLY,
            latest_recorded=week(date(2026, 11, 9)),
            now=early_monday,
            zone=TOKYO,
            due_at=_monday_nine,
            grace=GRACE,
        )
        == []
    )
    assert (
        periods_to_catch_up(
            ReportKind.WEEKLY,
            latest_recorded=week(date(2026, 11, 16)),
            now=datetime(2026, 11, 23, 15, 0, tzinfo=TOKYO),
            zone=TOKYO,
            due_at=_monday_nine,
            grace=GRACE,
        )
        == []
    )


def test_a_new_installation_looks_only_at_the_period_just_ended() -> None:
    plan = periods_to_catch_up(
        ReportKind.MONTHLY,
        latest_recorded=None,
        now=datetime(2026, 12, 1, 9, 0, 30, tzinfo=TOKYO),
        zone=TOKYO,
        due_at=_monday_nine,
        grace=timedelta(hours=72),
    )
    assert [(period.key, decision) for period, _, decision in plan] == [
        ("2026-11", CatchUp.ON_TIME)
    ]


def test_a_long_outage_looks_back_a_bounded_number_of_periods() -> None:
    plan = periods_to_catch_up(
        ReportKind.WEEKLY,
        latest_recorded=week(date(2020, 1, 6)),
        now=datetime(2026, 11, 23, 15, 0, tzinfo=TOKYO),
        zone=TOKYO,
        due_at=_monday_nine,
        grace=GRACE,
    )
    assert len(plan) == MAX_CATCH_UP
    assert plan[-1][0].key == "2026-W47"
    assert all(decision is CatchUp.SKIPPED for _, _, decision in plan[:-1])


@given(
    moment=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    )
)
def test_the_catch_up_plan_never_names_a_period_twice_or_one_not_yet_due(
    moment: datetime,
) -> None:
    plan = periods_to_catch_up(
        ReportKind.WEEKLY,
        latest_recorded=week(date(2000, 1, 3)),
        now=moment,
        zone=TOKYO,
        due_at=_monday_nine,
        grace=GRACE,
    )
    keys = [period.key for period, _, _ in plan]
    assert len(keys) == len(set(keys))
    assert all(due <= moment for _, due, _ in plan)
    assert keys == sorted(keys)
