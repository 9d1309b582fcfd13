"""Numbers and moments as shown: units in both locales, rounding, changes that add up."""

# Full-width brackets are part of the Japanese copy under test.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import datetime
from decimal import Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.blocks.formatting import (
    as_of_label,
    format_attainment,
    format_change,
    format_kpi_value,
    format_value,
)
from bot.slack.copy import Counted
from kpi_engine.catalog import Unit, load_catalog
from tests.bot.slack.blocks.slack_checks import TOKYO

CATALOG = load_catalog()
# The first number in a text, with its sign: "+¥318,564 (+5.4 %)" is 318564.
_NUMBER = re.compile(r"([+\-±]?)¥?([0-9][0-9,]*(?:\.[0-9]+)?)")
# Exact for any float's digits: the default context keeps 28.
_EXACT = Context(prec=400)


def number(text: str) -> Decimal:
    """Read back the first number a reader sees in a text."""
    found = _NUMBER.search(text)
    assert found is not None, text
    sign, digits = found.groups()
    value = Decimal(digits.replace(",", ""))
    return value.copy_negate() if sign == "-" else value


@pytest.mark.parametrize(
    ("value", "unit", "what", "ja", "en"),
    [
        (1049.0, Unit.COUNT, Counted.PEOPLE, "1,049人", "1,049 people"),
        (1.0, Unit.COUNT, Counted.PEOPLE, "1人", "1 person"),
        # People are whole, rounded half up (四捨五入), even on a straight line to date.
        (1014.4, Unit.COUNT, Counted.PEOPLE, "1,014人", "1,014 people"),
        (1014.5, Unit.COUNT, Counted.PEOPLE, "1,015人", "1,015 people"),
        (2.0, Unit.COUNT, Counted.TIMES, "2回", "2 times"),
        (1.0, Unit.COUNT, Counted.TIMES, "1回", "1 time"),
        # A pro-rated count of things to date keeps its tenth: 1.5 releases is not 2.
        (1.533, Unit.COUNT, Counted.TIMES, "1.5回", "1.5 times"),
        (3.0, Unit.COUNT, Counted.ITEMS, "3件", "3"),
        (4.0, Unit.SCORE, Counted.ITEMS, "4.00点", "4.00 points"),
        (3.0, Unit.RANK, Counted.ITEMS, "3位", "#3"),
        (-5.0, Unit.JPY, Counted.ITEMS, "-¥5", "-¥5"),
        (85.04, Unit.PERCENT, Counted.ITEMS, "85.0 %", "85.0 %"),
        (-0.04, Unit.PERCENT, Counted.ITEMS, "0.0 %", "0.0 %"),  # never "-0.0"
        (6.855, Unit.RATIO, Counted.ITEMS, "6.86", "6.86"),
        (None, Unit.POINT, Counted.ITEMS, "-", "-"),
    ],
)
def test_a_value_carries_its_unit_in_both_locales(
    value: float | None, unit: Unit, what: Counted, ja: str, en: str
) -> None:
    assert format_value(value, unit, "ja", what) == ja
    assert format_value(value, unit, "en", what) == en


@pytest.mark.parametrize(
    ("kpi_id", "value", "ja", "en"),
    [
        ("cumulative_students", 1049.0, "1,049人", "1,049 people"),
        ("new_customers", 61.33, "61人", "61 people"),
        ("content_updates", 2.0, "2回", "2 times"),
        ("csat", 4.5, "4.50点", "4.50 points"),
        ("brand_search_rank", 5.0, "5位", "#5"),
        ("nps", 73.3, "73.3 pt", "73.3 pt"),
    ],
)
def test_a_kpis_count_says_what_it_counts(kpi_id: str, value: float, ja: str, en: str) -> None:
    kpi = CATALOG.get(kpi_id)
    assert format_kpi_value(value, kpi, "ja") == ja
    assert format_kpi_value(value, kpi, "en") == en


@pytest.mark.parametrize(
    ("now", "then", "unit", "what", "ja", "en"),
    [
        (68.0, 80.0, Unit.COUNT, Counted.PEOPLE, "-12人（-15.0 %）", "-12 people (-15.0 %)"),
        (81.0, 80.0, Unit.COUNT, Counted.PEOPLE, "+1人（+1.3 %）", "+1 person (+1.3 %)"),
        (2.6, 2.0, Unit.COUNT, Counted.TIMES, "+0.6回（+30.0 %）", "+0.6 times (+30.0 %)"),
        (4.0, 3.96, Unit.SCORE, Counted.ITEMS, "+0.04点（+1.0 %）", "+0.04 points (+1.0 %)"),
        (73.64, 73.87, Unit.POINT, Counted.ITEMS, "-0.3 pt", "-0.3 pt"),
        (6.54, 4.46, Unit.PERCENT, Counted.ITEMS, "+2.0 pt", "+2.0 pt"),
        (5.0, 3.0, Unit.RANK, Counted.ITEMS, "+2", "+2"),
    ],
)
def test_a_change_is_written_in_its_unit_in_both_locales(
    now: float, then: float, unit: Unit, what: Counted, ja: str, en: str
) -> None:
    assert format_change(now, then, unit, "ja", what) == ja
    assert format_change(now, then, unit, "en", what) == en


_ANY_FLOAT = st.floats(allow_nan=False, allow_infinity=False)
# Mostly values of a KPI's size, where rounding bites; sometimes any float at all.
_VALUES = st.one_of(st.floats(min_value=-1e6, max_value=1e6), _ANY_FLOAT)


@given(
    now=_VALUES,
    then=_VALUES,
    unit=st.sampled_from(Unit),
    what=st.sampled_from(Counted),
    locale=st.sampled_from(["ja", "en"]),
)
def test_a_shown_change_is_the_difference_of_the_shown_values(
    now: float, then: float, unit: Unit, what: Counted, locale: str
) -> None:
    shown_now = number(format_value(now, unit, locale, what))
    shown_then = number(format_value(then, unit, locale, what))
    change = format_change(now, then, unit, locale, what)
    assert number(change) == _EXACT.subtract(shown_now, shown_then), change
    assert change.startswith("±") == (shown_now == shown_then)


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(97.73, "97.7 %"), (103.45, "103.5 %"), (float("inf"), "∞ %"), (None, "-")],
)
def test_attainment_is_a_percentage_to_a_tenth(percent: float | None, expected: str) -> None:
    assert format_attainment(percent) == expected


@pytest.mark.parametrize(
    ("at", "ja", "en"),
    [
        # `--at 2025-03-31` evaluates at the next midnight: that is the end of the 31st.
        (datetime(2025, 4, 1, tzinfo=TOKYO), "2025-03-31 終了時点", "as of the end of 2025-03-31"),
        (
            datetime(2026, 11, 30, 13, 27, 45, tzinfo=TOKYO),
            "2026-11-30 13:27 時点",
            "as of 2026-11-30 13:27",
        ),
        (
            datetime(2026, 1, 1, 0, 0, 1, tzinfo=TOKYO),
            "2026-01-01 00:00 時点",
            "as of 2026-01-01 00:00",
        ),
    ],
)
def test_a_midnight_is_the_end_of_the_day_before_and_any_other_moment_is_itself(
    at: datetime, ja: str, en: str
) -> None:
    assert as_of_label(at, "ja") == ja
    assert as_of_label(at, "en") == en
