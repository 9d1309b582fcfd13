"""`/kpi` as Slack sends it: signed requests to the app on a loopback port, and the grammar."""

# ruff: noqa: RUF001 (full-width and Japanese text is what these tests are about)

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.slack.blocks.kpi import status_pending_message
from bot.slack.grammar import (
    MAX_TEXT,
    DeleteRecord,
    Grammar,
    Help,
    KpiAction,
    Record,
    ShowKpi,
    Status,
    UnknownKpi,
    UsageError,
)
from bot.slack.problems import Problem
from bot.slack.services import Services
from kpi_engine.catalog import load_catalog
from kpi_engine.levels import Level
from tests.bot.conftest import (
    ADMIN,
    CHANNEL,
    MEMBER,
    Answer,
    SlackAppServer,
    make_services,
    make_settings,
    restricted_catalog,
)
from tests.bot.mock_web_api import MockWebApi

MESSAGE_BLOCKS = 50
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

GRAMMAR = Grammar(load_catalog())


def ephemeral(answer: Answer) -> dict[str, Any]:
    """The ack's JSON body, after checking it is a 200 ephemeral message within Slack's limits."""
    assert answer.status == 200, answer.raw
    body: dict[str, Any] = answer.json
    assert body["response_type"] == "ephemeral"
    assert body["text"].strip()
    assert 0 < len(body["blocks"]) <= MESSAGE_BLOCKS
    assert "Traceback" not in answer.text
    return body


def shown(body: dict[str, Any]) -> str:
    """Everything a user reads in a message: the fallback and the blocks' text."""
    return str(body["text"]) + "\n" + json.dumps(body["blocks"], ensure_ascii=False)


def pending_status(locale: str = "ja") -> dict[str, Any]:
    """The ack of `/kpi status`: a short note, while every KPI is evaluated after it."""
    return {"response_type": "ephemeral", **status_pending_message(locale).as_payload()}


def replacement(app: SlackAppServer, response_url: str) -> dict[str, Any]:
    """What a follow-up sent to a response_url, checked to replace the note, ephemeral."""
    answer: dict[str, Any] = app.slack_api.wait_for_response(response_url).body
    assert answer["replace_original"] is True
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].strip()
    assert 0 < len(answer["blocks"]) <= MESSAGE_BLOCKS
    assert "Traceback" not in json.dumps(answer)
    return answer


def status_answer(
    app: SlackAppServer,
    text: str = "status",
    *,
    user: str = MEMBER,
    channel: str = CHANNEL,
    locale: str = "ja",
) -> dict[str, Any]:
    """Send `/kpi status …`: check the ack is the pending note; return the list replacing it."""
    response_url = app.slack_api.response_url()
    answer = app.command(text, user=user, channel=channel, response_url=response_url)
    assert ephemeral(answer) == pending_status(locale)
    return replacement(app, response_url)


