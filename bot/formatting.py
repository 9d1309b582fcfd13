"""Numbers and KPI lines as a reader of the configured locale expects them."""

from __future__ import annotations

import math

from kpi_engine.catalog import Unit
from kpi_engine.evaluate import Basis, KpiState

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


def status_line(state: KpiState, locale: str) -> str:
    """One line of a status table: level, name, value, target and attainment."""
    unit = state.kpi.unit
    shown = state.previous if state.basis is Basis.PREVIOUS else state.current
    target_word = "目標" if locale == "ja" else "target"
    target = NO_VALUE
    if state.target is not None:
        target = format_value(state.target.value, unit, locale)
        if not math.isclose(state.target.judged, state.target.value):
            # Pro-rated or on the straight line to a due date: say what was compared.
            now_word = "現時点" if locale == "ja" else "now"
            target += f" ({now_word} {format_value(state.target.judged, unit, locale)})"
    return (
        f"{state.level.emoji} {state.kpi.name.in_locale(locale)}: "
        f"{format_value(shown.value, unit, locale)} / {target_word} {target} "
        f"({format_attainment(state.attainment)}) {state.level.label(locale)}"
    )
