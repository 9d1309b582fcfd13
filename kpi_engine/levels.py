"""Attainment and level bands, and the words the catalog uses to say how a KPI is judged.

`Direction`, `Judge`, `RuleCondition` and `Level` are defined here, below the catalog, so
that judging depends on nothing above it; the automatic rules, which need the catalog's
`AlertRule`, are judged in `kpi_engine.rules`. How a level looks (emoji, names) is the
app's business (`bot.slack.copy`).

Attainment is a percentage of the target (100 = exactly on target). Bands follow the KPI
document's alert levels: 90 % and over on track, 80-90 % caution, 70-80 % warning, under
70 % critical; each boundary belongs to the better band (exactly 90.0 is green).
"""

from __future__ import annotations

import math
from enum import StrEnum

# Percentages are rounded before any comparison so that float noise such as
# 0.9 * 100 == 90.00000000000001 or 89.99999999999999 lands on the intended side.
PRECISION = 9


class Direction(StrEnum):
    """Whether a bigger value is better (revenue) or worse (CAC, search rank)."""

    HIGHER = "higher"
    LOWER = "lower"


class Judge(StrEnum):
    """What a KPI's value is compared with."""

    RATIO = "ratio"  # the target value, as is
    PRORATED = "prorated"  # a period total: the target times the elapsed share of the period
    LINE = "line"  # a stock: the straight line from the start value to the target at its due
    GROWTH = "growth"  # a growth rate: actual growth over target growth


class RuleCondition(StrEnum):
    """When an automatic alert rule fires."""

    ATTAINMENT_BELOW = "attainment_below"  # attainment (percent) < threshold
    VALUE_AT_MOST = "value_at_most"  # value <= threshold
    VALUE_BELOW = "value_below"  # value < threshold


class Level(StrEnum):
    """A KPI's status, from the document's alert levels plus the two ways to have none."""

    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"
    NO_DATA = "no_data"
    INSUFFICIENT_DATA = "insufficient_data"

    @property
    def severity(self) -> int:
        """Rank levels for escalation: red is the highest, both no-data kinds the lowest."""
        return _SEVERITY[self]


_SEVERITY = {
    Level.NO_DATA: 0,
    Level.INSUFFICIENT_DATA: 0,
    Level.GREEN: 1,
    Level.YELLOW: 2,
    Level.ORANGE: 3,
    Level.RED: 4,
}
_BANDS = ((90.0, Level.GREEN), (80.0, Level.YELLOW), (70.0, Level.ORANGE))


def attainment(
    value: float,
    target: float,
    direction: Direction,
    judge: Judge,
    base: float | None = None,
) -> float | None:
    """Return how far `value` meets `target` in percent, or None where that is undefined.

    Args:
        value: the KPI's value; for `Judge.GROWTH` its growth in percent, unless `base` is given.
        target: the figure to judge against (see `targets.judged_target`); must be positive,
            else the attainment is undefined (None).
        direction: higher-is-better gives value / target; lower-is-better gives target / value.
            A lower-is-better value of 0 (a CAC of 0 JPY) is perfect: +inf, which bands green.
            A negative lower-is-better value is meaningless: None.
        judge: `Judge.GROWTH` divides actual growth by target growth whatever the direction;
            the result is negative when the value shrank. Other judges use the direction.
        base: for `Judge.GROWTH` only: the comparison period's value, making `value` the
            current period's raw value; growth is (value - base) / |base| x 100, None if base is 0.
    """
    if not target > 0:
        return None
    if judge is Judge.GROWTH:
        if base is not None:
            if base == 0:
                return None
            value = (value - base) / abs(base) * 100
        return _percent(value, target)
    if direction is Direction.LOWER:
        if value == 0:
            return math.inf
        return _percent(target, value) if value > 0 else None
    return _percent(value, target)


def _percent(part: float, whole: float) -> float | None:
    result = part / whole * 100
    return None if math.isnan(result) else result


def band(attainment_percent: float) -> Level:
    """Return the level for an attainment: >= 90 green, >= 80 yellow, >= 70 orange, else red."""
    if math.isnan(attainment_percent):
        raise ValueError("attainment is NaN")
    rounded = round(attainment_percent, PRECISION)
    for floor, level in _BANDS:
        if rounded >= floor:
            return level
    return Level.RED


def most_severe(*levels: Level) -> Level:
    """Return the most severe of the levels (the first one on ties); no levels give no_data."""
    return max(levels, key=lambda level: level.severity, default=Level.NO_DATA)
