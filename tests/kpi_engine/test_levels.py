import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.catalog import AlertRule, Localized, RuleCondition, load_catalog
from kpi_engine.levels import (
    Direction,
    Judge,
    Level,
    attainment,
    band,
    most_severe,
)
from kpi_engine.rules import fired_rules

BANDED = {Level.GREEN, Level.YELLOW, Level.ORANGE, Level.RED}
any_number = st.floats(allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e12)
# Far enough below a boundary that rounding to nine decimals cannot lift it back.
below = st.floats(min_value=1e-6, max_value=9.0)


def rule(condition: RuleCondition, threshold: float, level: Level = Level.RED) -> AlertRule:
    return AlertRule(
        id=f"{condition}_{threshold:g}".replace(".", "_"),
        kpi="nps",
        level=level,
        condition=condition,
        threshold=threshold,
        message=Localized(ja="アラート", en="alert"),
    )


@pytest.mark.parametrize(
    ("percent", "level"),
    [
        (90.0, Level.GREEN),
        (89.9, Level.YELLOW),
        (80.0, Level.YELLOW),
        (79.99, Level.ORANGE),
        (70.0, Level.ORANGE),
        (69.999, Level.RED),
        (150.0, Level.GREEN),
        (0.0, Level.RED),
        (-40.0, Level.RED),
        (math.inf, Level.GREEN),
        (0.9 * 100, Level.GREEN),
        (0.7 * 100, Level.ORANGE),
    ],
)
def test_band_follows_the_documents_alert_levels(percent: float, level: Level) -> None:
    assert band(percent) is level


@pytest.mark.parametrize(
    ("share", "level"), [(0.9, Level.GREEN), (0.8, Level.YELLOW), (0.7, Level.ORANGE)]
)
@given(target=positive)
def test_exactly_on_a_boundary_lands_in_the_better_band(
    share: float, level: Level, target: float
) -> None:
    higher = attainment(target * share, target, Direction.HIGHER, Judge.RATIO)
    lower = attainment(target / share, target, Direction.LOWER, Judge.RATIO)

    assert higher is not None and band(higher) is level
    assert lower is not None and band(lower) is level


@pytest.mark.parametrize(
    ("boundary", "level"), [(90.0, Level.YELLOW), (80.0, Level.ORANGE), (70.0, Level.RED)]
)
@given(gap=below)
def test_just_below_a_boundary_lands_in_the_worse_band(
    boundary: float, level: Level, gap: float
) -> None:
    assert band(boundary - gap) is level


@given(a=any_number, b=any_number)
def test_band_never_improves_as_attainment_falls(a: float, b: float) -> None:
    low, high = sorted((a, b))

    assert band(low).severity >= band(high).severity


@given(percent=st.floats(allow_nan=False))
def test_band_never_says_there_is_no_data(percent: float) -> None:
    assert band(percent) in BANDED


def test_band_refuses_nan() -> None:
    with pytest.raises(ValueError):
        band(math.nan)


@given(value=positive, target=positive)
def test_lower_is_better_mirrors_higher_is_better(value: float, target: float) -> None:
    assert attainment(value, target, Direction.LOWER, Judge.RATIO) == attainment(
        target, value, Direction.HIGHER, Judge.RATIO
    )


@given(
    value=any_number,
    target=any_number,
    direction=st.sampled_from(Direction),
    judge=st.sampled_from(Judge),
    base=st.none() | any_number,
)
def test_attainment_never_raises_nor_returns_nan(
    value: float, target: float, direction: Direction, judge: Judge, base: float | None
) -> None:
    result = attainment(value, target, direction, judge, base)

    assert result is None or not math.isnan(result)


def test_attainment_of_a_higher_is_better_kpi_is_value_over_target() -> None:
    assert attainment(63, 70, Direction.HIGHER, Judge.RATIO) == 90


def test_attainment_of_a_lower_is_better_kpi_is_target_over_value() -> None:
    assert attainment(50_000, 40_000, Direction.LOWER, Judge.RATIO) == 80


def test_a_cost_of_zero_is_a_perfect_attainment() -> None:
    assert attainment(0, 25_000, Direction.LOWER, Judge.RATIO) == math.inf


def test_a_negative_lower_is_better_value_has_no_attainment() -> None:
    assert attainment(-5, 3, Direction.LOWER, Judge.RATIO) is None


def test_a_negative_nps_has_a_negative_attainment() -> None:
    assert attainment(-35, 70, Direction.HIGHER, Judge.RATIO) == -50


@pytest.mark.parametrize("target", [0.0, -10.0])
def test_a_target_that_is_not_positive_gives_no_attainment(target: float) -> None:
    for direction in Direction:
        for judge in Judge:
            assert attainment(5, target, direction, judge) is None


def test_growth_attainment_is_actual_growth_over_target_growth() -> None:
    assert attainment(15, 20, Direction.HIGHER, Judge.GROWTH) == 75
    assert attainment(-4, 20, Direction.HIGHER, Judge.GROWTH) == -20


def test_growth_attainment_computes_the_growth_from_a_base() -> None:
    # 1,080,000 JPY against 1,000,000 a year ago is +8 %, 40 % of a +20 % target.
    assert attainment(1_080_000, 20, Direction.HIGHER, Judge.GROWTH, base=1_000_000) == 40
    assert attainment(1_000, 20, Direction.HIGHER, Judge.GROWTH, base=0) is None


def test_the_revenue_rule_fires_below_eighty_percent_of_the_prorated_target() -> None:
    revenue = load_catalog().rules_for("mrr")

    assert fired_rules(revenue, value=600_000, attainment=79.9) == revenue
    assert fired_rules(revenue, value=640_000, attainment=80.0) == []
    assert fired_rules(revenue, value=None, attainment=None) == []


def test_value_rules_compare_inclusively_or_strictly() -> None:
    at_most = rule(RuleCondition.VALUE_AT_MOST, 98)
    below_80 = rule(RuleCondition.VALUE_BELOW, 80, Level.ORANGE)

    assert fired_rules([at_most, below_80], value=98.0, attainment=None) == [at_most]
    assert fired_rules([at_most, below_80], value=0.98 * 100, attainment=None) == [at_most]
    assert fired_rules([at_most, below_80], value=79.9, attainment=None) == [at_most, below_80]
    assert fired_rules([at_most, below_80], value=80.0, attainment=None) == [at_most]
    assert fired_rules([at_most, below_80], value=98.01, attainment=None) == []


def test_most_severe_picks_red_over_everything() -> None:
    assert most_severe(Level.GREEN, Level.RED, Level.ORANGE, Level.NO_DATA) is Level.RED


def test_most_severe_of_nothing_is_no_data() -> None:
    assert most_severe() is Level.NO_DATA
    assert most_severe(Level.INSUFFICIENT_DATA, Level.NO_DATA) is Level.INSUFFICIENT_DATA


def test_no_data_of_either_kind_is_less_severe_than_green() -> None:
    severities = [level.severity for level in Level]

    assert Level.NO_DATA.severity == Level.INSUFFICIENT_DATA.severity == min(severities)
    assert Level.GREEN.severity < Level.YELLOW.severity < Level.ORANGE.severity < Level.RED.severity
