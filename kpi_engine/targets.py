"""Which target is in force on a day, and the figure a KPI's value is judged against.

How the document's goals become dated targets is described in `kpi_engine.catalog`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from kpi_engine.catalog import KpiDefinition, Target
from kpi_engine.levels import Direction, Judge
from kpi_engine.periods import ONE_DAY, Span, elapsed_share


def target_in_force(kpi: KpiDefinition, day: date) -> Target | None:
    """Return the KPI's last target starting on or before `day`; None before the first."""
    index = bisect_right(kpi.targets, day, key=lambda target: target.start)
    return kpi.targets[index - 1] if index else None


def judged_target(
    kpi: KpiDefinition,
    target: Target,
    span: Span,
    as_of: date,
    start_value: float | None,
) -> float:
    """Return the figure to compare the KPI's value for `span`, known through `as_of`, with.

    Args:
        kpi: whose `judge` decides the figure.
        target: the target in force (see `target_in_force`).
        span: the period the value covers.
        as_of: the last day the value includes; the figure is taken at the end of that day.
        start_value: for `Judge.LINE` only, the KPI's value when the target started (at the
            end of the day before `target.start`); None counts as 0.

    `ratio` and `growth` use the target value. `prorated` scales it by the share of `span`
    elapsed (the full value for a complete period). `line` takes the straight line, in days,
    from `start_value` at the start of `target.start` to the target value at the end of
    `target.due`, and the target value itself after the due date (or without one). The line
    never runs away from the target: when `start_value` already meets the target (at or
    above it, or at or below it for a lower-is-better KPI), the figure is the target value.
    """
    match kpi.judge:
        case Judge.RATIO | Judge.GROWTH:
            return target.value
        case Judge.PRORATED:
            return target.value * elapsed_share(span, as_of)
        case Judge.LINE:
            if target.due is None:
                return target.value
            origin = 0.0 if start_value is None else start_value
            met = (
                origin >= target.value
                if kpi.direction is Direction.HIGHER
                else origin <= target.value
            )
            if met:
                return target.value
            progress = elapsed_share(Span(target.start, target.due + ONE_DAY), as_of)
            return origin + (target.value - origin) * progress
