"""Every KPI formula on small hand-built data, stored through the real import path.

Each test imports a handful of rows with `import_rows`, evaluates the KPI through
`SqlKpiSource` and compares with a number worked out by hand in the test. Unless a test says
otherwise the moment is the end of Monday 2026-11-23 in Tokyo: the month so far is
2026-11-01..23, the week so far is Monday 2026-11-23 alone and the quarter so far is
2026-10-01..11-23. Times without an offset are Tokyo local times, as in an import file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.db import Database
from tests.kpi_engine.events import (
    TOKYO,
    churn,
    clear,
    completion,
    cost,
    downtime,
    enrollment,
    evaluated,
    examples,
    measurement,
    payment,
    release,
    store,
    survey,
    ticket,
)


def test_nps_is_percent_promoters_minus_percent_detractors_of_the_month(
    database: Database,
) -> None:
    scores = [10, 9, 9, 8, 7, 6, 3, 0, 10, 9]  # promoters 10,9,9,10,9; detractors 6,3,0
    store(
        database,
        *(
            survey(f"n{i}", f"2026-11-{i + 1:02d} 12:00", nps=score)
            for i, score in enumerate(scores)
        ),
        survey("csat-only", "2026-11-05 12:00", csat=1),  # no nps answer: not counted
        survey("october", "2026-10-31 23:59", nps=0),
        survey("after", "2026-11-24 00:00", nps=0),
    )

    state = evaluated(database, "nps")

    assert state.current.value == pytest.approx((5 - 3) / 10 * 100)
    assert state.current.n == 10
    assert state.previous.value == pytest.approx((0 - 1) / 1 * 100)


def test_csat_is_the_mean_score_of_the_week(database: Database) -> None:
    store(
        database,
        survey("mon", "2026-11-23 00:00", csat=5),
        survey("mon-late", "2026-11-23 23:59", csat=4),
        survey("mon-nps", "2026-11-23 12:00", csat=3, nps=10),
        survey("nps-only", "2026-11-23 12:00", nps=2),  # no csat answer: not counted
        survey("sunday", "2026-11-22 23:59", csat=1),  # the week before
        survey("sunday2", "2026-11-16 00:00", csat=2),
    )

    state = evaluated(database, "csat")

    assert (state.current.start, state.current.end) == (date(2026, 11, 23), date(2026, 11, 23))
    assert state.current.value == pytest.approx((5 + 4 + 3) / 3)
    assert state.current.n == 3
    assert (state.previous.start, state.previous.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert state.previous.value == pytest.approx((1 + 2) / 2)


def test_ai_adoption_rate_is_percent_yes_among_those_who_answered(database: Database) -> None:
    store(
        database,
        survey("a1", "2026-11-02 10:00", ai_adoption=True),
        survey("a2", "2026-11-03 10:00", ai_adoption="true"),
        survey("a3", "2026-11-04 10:00", ai_adoption=True, nps=9),
        survey("a4", "2026-11-05 10:00", ai_adoption=False),
        survey("unanswered", "2026-11-06 10:00", nps=9),
        survey("october", "2026-10-06 10:00", ai_adoption=False),
    )

    state = evaluated(database, "ai_adoption_rate")

    assert state.current.value == pytest.approx(3 / 4 * 100)
    assert state.current.n == 4
    assert state.previous.value == pytest.approx(0 / 1 * 100)


def test_a_customer_is_new_only_in_the_month_of_their_first_ever_enrollment(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e1", "2026-10-10 10:00", "old"),
        enrollment("e2", "2026-11-10 10:00", "old"),  # enrolls again: not new in November
        enrollment("e3", "2026-11-03 10:00", "twice"),
        enrollment("e4", "2026-11-20 10:00", "twice"),  # counted once
        enrollment("e5", "2026-11-23 23:59", "last-minute"),
        enrollment("e6", "2026-11-24 00:00", "tomorrow"),  # after the as-of day
    )

    state = evaluated(database, "new_customers")

    assert state.current.value == 2  # twice, last-minute
    assert state.previous.value == 1  # old


def test_an_earlier_enrollment_imported_later_moves_a_customer_out_of_new(
    database: Database,
) -> None:
    store(database, enrollment("late", "2026-11-10 10:00", "c1"))
    assert evaluated(database, "new_customers").current.value == 1

    store(database, enrollment("early", "2026-10-05 10:00", "c1"))

    state = evaluated(database, "new_customers")
    assert state.current.value == 0  # no one new in November, now that data begins in October
    assert state.previous.value == 1


def test_cumulative_students_counts_each_customer_once_up_to_the_as_of_day(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e1", "2025-02-01 10:00", "a"),
        enrollment("e2", "2025-08-01 10:00", "b"),
        enrollment("e3", "2026-03-01 10:00", "a"),  # re-enrollment
        enrollment("e4", "2026-10-31 10:00", "c"),
        enrollment("e5", "2026-11-23 23:00", "d"),
        enrollment("e6", "2026-11-24 01:00", "e"),  # after the as-of day
    )

    state = evaluated(database, "cumulative_students")

    assert state.current.value == 4  # a, b, c, d
    assert state.previous.value == 3  # up to 2026-10-31: a, b, c
    assert state.previous.end == date(2026, 10, 31)


def test_referral_rate_is_percent_of_new_customers_first_enrolled_by_referral(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e1", "2026-11-02 10:00", "n1", "referral"),
        enrollment("e2", "2026-11-03 10:00", "n2", "Referral"),  # channels are lower-cased
        enrollment("e3", "2026-11-04 10:00", "n3", "ad"),
        enrollment("e4", "2026-11-05 10:00", "n4", "search"),
        enrollment("e5", "2026-11-06 10:00", "n4", "referral"),  # not their first enrollment
        enrollment("e6", "2026-10-06 10:00", "old", "ad"),
        enrollment("e7", "2026-11-07 10:00", "old", "referral"),  # not new in November
    )

    state = evaluated(database, "referral_rate")

    assert state.current.value == pytest.approx(2 / 4 * 100)
    assert state.current.n == 4
    assert state.previous.value == pytest.approx(0 / 1 * 100)


def test_retention_is_percent_of_the_cohort_six_months_back_without_churn_within_six_months(
    database: Database,
) -> None:
    store(
        database,
        # The cohort: first enrolled in May 2026.
        enrollment("r1", "2026-05-01 00:00", "stays"),
        enrollment("r2", "2026-05-10 10:00", "leaves"),
        churn("x2", "2026-07-15 10:00", "leaves"),
        enrollment("r3", "2026-05-20 10:00", "leaves-at-six-months"),
        churn("x3", "2026-11-20 10:00", "leaves-at-six-months"),  # exactly six months: retained
        enrollment("r4", "2026-05-31 23:00", "leaves-tomorrow"),
        churn("x4", "2026-11-25 10:00", "leaves-tomorrow"),  # after the as-of moment
        # Outside the cohort.
        enrollment("o1", "2026-04-30 23:59", "april"),
        enrollment("o2", "2026-06-01 00:00", "june"),
        enrollment("o3", "2026-01-10 10:00", "returning"),
        enrollment("o4", "2026-05-15 10:00", "returning"),
    )

    state = evaluated(database, "retention_6m")

    assert state.current.value == pytest.approx(3 / 4 * 100)
    assert state.current.n == 4
    assert state.previous.n == 1  # April's cohort, for October


# ---------------------------------------------------------------- money


def test_mrr_is_every_payment_of_the_month_so_far(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-01 00:00", 100_000),
        payment("p2", "2026-11-15 10:00", 250_000, recurring=False),
        payment("p3", "2026-11-23 23:59", 50_000, customer="c2"),
        payment("october", "2026-10-31 23:59", 70_000),
        payment("tomorrow", "2026-11-24 00:00", 999_999),
    )

    state = evaluated(database, "mrr")

    assert state.current.value == 100_000 + 250_000 + 50_000
    assert state.current.n == 3
    assert state.previous.value == 70_000


def test_annual_revenue_is_the_trailing_twelve_months_ending_with_the_day(
    database: Database,
) -> None:
    store(
        database,
        payment("before", "2025-11-23 23:59", 1_000_000),
        payment("first-day", "2025-11-24 00:00", 200_000),
        payment("mid", "2026-06-01 10:00", 300_000),
        payment("last-day", "2026-11-23 23:59", 400_000),
        payment("after", "2026-11-24 00:00", 5_000_000),
    )

    state = evaluated(database, "annual_revenue")

    assert (state.current.start, state.current.end) == (date(2025, 11, 24), date(2026, 11, 23))
    assert state.current.value == 200_000 + 300_000 + 400_000
    # The month-end snapshot before: 2025-11-01..2026-10-31.
    assert state.previous.value == 1_000_000 + 200_000 + 300_000


def test_revenue_growth_compares_the_month_so_far_with_the_same_days_a_year_earlier(
    database: Database,
) -> None:
    store(
        database,
        payment("y1", "2025-11-10 10:00", 100_000),
        payment("y2", "2025-11-23 23:59", 50_000),
        payment("y3", "2025-11-24 00:00", 999_999),  # not among the days so far this year
        payment("now", "2026-11-05 10:00", 180_000),
    )

    state = evaluated(database, "revenue_growth_yoy")

    assert state.current.value == pytest.approx((180_000 - 150_000) / 150_000 * 100)
    assert state.attainment == pytest.approx(20 / 20 * 100)  # target growth: 20 %


def test_revenue_growth_without_revenue_a_year_earlier_has_no_value(database: Database) -> None:
    store(database, payment("now", "2026-11-05 10:00", 180_000))

    assert evaluated(database, "revenue_growth_yoy").current.value is None


def test_gross_margin_subtracts_only_variable_costs(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-05 10:00", 120_000),
        payment("p2", "2026-11-06 10:00", 80_000),
        cost("v1", "2026-11-07 10:00", 30_000, "variable"),
        cost("v2", "2026-11-08 10:00", 20_000, "variable"),
        cost("m1", "2026-11-08 10:00", 70_000, "marketing"),
        cost("f1", "2026-11-08 10:00", 90_000, "fixed"),
        cost("v-oct", "2026-10-31 10:00", 10_000, "variable"),
    )

    state = evaluated(database, "gross_margin")

    assert state.current.value == pytest.approx((200_000 - 50_000) / 200_000 * 100)


def test_cac_is_marketing_costs_over_new_customers(database: Database) -> None:
    store(
        database,
        cost("m1", "2026-11-02 10:00", 60_000, "marketing"),
        cost("m2", "2026-11-20 10:00", 40_000, "marketing"),
        cost("v1", "2026-11-20 10:00", 500_000, "variable"),
        cost("m-oct", "2026-10-20 10:00", 1_000_000, "marketing"),
        *(enrollment(f"e{i}", f"2026-11-1{i} 10:00", f"n{i}") for i in range(4)),
        enrollment("e-again", "2026-11-19 10:00", "n0"),  # a returning customer
    )

    state = evaluated(database, "cac")

    assert state.current.value == pytest.approx((60_000 + 40_000) / 4)
    assert state.current.n == 4


# LTV at 2026-11-23: revenue per payer over Aug-Oct 2026, lifetime from May-Oct 2026.
LTV_CUSTOMERS = [
    *(enrollment(f"e{i}", "2026-01-10 10:00", f"c{i}") for i in range(1, 5)),
    enrollment("e5", "2026-06-10 10:00", "c5"),
]
LTV_CHURNS = [churn("x1", "2026-07-05 10:00", "c1"), churn("x2", "2026-09-05 10:00", "c2")]
LTV_PAYMENTS = [
    payment("jul", "2026-07-01 10:00", 10_000, "c1"),  # before the three months
    payment("aug-2", "2026-08-03 10:00", 12_000, "c2"),
    payment("aug-3a", "2026-08-04 10:00", 6_000, "c3"),
    payment("aug-3b", "2026-08-20 10:00", 6_000, "c3"),  # the same payer twice
    payment("sep-3", "2026-09-03 10:00", 9_000, "c3"),
    payment("sep-4", "2026-09-04 10:00", 9_000, "c4"),
    payment("sep-5", "2026-09-05 10:00", 9_000, "c5"),
    payment("oct-4", "2026-10-04 10:00", 15_000, "c4"),
    payment("oct-5", "2026-10-31 23:59", 15_000, "c5"),
    payment("nov-4", "2026-11-04 10:00", 99_999, "c4"),  # the as-of month: not complete
]
# Revenue Aug-Oct: 24,000 + 27,000 + 30,000; payer-months: 2 + 3 + 2.
LTV_ARPU = (24_000 + 27_000 + 30_000) / (2 + 3 + 2)
# Active at each month's start, May..Oct: 4, 4, 5 (c5 joined in June), 4 (c1 left in July),
# 4, 3 (c2 left in September); 2 churns.
LTV_LIFETIME = (4 + 4 + 5 + 4 + 4 + 3) / 2


def test_ltv_is_revenue_per_payer_month_times_the_pooled_churn_lifetime(
    database: Database,
) -> None:
    store(database, *LTV_CUSTOMERS, *LTV_CHURNS, *LTV_PAYMENTS)

    state = evaluated(database, "ltv")

    assert state.current.value == pytest.approx(LTV_ARPU * LTV_LIFETIME)
    assert state.current.n == 2 + 3 + 2


def test_ltv_without_churn_uses_a_thirty_six_month_lifetime(database: Database) -> None:
    store(database, *LTV_CUSTOMERS, *LTV_PAYMENTS)

    state = evaluated(database, "ltv")

    assert state.current.value == pytest.approx(LTV_ARPU * 36)


def test_ltv_lifetime_is_capped_at_thirty_six_months(database: Database) -> None:
    # 40 customers active at each of the six months' starts and one churn: 240 / 1 months.
    store(
        database,
        *(enrollment(f"e{i}", "2026-01-10 10:00", f"c{i}") for i in range(40)),
        churn("x", "2026-10-20 10:00", "c0"),
        payment("aug", "2026-08-10 10:00", 30_000, "c1"),
    )

    state = evaluated(database, "ltv")

    assert state.current.value == pytest.approx(30_000 / 1 * min(36, 40 * 6 / 1))


def test_ltv_cac_divides_ltv_by_the_quarters_cac(database: Database) -> None:
    store(
        database,
        *LTV_CUSTOMERS,
        *LTV_CHURNS,
        *LTV_PAYMENTS,
        enrollment("e6", "2026-10-20 10:00", "c6"),  # joins after October's start count
        enrollment("e7", "2026-11-05 10:00", "c7"),
        cost("m1", "2026-10-02 10:00", 20_000, "marketing"),
        cost("m2", "2026-11-10 10:00", 30_000, "marketing"),
        cost("m-q3", "2026-09-30 10:00", 1_000_000, "marketing"),
    )

    state = evaluated(database, "ltv_cac")

    cac = (20_000 + 30_000) / 2  # the quarter so far: 2 new customers
    assert state.current.value == pytest.approx(LTV_ARPU * LTV_LIFETIME / cac)
    assert state.current.n == 2


# ---------------------------------------------------------------- operations


def test_completion_rate_takes_the_cohort_from_twelve_months_to_ninety_days_back(
    database: Database,
) -> None:
    # For the week so far (to 2026-11-23): first enrolled on 2025-11-24..2026-08-25.
    store(
        database,
        enrollment("k1", "2025-11-24 00:00", "k1"),
        completion("d1", "2026-02-01 10:00", "k1"),
        enrollment("k2", "2026-03-01 10:00", "k2"),
        completion("d2", "2026-11-23 23:59", "k2"),
        enrollment("k3", "2026-05-01 10:00", "k3"),
        completion("d3", "2026-11-24 00:00", "k3"),  # at the as-of moment: not before it
        enrollment("k4", "2026-08-25 23:59", "k4"),
        # Outside the cohort, all completed.
        enrollment("o1", "2025-11-23 23:59", "o1"),
        completion("f1", "2026-01-01 10:00", "o1"),
        enrollment("o2", "2026-08-26 00:00", "o2"),
        completion("f2", "2026-11-01 10:00", "o2"),
        enrollment("o3", "2025-10-01 10:00", "o3"),
        enrollment("o3-again", "2026-01-10 10:00", "o3"),
        completion("f3", "2026-04-01 10:00", "o3"),
    )

    state = evaluated(database, "completion_rate")

    assert state.current.value == pytest.approx(2 / 4 * 100)  # k1, k2 of k1..k4
    assert state.current.n == 4


def test_uptime_merges_overlapping_outages_and_counts_an_open_one_to_now(
    database: Database,
) -> None:
    store(
        database,
        downtime("across-midnight", "2026-10-31 23:00", "2026-11-01 01:00"),  # 1 h in November
        downtime("a", "2026-11-02 10:00", "2026-11-02 12:00"),
        downtime("inside-a", "2026-11-02 10:30", "2026-11-02 11:30"),
        downtime("overlaps-a", "2026-11-02 11:00", "2026-11-02 14:00"),  # 10:00-14:00: 4 h
        downtime("open", "2026-11-23 22:00"),  # still open: 2 h to the end of the day
    )

    state = evaluated(database, "uptime")

    hours = 23 * 24  # 2026-11-01 00:00 to 2026-11-24 00:00
    assert state.current.value == pytest.approx((hours - (1 + 4 + 2)) / hours * 100)
    assert state.current.n is None
    october = 31 * 24
    assert state.previous.value == pytest.approx((october - 1) / october * 100)


# Week 2026-11-23..29, evaluated at the end of Thursday 2026-11-26.
SUPPORT_AS_OF = datetime(2026, 11, 27, tzinfo=TOKYO)
SUPPORT_TICKETS = [
    ticket("exactly-24h", "2026-11-23 10:00", "2026-11-24 10:00"),
    ticket("a-second-late", "2026-11-23 12:00", "2026-11-24 12:00:01"),
    ticket("unanswered", "2026-11-24 09:00"),
    ticket("quick", "2026-11-25 23:59:59", "2026-11-26 00:30"),
    ticket("a-day-old", "2026-11-26 00:00", "2026-11-26 00:05"),  # exactly 24 h at the as-of
    ticket("a-microsecond-too-young", "2026-11-26 00:00:00.000001", "2026-11-26 00:05"),
    ticket("last-week", "2026-11-22 23:00", "2026-11-22 23:10"),
]


def test_support_response_24h_counts_tickets_at_least_a_day_old(database: Database) -> None:
    store(database, *SUPPORT_TICKETS)

    state = evaluated(database, "support_response_24h", SUPPORT_AS_OF)

    # Opened at or before 2026-11-26 00:00: exactly-24h, a-second-late, unanswered, quick,
    # a-day-old; answered in time: exactly-24h, quick, a-day-old.
    assert state.current.value == pytest.approx(3 / 5 * 100)
    assert state.current.n == 5
    assert state.previous.value == pytest.approx(1 / 1 * 100)


def test_support_response_48h_counts_tickets_at_least_two_days_old(database: Database) -> None:
    store(database, *SUPPORT_TICKETS)

    state = evaluated(database, "support_response_48h", SUPPORT_AS_OF)

    # Opened at or before 2026-11-25 00:00: exactly-24h, a-second-late (in time), unanswered.
    assert state.current.value == pytest.approx(2 / 3 * 100)
    assert state.current.n == 3


def test_a_ticket_exactly_24_hours_old_counts_and_one_a_microsecond_younger_does_not(
    database: Database,
) -> None:
    store(
        database,
        ticket("midnight", "2026-11-23 00:00", "2026-11-23 09:00"),
        ticket("just-after", "2026-11-23 00:00:00.000001"),
    )

    # The end of Monday 2026-11-23: the ticket opened at its 00:00 is exactly 24 hours old.
    state = evaluated(database, "support_response_24h", datetime(2026, 11, 24, tzinfo=TOKYO))

    assert state.current.n == 1
    assert state.current.value == 100


def test_a_ticket_exactly_48_hours_old_counts_and_one_a_microsecond_younger_does_not(
    database: Database,
) -> None:
    store(
        database,
        ticket("sunday-midnight", "2026-11-22 00:00", "2026-11-23 23:00"),  # 47 h: in time
        ticket("just-after", "2026-11-22 00:00:00.000001"),
        ticket("earlier", "2026-11-21 12:00"),  # unanswered
    )

    # The end of Monday 2026-11-23: last week's ticket of Sunday 00:00 is exactly 48 hours old.
    state = evaluated(database, "support_response_48h", datetime(2026, 11, 24, tzinfo=TOKYO))

    assert state.previous.n == 2
    assert state.previous.value == pytest.approx(1 / 2 * 100)


def test_a_response_half_a_second_after_24_hours_is_late(database: Database) -> None:
    store(
        database,
        ticket("late", "2026-11-23 10:00:00", "2026-11-24 10:00:00.500000"),
    )

    state = evaluated(database, "support_response_24h", SUPPORT_AS_OF)

    assert state.current.value == pytest.approx(0 / 1 * 100)


def test_content_updates_count_the_months_releases(database: Database) -> None:
    store(
        database,
        release("r1", "2026-11-01 00:00"),
        release("r2", "2026-11-12 10:00"),
        release("r3", "2026-11-23 23:59"),
        release("october", "2026-10-31 23:59"),
        release("tomorrow", "2026-11-24 00:00"),
    )

    state = evaluated(database, "content_updates")

    assert state.current.value == 3
    assert state.previous.value == 1


# ---------------------------------------------------------------- measured KPIs


def test_brand_search_rank_is_the_latest_measurement_of_the_month(database: Database) -> None:
    store(
        database,
        measurement("m1", "2026-11-05 10:00", "brand_search_rank", 5),
        measurement("m2", "2026-11-20 10:00", "brand_search_rank", 2),
        measurement("m3", "2026-11-10 10:00", "brand_search_rank", 7),
        measurement("other-kpi", "2026-11-21 10:00", "market_share", 40),
        measurement("october", "2026-10-30 10:00", "brand_search_rank", 1),
        measurement("tomorrow", "2026-11-24 00:00", "brand_search_rank", 9),
    )

    state = evaluated(database, "brand_search_rank")

    assert state.current.value == 2
    assert state.previous.value == 1
    assert state.attainment == pytest.approx(3 / 2 * 100)  # lower is better: target / value


def test_market_share_is_the_latest_measurement_of_the_quarter(database: Database) -> None:
    store(
        database,
        measurement("q3", "2026-09-30 23:59", "market_share", 4.0),
        measurement("q4a", "2026-10-15 10:00", "market_share", 5.5),
        measurement("q4b", "2026-11-10 10:00", "market_share", 6.0),
    )

    state = evaluated(database, "market_share")

    assert state.current.value == 6.0
    assert state.previous.value == 4.0


def test_team_productivity_is_growth_on_the_previous_quarters_latest(database: Database) -> None:
    store(
        database,
        measurement("q2", "2026-06-30 10:00", "team_productivity", 50),
        measurement("q3a", "2026-07-10 10:00", "team_productivity", 100),
        measurement("q3b", "2026-09-20 10:00", "team_productivity", 120),
        measurement("q4a", "2026-10-05 10:00", "team_productivity", 126),
        measurement("q4b", "2026-11-15 10:00", "team_productivity", 132),
    )

    state = evaluated(database, "team_productivity")

    assert state.current.value == pytest.approx((132 - 120) / 120 * 100)
    assert state.previous.value == pytest.approx((120 - 50) / 50 * 100)
    assert state.attainment == pytest.approx(10 / 10 * 100)


# ---------------------------------------------------------------- properties
NOVEMBER = datetime(2026, 11, 1, tzinfo=TOKYO)
MINUTES_SO_FAR = 23 * 24 * 60  # 2026-11-01 00:00 to the as-of moment
# Minutes from 2026-11-01 00:00 Tokyo, from a day before to a day after, boundaries likely.
minute = st.one_of(
    st.integers(-24 * 60, MINUTES_SO_FAR + 24 * 60),
    st.sampled_from([-1, 0, MINUTES_SO_FAR - 1, MINUTES_SO_FAR]),
)


def utc(minutes: int) -> str:
    """An instant as an import would carry it: in UTC, so the engine must convert it."""
    return (NOVEMBER + timedelta(minutes=minutes)).astimezone(UTC).isoformat()


def so_far_in_november(minutes: int) -> bool:
    day = (NOVEMBER + timedelta(minutes=minutes)).date()
    return date(2026, 11, 1) <= day <= date(2026, 11, 23)


def begun_by_november(minutes: list[int]) -> bool:
    """Whether the first of these events falls on or before November's first day."""
    return (NOVEMBER + timedelta(minutes=min(minutes))).date() <= date(2026, 11, 1)