# The grammar, form by form, in Japanese and English.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   ", Help()),
        ("help", Help()),
        ("HELP", Help()),
        ("ヘルプ", Help()),
        ("status", Status()),
        ("一覧", Status()),
        ("ステータス", Status()),
        ("status red", Status(level=Level.RED)),
        ("一覧 赤", Status(level=Level.RED)),
        ("一覧 緊急", Status(level=Level.RED)),
        ("status オレンジ", Status(level=Level.ORANGE)),
        ("ステータス 警戒", Status(level=Level.ORANGE)),
        ("status yellow", Status(level=Level.YELLOW)),
        ("一覧 黄", Status(level=Level.YELLOW)),
        ("status 注意", Status(level=Level.YELLOW)),
        ("status green", Status(level=Level.GREEN)),
        ("一覧 緑", Status(level=Level.GREEN)),
        ("一覧 順調", Status(level=Level.GREEN)),
        ("nps", ShowKpi(kpi="nps")),
        ("NPS", ShowKpi(kpi="nps")),
        ("顧客満足度", ShowKpi(kpi="csat")),
        ("Customer satisfaction (CSAT)", ShowKpi(kpi="csat")),
        ("LTV/CAC", ShowKpi(kpi="ltv_cac")),
        ("ltv cac", ShowKpi(kpi="ltv_cac")),
        ("LTV/CAC比率", ShowKpi(kpi="ltv_cac")),
        ("nps chart", ShowKpi(kpi="nps", action=KpiAction.CHART)),
        ("ltv cac chart", ShowKpi(kpi="ltv_cac", action=KpiAction.CHART)),
        ("NPS グラフ", ShowKpi(kpi="nps", action=KpiAction.CHART)),
        ("NPSのグラフ", ShowKpi(kpi="nps", action=KpiAction.CHART)),
        ("nps share", ShowKpi(kpi="nps", action=KpiAction.SHARE)),
        ("顧客満足度 共有", ShowKpi(kpi="csat", action=KpiAction.SHARE)),
        ("record brand_search_rank 4", Record(kpi="brand_search_rank", value=4)),
        (
            "記録 市場シェア 3.5 2026-11-01",
            Record(kpi="market_share", value=3.5, day=date(2026, 11, 1)),
        ),
        ("record team productivity 1,250", Record(kpi="team_productivity", value=1250)),
        (
            "record brand_search_rank delete 2026-11-20",
            DeleteRecord(kpi="brand_search_rank", day=date(2026, 11, 20)),
        ),
        (
            "記録 市場シェア 削除 2026-11-01",
            DeleteRecord(kpi="market_share", day=date(2026, 11, 1)),
        ),
    ],
)
def test_each_form_of_the_grammar_parses_in_japanese_and_english(text: str, expected: Any) -> None:
    assert GRAMMAR.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＮＰＳ", ShowKpi(kpi="nps")),
        ("ｎｐｓ　ｃｈａｒｔ", ShowKpi(kpi="nps", action=KpiAction.CHART)),
        ("ＬＴＶ／ＣＡＣ", ShowKpi(kpi="ltv_cac")),
        ("ステータス　赤", Status(level=Level.RED)),
        (
            "記録　市場シェア　３．５　２０２６－１１－０１",
            Record(kpi="market_share", value=3.5, day=date(2026, 11, 1)),
        ),
    ],
)
def test_full_width_input_means_the_same_as_half_width(text: str, expected: Any) -> None:
    assert GRAMMAR.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "problem", "word"),
    [
        ("status purple", Problem.BAD_LEVEL, "purple"),
        ("status purple green", Problem.BAD_LEVEL, "purple"),
        ("status red green", Problem.EXTRA_WORDS, "green"),
        ("help me", Problem.EXTRA_WORDS, "me"),
        ("ヘルプ して ください", Problem.EXTRA_WORDS, "して ください"),
        ("record", Problem.RECORD_USAGE, ""),
        ("record market_share", Problem.RECORD_USAGE, ""),
        ("record market_share lots", Problem.BAD_VALUE, "lots"),
        ("record market_share 3 2026-02-30", Problem.BAD_DATE, "2026-02-30"),
        # A deletion always names its day: it never means today.
        ("record market_share delete", Problem.RECORD_USAGE, ""),
        ("record market_share delete 2026-02-30", Problem.BAD_DATE, "2026-02-30"),
        ("x" * (MAX_TEXT + 1), Problem.TOO_LONG, ""),
    ],
)
def test_malformed_commands_name_their_problem_and_the_offending_words(
    text: str, problem: Problem, word: str
) -> None:
    assert GRAMMAR.parse(text) == UsageError(problem=problem, word=word)


def test_an_unknown_kpi_suggests_the_closest_ones() -> None:
    parsed = GRAMMAR.parse("npz")
    assert isinstance(parsed, UnknownKpi)
    assert parsed.query == "npz"
    assert "nps" in parsed.suggestions


def test_a_known_kpi_followed_by_unknown_words_is_offered_back() -> None:
    assert GRAMMAR.parse("nps please") == UnknownKpi(query="nps please", suggestions=["nps"])


def test_a_text_of_exactly_3000_characters_is_still_parsed() -> None:
    parsed = GRAMMAR.parse("x" * MAX_TEXT)
    assert isinstance(parsed, UnknownKpi)
    assert len(parsed.query) <= 100


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=MAX_TEXT + 50))
def test_the_grammar_never_raises(text: str) -> None:
    assert GRAMMAR.parse(text) is not None


# The answers, end to end.


