"""KPI states as plain data: the stable JSON contract of `kpibot show/status --json`."""

from __future__ import annotations

import math
from typing import Any

from kpi_engine.evaluate import KpiState, PeriodValue, TargetInForce


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def target_as_dict(target: TargetInForce | None) -> dict[str, Any] | None:
    """A target: its value, due date and phase, and the figure a value is judged against."""
    if target is None:
        return None
    return {
        "value": target.value,
        "due": target.due.isoformat() if target.due else None,
        "phase": target.phase,
        "judged": _finite(target.judged),
    }


def period_as_dict(period: PeriodValue) -> dict[str, Any]:
    """A period's value, sample size, first and last local day (inclusive), own level and
    the target its value is judged against."""
    return {
        "value": _finite(period.value),
        "n": period.n,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "level": period.level.value,
        "target": target_as_dict(period.target),
    }


def state_as_dict(state: KpiState, locale: str) -> dict[str, Any]:
    """A KPI state with values in the KPI's unit, unrounded; None where there is no value."""
    return {
        "kpi": state.kpi.id,
        "name": state.kpi.name.in_locale(locale),
        "unit": state.kpi.unit.value,
        "as_of": state.as_of.isoformat(),
        "level": state.level.value,
        "basis": state.basis.value if state.basis else None,
        "rule": state.rule.id if state.rule else None,
        # A lower-is-better value of 0 is perfect (infinite attainment): JSON has no inf.
        "attainment": _finite(state.attainment),
        # The target in force now, whatever the data; the one the level was judged against
        # is the basis period's own (`previous.target` when `basis` is `previous`).
        "target": target_as_dict(state.target),
        "current": period_as_dict(state.current),
        "previous": period_as_dict(state.previous),
        "last_year": period_as_dict(state.last_year),
        "projection": _finite(state.projection),
        "history": [period_as_dict(period) for period in state.history],
    }
