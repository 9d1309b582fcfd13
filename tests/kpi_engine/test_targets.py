from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.catalog import Catalog, Direction, load_catalog
from kpi_engine.periods import PeriodKind, Span, span_containing
from kpi_engine.targets import judged_target, target_in_force


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def value_in_force(catalog: Catalog, kpi_id: str, day: date) -> float | None:
    target = target_in_force(catalog.get(kpi_id), day)
    return None if target is None else target.value


def test_phase_one_mrr_target_applies_from_the_first_of_january(catalog: Catalog) -> None:
    target = target_in_force(catalog.get("mrr"), date(2025, 1, 1))

    assert target is not None
    assert (target.value, target.due, target.phase) == (1_500_000, date(2025, 6, 30), "phase1")


def test_phase_two_target_stays_in_force_until_phase_three_starts(catalog: Catalog) -> None:
    target = target_in_force(catalog.get("mrr"), date(2026, 3, 1))

    assert target is not None
    assert (target.value, target.due, target.phase) == (5_000_000, date(2025, 12, 31), "phase2")
    assert value_in_force(catalog, "mrr", date(2026, 6, 30)) == 5_000_000
    assert value_in_force(catalog, "mrr", date(2026, 7, 1)) == 8_000_000


def test_the_long_term_goal_applies_after_the_last_phase(catalog: Catalog) -> None:
    target = target_in_force(catalog.get("mrr"), date(2027, 7, 1))

    assert target is not None
    assert (target.value, target.due) == (10_000_000, date(2028, 1, 5))


def test_new_customers_aim_at_eighty_a_month_from_the_start(catalog: Catalog) -> None:
    target = target_in_force(catalog.get("new_customers"), date(2025, 1, 1))

    assert target is not None
    assert (target.value, target.due) == (80, date(2027, 1, 5))


def test_cac_falls_back_to_its_long_term_goal_in_phase_three(catalog: Catalog) -> None:
    assert value_in_force(catalog, "cac", date(2025, 6, 30)) == 40_000
    assert value_in_force(catalog, "cac", date(2026, 6, 30)) == 30_000
    assert value_in_force(catalog, "cac", date(2026, 7, 1)) == 25_000
    assert value_in_force(catalog, "cac", date(2030, 1, 1)) == 25_000


def test_nps_follows_the_phase_tables_then_its_long_term_goal(catalog: Catalog) -> None:
    days = [date(2025, 3, 1), date(2025, 9, 1), date(2026, 9, 1), date(2027, 9, 1)]

    assert [value_in_force(catalog, "nps", day) for day in days] == [60, 70, 75, 70]


def test_no_target_is_in_force_before_the_first_one(catalog: Catalog) -> None:
    assert target_in_force(catalog.get("nps"), date(2024, 12, 31)) is None


def test_a_ratio_kpi_is_judged_against_the_target_value(catalog: Catalog) -> None:
    nps = catalog.get("nps")
    target = target_in_force(nps, date(2025, 3, 10))
    assert target is not None

    month = span_containing(PeriodKind.MONTH, date(2025, 3, 10))
    assert judged_target(nps, target, month, date(2025, 3, 10), None) == 60


def test_prorating_at_day_fifteen_of_a_thirty_day_month_is_exactly_half(
    catalog: Catalog,
) -> None:
    mrr = catalog.get("mrr")
    june = span_containing(PeriodKind.MONTH, date(2025, 6, 1))
    target = target_in_force(mrr, date(2025, 6, 15))
    assert target is not None

    assert judged_target(mrr, target, june, date(2025, 6, 15), None) == 750_000


def test_a_complete_month_is_judged_against_the_full_target(catalog: Catalog) -> None:
    mrr = catalog.get("mrr")
    may = span_containing(PeriodKind.MONTH, date(2025, 5, 1))
    target = target_in_force(mrr, date(2025, 5, 1))
    assert target is not None

    assert judged_target(mrr, target, may, date(2025, 6, 15), None) == 1_500_000