def test_kpi_nps_answers_in_the_ack_with_the_kpi_detail(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    body = ephemeral(app.command("nps"))
    text = shown(body)
    assert "ネットプロモータースコア（NPS）" in text
    assert "73.1 pt" in text  # the demo data's value for November 2026
    assert "75.0 pt" in text  # Phase 3's target
    assert "Phase 3 2027年6月末目標" in text  # its due date, said once, by its label
    assert "97.4 %" in text
    assert "🟢" in text and "順調" in text
    assert "n=26" in text
    assert "前年同期" in text
    # A text answer needs no Web API call besides Bolt's one-time auth.test.
    assert [call.method for call in slack_api.calls] == ["auth.test"]


def test_in_english_every_string_of_the_answer_is_english(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    services = make_services(make_settings(demo_url, slack_api, locale="en"))
    app = start_app(services)
    text = shown(ephemeral(app.command("nps")))
    assert "Net Promoter Score (NPS)" in text
    assert "on track" in text
    assert not re.search(r"[\u3040-\u30ff]", text), "no kana in an English answer"


def test_full_width_input_gets_the_same_answer(app: SlackAppServer) -> None:
    assert ephemeral(app.command("ＮＰＳ"))["text"] == ephemeral(app.command("nps"))["text"]


@pytest.mark.parametrize("text", ["status", "一覧", "ステータス"])
def test_status_lists_every_kpi_by_tier(app: SlackAppServer, text: str) -> None:
    shown_text = shown(status_answer(app, text))
    for tier in ("戦略KPI", "事業KPI", "運営KPI", "顧客KPI"):
        assert tier in shown_text
    for kpi in load_catalog().kpis:
        assert kpi.name.ja in shown_text


@pytest.mark.parametrize("text", ["status red", "一覧 赤", "ステータス 緊急"])
def test_status_with_a_level_lists_only_that_level(app: SlackAppServer, text: str) -> None:
    body = status_answer(app, text)
    lines = [
        line
        for block in body["blocks"]
        if block["type"] == "section"
        for line in block["text"]["text"].splitlines()
        if line.startswith(("🟢", "🟡", "🟠", "🔴", "⚪"))
    ]
    assert lines
    assert all(line.startswith("🔴") for line in lines)


def test_status_acks_with_a_note_before_evaluating_any_kpi(
    app: SlackAppServer, slack_api: MockWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    acked = threading.Event()
    evaluated_after_the_ack: list[bool] = []
    states = Services.states

    def states_once_acked(self: Services) -> Any:
        evaluated_after_the_ack.append(acked.wait(timeout=10))
        return states(self)

    monkeypatch.setattr(Services, "states", states_once_acked)
    response_url = slack_api.response_url()
    body = ephemeral(app.command("status", response_url=response_url))
    acked.set()
    assert body == pending_status()
    assert "全KPIを集計しています" in body["text"]
    assert "NPS" not in shown(body)
    answer = replacement(app, response_url)
    assert "NPS" in shown(answer)
    assert evaluated_after_the_ack == [True]


def test_status_in_each_locale_notes_then_answers_in_that_locale(
    localized: tuple[Services, SlackAppServer],
) -> None:
    services, app = localized
    text = shown(status_answer(app, "status", locale=services.locale))
    if services.locale == "en":
        assert "Strategic" in text and "Net Promoter Score (NPS)" in text
        assert not re.search(r"[\u3040-\u30ff]", text), "no kana in an English answer"
    else:
        assert "戦略KPI" in text and "ネットプロモータースコア（NPS）" in text


@pytest.mark.parametrize("text", ["", "help", "ヘルプ"])
def test_empty_and_help_show_how_to_use_kpi(app: SlackAppServer, text: str) -> None:
    assert "/kpi status" in shown(ephemeral(app.command(text)))


def test_an_unknown_kpi_offers_buttons_for_the_closest_ones(app: SlackAppServer) -> None:
    body = ephemeral(app.command("npz"))
    buttons = [
        block["accessory"]
        for block in body["blocks"]
        if block.get("accessory", {}).get("type") == "button"
    ]
    assert {"action_id": "kpi_show", "value": "nps"}.items() <= buttons[0].items()
    assert "npz" in body["text"]


def test_slack_escaping_in_the_text_is_undone_and_user_text_is_escaped_again(
    app: SlackAppServer,
) -> None:
    body = ephemeral(app.command("&lt;b&gt;nps&amp;"))
    assert "&lt;b&gt;nps&amp;" in body["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("size", [MAX_TEXT, MAX_TEXT + 1])
def test_a_3000_character_input_gets_a_readable_answer(app: SlackAppServer, size: int) -> None:
    text = ("売上" * size)[:size]
    assert len(text) == size
    body = ephemeral(app.command(text))
    assert len(body["text"]) < 500


def measurements(services: Services) -> list[tuple[str, float]]:
    with sqlite3.connect(str(services.database.engine.url.database)) as connection:
        return connection.execute(
            "SELECT kpi, value FROM measurements WHERE id LIKE 'manual:%' ORDER BY at"
        ).fetchall()


def test_an_admin_records_a_measurement_and_gets_it_confirmed(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("記録 市場シェア 4.2 2026-11-20", user=ADMIN))
    assert "✅" in body["text"]
    assert "4.2 %" in shown(body)
    assert "2026-11-20" in shown(body)
    assert measurements(services) == [("market_share", 4.2)]


def test_recording_the_same_day_again_corrects_the_value(
    app: SlackAppServer, services: Services
) -> None:
    ephemeral(app.command("record brand_search_rank 5 2026-11-20", user=ADMIN))
    body = ephemeral(app.command("record brand_search_rank 4 2026-11-20", user=ADMIN))
    assert body["text"] == (
        "✅ *ブランド認知度（検索順位）* の 2026-11-20 の値を 5位 から 4位 に更新しました。"
    )
    assert measurements(services) == [("brand_search_rank", 4.0)]


def history(services: Services) -> list[tuple[str, float | None, float | None, str]]:
    with sqlite3.connect(str(services.database.engine.url.database)) as connection:
        return connection.execute(
            "SELECT kpi, value, previous, entered_by FROM measurement_changes"
            " WHERE measurement_id LIKE 'manual:%' ORDER BY id"
        ).fetchall()


def test_an_admin_deletes_a_wrong_value_and_the_history_names_them(
    app: SlackAppServer, services: Services
) -> None:
    ephemeral(app.command("record brand_search_rank 40 2026-11-20", user=ADMIN))
    ephemeral(app.command("record brand_search_rank 4 2026-11-21", user=ADMIN))
    body = ephemeral(app.command("記録 検索順位 削除 2026-11-20", user=ADMIN))
    assert body["text"] == (
        "🗑️ *ブランド認知度（検索順位）* の 2026-11-20 の値 40位 を削除しました。"
    )
    assert measurements(services) == [("brand_search_rank", 4.0)]
    assert history(services) == [
        ("brand_search_rank", 40.0, None, ADMIN),
        ("brand_search_rank", 4.0, None, ADMIN),
        ("brand_search_rank", None, 40.0, ADMIN),
    ]
    again = ephemeral(app.command("record brand_search_rank delete 2026-11-20", user=ADMIN))
    assert "何も削除していません" in again["text"]
    assert len(history(services)) == 3


def test_a_non_admin_cannot_delete_and_nothing_changes(
    app: SlackAppServer, services: Services
) -> None:
    ephemeral(app.command("record market_share 4.2 2026-11-20", user=ADMIN))
    body = ephemeral(app.command("record market_share delete 2026-11-20", user=MEMBER))
    assert f"<@{ADMIN}>" in shown(body)
    assert "🗑️" not in body["text"]
    assert measurements(services) == [("market_share", 4.2)]
    assert history(services) == [("market_share", 4.2, None, ADMIN)]


def test_a_computed_kpi_has_nothing_to_delete(app: SlackAppServer, services: Services) -> None:
    body = ephemeral(app.command("record nps delete 2026-11-20", user=ADMIN))
    assert "値を記録できません" in body["text"]
    assert history(services) == []


def test_a_non_admin_record_is_refused_politely_naming_who_can(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("record market_share 4.2", user=MEMBER))
    assert f"<@{ADMIN}>" in shown(body)
    assert "✅" not in body["text"]
    assert measurements(services) == []


def test_a_computed_kpi_cannot_be_recorded(app: SlackAppServer, services: Services) -> None:
    body = ephemeral(app.command("record nps 80", user=ADMIN))
    assert "✅" not in body["text"]
    assert measurements(services) == []


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("record brand_search_rank 0", "1以上1,000以下の整数"),
        ("record brand_search_rank -3", "1以上1,000以下の整数"),
        ("record brand_search_rank 1.5", "1以上1,000以下の整数"),
        ("record market_share 150", "0以上100以下の数値"),
        ("record market_share -5", "0以上100以下の数値"),
        ("record market_share 1e16", "0以上100以下の数値"),
        ("record team_productivity 0", "0より大きく1,000,000以下の数値"),
    ],
)
def test_a_value_the_kpi_cannot_take_is_refused_saying_what_it_can(
    app: SlackAppServer, services: Services, text: str, allowed: str
) -> None:
    body = ephemeral(app.command(text, user=ADMIN))
    assert "✅" not in body["text"]
    assert allowed in shown(body)
    assert measurements(services) == []


def test_commas_that_are_not_thousands_separators_are_no_number(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("record market_share 1,2,3", user=ADMIN))
    assert "✅" not in body["text"]
    assert measurements(services) == []
    ephemeral(app.command("record brand_search_rank 1,000 2026-11-20", user=ADMIN))
    assert measurements(services) == [("brand_search_rank", 1000.0)]


def test_a_measurement_dated_after_today_is_refused(
    app: SlackAppServer, services: Services
) -> None:
    tomorrow = services.now().date() + timedelta(days=1)
    body = ephemeral(app.command(f"record market_share 4.2 {tomorrow}", user=ADMIN))
    assert "✅" not in body["text"]
    assert f"{tomorrow} は未来の日付です" in shown(body)
    assert measurements(services) == []
    today = ephemeral(
        app.command(f"record market_share 4.2 {tomorrow - timedelta(days=1)}", user=ADMIN)
    )
    assert "✅" in today["text"]


@pytest.fixture(params=["ja", "en"])
def localized(
    request: pytest.FixtureRequest,
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> Iterator[tuple[Services, SlackAppServer]]:
    """The services and app answering in Japanese, then in English."""
    services = make_services(make_settings(demo_url, slack_api, locale=request.param))
    try:
        yield services, start_app(services)
    finally:
        services.database.engine.dispose()


# What each malformed command is told, in each locale; every answer then shows the commands.
REFUSALS: list[tuple[str, dict[str, str]]] = [
    (
        "record nps 80",
        {
            "ja": "*ネットプロモータースコア（NPS）* は kpibot がデータから計算するKPIのため、"
            "値を記録できません。\n記録できるKPI: ブランド認知度（検索順位） `brand_search_rank`、",
            "en": "*Net Promoter Score (NPS)* is computed by kpibot from its data, so it cannot"
            " be recorded.\nKPIs you can record: Brand awareness (search rank)"
            " `brand_search_rank`, ",
        },
    ),
    (
        "record brand_search_rank abc",
        {
            "ja": "値「abc」は数値ではありません。",
            "en": "The value “abc” is not a number.",
        },
    ),
    (
        "record brand_search_rank 3 2026-13-01",
        {
            "ja": "「2026-13-01」は正しい日付ではありません。YYYY-MM-DD の形で",
            "en": "“2026-13-01” is not a valid date. Please write it as YYYY-MM-DD",
        },
    ),
    (  # a real date, but outside the range the database keeps
        "record brand_search_rank 3 1899-12-31",
        {
            "ja": "「1899-12-31」は正しい日付ではありません。",
            "en": "“1899-12-31” is not a valid date.",
        },
    ),
    (
        "status purple",
        {
            "ja": "「purple」はレベルとして指定できません。",
            "en": "“purple” is not a level. Please use red, orange, yellow or green.",
        },
    ),
    (
        "help me",
        {
            "ja": "`help` や `status レベル` の後ろに余分な語「me」があります。",
            "en": "There are extra words after `help` or `status LEVEL`: “me”.",
        },
    ),
    (
        "x" * (MAX_TEXT + 1),
        {
            "ja": "入力が長すぎます。3,000文字以内で入力してください。",
            "en": "That text is too long. Please keep it within 3,000 characters.",
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), REFUSALS, ids=[text[:40] for text, _ in REFUSALS])
def test_a_malformed_command_is_told_exactly_what_is_wrong(
    localized: tuple[Services, SlackAppServer], text: str, expected: dict[str, str]
) -> None:
    services, app = localized
    body = ephemeral(app.command(text, user=ADMIN))
    assert body["text"].startswith(expected[services.locale])
    assert body["blocks"][0]["text"]["text"].startswith(expected[services.locale])
    assert len(body["text"]) < 500
    assert measurements(services) == []
    if not text.startswith("record nps"):
        assert "/kpi status" in shown(body)  # then the commands, as `/kpi help` shows them
    if services.locale == "en":
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", shown(body))


# Restricted KPIs.

SECRET_CHANNEL = "C0BOARD"
BOSS = "U0BOSS"


@pytest.fixture
def restricted_app(
    tmp_path: Path,
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> SlackAppServer:
    """The app with a catalog (a file, as KPIBOT_CATALOG names) restricting NPS."""
    custom = restricted_catalog(tmp_path, {"nps"}, channel=SECRET_CHANNEL, user=BOSS)
    settings = make_settings(demo_url, slack_api, catalog=custom)
    return start_app(make_services(settings))


def test_a_restricted_kpi_elsewhere_says_so_without_the_value(
    restricted_app: SlackAppServer,
) -> None:
    body = ephemeral(restricted_app.command("nps", user=MEMBER, channel=CHANNEL))
    text = shown(body)
    assert "🔒" in text
    assert "73.1" not in text


@pytest.mark.parametrize(("user", "channel"), [(BOSS, CHANNEL), (MEMBER, SECRET_CHANNEL)])
def test_a_restricted_kpi_shows_to_its_users_and_in_its_channels(
    restricted_app: SlackAppServer, user: str, channel: str
) -> None:
    text = shown(ephemeral(restricted_app.command("nps", user=user, channel=channel)))
    assert "73.1 pt" in text


def test_status_leaves_out_restricted_kpis_the_user_may_not_see(
    restricted_app: SlackAppServer,
) -> None:
    assert "NPS" not in shown(status_answer(restricted_app, user=MEMBER))
    assert "NPS" in shown(status_answer(restricted_app, user=BOSS))
    assert "NPS" in shown(status_answer(restricted_app, user=MEMBER, channel=SECRET_CHANNEL))


def test_a_restricted_kpi_is_not_shared_where_the_channel_may_not_see_it(
    restricted_app: SlackAppServer, slack_api: MockWebApi
) -> None:
    body = ephemeral(restricted_app.command("nps share", user=BOSS, channel=CHANNEL))
    assert "🔒" in shown(body)
    body = ephemeral(restricted_app.command("nps chart", user=BOSS, channel=CHANNEL))
    assert "🔒" in shown(body)
    restricted_app.command("csat share", user=BOSS, channel=CHANNEL)
    slack_api.wait_for("chat.postMessage")  # the next follow-up has run: none of NPS's did
    assert all(call.body.get("channel") == CHANNEL for call in slack_api.called("chat."))
    assert len(slack_api.called("chat.postMessage")) == 1
    assert not slack_api.called("files.")


# After the ack: charts and shared answers.


def test_a_chart_is_uploaded_into_the_channel_after_the_ack(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    body = ephemeral(app.command("nps chart"))
    assert "📈" in body["text"]
    slack_api.wait_for("response/")
    upload_url = slack_api.called("files.getUploadURLExternal")[0].body
    assert upload_url["filename"] == "nps.png"
    assert int(upload_url["length"]) > 1000
    assert slack_api.called("upload/")[0].raw.startswith(PNG_MAGIC)
    completed = slack_api.called("files.completeUploadExternal")[0].body
    assert completed["channel_id"] == CHANNEL
    assert "NPS" in completed["initial_comment"]
    assert slack_api.called("response/")[0].body == {"delete_original": True}


def test_share_posts_the_answer_in_the_channel(app: SlackAppServer, slack_api: MockWebApi) -> None:
    answer = app.command("顧客満足度 共有")
    assert (answer.status, answer.raw) == (200, b"")
    posted = slack_api.wait_for("chat.postMessage")
    message = slack_api.called("chat.postMessage")[0].body
    assert message["channel"] == CHANNEL
    assert "顧客満足度" in message["text"]
    assert len(message["blocks"]) <= MESSAGE_BLOCKS
    assert posted


@pytest.mark.parametrize(
    ("command", "method", "code"),
    [
        ("nps share", "chat.postMessage", "not_in_channel"),
        ("nps chart", "files.completeUploadExternal", "channel_not_found"),
    ],
)
def test_a_bot_outside_the_channel_asks_to_be_invited(
    app: SlackAppServer, slack_api: MockWebApi, command: str, method: str, code: str
) -> None:
    slack_api.fail(method, code)
    app.command(command)
    slack_api.wait_for("response/")
    answer = slack_api.called("response/")[0].body
    assert answer["response_type"] == "ephemeral"
    assert "/invite @kpibot" in answer["text"]


# Failures.


def test_an_unexpected_error_is_an_apology_with_a_reference_also_in_the_log(
    app: SlackAppServer,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals at 0xdeadbeef")

    monkeypatch.setattr(Services, "state", broken)
    with caplog.at_level(logging.ERROR, logger="kpibot.slack"):
        body = ephemeral(app.command("nps"))
    text = shown(body)
    assert "0xdeadbeef" not in text and "Traceback" not in text
    reference = re.search(r"`([0-9a-f]{8})`", text)
    assert reference is not None
    assert any(reference.group(1) in record.getMessage() for record in caplog.records)


def test_an_error_after_the_ack_is_answered_through_the_response_url(
    app: SlackAppServer, slack_api: MockWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("bot.slack.listeners.commands.render_kpi_chart", broken)
    app.command("nps chart")
    slack_api.wait_for("response/")
    answer = slack_api.called("response/")[0].body
    assert answer["response_type"] == "ephemeral"
    assert "exploded" not in json.dumps(answer)
    assert re.search(r"`[0-9a-f]{8}`", json.dumps(answer, ensure_ascii=False))


def test_an_error_evaluating_the_status_is_answered_after_the_note(
    app: SlackAppServer,
    slack_api: MockWebApi,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals at 0xdeadbeef")

    monkeypatch.setattr(Services, "states", broken)
    response_url = slack_api.response_url()
    with caplog.at_level(logging.ERROR, logger="kpibot.slack"):
        assert ephemeral(app.command("status", response_url=response_url)) == pending_status()
        answer = slack_api.wait_for_response(response_url).body
    assert answer["response_type"] == "ephemeral"
    text = json.dumps(answer, ensure_ascii=False)
    assert "0xdeadbeef" not in text and "Traceback" not in text
    reference = re.search(r"`([0-9a-f]{8})`", text)
    assert reference is not None
    assert any(reference.group(1) in record.getMessage() for record in caplog.records)


# Whatever the text, a readable answer.


@hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(
            alphabet=st.sampled_from("nps 一覧記録 status red グラフ共有 0123456789-./ＮＰＳ　"),
            max_size=40,
        ),
        st.builds(
            lambda words: " ".join(words),
            st.lists(
                st.sampled_from(
                    [
                        "nps",
                        "status",
                        "record",
                        "記録",
                        "chart",
                        "share",
                        "一覧",
                        "赤",
                        "ltv",
                        "cac",
                        "市場シェア",
                        "4.5",
                        "2026-11-01",
                        "help",
                        "&amp;",
                        "<",
                        "ＬＴＶ",
                    ]
                ),
                max_size=6,
            ),
        ),
    )
)
def test_any_text_gets_a_200_and_a_readable_answer(app: SlackAppServer, text: str) -> None:
    response_url = app.slack_api.response_url()
    answer = app.command(text, response_url=response_url)
    assert answer.status == 200
    assert "Traceback" not in answer.text
    if answer.raw:  # share acks empty: its answer is the post that follows
        body = answer.json
        assert body["text"].strip()
        assert len(body["blocks"]) <= MESSAGE_BLOCKS
        if body == pending_status():  # status: its answer replaces the note
            replacement(app, response_url)


def test_record_behind_a_long_import_answers_busy_within_slacks_three_seconds(
    app: SlackAppServer, services: Services
) -> None:
    with services.database.write():  # as an import holding the writer lock
        started = time.monotonic()
        body = ephemeral(app.command("record market_share 4.2 2026-11-20", user=ADMIN))
        waited = time.monotonic() - started
    assert body["text"] == (
        "⏳ データの取り込み中のため、いまは処理できません。1分ほどしてからもう一度お試しください。"
    )
    assert waited < 3.0
    assert measurements(services) == []
