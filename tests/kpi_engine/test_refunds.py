"""Every revenue figure is net of refunds, in the period the refund was paid back.

As in `test_formulas`, rows go through the real import path and each figure is worked out by
hand; the moment is the end of Monday 2026-11-23 in Tokyo unless a test says otherwise, and
times without an offset are Tokyo local times.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.dashboard import dashboard
from storage.db import Database
from storage.source import SqlKpiSource
from tests.kpi_engine.events import (
    AS_OF,
    CATALOG,
    TOKYO,
    clear,
    cost,
    evaluated,
    examples,
    payment,
    refund,
    store,
)
from tests.kpi_engine.test_formulas import (
    LTV_CHURNS,
    LTV_CUSTOMERS,
    LTV_LIFETIME,
    LTV_PAYMENTS,
    minute,
    so_far_in_november,
    utc,
)


def test_a_refund_in_the_month_after_its_payment_lowers_that_month_not_the_payments(
    database: Database,
) -> None:
    store(
        database,
        payment("oct", "2026-10-20 10:00", 100_000),
        payment("nov", "2026-11-05 10:00", 50_000),
        refund("r-oct", "2026-11-10 10:00", 30_000, payment="oct"),
    )

    state = evaluated(database, "mrr")

    assert state.current.value == 50_000 - 30_000
    assert state.current.n == 1  # payments: the refund is not one
    assert state.previous.value == 100_000


def test_a_refund_at_midnight_on_the_first_lands_in_the_new_month(database: Database) -> None:
    store(
        database,
        payment("oct", "2026-10-15 10:00", 100_000),
        payment("nov", "2026-11-02 10:00", 40_000),
        refund("r-last-second", "2026-10-31 23:59:59", 1_000, payment="oct"),
        refund("r-midnight", "2026-11-01 00:00", 10_000, payment="oct"),
    )

    state = evaluated(database, "mrr")

    assert state.current.value == 40_000 - 10_000
    assert state.previous.value == 100_000 - 1_000


def test_a_month_refunding_more_than_it_took_in_has_negative_revenue(database: Database) -> None:
    store(
        database,
        payment("oct", "2026-10-15 10:00", 100_000),
        refund("r", "2026-11-03 10:00", 60_000, payment="oct"),
    )

    state = evaluated(database, "mrr")

    assert state.current.value == -60_000
    assert state.current.n == 0


def test_annual_revenue_subtracts_the_refunds_of_its_twelve_months(database: Database) -> None:
    store(
        database,
        payment("old", "2025-11-01 10:00", 50_000),
        refund("r-old", "2025-11-23 23:59", 20_000, payment="old"),  # the day before the window
        payment("p", "2025-12-01 10:00", 500_000),
        refund("r-p", "2026-06-01 10:00", 100_000, payment="p"),
        refund("r-tomorrow", "2026-11-24 00:00", 7_000, payment="p"),  # after the window
    )

    state = evaluated(database, "annual_revenue")

    assert state.current.value == 500_000 - 100_000
    # The month-end snapshot before: 2025-11-01..2026-10-31.
    assert state.previous.value == 50_000 + 500_000 - 20_000 - 100_000


def test_revenue_growth_compares_net_revenue_on_the_same_days(database: Database) -> None:
    store(
        database,
        payment("y1", "2025-11-10 10:00", 100_000),
        payment("y2", "2025-11-20 10:00", 50_000),
        refund("ry2", "2025-11-21 10:00", 30_000, payment="y2"),
        refund("ry1", "2025-11-24 00:00", 10_000, payment="y1"),  # after the days so far
        payment("now", "2026-11-05 10:00", 180_000),
        refund("r-now", "2026-11-06 10:00", 36_000, payment="now"),
    )

    state = evaluated(database, "revenue_growth_yoy")

    # Last year 150,000 - 30,000 = 120,000; this year 180,000 - 36,000 = 144,000.
    assert state.current.value == pytest.approx((144_000 - 120_000) / 120_000 * 100)
    assert state.current.value == pytest.approx(20.0)
    assert state.attainment == pytest.approx(100.0)


def test_revenue_growth_has_no_value_when_last_year_was_all_refunded(database: Database) -> None:
    store(
        database,
        payment("y1", "2025-11-10 10:00", 100_000),
        refund("ry1", "2025-11-11 10:00", 100_000, payment="y1"),
        payment("now", "2026-11-05 10:00", 180_000),
    )

    assert evaluated(database, "revenue_growth_yoy").current.value is None


def test_gross_margin_divides_by_net_revenue(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-05 10:00", 120_000),
        payment("p2", "2026-11-06 10:00", 80_000),
        refund("r1", "2026-11-07 10:00", 40_000, payment="p1"),
        cost("v1", "2026-11-07 10:00", 50_000, "variable"),
    )

    state = evaluated(database, "gross_margin")

    # (200,000 - 40,000 - 50,000) / 160,000 = 68.75 %
    assert state.current.value == pytest.approx(68.75)


def test_gross_margin_has_no_value_once_refunds_take_all_revenue(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-05 10:00", 120_000),
        refund("r1", "2026-11-07 10:00", 120_000, payment="p1"),
        cost("v1", "2026-11-07 10:00", 5_000, "variable"),
    )

    assert evaluated(database, "gross_margin").current.value is None


def test_ltv_takes_revenue_net_of_the_three_months_refunds(database: Database) -> None:
    store(
        database,
        *LTV_CUSTOMERS,
        *LTV_CHURNS,
        *LTV_PAYMENTS,
        refund("r-jul", "2026-07-20 10:00", 4_000, customer="c1", payment="jul"),  # before
        refund("r-aug", "2026-09-10 10:00", 6_000, customer="c2", payment="aug-2"),
        refund("r-oct", "2026-11-02 10:00", 5_000, customer="c4", payment="oct-4"),  # as-of month
    )

    state = evaluated(database, "ltv")

    # Aug-Oct: 81,000 paid, 6,000 paid back in September; payer-months 2 + 3 + 2, unchanged.
    arpu = (24_000 + 27_000 + 30_000 - 6_000) / 7
    assert arpu == pytest.approx(75_000 / 7)
    assert state.current.value == pytest.approx(arpu * LTV_LIFETIME)
    assert state.current.n == 7


def test_todays_revenue_on_the_dashboard_is_net_of_todays_refunds(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-23 09:00", 30_000),
        payment("p2", "2026-11-23 10:00", 20_000),
        refund("r1", "2026-11-23 11:00", 8_000, payment="p1"),
        refund("r-yesterday", "2026-11-22 11:00", 1_000, payment="p1"),
    )

    with database.read() as connection:
        board = dashboard(CATALOG, SqlKpiSource(connection), AS_OF, TOKYO)

    assert board.revenue_today == 50_000 - 8_000
    assert board.payments_today == 2


@examples
@given(
    refunds=st.lists(st.tuples(minute, st.integers(0, 1_000)), min_size=1, max_size=8),
)
def test_mrr_subtracts_the_refunds_of_the_month_for_any_instants(
    database: Database, refunds: list[tuple[int, int]]
) -> None:
    clear(database)
    # One payment large enough for every refund, long before November.
    store(
        database,
        payment("p", "2026-09-01 10:00", 10_000),
        *(refund(f"r{i}", utc(at), amount, payment="p") for i, (at, amount) in enumerate(refunds)),
    )

    state = evaluated(database, "mrr")

    counted = [amount for at, amount in refunds if so_far_in_november(at)]
    # The payment in September began the data: a November without refunds is 0.
    assert state.current.value == -sum(counted)
    assert state.current.n == 0
