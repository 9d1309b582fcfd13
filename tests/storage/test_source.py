"""The engine's read interface answered from the database, checked against hand-computed sums."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Row, select

from kpi_engine.source import Fact, Tally
from storage.db import Database
from storage.imports.ingest import import_rows
from storage.imports.readers import RawRow
from storage.schema import CustomerRollup
from storage.source import SourceMemo, SqlKpiSource
from tests.authors import TEST_AUTHOR

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def store(database: Database, *rows: dict[str, Any]) -> None:
    # Which KPIs a measurement may name is the import's business (tests/storage/imports).
    result = import_rows(
        database, [RawRow(line, row) for line, row in enumerate(rows, start=2)], author=TEST_AUTHOR
    )
    assert result.stored, [str(problem) for problem in result.problems]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def survey(key: str, **answers: Any) -> dict[str, Any]:
    return {"type": "survey", "id": key, "at": "2026-11-02", "customer": key, **answers}


def payment(key: str, when: str, customer: str, amount: int = 100) -> dict[str, Any]:
    return {
        "type": "payment",
        "id": key,
        "at": when,
        "customer": customer,
        "amount": amount,
        "recurring": True,
    }


def enrollment(key: str, when: str) -> dict[str, Any]:
    return {"type": "enrollment", "id": key, "at": when, "customer": key, "channel": "ads"}


def later(kind: str, key: str, when: str, customer: str) -> dict[str, Any]:
    return {"type": kind, "id": key, "at": when, "customer": customer}


def ticket(key: str, opened: datetime, answered: datetime | None) -> dict[str, Any]:
    row = {"type": "ticket", "id": key, "at": opened.isoformat()}
    if answered is not None:
        row["first_response_at"] = answered.isoformat()
    return row


def outage(key: str, start: datetime, end: datetime | None) -> dict[str, Any]:
    row = {"type": "downtime", "id": key, "at": start.isoformat()}
    if end is not None:
        row["until"] = end.isoformat()
    return row


def measurement(key: str, kpi: str, when: str, value: float) -> dict[str, Any]:
    return {"type": "measurement", "id": key, "at": when, "kpi": kpi, "value": value}


def test_an_empty_database_answers_zero_everywhere(database: Database) -> None:
    start, end = at(2026, 11, 1), at(2026, 12, 1)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.daily(Fact.REVENUE, date(2026, 11, 1), date(2026, 12, 1)) == Tally(0, 0)
        assert source.payer_months(date(2026, 1, 1), date(2027, 1, 1)) == 0
        assert source.completion_cohort(date(2026, 1, 1), date(2027, 1, 1), end) == Tally(0, 0)
        assert source.retention_cohort(date(2026, 1, 1), date(2027, 1, 1), end) == Tally(0, 0)
        assert source.ticket_answers(start, end, 24 * HOUR, end) == Tally(0, 0)
        assert source.downtime(start, end) == timedelta(0)
        assert source.latest_measurement("brand_search_rank", start, end) is None
        assert source.first_day(Fact.REVENUE) is None


def test_first_day_is_the_local_day_of_a_facts_first_event(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-09-30T15:30:00Z", "c1"),  # 2026-10-01 00:30 in Tokyo
        payment("p2", "2026-11-05", "c1"),
        {"type": "enrollment", "id": "e1", "at": "2026-10-03", "customer": "a", "channel": "ad"},
        {"type": "enrollment", "id": "e2", "at": "2026-10-07", "customer": "b",
         "channel": "referral"},
    )  # fmt: skip
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.first_day(Fact.REVENUE) == date(2026, 10, 1)
        assert source.first_day(Fact.NEW_CUSTOMERS) == date(2026, 10, 3)
        # The 3rd's new customer came by ad: the first referral is on the 7th.
        assert source.first_day(Fact.NEW_REFERRALS) == date(2026, 10, 7)
        assert source.first_day(Fact.RELEASES) is None


def test_nps_totals_promoters_minus_detractors(database: Database) -> None:
    store(database, *(survey(f"s{n}", nps=score) for n, score in enumerate([10, 9, 8, 7, 6, 0])))
    with database.read() as connection:
        tally = SqlKpiSource(connection).daily(Fact.NPS, date(2026, 11, 1), date(2026, 12, 1))
    assert tally == Tally(0, 6)


def test_nps_of_promoters_only_is_their_count(database: Database) -> None:
    store(database, survey("s1", nps=9), survey("s2", nps=10), survey("s3", nps=7))
    with database.read() as connection:
        tally = SqlKpiSource(connection).daily(Fact.NPS, date(2026, 11, 1), date(2026, 12, 1))
    assert tally == Tally(2, 3)


def test_csat_sums_the_scores_of_those_who_gave_one(database: Database) -> None:
    store(
        database,
        survey("s1", csat=5),
        survey("s2", csat=4),
        survey("s3", csat=4, nps=9),
        survey("s4", csat=1),
        survey("s5", nps=3),
    )
    with database.read() as connection:
        tally = SqlKpiSource(connection).daily(Fact.CSAT, date(2026, 11, 1), date(2026, 12, 1))
    assert tally == Tally(14, 4)


def test_ai_adoption_counts_yes_among_those_who_answered(database: Database) -> None:
    store(
        database,
        survey("s1", ai_adoption="yes"),
        survey("s2", ai_adoption="true"),
        survey("s3", ai_adoption="no"),
        survey("s4", csat=3),
    )
    with database.read() as connection:
        tally = SqlKpiSource(connection).daily(
            Fact.AI_ADOPTION, date(2026, 11, 1), date(2026, 12, 1)
        )
    assert tally == Tally(2, 3)


def test_daily_sums_the_local_days_from_start_up_to_not_including_end(
    database: Database,
) -> None:
    store(
        database,
        payment("p1", "2026-10-31T14:59:59Z", "c1", 1),
        payment("p2", "2026-10-31T15:00:00Z", "c1", 20),
        payment("p3", "2026-11-01 23:59", "c1", 300),
        payment("p4", "2026-11-02", "c1", 4000),
    )
    with database.read() as connection:
        tally = SqlKpiSource(connection).daily(Fact.REVENUE, date(2026, 11, 1), date(2026, 11, 2))
    assert tally == Tally(320, 2)


def test_payer_months_sums_distinct_payers_of_the_months_starting_in_range(
    database: Database,
) -> None:
    store(
        database,
        payment("p1", "2026-10-01", "c1"),
        payment("p2", "2026-10-15", "c1"),
        payment("p3", "2026-10-20", "c2"),
        payment("p4", "2026-11-05", "c1"),
        payment("p5", "2026-12-01", "c3"),
    )
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.payer_months(date(2026, 10, 1), date(2026, 12, 1)) == 3
        assert source.payer_months(date(2026, 10, 1), date(2026, 11, 1)) == 2
        assert source.payer_months(date(2026, 10, 2), date(2027, 1, 1)) == 2


def test_completion_cohort_counts_completions_before_the_cutoff(database: Database) -> None:
    store(
        database,
        enrollment("a", "2026-09-01"),
        enrollment("b", "2026-09-15"),
        enrollment("c", "2026-09-30 23:59"),
        enrollment("d", "2026-10-01"),
        later("completion", "ka", "2026-10-01", "a"),
        later("completion", "kb", "2026-12-01", "b"),
        later("completion", "kd", "2026-10-10", "d"),
    )
    with database.read() as connection:
        source = SqlKpiSource(connection)
        september = (date(2026, 9, 1), date(2026, 10, 1))
        assert source.completion_cohort(*september, at(2026, 11, 1)) == Tally(1, 3)
        assert source.completion_cohort(*september, at(2027, 1, 1)) == Tally(2, 3)
        assert source.completion_cohort(*september, at(2026, 10, 1)) == Tally(0, 3)


def test_completion_cohort_counts_a_completion_in_the_month_of_the_cutoff_up_to_it(
    database: Database,
) -> None:
    store(
        database,
        enrollment("a", "2026-09-01"),
        enrollment("b", "2026-09-02"),
        enrollment("c", "2026-09-03"),
        # Completed months before the cutoff's month, in it before the cutoff, at it.
        later("completion", "ka", "2026-10-31T23:59:59Z", "a"),
        later("completion", "kb", "2026-11-01T00:00:00Z", "b"),
        later("completion", "kc", "2026-11-10T06:00:00Z", "c"),
    )
    september = (date(2026, 9, 1), date(2026, 10, 1))
    with database.read() as connection:
        source = SqlKpiSource(connection)
        cutoff = datetime(2026, 11, 10, 6, tzinfo=UTC)
        assert source.completion_cohort(*september, cutoff) == Tally(2, 3)
        assert source.completion_cohort(*september, cutoff + timedelta(seconds=1)) == Tally(3, 3)
        # November 1 in Tokyo, before November in UTC: a's completion only.
        assert source.completion_cohort(*september, at(2026, 11, 1, 9)) == Tally(1, 3)
        assert source.completion_cohort(*september, at(2026, 11, 1, 8, 59)) == Tally(0, 3)


# Times around month starts, in UTC and in Tokyo, that completions and cutoffs fall on.
MONTH_EDGES = [
    datetime(2026, month, 1, tzinfo=zone) + shift
    for month in range(1, 13)
    for zone in (UTC, TOKYO)
    for shift in (timedelta(0), timedelta(seconds=-1), timedelta(hours=5))
]


def stored_cohort_events(seed: int) -> list[dict[str, Any]]:
    """Customers first enrolled over 2026 (some enrolled twice, some completing before
    enrolling), completing on and around month starts."""
    chooser = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n in range(120):
        customer = f"c{n}"
        enrolled = datetime(2026, 1, 1, tzinfo=TOKYO) + chooser.randrange(480_000) * MINUTE
        rows.append(enrollment(customer, enrolled.isoformat()))
        if chooser.random() < 0.2:
            again = enrolled + chooser.randrange(1, 90) * DAY
            rows.append({**enrollment(f"{customer}+", again.isoformat()), "customer": customer})
        for k in range(chooser.choice([0, 1, 1, 2])):
            completed = chooser.choice(MONTH_EDGES)
            rows.append(later("completion", f"k{n}-{k}", completed.isoformat(), customer))
    return rows


@settings(max_examples=150, deadline=None)
@given(
    st.dates(date(2025, 12, 1), date(2027, 1, 31)),
    st.integers(0, 400),
    st.one_of(
        st.sampled_from(MONTH_EDGES),
        st.datetimes(datetime(2026, 1, 1), datetime(2027, 2, 1), timezones=st.just(TOKYO)),
    ),
)
def check_completion_cohort(
    source: SqlKpiSource,
    customers: Sequence[Row[Any]],
    first_from: date,
    days: int,
    before: datetime,
) -> None:
    first_until = first_from + timedelta(days=days)
    cohort = [row for row in customers if first_from <= row.first_day < first_until]
    completed = [
        row
        for row in cohort
        if row.first_completed_at is not None and row.first_completed_at < before
    ]
    assert source.completion_cohort(first_from, first_until, before) == Tally(
        len(completed), len(cohort)
    )


def test_completion_cohort_counts_as_the_customers_rows_do_whatever_the_bounds(
    database: Database,
) -> None:
    store(database, *stored_cohort_events(2026))
    with database.read() as connection:
        customers = connection.execute(select(CustomerRollup)).all()
        assert any(row.first_completed_at in MONTH_EDGES for row in customers)
        check_completion_cohort(SqlKpiSource(connection), customers)


def test_retention_cohort_counts_those_without_a_churn_within_six_months(
    database: Database,
) -> None:
    store(
        database,
        enrollment("a", "2026-03-31 10:00"),  # deadline 2026-09-30 10:00
        later("churn", "xa", "2026-09-30 09:59", "a"),  # inside: churned
        enrollment("b", "2026-03-10"),
        later("churn", "xb", "2026-09-11", "b"),  # after the deadline: retained
        enrollment("c", "2026-03-20"),  # never churned: retained
        enrollment("d", "2026-03-01"),
        later("churn", "xd", "2026-05-01", "d"),  # churned, unless the cutoff is earlier
        enrollment("e", "2026-03-05 10:00"),
        later("churn", "xe", "2026-09-05 10:00", "e"),  # exactly six months: outside
        enrollment("f", "2026-04-01"),  # another cohort
        later("churn", "xf", "2026-04-02", "f"),
    )
    march = (date(2026, 3, 1), date(2026, 4, 1))
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.retention_cohort(*march, at(2026, 10, 1)) == Tally(3, 5)
        assert source.retention_cohort(*march, at(2026, 4, 30)) == Tally(5, 5)


def test_ticket_answers_counts_those_answered_within_the_limit_inclusive(
    database: Database,
) -> None:
    start, end = at(2026, 11, 1), at(2026, 11, 8)
    opened = at(2026, 11, 2, 9)
    store(
        database,
        ticket("fast", opened, opened + HOUR),
        ticket("exactly", opened, opened + 24 * HOUR),
        ticket("late", opened, opened + 24 * HOUR + timedelta(seconds=1)),
        ticket("never", opened, None),
        ticket("before", start - timedelta(seconds=1), start),
        ticket("first", start, start + HOUR),
        ticket("after", end, end + HOUR),
    )
    with database.read() as connection:
        answers = SqlKpiSource(connection).ticket_answers(start, end, 24 * HOUR, end + 24 * HOUR)
    assert answers == Tally(3, 5)


def test_ticket_answers_counts_tickets_exactly_the_hours_old_at_the_as_of_moment(
    database: Database,
) -> None:
    as_of, microsecond = at(2026, 11, 4), timedelta(microseconds=1)
    store(
        database,
        ticket("a-day", as_of - 24 * HOUR, as_of - 23 * HOUR),
        ticket("a-day-less-a-microsecond", as_of - 24 * HOUR + microsecond, None),
        ticket("two-days", as_of - 48 * HOUR, None),
        ticket("two-days-less-a-microsecond", as_of - 48 * HOUR + microsecond, as_of - 47 * HOUR),
    )
    start, end = at(2026, 11, 1), at(2026, 11, 8)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        # At least 24 h old: a-day (in time), two-days, two-days-less-a-microsecond (in time).
        assert source.ticket_answers(start, end, 24 * HOUR, as_of) == Tally(2, 3)
        # At least 48 h old: two-days only, never answered.
        assert source.ticket_answers(start, end, 48 * HOUR, as_of) == Tally(0, 1)


def test_an_answer_half_a_second_late_is_not_within_the_limit(database: Database) -> None:
    opened = at(2026, 11, 2, 9)
    store(database, ticket("t1", opened, opened + 24 * HOUR + timedelta(milliseconds=500)))
    with database.read() as connection:
        tally = SqlKpiSource(connection).ticket_answers(
            at(2026, 11, 1), at(2026, 11, 8), 24 * HOUR, at(2026, 11, 9)
        )
    assert tally == Tally(0, 1)


def test_downtime_merges_overlaps_clips_to_the_range_and_runs_open_outages_to_its_end(
    database: Database,
) -> None:
    start, end = at(2026, 11, 1), at(2026, 11, 2)
    store(
        database,
        outage("straddles-start", at(2026, 10, 31, 23), at(2026, 11, 1, 1)),  # 1 h inside
        outage("b", at(2026, 11, 1, 10), at(2026, 11, 1, 12)),
        outage("inside-b", at(2026, 11, 1, 11), at(2026, 11, 1, 11, 30)),
        outage("extends-b", at(2026, 11, 1, 11, 30), at(2026, 11, 1, 13)),  # b..13:00 = 3 h
        outage("open", at(2026, 11, 1, 23), None),  # 1 h to the end of the range
        outage("outside", at(2026, 11, 2, 5), at(2026, 11, 2, 6)),
        outage("ended-before", at(2026, 10, 31, 1), at(2026, 10, 31, 2)),
    )
    with database.read() as connection:
        assert SqlKpiSource(connection).downtime(start, end) == 5 * HOUR


def test_an_outage_open_since_before_the_range_covers_all_of_it(database: Database) -> None:
    store(
        database,
        outage("open", at(2026, 10, 30), None),
        outage("inside", at(2026, 11, 1, 3), at(2026, 11, 1, 4)),
    )
    with database.read() as connection:
        assert SqlKpiSource(connection).downtime(at(2026, 11, 1), at(2026, 11, 2)) == 24 * HOUR


def test_latest_measurement_is_the_latest_of_that_kpi_in_range(database: Database) -> None:
    # Long past: a measurement is what was measured, never a date still to come.
    store(
        database,
        measurement("m1", "brand_search_rank", "2025-10-05", 5),
        measurement("m2", "brand_search_rank", "2025-10-20", 4),
        measurement("m3", "brand_search_rank", "2025-11-01", 3),
        measurement("m4", "market_share", "2025-10-25", 9),
        measurement("m5", "brand_search_rank", "2025-09-30 23:59", 7),
    )
    start, end = at(2025, 10, 1), at(2025, 11, 1)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.latest_measurement("brand_search_rank", start, end) == 4.0
        assert source.latest_measurement("market_share", start, end) == 9.0
        assert source.latest_measurement("team_productivity", start, end) is None
        assert (
            source.latest_measurement("brand_search_rank", at(2025, 10, 6), at(2025, 10, 20))
            is None
        )


def test_a_memo_answers_again_from_memory_until_the_data_version_changes(
    database: Database,
) -> None:
    store(database, survey("a", nps=10))
    memo = SourceMemo()
    with database.read() as connection:
        first = memo.source(connection).daily(Fact.NPS, date(2026, 11, 1), date(2026, 11, 3))
    assert first == Tally(1.0, 1)
    with database.read() as connection:
        source = memo.source(connection)
        assert source.daily(Fact.NPS, date(2026, 11, 1), date(2026, 11, 3)) == first
        assert len(memo.answers) == 1  # the same question: not asked again
    store(database, survey("b", nps=0))  # a writer marks the data changed
    with database.read() as connection:
        again = memo.source(connection).daily(Fact.NPS, date(2026, 11, 1), date(2026, 11, 3))
    assert again == Tally(0.0, 2)


def test_a_memo_asks_ticket_answers_once_all_are_old_enough_and_anew_before(
    database: Database,
) -> None:
    start, end = at(2026, 11, 1), at(2026, 11, 8)
    store(database, ticket("old", start, start + HOUR), ticket("last", end - HOUR, None))
    memo = SourceMemo()
    with database.read() as connection:
        plain, remembering = SqlKpiSource(connection), memo.source(connection)
        for as_of in (end, end + 23 * HOUR, end + 24 * HOUR, end + 72 * HOUR):
            expected = plain.ticket_answers(start, end, 24 * HOUR, as_of)
            assert remembering.ticket_answers(start, end, 24 * HOUR, as_of) == expected
    # end and end + 23 h are asked as they are; from end + 24 h on, as of end + 24 h.
    assert len(memo.answers) == 3
