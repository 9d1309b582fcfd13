"""The part of a local day known at an instant inside it (`SqlKpiSource.part_of_day`).

Every daily fact, worked out by hand on Monday 2026-11-23 in Tokyo as of 13:27:00. Ranges
are half-open, [the day's midnight, the as-of instant): a row at 13:26:59 counts, one at
13:27:00 exactly does not (as of a midnight, a row at that midnight belongs to the next day
too), nor one at 13:27:01. Once the day is over, its rollup row counts every row of it, and
the part of the day before the next midnight is that same row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from kpi_engine.source import Fact, Tally
from storage.db import Database
from storage.source import SqlKpiSource
from tests.kpi_engine.events import (
    TOKYO,
    Row,
    churn,
    completion,
    cost,
    enrollment,
    payment,
    refund,
    release,
    store,
    survey,
)

DAY = date(2026, 11, 23)
AS_OF = datetime(2026, 11, 23, 13, 27, tzinfo=TOKYO)
MIDNIGHT = "2026-11-23T00:00:00+09:00"
SECOND_BEFORE = "2026-11-23T13:26:59+09:00"
EXACTLY = "2026-11-23T13:27:00+09:00"
SECOND_AFTER = "2026-11-23T13:27:01+09:00"
DAY_BEFORE = "2026-11-22T23:59:59+09:00"  # another local day: never part of the 23rd

PAYMENTS = [
    payment("p-midnight", MIDNIGHT, 1000),
    payment("p-before", SECOND_BEFORE, 200, recurring=False),
    payment("p-exactly", EXACTLY, 30),
    payment("p-after", SECOND_AFTER, 4),
    payment("p-day-before", DAY_BEFORE, 50000),
]
COSTS = [
    cost("k-midnight", MIDNIGHT, 100, "marketing"),
    cost("k-before-variable", SECOND_BEFORE, 20, "variable"),
    cost("k-before-fixed", SECOND_BEFORE, 3, "fixed"),
    cost("k-exactly", EXACTLY, 4000, "marketing"),
    cost("k-after", SECOND_AFTER, 500, "fixed"),
    cost("k-day-before", DAY_BEFORE, 60000, "marketing"),
]
ENROLLMENTS = [
    # Enrolled the day before, again at midnight: an enrollment of the 23rd, not a new customer.
    enrollment("e-old-first", DAY_BEFORE, "old"),
    enrollment("e-old-again", MIDNIGHT, "old", channel="referral"),
    enrollment("e-a", SECOND_BEFORE, "a", channel="referral"),
    enrollment("e-b", EXACTLY, "b", channel="referral"),
    enrollment("e-c", SECOND_AFTER, "c"),
    # New at 13:00 by ad; the referral enrollment after the as-of instant changes nothing.
    enrollment("e-d-first", "2026-11-23T13:00:00+09:00", "d"),
    enrollment("e-d-again", SECOND_AFTER, "d", channel="referral"),
]
SURVEYS = [
    survey("s-midnight", MIDNIGHT, nps=10, csat=5, ai_adoption=True),
    survey("s-before", SECOND_BEFORE, nps=9, csat=4, ai_adoption=False),
    survey("s-csat-only", "2026-11-23T12:00:00+09:00", csat=3),
    survey("s-exactly", EXACTLY, nps=0, csat=1, ai_adoption=True),
    survey("s-after", SECOND_AFTER, nps=6, csat=2, ai_adoption=True),
    survey("s-day-before", DAY_BEFORE, nps=0, csat=1, ai_adoption=False),
]


def _at_each_time(make: Callable[[int, str], Row]) -> list[Row]:
    """One event at midnight, a second before, exactly at and a second after 13:27, and one
    the day before."""
    times = [MIDNIGHT, SECOND_BEFORE, EXACTLY, SECOND_AFTER, DAY_BEFORE]
    return [make(n, when) for n, when in enumerate(times)]


# fact, rows, (total, count) as of 13:27, (total, count) of the whole day
CASES = [
    (Fact.REVENUE, PAYMENTS, (1200, 2), (1234, 4)),
    (Fact.REVENUE_RECURRING, PAYMENTS, (1000, 1), (1034, 3)),
    (Fact.REFUNDS, _at_each_time(lambda n, at: refund(f"f{n}", at, 10**n)), (11, 2),
     (1111, 4)),
    (Fact.COST_MARKETING, COSTS, (100, 1), (4100, 2)),
    (Fact.COST_VARIABLE, COSTS, (20, 1), (20, 1)),
    (Fact.COST_FIXED, COSTS, (3, 1), (503, 2)),
    # old at midnight, a, d at 13:00 | and b, c, d again
    (Fact.ENROLLMENTS, ENROLLMENTS, (3, 3), (6, 6)),
    # a, d | and b, c
    (Fact.NEW_CUSTOMERS, ENROLLMENTS, (2, 2), (4, 4)),
    # a | and b (d's first enrollment was by ad)
    (Fact.NEW_REFERRALS, ENROLLMENTS, (1, 1), (2, 2)),
    (Fact.COMPLETIONS, _at_each_time(lambda n, at: completion(f"k{n}", at, f"c{n}")), (2, 2),
     (4, 4)),
    (Fact.CHURNS, _at_each_time(lambda n, at: churn(f"x{n}", at, f"c{n}")), (2, 2), (4, 4)),
    # promoters 10, 9 | and detractors 0, 6
    (Fact.NPS, SURVEYS, (2, 2), (0, 4)),
    # 5 + 4 + 3 | + 1 + 2
    (Fact.CSAT, SURVEYS, (12, 3), (15, 5)),
    # yes, no | yes, yes
    (Fact.AI_ADOPTION, SURVEYS, (1, 2), (3, 4)),
    (Fact.RELEASES, _at_each_time(lambda n, at: release(f"r{n}", at)), (2, 2), (4, 4)),
]  # fmt: skip


def test_every_fact_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(Fact)


@pytest.mark.parametrize(
    ("fact", "rows", "so_far", "whole"), CASES, ids=[case[0].value for case in CASES]
)
def test_part_of_the_day_counts_the_rows_timed_before_the_as_of_instant(
    database: Database,
    fact: Fact,
    rows: list[Row],
    so_far: tuple[int, int],
    whole: tuple[int, int],
) -> None:
    store(database, *rows)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.part_of_day(fact, DAY, AS_OF) == Tally(*so_far)
        # The whole day, from its rollup row and from its rows up to the next midnight.
        next_midnight = datetime(2026, 11, 24, tzinfo=TOKYO)
        assert source.daily(fact, DAY, DAY + timedelta(days=1)) == Tally(*whole)
        assert source.part_of_day(fact, DAY, next_midnight) == Tally(*whole)
        # Nothing of the day is known at its own midnight.
        assert source.part_of_day(fact, DAY, datetime(2026, 11, 23, tzinfo=TOKYO)) == Tally(0, 0)
