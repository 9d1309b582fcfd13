"""The reports as Slack messages: within Slack's schema and limits, period and zone on every
message, continued in further messages when long, and notes that can never ping or link."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.slack.blocks.message import Message
from bot.slack.blocks.reports import monthly_messages, quarterly_messages, weekly_messages
from kpi_engine.freshness import Freshness
from kpi_engine.reports import (
    ActionTally,
    ImprovementAction,
    NoteKind,
    ReportKind,
    ReportNote,
    ReportPeriod,
    monthly_digest,
    quarterly_review,
    weekly_summary,
)
from tests.bot.slack.blocks.slack_checks import (
    JAPANESE,
    TOKYO,
    Demo,
    all_text,
    catalog_texts,
    check_message,
    load_demo,
    own_text,
)

# The demo is evaluated at the end of 2026-11-23, the end of ISO week 47.
WEEK = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
MONTH = ReportPeriod.from_key(ReportKind.MONTHLY, "2026-11")
QUARTER = ReportPeriod.from_key(ReportKind.QUARTERLY, "2026-Q4")
ATTACKS = [
    "<!channel> everyone look",
    "<!here|here> <!everyone>",
    "ping <@U0123ABCD> and <#C0123|general>",
    "<https://evil.example/login|Slack sign-in>",
    "Tom & Jerry: 1 < 2 > 0 &amp; &lt;",
    "@channel @here https://evil.example/x",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory)


def notes(count: int, texts: list[str] | None = None) -> list[ReportNote]:
    written = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    texts = texts or [f"note {i}" for i in range(count)]
    return [
        ReportNote(
            NoteKind.MARKET if i % 2 == 0 else NoteKind.STRATEGY,
            texts[i % len(texts)],
            "U0AUTHOR",
            written + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def stale_and_fresh(demo: Demo) -> list[Freshness]:
    as_of = demo.states[0].as_of
    return [
        Freshness(
            kpi, as_of, None if i % 3 == 0 else as_of - timedelta(days=40), timedelta(days=32)
        )
        for i, kpi in enumerate(demo.catalog.kpis)
    ]


def weekly(demo: Demo, locale: str, *, late: bool = False) -> list[Message]:
    actions = [ImprovementAction("nps", "<!channel> follow up", WEEK.after().span.start)]
    summary = weekly_summary(WEEK, demo.states, demo.states, stale_and_fresh(demo), actions)
    return weekly_messages(summary, TOKYO, locale, late=late, charts=1)


def monthly(
    demo: Demo, locale: str, written: list[ReportNote], *, late: bool = False
) -> list[Message]:
    digest = monthly_digest(
        demo.catalog,
        MONTH,
        demo.states,
        demo.states,
        {state.kpi.id: state.last_year for state in demo.states},
        written,
        TOKYO,
        [ActionTally("nps", opened=2, closed=1), ActionTally("<!channel>", opened=1, closed=0)],
    )
    return monthly_messages(digest, TOKYO, locale, late=late, charts=4)


def quarterly(demo: Demo, locale: str, period: ReportPeriod = QUARTER) -> list[Message]:
    review = quarterly_review(demo.catalog, period, demo.states, demo.states)
    return quarterly_messages(review, TOKYO, locale)


def every_report(demo: Demo, locale: str) -> dict[str, list[Message]]:
    return {
        "weekly": weekly(demo, locale),
        "weekly late": weekly(demo, locale, late=True),
        "monthly": monthly(demo, locale, notes(4, ATTACKS)),
        "monthly without notes": monthly(demo, locale, []),
        "monthly, long": monthly(demo, locale, notes(60), late=True),
        "quarterly": quarterly(demo, locale),
        "quarterly at a phase change": quarterly(
            demo, locale, ReportPeriod.from_key(ReportKind.QUARTERLY, "2026-Q2")
        ),
        "quarterly leaving the phases": quarterly(
            demo, locale, ReportPeriod.from_key(ReportKind.QUARTERLY, "2027-Q2")
        ),
    }


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_report_message_passes_the_schema_and_slacks_limits(demo: Demo, locale: str) -> None:
    for name, messages in every_report(demo, locale).items():
        assert messages, name
        for message in messages:
            check_message(message)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_message_states_its_period_and_time_zone(demo: Demo, locale: str) -> None:
    periods = {"weekly": WEEK, "monthly": MONTH, "quarterly": QUARTER}
    for name, messages in every_report(demo, locale).items():
        period = periods.get(name)
        for message in messages:
            shown = all_text(message.as_payload())
            assert "Asia/Tokyo" in shown, name
            if period is not None:
                assert period.span.start.isoformat() in shown, name
                assert period.span.last_day.isoformat() in shown, name


def test_the_notification_text_names_the_report_period_and_zone(demo: Demo) -> None:
    assert weekly(demo, "ja")[0].text == (
        "週次チームサマリー 2026-W47（2026-11-16〜2026-11-22, Asia/Tokyo）: "
        f"要対応 {len(weekly_summary(WEEK, demo.states, [], []).concerns)}件、データ遅延 22件"
    )
    assert weekly(demo, "ja", late=True)[0].text.startswith("【遅延】週次チームサマリー 2026-W47")
    assert monthly(demo, "en", notes(3))[0].text.startswith(
        "Monthly stakeholder digest 2026-11 (Asia/Tokyo): "
    )
    assert monthly(demo, "en", notes(3))[0].text.endswith(", 3 notes")
    assert quarterly(demo, "en")[0].text == (
        "Quarterly review 2026 Q4 (2026-10-01 to 2026-12-31, Asia/Tokyo)"
    )


def test_a_late_report_says_so_in_its_first_message(demo: Demo) -> None:
    assert "遅れて" in all_text(weekly(demo, "ja", late=True)[0].as_payload())
    assert "遅れて" not in all_text(weekly(demo, "ja")[0].as_payload())


def test_a_report_longer_than_50_blocks_continues_in_further_messages(demo: Demo) -> None:
    messages = monthly(demo, "ja", notes(60), late=True)
    sizes = [len(message.blocks) for message in messages]
    assert len(messages) >= 2 and sizes[0] == 50 and all(size <= 50 for size in sizes)
    # Every block of the report is in one message, in order: nothing lost at a cut.
    shown = "\n".join(all_text(message.as_payload()) for message in messages)
    # Market notes (the even ones) first, then the strategy proposals, each oldest first.
    order = [*range(0, 60, 2), *range(1, 60, 2)]
    positions = [shown.index(f"note {i}\n") for i in order]
    assert positions == sorted(positions)
    for page, message in enumerate(messages[1:], start=2):
        opening = message.as_payload()["blocks"][0]
        assert opening["type"] == "context"
        assert f"の続き（{page}/{len(messages)}）" in opening["elements"][0]["text"]
        assert message.text == (
            f"📈 月次ステークホルダーレポート 2026年11月 の続き（{page}/{len(messages)}）"
        )


def payload_text(messages: list[Message]) -> str:
    return json.dumps([message.as_payload() for message in messages], ensure_ascii=False)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_note_can_neither_mention_anyone_nor_inject_a_link(demo: Demo, attack: str) -> None:
    messages = monthly(demo, "ja", notes(1, [attack]))
    note_section = next(
        block
        for message in messages
        for block in message.as_payload()["blocks"]
        if block["type"] == "section" and "U0AUTHOR" in block["text"]["text"]
    )
    text: dict[str, Any] = note_section["text"]
    # Slack would read `<...>` as a mention or link, and `&` as an entity: all are escaped,
    # and `verbatim` stops Slack from linking bare URLs, channel names and @mentions.
    assert text["verbatim"] is True
    assert "<" not in text["text"] and ">" not in text["text"]
    escaped = attack.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in text["text"]
    # The author is named, never mentioned (a mention would ping them every month).
    assert "<@U0AUTHOR>" not in payload_text(messages)


def test_a_note_escaped_beyond_a_section_keeps_its_author_and_time(demo: Demo) -> None:
    messages = monthly(demo, "ja", notes(1, ["&" * 1000]))
    (note_text,) = [
        block["text"]["text"]
        for message in messages
        for block in message.as_payload()["blocks"]
        if block["type"] == "section" and "&amp;" in block["text"]["text"]
    ]
    assert len(note_text) <= 3000
    assert note_text.endswith("U0AUTHOR")
    assert "&amp;&amp;…\n— " in note_text  # cut between entities, never inside one


def test_reports_without_actions_say_so(demo: Demo) -> None:
    summary = weekly_summary(WEEK, demo.states, demo.states, [])
    text = payload_text(weekly_messages(summary, TOKYO, "ja"))
    assert "次週が期限の改善アクションはありません。" in text
    assert "期限切れの改善アクションはありません。" in text
    digest = monthly_digest(demo.catalog, MONTH, demo.states, demo.states, {}, [], TOKYO)
    assert "この月に登録・完了した改善アクションはありません。" in payload_text(
        monthly_messages(digest, TOKYO, "ja")
    )


def test_a_months_action_tallies_name_their_kpi_and_escape_an_unknown_one(demo: Demo) -> None:
    text = payload_text(monthly(demo, "ja", []))
    assert "• *ネットプロモータースコア（NPS）*: 新規 2件・完了 1件" in text
    assert "• *&lt;!channel&gt;*: 新規 1件・完了 0件" in text
    assert "合計: 新規 3件・完了 1件" in text


def test_an_action_title_is_escaped(demo: Demo) -> None:
    shown = payload_text(weekly(demo, "ja"))
    assert "&lt;!channel&gt; follow up" in shown
    assert "<!channel>" not in shown


def test_the_weekly_summary_lists_what_each_level_calls_for_in_the_documents_words(
    demo: Demo,
) -> None:
    summary = weekly_summary(WEEK, demo.states, demo.states, [])
    shown = payload_text(weekly_messages(summary, TOKYO, "ja"))
    responses = {
        "yellow": "週次で改善アクション検討",
        "orange": "即座に改善アクション実行",
        "red": "緊急対策会議・戦略見直し",
    }
    for concern in summary.concerns:
        assert responses[concern.progress.level] in shown
    assert "次週が期限の改善アクションはありません。" in shown
    assert "更新が遅れているデータはありません。" in shown


def test_the_quarterly_review_announces_a_phase_change(demo: Demo) -> None:
    shown = payload_text(
        quarterly(demo, "ja", ReportPeriod.from_key(ReportKind.QUARTERLY, "2026-Q2"))
    )
    assert "次四半期から *Phase 3: 拡張期* に移行します" in shown
    assert "🆕 *ネットプロモータースコア（NPS）*: 75.0 pt" in shown
    assert "移行します" not in payload_text(quarterly(demo, "ja"))


def test_english_reports_use_no_japanese_of_their_own(demo: Demo) -> None:
    provided = catalog_texts(demo.catalog.kpis, demo.catalog, "en")
    for name, messages in every_report(demo, "en").items():
        for message in messages:
            leftover = own_text(all_text(message.as_payload()), provided)
            assert not JAPANESE.search(leftover), (name, JAPANESE.findall(leftover)[:5])
