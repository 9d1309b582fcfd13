"""Flow totals (`mrr`, `new_customers`, `content_updates`, `annual_revenue`) on a real database.

A period with no event is 0 once the KPI's data has begun (its first event, in local days)
and no data before; the period in progress is judged on its pace only once
`min_elapsed_days` whole days of it have passed (7 for a month), the previous period before
that. Ratios keep their rules: a zero denominator, or a CAC without marketing costs in its
month, is no data. The usual moment is the end of 2026-11-23 in Tokyo; times without an
offset are Tokyo local times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpi_engine.catalog import Catalog
from kpi_engine.evaluate import Basis
from kpi_engine.levels import Level
from storage.db import Database
from tests.kpi_engine.events import (
    CATALOG,
    TOKYO,
    Row,
    clear,
    cost,
    enrollment,
    evaluated,
    examples,
    payment,
    release,
    store,
)

# ---------------------------------------------------------------- zero once the data begins


def test_a_month_without_releases_after_the_first_release_is_a_red_zero(
    database: Database,
) -> None:
    store(database, release("r1", "2026-09-10 10:00"), release("r2", "2026-09-20 10:00"))

    state = evaluated(database, "content_updates")

    september, october, november = state.history[-3:]
    assert (september.value, october.value, november.value) == (2, 0, 0)
    assert (october.n, november.n) == (0, 0)
    assert (september.level, october.level, november.level) == (
        Level.GREEN,
        Level.RED,
        Level.RED,
    )
    assert (state.level, state.basis, state.attainment) == (Level.RED, Basis.CURRENT, 0)
    assert state.projection == 0
    # Before the first release, December 2025 to August 2026, there is nothing to count.
    assert [period.value for period in state.history[:-3]] == [None] * 9
    assert {period.level for period in state.history[:-3]} == {Level.NO_DATA}


def test_the_first_release_ever_in_the_current_month_leaves_the_months_before_without_data(
    database: Database,
) -> None:
    store(database, release("first", "2026-11-10 10:00"))

    state = evaluated(database, "content_updates")

    assert state.current.value == 1
    assert [period.value for period in state.history[:-1]] == [None] * 11
    assert state.previous.level is Level.NO_DATA
    assert state.last_year.value is None
    # 1 release against 2 x 23/30 so far.
    assert state.basis is Basis.CURRENT
    assert state.attainment == pytest.approx(1 / (2 * 23 / 30) * 100)
    assert state.level is Level.RED


def test_the_month_so_far_before_the_first_release_ever_has_no_data(database: Database) -> None:
    store(database, release("first", "2026-11-20 10:00"))

    # The end of 2026-11-15: the month so far has no release, and the data begins later.
    state = evaluated(database, "content_updates", datetime(2026, 11, 16, tzinfo=TOKYO))

    assert (state.current.value, state.previous.value) == (None, None)
    assert state.level is Level.NO_DATA


def test_twelve_months_without_payments_after_the_first_are_zero_annual_revenue(
    database: Database,
) -> None:
    store(database, payment("old", "2025-10-15 12:00", 500_000))

    state = evaluated(database, "annual_revenue")

    # 2025-11-24..2026-11-23 holds no payment; the data began in October 2025.
    assert state.current.value == 0
    assert state.previous.value == 0  # 2025-11-01..2026-10-31
    assert state.history[-3].value == 500_000  # 2025-10-01..2026-09-30
    assert state.level is Level.RED


def test_a_month_without_payments_is_zero_mrr_and_fires_the_revenue_rule(
    database: Database,
) -> None:
    store(database, payment("oct", "2026-10-15 12:00", 8_000_000))

    state = evaluated(database, "mrr")

    assert state.current.value == 0
    assert state.level is Level.RED
    assert state.rule is not None
    assert state.rule.id == "revenue_below_80_percent"


# ---------------------------------------------------------------- ratios keep their rules


RATIOS_WITHOUT_A_VALUE: dict[str, tuple[str, list[Row]]] = {
    "cac without marketing costs in the month": (
        "cac",
        [
            enrollment("e", "2026-11-05 10:00", "c1"),
            cost("m-oct", "2026-10-05 10:00", 50_000, "marketing"),  # entered for October only
        ],
    ),
    "cac in a month without new customers, after the first": (
        "cac",
        [
            enrollment("e", "2026-10-05 10:00", "c1"),
            cost("m", "2026-11-05 10:00", 50_000, "marketing"),
        ],
    ),
    "referral_rate in a month without new customers, after the first": (
        "referral_rate",
        [enrollment(f"e{i}", "2026-10-05 10:00", f"c{i}", "referral") for i in range(10)],
    ),
}


@pytest.mark.parametrize(
    ("kpi_id", "rows"), RATIOS_WITHOUT_A_VALUE.values(), ids=RATIOS_WITHOUT_A_VALUE
)
def test_a_ratio_without_its_denominator_stays_no_data_in_a_month_after_the_data_began(
    database: Database, kpi_id: str, rows: list[Row]
) -> None:
    store(database, *rows)

    state = evaluated(database, kpi_id)

    assert state.current.value is None
    assert state.current.level is Level.NO_DATA


# ---------------------------------------------------------------- the pace, once enough has passed

# October: 64 new customers, 80 % of the 80 a month. November: 1 on the 2nd, 19 on the 6th.
NEW_CUSTOMERS = [
    *(enrollment(f"oct{i}", "2026-10-10 10:00", f"oct{i}") for i in range(64)),
    enrollment("nov0", "2026-11-02 10:00", "nov0"),
    *(enrollment(f"nov{i}", "2026-11-06 10:00", f"nov{i}") for i in range(1, 20)),
]


def test_new_customers_on_day_3_are_judged_on_the_previous_month(database: Database) -> None:
    store(database, *NEW_CUSTOMERS)

    # The end of 2026-11-03: three of the seven days a month waits for.
    state = evaluated(database, "new_customers", datetime(2026, 11, 4, tzinfo=TOKYO))

    assert state.current.value == 1
    assert state.current.level is Level.INSUFFICIENT_DATA
    assert state.projection == pytest.approx(1 / (3 / 30))
    assert state.basis is Basis.PREVIOUS
    assert state.attainment == pytest.approx(64 / 80 * 100)
    assert state.level is Level.YELLOW
    assert state.previous.target is not None
    assert state.previous.target.judged == 80
    assert state.target is not None
    assert state.target.judged == pytest.approx(80 * 3 / 30)  # the month so far's share


def test_new_customers_on_day_8_are_judged_on_their_pace(database: Database) -> None:
    store(database, *NEW_CUSTOMERS)

    # The end of 2026-11-08: 20 new customers against 80 x 8/30.
    state = evaluated(database, "new_customers", datetime(2026, 11, 9, tzinfo=TOKYO))

    assert state.current.value == 20
    assert state.basis is Basis.CURRENT
    assert state.target is not None
    assert state.target.judged == pytest.approx(80 * 8 / 30)
    assert state.attainment == pytest.approx(20 / (80 * 8 / 30) * 100)
    assert state.level is Level.GREEN
    assert state.current.level is Level.GREEN


def with_min_elapsed_days(kpi_id: str, days: int) -> Catalog:
    data = CATALOG.model_dump()
    for kpi in data["kpis"]:
        if kpi["id"] == kpi_id:
            kpi["min_elapsed_days"] = days
    return Catalog.model_validate(data)


MICROSECONDS_A_DAY = 86_400 * 10**6


@examples
@given(
    days=st.integers(1, 28),
    microseconds=st.one_of(
        st.integers(-2 * MICROSECONDS_A_DAY, 2 * MICROSECONDS_A_DAY),
        st.sampled_from([-1, 0, 1]),
    ),
)
def test_the_month_in_progress_is_judged_from_exactly_min_elapsed_days_on(
    database: Database, days: int, microseconds: int
) -> None:
    assume(microseconds > -days * MICROSECONDS_A_DAY)  # the moment stays in November
    clear(database)
    store(database, release("a", "2026-10-05 10:00"), release("b", "2026-10-25 10:00"))
    catalog = with_min_elapsed_days("content_updates", days)
    moment = datetime(2026, 11, 1, tzinfo=TOKYO) + timedelta(days=days, microseconds=microseconds)

    state = evaluated(database, "content_updates", moment, catalog)

    assert state.current.value == 0
    if microseconds >= 0:  # `days` whole days of November have passed
        assert (state.basis, state.level) == (Basis.CURRENT, Level.RED)
        assert state.current.level is Level.RED
    else:
        assert (state.basis, state.level) == (Basis.PREVIOUS, Level.GREEN)  # October: 2 of 2
        assert state.current.level is Level.INSUFFICIENT_DATA
