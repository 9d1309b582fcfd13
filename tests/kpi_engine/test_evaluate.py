"""Evaluating KPIs on a real database: periods in local time, levels, rules and states.

Data goes in through the real import path and comes out through `SqlKpiSource`; times
without an offset are Tokyo local times. The usual moment is the end of 2026-11-23 in Tokyo.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from kpi_engine.catalog import Catalog
from kpi_engine.evaluate import Basis, KpiState
from kpi_engine.levels import Level
from storage.db import Database
from storage.snapshot import states_at
from tests.kpi_engine.events import (
    AS_OF,
    CATALOG,
    TOKYO,
    Row,
    enrollment,
    evaluated,
    measurement,
    payment,
    store,
    survey,
)


def everything(database: Database, as_of: datetime = AS_OF) -> list[KpiState]:
    return states_at(database, CATALOG, as_of, TOKYO)


def nps_surveys(prefix: str, at: str, scores: list[int]) -> list[Row]:
    return [survey(f"{prefix}{i}", at, nps=score) for i, score in enumerate(scores)]


def with_nps_target(value: float) -> Catalog:
    data = CATALOG.model_dump()
    for kpi in data["kpis"]:
        if kpi["id"] == "nps":
            for target in kpi["targets"]:
                target["value"] = value
    return Catalog.model_validate(data)


# ---------------------------------------------------------------- local time


def test_a_payment_just_after_midnight_in_tokyo_belongs_to_the_tokyo_month(
    database: Database,
) -> None:
    store(
        database,
        payment("nov", "2026-10-31T15:30:00Z", 100_000),  # 2026-11-01 00:30 in Tokyo
        payment("oct", "2026-10-31T14:59:00Z", 30_000),  # 2026-10-31 23:59 in Tokyo
    )

    november = evaluated(database, "mrr")
    october = evaluated(database, "mrr", datetime(2026, 11, 1, tzinfo=TOKYO))

    assert november.current.value == 100_000
    assert november.previous.value == 30_000
    assert october.current.start == date(2026, 10, 1)
    assert october.current.value == 30_000


def test_the_as_of_moment_may_be_given_in_any_zone(database: Database) -> None:
    store(database, payment("nov", "2026-10-31T15:30:00Z", 100_000))

    in_utc = evaluated(database, "mrr", AS_OF.astimezone(UTC))

    assert in_utc.current == evaluated(database, "mrr").current
    assert in_utc.current.value == 100_000


# ---------------------------------------------------------------- leap day


def test_a_payment_on_the_leap_day_counts_in_february(database: Database) -> None:
    store(
        database,
        payment("leap", "2028-02-29 12:00", 290_000),
        payment("march", "2028-03-01 00:00", 1_000),
    )

    end_of_february = evaluated(database, "mrr", datetime(2028, 3, 1, tzinfo=TOKYO))
    march = evaluated(database, "mrr", datetime(2028, 3, 2, tzinfo=TOKYO))

    assert (end_of_february.current.start, end_of_february.current.end) == (
        date(2028, 2, 1),
        date(2028, 2, 29),
    )
    assert end_of_february.current.value == 290_000
    assert end_of_february.projection == 290_000  # the whole month has elapsed
    assert march.current.value == 1_000
    assert march.previous.value == 290_000


def test_a_week_across_the_leap_day_holds_all_its_days(database: Database) -> None:
    store(
        database,
        survey("sun", "2028-02-27 12:00", csat=1),  # the week before
        survey("mon", "2028-02-28 12:00", csat=5),
        survey("leap", "2028-02-29 12:00", csat=4),
        survey("wed", "2028-03-01 12:00", csat=3),
    )

    state = evaluated(database, "csat", datetime(2028, 3, 2, tzinfo=TOKYO))

    assert (state.current.start, state.current.end) == (date(2028, 2, 28), date(2028, 3, 1))
    assert state.current.value == pytest.approx((5 + 4 + 3) / 3)
    assert state.previous.value == 1


def test_february_of_a_leap_year_is_prorated_over_twenty_nine_days(database: Database) -> None:
    store(database, payment("p", "2028-02-10 12:00", 4_000_000))

    state = evaluated(database, "mrr", datetime(2028, 2, 15, tzinfo=TOKYO))

    assert state.target is not None
    assert state.target.judged == pytest.approx(10_000_000 * 14 / 29)
    assert state.projection == pytest.approx(4_000_000 / (14 / 29))


def test_last_february_holds_the_leap_day_a_year_on(database: Database) -> None:
    store(database, payment("leap", "2028-02-29 12:00", 290_000))

    mrr = evaluated(database, "mrr", datetime(2029, 3, 1, tzinfo=TOKYO))
    annual = evaluated(database, "annual_revenue", datetime(2028, 3, 1, tzinfo=TOKYO))

    assert mrr.last_year.value == 290_000
    assert (annual.current.start, annual.current.end) == (date(2027, 3, 1), date(2028, 2, 29))
    assert annual.current.value == 290_000


def test_twelve_months_ending_february_28_after_a_leap_year_start_on_march_1(
    database: Database,
) -> None:
    store(database, payment("leap", "2028-02-29 12:00", 290_000))

    state = evaluated(database, "annual_revenue", datetime(2029, 3, 1, tzinfo=TOKYO))

    assert state.current.start == date(2028, 3, 1)
    assert state.current.value == 0  # the leap day's payment is not in it: nothing was paid


def test_growth_at_the_end_of_february_28_in_a_leap_year_compares_all_of_last_february(
    database: Database,
) -> None:
    store(
        database,
        payment("y1", "2027-02-10 12:00", 100_000),
        payment("y2", "2027-02-28 12:00", 100_000),
        payment("now", "2028-02-10 12:00", 240_000),
    )

    # 2028-02-01..28 against the same days of 2027: all of February 2027.
    state = evaluated(database, "revenue_growth_yoy", datetime(2028, 2, 29, tzinfo=TOKYO))

    assert state.current.value == pytest.approx((240_000 - 200_000) / 200_000 * 100)


# ---------------------------------------------------------------- no data


def test_an_empty_database_has_no_data_for_any_kpi_but_full_uptime(database: Database) -> None:
    states = everything(database)

    levels = {state.kpi.id: state.level for state in states}
    uptime = levels.pop("uptime")
    assert set(levels.values()) == {Level.NO_DATA}
    assert all(state.current.value is None for state in states if state.kpi.id != "uptime")
    # Nothing recorded means no outage recorded: 100 % against 99.5 %.
    state = next(state for state in states if state.kpi.id == "uptime")
    assert state.current.value == 100
    assert uptime is Level.GREEN


def test_an_empty_database_evaluates_at_any_moment_without_error(database: Database) -> None:
    moments = [
        datetime(2024, 6, 1, tzinfo=TOKYO),  # before any target
        datetime(2028, 3, 1, tzinfo=TOKYO),  # the end of a leap day
        datetime(2026, 11, 23, 15, 30, tzinfo=TOKYO),  # in the middle of a day
        datetime(1970, 1, 5, tzinfo=TOKYO),  # history reaching before the epoch
    ]

    for as_of in moments:
        states = everything(database, as_of)

        assert {state.level for state in states} <= {Level.NO_DATA, Level.GREEN}, as_of


ZERO_DENOMINATORS = {
    "gross_margin without revenue": (
        "gross_margin",
        [{"type": "cost", "id": "v", "at": "2026-11-05", "amount": 1_000, "category": "variable"}],
    ),
    "gross_margin on a payment of 0 JPY": (
        "gross_margin",
        [
            payment("zero", "2026-11-05 10:00", 0),
            {"type": "cost", "id": "v", "at": "2026-11-05", "amount": 1_000,
             "category": "variable"},
        ],
    ),
    "cac without new customers": (
        "cac",
        [{"type": "cost", "id": "m", "at": "2026-11-05", "amount": 9_000, "category": "marketing"}],
    ),
    "referral_rate without new customers": ("referral_rate", [survey("s", "2026-11-05", nps=9)]),
    "csat without csat answers": ("csat", [survey("s", "2026-11-23 10:00", nps=9)]),
    "ai_adoption_rate without answers": ("ai_adoption_rate", [survey("s", "2026-11-05", nps=9)]),
    "revenue_growth_yoy without revenue a year earlier": (
        "revenue_growth_yoy",
        [payment("now", "2026-11-05 10:00", 50_000)],
    ),
    "ltv without payers": ("ltv", [enrollment("e", "2026-01-05 10:00", "c1")]),
    "ltv_cac with a CAC of 0 JPY": (
        "ltv_cac",
        [
            enrollment("e", "2026-11-05 10:00", "c1"),
            payment("aug", "2026-08-05 10:00", 10_000),
            {"type": "cost", "id": "m", "at": "2026-11-05", "amount": 0, "category": "marketing"},
        ],
    ),
    "completion_rate without a cohort": (
        "completion_rate",
        [enrollment("e", "2026-11-05 10:00", "c1")],
    ),
    "retention_6m without a cohort": ("retention_6m", [enrollment("e", "2026-11-05 10:00", "c1")]),
    "support_response_24h without tickets": (
        "support_response_24h",
        [{"type": "ticket", "id": "t", "at": "2026-11-23 10:00"}],  # younger than 24 h
    ),
    "team_productivity on a base of 0": (
        "team_productivity",
        [
            {"type": "measurement", "id": "q3", "at": "2026-09-01", "kpi": "team_productivity",
             "value": 0},
            {"type": "measurement", "id": "q4", "at": "2026-11-01", "kpi": "team_productivity",
             "value": 5},
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("kpi_id", "rows"), ZERO_DENOMINATORS.values(), ids=ZERO_DENOMINATORS)
def test_a_zero_denominator_gives_no_value_and_no_data(
    database: Database, kpi_id: str, rows: list[Row]
) -> None:
    store(database, *rows)

    state = evaluated(database, kpi_id)

    assert state.current.value is None
    assert state.attainment is None
    assert state.level is Level.NO_DATA


def test_a_cac_of_zero_is_perfect(database: Database) -> None:
    store(
        database,
        enrollment("e", "2026-11-05 10:00", "c1"),
        {"type": "cost", "id": "m", "at": "2026-11-05", "amount": 0, "category": "marketing"},
    )

    state = evaluated(database, "cac")

    assert state.current.value == 0
    assert state.attainment == math.inf
    assert state.level is Level.GREEN


# ---------------------------------------------------------------- samples


def test_too_few_answers_in_both_months_is_insufficient_data(database: Database) -> None:
    store(database, *nps_surveys("n", "2026-11-10 10:00", [10, 10, 10]))

    state = evaluated(database, "nps")

    assert state.current.value == 100
    assert state.current.n == 3
    assert state.level is Level.INSUFFICIENT_DATA
    assert (state.basis, state.attainment, state.rule) == (None, None, None)
    # Nothing was judged, yet the target in force is still there.
    assert state.target is not None
    assert (state.target.value, state.target.phase) == (75, "phase3")


def test_too_few_answers_this_month_judges_last_month_instead(database: Database) -> None:
    store(
        database,
        *nps_surveys("n", "2026-11-10 10:00", [0, 0, 0]),
        *nps_surveys("o", "2026-10-10 10:00", [10] * 8 + [8] * 2),  # NPS 80 from 10 answers
    )

    state = evaluated(database, "nps")

    assert state.basis is Basis.PREVIOUS
    assert state.previous.target is not None
    assert state.previous.target.judged == 75  # in force on 2026-10-31
    assert state.target == state.current.target
    assert state.attainment == pytest.approx((8 - 0) / 10 * 100 / 75 * 100)
    assert state.level is Level.GREEN
    assert state.rule is None  # the current NPS of -100 is not judged


# ---------------------------------------------------------------- judging


@pytest.mark.parametrize(
    ("paid", "level", "rule"),
    [
        (3_600_000, Level.GREEN, None),  # 90 % of 4,000,000
        (3_200_000, Level.YELLOW, None),  # 80 %
        (3_199_999, Level.ORANGE, "revenue_below_80_percent"),
        (3_000_000, Level.ORANGE, "revenue_below_80_percent"),  # 75 %
        (2_000_000, Level.RED, "revenue_below_80_percent"),  # 50 %: the band is worse
    ],
)
def test_mrr_mid_month_is_judged_against_the_prorated_target(
    database: Database, paid: int, level: Level, rule: str | None
) -> None:
    store(database, payment("p", "2026-11-03 10:00", paid))

    # The end of 2026-11-15: 15 of November's 30 days.
    state = evaluated(database, "mrr", datetime(2026, 11, 16, tzinfo=TOKYO))

    assert state.target is not None
    assert state.target.value == 8_000_000
    assert state.target.judged == pytest.approx(8_000_000 * 15 / 30)
    assert state.attainment == pytest.approx(paid / (8_000_000 * 15 / 30) * 100)
    assert state.projection == pytest.approx(paid / (15 / 30))
    assert state.level is level
    assert (state.rule.id if state.rule else None) == rule


def test_an_nps_of_50_is_red_by_band_and_by_rule(database: Database) -> None:
    store(database, *nps_surveys("n", "2026-11-10 10:00", [10] * 6 + [8] * 3 + [0]))

    state = evaluated(database, "nps")

    assert state.current.value == pytest.approx((6 - 1) / 10 * 100)
    assert state.attainment == pytest.approx(50 / 75 * 100)
    assert state.level is Level.RED
    assert state.rule is not None
    assert state.rule.id == "nps_at_most_50"


def test_the_nps_rule_makes_red_what_the_band_calls_green(database: Database) -> None:
    store(database, *nps_surveys("n", "2026-11-10 10:00", [10] * 6 + [8] * 3 + [0]))

    state = evaluated(database, "nps", catalog=with_nps_target(50))

    assert state.attainment == pytest.approx(50 / 50 * 100)  # green by band
    assert state.level is Level.RED
    assert state.rule is not None
    assert state.rule.id == "nps_at_most_50"


def test_an_nps_just_above_50_fires_no_rule(database: Database) -> None:
    store(database, *nps_surveys("n", "2026-11-10 10:00", [10] * 6 + [8] * 4))

    state = evaluated(database, "nps", catalog=with_nps_target(50))

    assert state.current.value == pytest.approx(6 / 10 * 100)
    assert state.level is Level.GREEN
    assert state.rule is None


def test_cumulative_students_are_judged_on_the_straight_line(database: Database) -> None:
    store(
        database,
        *(enrollment(f"a{i}", "2026-03-01 10:00", f"a{i}") for i in range(99)),
        enrollment("a-last", "2026-06-30 23:59", "a-last"),
        enrollment("b-first", "2026-07-01 00:00", "b-first"),
        *(enrollment(f"b{i}", "2026-09-01 10:00", f"b{i}") for i in range(499)),
    )

    state = evaluated(database, "cumulative_students")

    # Phase 3: from 100 students at the end of 2026-06-30 to 1,500 at the end of 2027-06-30;
    # by the end of 2026-11-23, 146 of its 365 days have passed.
    line = 100 + (1_500 - 100) * 146 / 365
    assert state.current.value == 600
    assert state.target is not None
    assert (state.target.value, state.target.due) == (1_500, date(2027, 6, 30))
    assert state.target.judged == pytest.approx(line)
    assert state.attainment == pytest.approx(600 / line * 100)
    assert state.level is Level.GREEN


def test_a_straight_line_from_a_start_above_the_target_is_the_target_itself(
    database: Database,
) -> None:
    store(
        database,
        measurement("before", "2024-12-15 10:00", "market_share", 12.0),  # when the goal began
        measurement("now", "2026-11-10 10:00", "market_share", 11.0),
    )

    state = evaluated(database, "market_share")

    # From 12 % at the end of 2024 to 10 % by 2028-01-05 would slope down: the goal stands.
    assert state.target is not None
    assert (state.target.value, state.target.judged) == (10, 10)
    assert state.attainment == pytest.approx(11 / 10 * 100)
    assert state.level is Level.GREEN


# ---------------------------------------------------------------- the target in force


def test_market_share_unmeasured_for_two_quarters_still_carries_its_target(
    database: Database,
) -> None:
    store(database, measurement("q2", "2026-05-10 10:00", "market_share", 5.0))

    state = evaluated(database, "market_share")

    assert (state.current.value, state.previous.value) == (None, None)
    assert (state.level, state.basis, state.attainment) == (Level.NO_DATA, None, None)
    assert state.target is not None
    assert (state.target.value, state.target.due, state.target.phase) == (
        10,
        date(2028, 1, 5),
        None,
    )
    # On the line from 0 (nothing measured in 2024's last quarter) to 10 % at the end of
    # 2028-01-05: 692 of its 1,100 days have passed by the end of 2026-11-23.
    assert state.target.judged == pytest.approx(10 * 692 / 1_100)


def test_judged_on_the_previous_month_the_state_carries_both_targets(
    database: Database,
) -> None:
    store(
        database,
        *nps_surveys("june", "2026-06-20 10:00", [10] * 7 + [8] * 3),  # NPS 70 from 10
        *nps_surveys("july", "2026-07-01 10:00", [10, 10]),
    )

    # The end of 2026-07-01: Phase 3 is in force; June was judged against Phase 2.
    state = evaluated(database, "nps", datetime(2026, 7, 2, tzinfo=TOKYO))

    assert state.basis is Basis.PREVIOUS
    assert state.target is not None and state.previous.target is not None
    assert (state.target.value, state.target.phase) == (75, "phase3")
    assert (state.previous.target.value, state.previous.target.phase) == (70, "phase2")
    assert state.attainment == pytest.approx(70 / 70 * 100)
    assert state.level is Level.GREEN


def test_every_kpi_carries_its_target_in_force_on_an_empty_database(database: Database) -> None:
    states = everything(database)

    assert all(state.target is not None for state in states)
    assert all(state.target == state.current.target for state in states)


def test_no_target_is_carried_before_the_first_one(database: Database) -> None:
    state = evaluated(database, "nps", datetime(2024, 12, 1, tzinfo=TOKYO))

    assert state.target is None


# ---------------------------------------------------------------- states


def test_history_holds_twelve_periods_oldest_first_ending_with_the_current_one(
    database: Database,
) -> None:
    store(
        database,
        payment("before", "2025-11-30 10:00", 1),
        payment("first", "2025-12-01 10:00", 10),
        payment("june", "2026-06-15 10:00", 20),
        payment("now", "2026-11-02 10:00", 30),
    )

    state = evaluated(database, "mrr")

    starts = [period.start for period in state.history]
    assert starts == [date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(12)]
    assert state.history[-1] == state.current
    assert state.history[-2] == state.previous
    assert state.current.end == date(2026, 11, 23)
    # Revenue data begins on 2025-11-30: every month since has a value, 0 without payments.
    assert [period.value for period in state.history] == [10, *[0] * 5, 20, *[0] * 4, 30]
    assert state.last_year.value == 1


def test_a_cumulative_history_steps_back_month_end_by_month_end(database: Database) -> None:
    store(
        database,
        enrollment("e1", "2026-01-15 10:00", "c1"),
        enrollment("e2", "2026-06-15 10:00", "c2"),
        enrollment("e3", "2026-11-15 10:00", "c3"),
    )

    state = evaluated(database, "cumulative_students")

    assert [period.end for period in state.history[-3:]] == [
        date(2026, 9, 30),
        date(2026, 10, 31),
        date(2026, 11, 23),
    ]
    assert [period.value for period in state.history] == [None] * 1 + [1] * 5 + [2] * 5 + [3]


def test_evaluate_all_gives_one_state_per_kpi_in_catalog_order(database: Database) -> None:
    store(database, payment("p", "2026-11-02 10:00", 100_000))

    states = everything(database)

    assert [state.kpi.id for state in states] == [kpi.id for kpi in CATALOG.kpis]
    assert all(state.as_of == AS_OF for state in states)
    assert all(len(state.history) == 12 for state in states)
    mrr = next(state for state in states if state.kpi.id == "mrr")
    assert mrr == evaluated(database, "mrr")


def test_each_history_period_carries_its_own_level(database: Database) -> None:
    # October: 4,000,000 of the 8,000,000 Phase 3 target = 50 % -> red (and the 80 % rule);
    # September: 7,600,000 = 95 % -> green; November has no payment yet: 0 against the
    # pro-rated target -> red. August, before the first payment, has no data.
    store(
        database,
        payment("oct", "2026-10-15 12:00", 4_000_000),
        payment("sep", "2026-09-15 12:00", 7_600_000),
    )
    state = evaluated(database, "mrr")
    august, september, october, november = state.history[-4:]
    assert (august.level, september.level, october.level, november.level) == (
        Level.NO_DATA,
        Level.GREEN,
        Level.RED,
        Level.RED,
    )
    assert state.previous.level is Level.RED
    assert (state.level, state.basis) == (Level.RED, Basis.CURRENT)


def test_each_period_carries_the_target_in_force_on_its_last_day_with_or_without_a_value(
    database: Database,
) -> None:
    store(database, payment("oct", "2026-10-15 12:00", 4_000_000))

    state = evaluated(database, "mrr")

    # December 2025 to November 2026: Phase 2 stays in force until Phase 3 starts in July.
    values = [period.target.value if period.target else None for period in state.history]
    assert values == [5_000_000] * 7 + [8_000_000] * 5
    assert state.last_year.target is not None
    assert state.last_year.target.value == 5_000_000
    october, november = state.history[-2:]
    assert october.target is not None and november.target is not None
    assert october.target.judged == 8_000_000  # a complete month: the whole target
    assert state.history[0].value is None  # before the first payment
    assert state.history[0].target is not None
    assert state.history[0].target.value == 5_000_000
    assert november.target.judged == pytest.approx(8_000_000 * 23 / 30)  # to the as-of day
    assert october.target.label is not None
    assert october.target.label.en == "Phase 3 end-of-June 2027 target"
    assert state.target == november.target