def test_a_line_target_is_halfway_at_the_midpoint_of_its_days(catalog: Catalog) -> None:
    students = catalog.get("cumulative_students")
    target = target_in_force(students, date(2025, 7, 1))
    assert target is not None
    # 2025-07-01..2025-12-31 is 184 days; the end of 2025-09-30 is 92 days in.
    as_of = date(2025, 9, 30)
    cumulative = span_containing(PeriodKind.CUMULATIVE, as_of)

    assert judged_target(students, target, cumulative, as_of, 50) == 175


def test_a_line_target_starts_from_zero_without_a_start_value(catalog: Catalog) -> None:
    students = catalog.get("cumulative_students")
    target = target_in_force(students, date(2025, 1, 1))
    assert target is not None
    # 2025-01-01..2025-06-30 is 181 days.
    as_of = date(2025, 1, 1)
    cumulative = span_containing(PeriodKind.CUMULATIVE, as_of)

    assert judged_target(students, target, cumulative, as_of, None) == pytest.approx(50 / 181)


def test_a_line_target_holds_its_value_after_the_due_date(catalog: Catalog) -> None:
    students = catalog.get("cumulative_students")
    target = target_in_force(students, date(2026, 3, 1))
    assert target is not None
    cumulative = Span(date.min, date(2026, 3, 2))

    assert judged_target(students, target, cumulative, date(2026, 3, 1), 50) == 300


def test_a_growth_kpi_is_judged_against_the_target_growth(catalog: Catalog) -> None:
    growth = catalog.get("revenue_growth_yoy")
    target = target_in_force(growth, date(2025, 3, 1))
    assert target is not None
    month = span_containing(PeriodKind.MONTH, date(2025, 3, 1))

    assert judged_target(growth, target, month, date(2025, 3, 1), None) == 20


def test_a_line_from_a_start_above_the_target_is_the_target_itself(catalog: Catalog) -> None:
    students = catalog.get("cumulative_students")
    target = target_in_force(students, date(2026, 7, 1))
    assert target is not None
    # Phase 3: 1,500 by 2027-06-30, from 10,732 students at the end of 2026-06-30.
    days = [date(2026, 7, 1), date(2026, 11, 23), date(2027, 6, 30)]

    figures = [
        judged_target(students, target, span_containing(PeriodKind.CUMULATIVE, day), day, 10_732)
        for day in days
    ]

    assert figures == [1_500] * len(days)


def test_a_line_from_a_start_exactly_at_the_target_is_the_target(catalog: Catalog) -> None:
    students = catalog.get("cumulative_students")
    target = target_in_force(students, date(2026, 7, 1))
    assert target is not None
    day = date(2026, 7, 1)

    figure = judged_target(
        students, target, span_containing(PeriodKind.CUMULATIVE, day), day, 1_500
    )

    assert figure == 1_500


def test_a_lower_is_better_line_falls_to_the_target_and_never_rises(catalog: Catalog) -> None:
    lower = catalog.get("cumulative_students").model_copy(update={"direction": Direction.LOWER})
    target = target_in_force(lower, date(2025, 7, 1))
    assert target is not None
    # 2025-07-01..2025-12-31 is 184 days; the end of 2025-09-30 is 92 days in: halfway.
    day = date(2025, 9, 30)
    cumulative = span_containing(PeriodKind.CUMULATIVE, day)

    assert judged_target(lower, target, cumulative, day, 500) == 400  # from 500 down to 300
    assert judged_target(lower, target, cumulative, day, 100) == 300  # already below 300


@given(
    start_value=st.one_of(st.none(), st.floats(0, 20_000), st.sampled_from([1_499.0, 1_500.0])),
    first=st.dates(date(2026, 6, 1), date(2027, 8, 1)),
    second=st.dates(date(2026, 6, 1), date(2027, 8, 1)),
)
def test_a_higher_is_better_line_never_slopes_down(
    catalog: Catalog, start_value: float | None, first: date, second: date
) -> None:
    students = catalog.get("cumulative_students")
    target = students.targets[2]  # Phase 3: 1,500 from 2026-07-01, due 2027-06-30
    earlier, later = sorted([first, second])

    def figure(day: date) -> float:
        cumulative = span_containing(PeriodKind.CUMULATIVE, day)
        return judged_target(students, target, cumulative, day, start_value)

    assert figure(earlier) <= figure(later)
    assert figure(later) <= max(target.value, start_value or 0.0)
