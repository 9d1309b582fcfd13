"""Every user-facing string of the Slack app, looked up by key (`keys.Text`) in the reader's
locale: Japanese (`ja.py`, the default) or English (`en.py`), one file per locale.

Light to import (the command line's help is built from it): the catalog's types are
imported by the functions that take them, which only run once the catalog is loaded.

Templates are Slack mrkdwn: `*bold*` and backquotes are markup, and they never contain
`&`, `<` or `>` raw, so a builder escapes only the values it formats into them.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from bot.slack.copy.en import EN
from bot.slack.copy.ja import JA
from bot.slack.copy.keys import Text
from kpi_engine.levels import Level

if TYPE_CHECKING:
    from kpi_engine.alerts import AlertEvent
    from kpi_engine.catalog import Tier, Unit, UpdateFrequency, ValueRule

DEFAULT_LOCALE = "ja"
LOCALES = ("ja", "en")


MESSAGES: dict[str, dict[Text, str]] = {"ja": JA, "en": EN}


@cache
def _tiers() -> dict[Tier, Text]:
    from kpi_engine.catalog import Tier

    return {
        Tier.STRATEGIC: Text.TIER_STRATEGIC,
        Tier.BUSINESS: Text.TIER_BUSINESS,
        Tier.OPERATIONAL: Text.TIER_OPERATIONAL,
        Tier.CUSTOMER: Text.TIER_CUSTOMER,
    }


@cache
def _frequencies() -> dict[UpdateFrequency, Text]:
    from kpi_engine.catalog import UpdateFrequency

    return {
        UpdateFrequency.REALTIME: Text.FREQUENCY_REALTIME,
        UpdateFrequency.DAILY: Text.FREQUENCY_DAILY,
        UpdateFrequency.WEEKLY: Text.FREQUENCY_WEEKLY,
        UpdateFrequency.MONTHLY: Text.FREQUENCY_MONTHLY,
        UpdateFrequency.QUARTERLY: Text.FREQUENCY_QUARTERLY,
    }


@cache
def _alert_events() -> dict[AlertEvent, Text]:
    from kpi_engine.alerts import AlertEvent

    return {
        AlertEvent.OPEN: Text.ALERT_EVENT_OPEN,
        AlertEvent.ESCALATE: Text.ALERT_EVENT_ESCALATE,
        AlertEvent.DEESCALATE: Text.ALERT_EVENT_DEESCALATE,
        AlertEvent.RESOLVE: Text.ALERT_EVENT_RESOLVE,
        AlertEvent.REMIND: Text.ALERT_EVENT_REMIND,
        AlertEvent.SNOOZE_ENDED: Text.ALERT_EVENT_SNOOZE_ENDED,
    }


def normalize_locale(locale: str) -> str:
    """Return `ja` for any Japanese locale (`ja`, `ja_JP`, `ja-JP`), else `en`."""
    # The same rule as the catalog's `Localized.in_locale`, so that a
    # message never mixes the catalog's language with ours.
    return "ja" if locale.lower().startswith("ja") else "en"


def t(locale: str, key: Text, **fmt: Any) -> str:
    """Return the string `key` in `locale`, formatted with `fmt` when given."""
    template = MESSAGES[normalize_locale(locale)][key]
    return template.format(**fmt) if fmt else template


@cache
def _units() -> dict[Unit, Text]:
    from kpi_engine.catalog import Unit

    return {
        Unit.COUNT: Text.UNIT_COUNT,
        Unit.JPY: Text.UNIT_JPY,
        Unit.PERCENT: Text.UNIT_PERCENT,
        Unit.POINT: Text.UNIT_POINT,
        Unit.SCORE: Text.UNIT_SCORE,
        Unit.RATIO: Text.UNIT_RATIO,
        Unit.RANK: Text.UNIT_RANK,
    }


def unit_label(unit: Unit, locale: str) -> str:
    """Return the name of a unit, for an axis: 円 or JPY, and so on."""
    return t(locale, _units()[unit])


class Counted(StrEnum):
    """What a count counts, which names the word after its number: 人, 回 or 件."""

    PEOPLE = "people"
    TIMES = "times"
    ITEMS = "items"


# The catalog says that a KPI is a count (`unit: count`), not what it counts; the word is
# copy, so it is named here by KPI id, and any other count is of items (件).
_COUNTED = {
    "cumulative_students": Counted.PEOPLE,
    "new_customers": Counted.PEOPLE,
    "content_updates": Counted.TIMES,
}
_COUNT_WORDS = {
    Counted.PEOPLE: (Text.VALUE_PERSON, Text.VALUE_PEOPLE),
    Counted.TIMES: (Text.VALUE_TIME, Text.VALUE_TIMES),
    Counted.ITEMS: (Text.VALUE_ITEM, Text.VALUE_ITEMS),
}


def counted(kpi_id: str) -> Counted:
    """Return what a count KPI counts: people, times, or (by default) items."""
    return _COUNTED.get(kpi_id, Counted.ITEMS)


def count_text(number: str, one: bool, what: Counted, locale: str) -> str:
    """Write a formatted count with its word: 1,049人 or 1,049 people, 1 person."""
    singular, plural = _COUNT_WORDS[what]
    return t(locale, singular if one else plural, n=number)


_LEVELS = {
    Level.GREEN: Text.LEVEL_GREEN,
    Level.YELLOW: Text.LEVEL_YELLOW,
    Level.ORANGE: Text.LEVEL_ORANGE,
    Level.RED: Text.LEVEL_RED,
    Level.NO_DATA: Text.LEVEL_NO_DATA,
    Level.INSUFFICIENT_DATA: Text.LEVEL_INSUFFICIENT_DATA,
}
# Both no-data kinds share the white circle: neither is a judgement.
_LEVEL_EMOJI = {
    Level.GREEN: "🟢",
    Level.YELLOW: "🟡",
    Level.ORANGE: "🟠",
    Level.RED: "🔴",
    Level.NO_DATA: "⚪",
    Level.INSUFFICIENT_DATA: "⚪",
}


def level_label(level: Level, locale: str) -> str:
    """Return a level's name: 順調 or on track, and so on."""
    return t(locale, _LEVELS[level])


