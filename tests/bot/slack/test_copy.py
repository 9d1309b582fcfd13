"""Every user-facing string exists in both locales, and no message mixes the two."""

from __future__ import annotations

import string

import pytest

from bot.slack.copy import (
    LOCALES,
    MESSAGES,
    Counted,
    count_text,
    counted,
    frequency_label,
    level_emoji,
    level_label,
    normalize_locale,
    t,
    tier_title,
)
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Tier, UpdateFrequency
from kpi_engine.levels import Level
from tests.bot.slack.blocks.slack_checks import (
    JAPANESE,
    Demo,
    all_text,
    catalog_texts,
    every_kpi,
    every_message,
    load_demo,
    own_text,
)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_key_exists_in_both_locales_with_the_same_placeholders() -> None:
    assert set(MESSAGES) == set(LOCALES) == {"ja", "en"}
    for locale in LOCALES:
        assert set(MESSAGES[locale]) == set(Text), locale
    for key in Text:
        assert placeholders(MESSAGES["ja"][key]) == placeholders(MESSAGES["en"][key]), key


def test_templates_hold_no_raw_mrkdwn_control_characters() -> None:
    # Values are escaped when formatted in; a raw `<` or `&` in a template would not be.
    for locale in LOCALES:
        for key, template in MESSAGES[locale].items():
            assert not set("<>&") & set(template), (locale, key)
            assert template.strip(), (locale, key)


def test_english_templates_have_no_japanese_and_japanese_ones_are_japanese() -> None:
    for key, template in MESSAGES["en"].items():
        assert not JAPANESE.search(template), key
    neutral = {
        Text.RANGE,
        Text.SAMPLE,
        Text.FIELD,
        Text.HOME_SYSTEM_NOW,
        Text.CLI_ARGPARSE_ARGUMENT,
    }
    japanese = [key for key in Text if JAPANESE.search(MESSAGES["ja"][key])]
    assert len(japanese) > len(Text) - len(neutral) - 5


def test_tier_titles_and_update_frequencies_are_named_in_each_locale() -> None:
    assert [tier_title(tier, "ja") for tier in Tier] == ["戦略KPI", "事業KPI", "運営KPI", "顧客KPI"]
    assert [tier_title(tier, "en") for tier in Tier] == [
        "Strategic",
        "Business",
        "Operational",
        "Customer",
    ]
    assert [frequency_label(frequency, "ja") for frequency in UpdateFrequency] == [
        "リアルタイム",
        "日次",
        "週次",
        "月次",
        "四半期",
    ]
    assert frequency_label(UpdateFrequency.QUARTERLY, "en") == "quarterly"


def test_locales_are_normalised_like_the_catalogs() -> None:
    assert normalize_locale("ja_JP") == "ja"
    assert normalize_locale("JA") == "ja"
    assert normalize_locale("en-US") == "en"
    assert normalize_locale("fr") == "en"
    assert t("ja-JP", Text.VALUE_ITEMS, n="1,234") == "1,234件"


@pytest.mark.parametrize(
    ("what", "ja", "en_one", "en_many"),
    [
        (Counted.PEOPLE, "{n}人", "{n} person", "{n} people"),
        (Counted.TIMES, "{n}回", "{n} time", "{n} times"),
        (Counted.ITEMS, "{n}件", "{n}", "{n}"),
    ],
)
def test_counts_have_their_word_in_both_locales_and_english_has_a_singular(
    what: Counted, ja: str, en_one: str, en_many: str
) -> None:
    assert count_text("1", True, what, "ja") == ja.format(n="1")
    assert count_text("1,049", False, what, "ja") == ja.format(n="1,049")
    assert count_text("1", True, what, "en") == en_one.format(n="1")
    assert count_text("1,049", False, what, "en") == en_many.format(n="1,049")


def test_the_catalogs_counts_of_people_and_of_releases_are_named() -> None:
    assert counted("cumulative_students") is Counted.PEOPLE
    assert counted("new_customers") is Counted.PEOPLE
    assert counted("content_updates") is Counted.TIMES
    assert counted("a_count_kpibot_does_not_know") is Counted.ITEMS


def test_english_messages_have_no_japanese_but_catalog_provided_names(demo: Demo) -> None:
    provided = catalog_texts(every_kpi(demo), demo.catalog, "en")
    for name, message in every_message(demo, "en").items():
        mine = own_text(all_text(message.as_payload()), provided)
        assert not JAPANESE.search(mine), (name, JAPANESE.findall(mine))


def test_japanese_messages_are_japanese_in_kpibots_own_words(demo: Demo) -> None:
    provided = catalog_texts(every_kpi(demo), demo.catalog, "ja")
    for name, message in every_message(demo, "ja").items():
        payload = message.as_payload()
        assert JAPANESE.search(own_text(all_text(payload), provided)), name


@pytest.mark.parametrize(
    ("level", "ja", "en", "emoji"),
    [
        (Level.GREEN, "順調", "on track", "🟢"),
        (Level.YELLOW, "注意", "caution", "🟡"),
        (Level.ORANGE, "警戒", "warning", "🟠"),
        (Level.RED, "緊急", "critical", "🔴"),
        (Level.NO_DATA, "データなし", "no data", "⚪"),
        (Level.INSUFFICIENT_DATA, "サンプル不足", "insufficient data", "⚪"),
    ],
)
def test_levels_have_labels_in_both_languages_and_an_emoji(
    level: Level, ja: str, en: str, emoji: str
) -> None:
    assert level_label(level, "ja") == ja
    assert level_label(level, "ja-JP") == ja
    assert level_label(level, "en-US") == en
    assert level_emoji(level) == emoji