def flow_total(total: float, events: int, minutes: list[int]) -> float | None:
    """A flow total's November so far: 0 without events once the data has begun."""
    return total if events or begun_by_november(minutes) else None


@examples
@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=15))
def test_nps_is_promoters_minus_detractors_for_any_scores(
    database: Database, scores: list[int]
) -> None:
    clear(database)
    store(database, *(survey(f"n{i}", "2026-11-10 10:00", nps=s) for i, s in enumerate(scores)))

    state = evaluated(database, "nps")

    promoters = sum(score >= 9 for score in scores) / len(scores) * 100
    detractors = sum(score <= 6 for score in scores) / len(scores) * 100
    assert state.current.value == pytest.approx(promoters - detractors)
    assert state.current.n == len(scores)


@examples
@given(payments=st.lists(st.tuples(minute, st.integers(0, 10**9)), min_size=1, max_size=12))
def test_mrr_is_the_sum_of_the_months_payments_for_any_amounts_and_instants(
    database: Database, payments: list[tuple[int, int]]
) -> None:
    clear(database)
    store(database, *(payment(f"p{i}", utc(at), amount) for i, (at, amount) in enumerate(payments)))

    state = evaluated(database, "mrr")

    counted = [amount for at, amount in payments if so_far_in_november(at)]
    instants = [at for at, _ in payments]
    assert state.current.value == flow_total(sum(counted), len(counted), instants)
    assert state.current.n == len(counted)


