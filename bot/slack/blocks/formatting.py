"""Numbers and KPI lines as a reader of the configured locale expects them."""

from __future__ import annotations

import math

from kpi_engine.catalog import Unit

NO_VALUE = "-"


def format_value(value: float | None, unit: Unit, locale: str) -> str:
    """Format a KPI value in its unit: ¥8,000,000, 75.0 pt, 85.0 %, 4.20, 1,049, 3位."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    match unit:
        case Unit.JPY:
            return f"¥{value:,.0f}"
        case Unit.PERCENT:
            return f"{value:,.1f} %"
        case Unit.POINT:
            return f"{value:,.1f} pt"
        case Unit.SCORE | Unit.RATIO:
            return f"{value:,.2f}"
        case Unit.RANK:
            return f"{value:,.0f}位" if locale == "ja" else f"#{value:,.0f}"
        case _:
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def format_attainment(percent: float | None) -> str:
    """Format an attainment percentage (a perfect lower-is-better value shows as ∞)."""
    if percent is None:
        return NO_VALUE
    return "∞ %" if math.isinf(percent) else f"{percent:,.1f} %"
