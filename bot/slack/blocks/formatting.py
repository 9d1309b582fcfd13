"""Numbers and moments as a reader of the configured locale expects them.

A number is shown rounded half up (四捨五入) to its unit's precision, and a change shown next
to two numbers is the difference of the numbers as shown, never of the unrounded values, so
that the arithmetic on screen adds up: 73.9 → 73.6 is -0.3 pt, not the -0.2 of 73.85 → 73.64.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

from bot.slack.copy import Counted, count_text, counted, t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import KpiDefinition, Unit

NO_VALUE = "-"

# Decimal places shown per unit. A count is whole, but for a pro-rated or straight-line
# figure of things (1.5回 to date), which shows one decimal; a person is always whole.
DECIMALS = {
    Unit.COUNT: 0,
    Unit.JPY: 0,
    Unit.PERCENT: 1,
    Unit.POINT: 1,
    Unit.SCORE: 2,
    Unit.RATIO: 2,
    Unit.RANK: 0,
}
# Relative change (+5.3 %) means something for amounts and counts, not for values that
# are already rates or positions, where the signed difference says it all.
_RELATIVE_UNITS = frozenset({Unit.COUNT, Unit.JPY, Unit.SCORE, Unit.RATIO})
# Wide enough for every float's digits (1.8e308 has 309) plus the decimals.
_EXACT = Context(prec=400, rounding=ROUND_HALF_UP)


def shown(value: float, decimals: int) -> Decimal:
    """Return a finite number as displayed: rounded half up to `decimals` places (no -0)."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), context=_EXACT)
    return rounded if rounded else rounded.copy_abs()


def _shown_in(value: float, unit: Unit, what: Counted) -> Decimal:
    """Return a finite value of a unit as displayed."""
    if unit is Unit.COUNT and what is not Counted.PEOPLE:
        tenths = shown(value, 1)
        whole = tenths.quantize(Decimal(1), context=_EXACT)
        return whole if tenths == whole else tenths
    return shown(value, DECIMALS[unit])


def _digits(number: Decimal) -> str:
    """Write a rounded number with thousands separators and the decimals it was rounded to."""
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{number:,.{decimals}f}"


def _in_unit(number: Decimal, unit: Unit, locale: str, what: Counted) -> str:
    """Write a number already rounded as displayed, with the unit."""
    digits = _digits(number.copy_abs() if unit is Unit.JPY else number)
    match unit:
        case Unit.JPY:
            return f"-¥{digits}" if number < 0 else f"¥{digits}"
        case Unit.PERCENT:
            return f"{digits} %"
        case Unit.POINT:
            return f"{digits} pt"
        case Unit.SCORE:
            return t(locale, Text.VALUE_SCORE, n=digits)
        case Unit.RANK:
            return t(locale, Text.VALUE_RANK, n=digits)
        case Unit.COUNT:
            return count_text(digits, number.copy_abs() == 1, what, locale)
        case _:
            return digits


def format_value(
    value: float | None, unit: Unit, locale: str, what: Counted = Counted.ITEMS
) -> str:
    """Format a value in its unit: ¥8,000,000, 85.0 %, 75.0 pt, 4.00点, 6.86, 1,049人, 3位.

    Args:
        value: the value, unrounded; None, inf and nan show as `-`.
        unit: the KPI's unit, which sets the decimals shown and the unit written.
        locale: `ja` or `en`.
        what: for a count, what it counts (人 / people, 回 / times, 件).
    """
    if value is None or not math.isfinite(value):
        return NO_VALUE
    return _in_unit(_shown_in(value, unit, what), unit, locale, what)


def format_kpi_value(value: float | None, kpi: KpiDefinition, locale: str) -> str:
    """Format a value of a KPI in its unit, a count with the word for what it counts."""
    return format_value(value, kpi.unit, locale, counted(kpi.id))


def _signed(difference: Decimal, unit: Unit, locale: str, what: Counted) -> str:
    sign = "+" if difference > 0 else "-" if difference < 0 else "±"
    magnitude = difference.copy_abs()
    if unit is Unit.PERCENT:
        # A difference of percentages is in points.
        return f"{sign}{_digits(magnitude)} pt"
    if unit is Unit.RANK:
        # Ranks moved, as a plain number: 3位 to 5位 is -2, not -2位.
        return f"{sign}{_digits(magnitude)}"
    return sign + _in_unit(magnitude, unit, locale, what)


def format_change(
    now: float | None,
    then: float | None,
    unit: Unit,
    locale: str,
    what: Counted = Counted.ITEMS,
) -> str:
    """Describe the change from `then` to `now` as shown: a signed difference, % where meaningful.

    Both values are rounded as `format_value` shows them before they are subtracted, so the
    change is always the difference of the two numbers on screen.

    Args:
        now: the later value, unrounded.
        then: the earlier value, unrounded.
        unit: the KPI's unit; a difference of percentages is written in points.
        locale: `ja` or `en`.
        what: for a count, what it counts.
    """
    if now is None or then is None or not (math.isfinite(now) and math.isfinite(then)):
        return NO_VALUE
    shown_now, shown_then = _shown_in(now, unit, what), _shown_in(then, unit, what)
    # In the wide context: the default one keeps 28 digits, and ¥1e30 has more.
    difference = _EXACT.subtract(shown_now, shown_then)
    text = _signed(difference, unit, locale, what)
    if unit in _RELATIVE_UNITS and shown_then > 0:
        percent = _EXACT.divide(_EXACT.multiply(difference, 100), shown_then)
        relative = percent.quantize(Decimal("0.1"), context=_EXACT)
        sign = "+" if relative > 0 else "-" if relative < 0 else "±"
        text = t(locale, Text.PAREN, text=text, note=f"{sign}{_digits(relative.copy_abs())} %")
    return text


def format_attainment(percent: float | None) -> str:
    """Format an attainment percentage (a perfect lower-is-better value shows as ∞)."""
    if percent is None or math.isnan(percent):
        return NO_VALUE
    if math.isinf(percent):
        return "∞ %"
    return f"{_digits(shown(percent, 1))} %"


def as_of_label(at: datetime, locale: str) -> str:
    """Say when figures are as of: a local midnight is the end of the day before it
    ("2025-03-31 終了時点", "as of the end of 2025-03-31"); any other moment to the minute."""
    if at.time() == time():
        day = (at.date() - timedelta(days=1)).isoformat()
        return t(locale, Text.AS_OF_END_OF_DAY, day=day)
    return t(locale, Text.AS_OF, moment=f"{at:%Y-%m-%d %H:%M}")


def day_or_moment(at: datetime) -> str:
    """A local instant as its day when it is the day's start (a value recorded for a day),
    else as its minute."""
    return at.date().isoformat() if at.time() == time() else f"{at:%Y-%m-%d %H:%M}"