@examples
@given(enrollments=st.lists(st.tuples(st.sampled_from("abcde"), minute), min_size=1, max_size=12))
def test_new_customers_are_those_first_enrolled_in_the_month_for_any_enrollments(
    database: Database, enrollments: list[tuple[str, int]]
) -> None:
    clear(database)
    store(
        database,
        *(enrollment(f"e{i}", utc(at), who) for i, (who, at) in enumerate(enrollments)),
    )

    state = evaluated(database, "new_customers")

    firsts = {who: min(at for other, at in enrollments if other == who) for who, _ in enrollments}
    new = sum(so_far_in_november(at) for at in firsts.values())
    assert state.current.value == flow_total(new, new, list(firsts.values()))


@examples
@given(
    kpi_id=st.sampled_from(["support_response_24h", "support_response_48h"]),
    microseconds=st.one_of(
        st.integers(-(10**7), 10**7), st.sampled_from([-1, 0, 1]), st.just(86_400 * 10**6)
    ),
)
def test_a_ticket_counts_once_it_is_at_least_the_hours_old_at_the_as_of_moment(
    database: Database, kpi_id: str, microseconds: int
) -> None:
    clear(database)
    hours = 24 if kpi_id.endswith("24h") else 48
    opened = SUPPORT_AS_OF - timedelta(hours=hours, microseconds=-microseconds)
    answered = opened + timedelta(minutes=1)
    store(database, ticket("t", opened.isoformat(), answered.isoformat()))

    state = evaluated(database, kpi_id, SUPPORT_AS_OF)

    old_enough = microseconds <= 0  # opened at or before the as-of moment less the hours
    assert state.current.n == (1 if old_enough else 0)
    assert state.current.value == (100 if old_enough else None)


@examples
@given(
    outages=st.lists(
        st.tuples(minute, st.one_of(st.none(), st.integers(1, 600))), min_size=1, max_size=8
    )
)
def test_uptime_counts_every_down_minute_once_for_any_outages(
    database: Database, outages: list[tuple[int, int | None]]
) -> None:
    clear(database)
    store(
        database,
        *(
            downtime(f"d{i}", utc(at), None if length is None else utc(at + length))
            for i, (at, length) in enumerate(outages)
        ),
    )

    state = evaluated(database, "uptime")

    down = set().union(
        *(
            range(
                max(at, 0), MINUTES_SO_FAR if length is None else min(at + length, MINUTES_SO_FAR)
            )
            for at, length in outages
        )
    )
    assert state.current.value == pytest.approx((MINUTES_SO_FAR - len(down)) / MINUTES_SO_FAR * 100)
