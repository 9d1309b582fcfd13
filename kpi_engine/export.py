"""KPI states as plain data: the stable JSON contract of `kpibot show/status --json`."""

from __future__ import annotations

import math
from typing import Any

from kpi_engine.evaluate import KpiState, PeriodValue


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def period_as_dict(period: PeriodValue) -> dict[str, Any]:
    """A period's value, sample size, first and last local day (inclusive) and own level."""
    return {
        "value": _finite(period.value),
        "n": period.n,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "level": period.level.value,
    }


def state_as_dict(state: KpiState, locale: str) -> dict[str, Any]:
    """A KPI state with values in the KPI's unit, unrounded; None where there is no value."""
    target = state.target
    return {
        "kpi": state.kpi.id,
        "name": state.kpi.name.in_locale(locale),
        "unit": state.kpi.unit.value,
        "level": state.level.value,
        "basis": state.basis.value if state.basis else None,
        "rule": state.rule.id if state.rule else None,
        # A lower-is-better value of 0 is perfect (infinite attainment): JSON has no inf.
        "attainment": _finite(state.attainment),
        "target": None
        if target is None
        else {
            "value": target.value,
            "due": target.due.isoformat() if target.due else None,
            "phase": target.phase,
        },
        "current": period_as_dict(state.current),
        "previous": period_as_dict(state.previous),
        "last_year": period_as_dict(state.last_year),
        "projection": _finite(state.projection),
        "history": [period_as_dict(period) for period in state.history],
    }