def level_emoji(level: Level) -> str:
    """Return a level's status emoji."""
    return _LEVEL_EMOJI[level]


def tier_title(tier: Tier, locale: str) -> str:
    """Return a tier's title: 戦略KPI or Strategic, and so on."""
    return t(locale, _tiers()[tier])


def frequency_label(frequency: UpdateFrequency, locale: str) -> str:
    """Return an update frequency's name: 月次 or monthly, and so on."""
    return t(locale, _frequencies()[frequency])


def alert_event_label(event: AlertEvent, locale: str) -> str:
    """Return the name of what happened to an alert: 発生 or opened, and so on."""
    return t(locale, _alert_events()[event])


def value_rule_text(rule: ValueRule, locale: str) -> str:
    """What a recorded value may be, in words: 1以上1,000以下の整数 or a whole number from 1
    to 1,000."""
    from kpi_engine.catalog import plain_number

    minimum = rule.minimum
    if rule.above is not None and minimum is not None and minimum <= rule.above:
        minimum = None  # "above" is the stricter lower bound
    above = rule.above if minimum is None else None
    numbers = {
        name: plain_number(bound)
        for name, bound in (("above", above), ("minimum", minimum), ("maximum", rule.maximum))
        if bound is not None
    }
    match above is not None, minimum is not None, rule.maximum is not None:
        case True, _, True:
            bounds = t(locale, Text.RULE_ABOVE_AT_MOST, **numbers)
        case True, _, False:
            bounds = t(locale, Text.RULE_ABOVE, **numbers)
        case False, True, True:
            bounds = t(locale, Text.RULE_FROM_TO, **numbers)
        case False, True, False:
            bounds = t(locale, Text.RULE_AT_LEAST, **numbers)
        case False, False, True:
            bounds = t(locale, Text.RULE_AT_MOST, **numbers)
        case _:
            bounds = ""
    return t(locale, Text.RULE_WHOLE if rule.whole else Text.RULE_NUMBER, bounds=bounds)
