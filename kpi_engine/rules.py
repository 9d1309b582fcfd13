"""The document's automatic alert rules (自動アラート設定): when each fires."""

from __future__ import annotations

from collections.abc import Sequence

from kpi_engine.catalog import AlertRule
from kpi_engine.levels import PRECISION, RuleCondition


def fired_rules(
    rules: Sequence[AlertRule], value: float | None, attainment: float | None
) -> list[AlertRule]:
    """Return the rules whose condition holds, in the given order.

    A None value or attainment (no data, too small a sample) fires no rule that needs it.
    """
    return [rule for rule in rules if _holds(rule, value, attainment)]


def _holds(rule: AlertRule, value: float | None, attainment_percent: float | None) -> bool:
    match rule.condition:
        case RuleCondition.ATTAINMENT_BELOW:
            return (
                attainment_percent is not None
                and round(attainment_percent, PRECISION) < rule.threshold
            )
        case RuleCondition.VALUE_AT_MOST:
            return value is not None and round(value, PRECISION) <= rule.threshold
        case RuleCondition.VALUE_BELOW:
            return value is not None and round(value, PRECISION) < rule.threshold
