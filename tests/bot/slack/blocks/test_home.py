"""The App Home tab: the realtime dashboard and every KPI's level, within 100 blocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from bot.slack.blocks.home import home_view
from bot.slack.blocks.ids import ActionId
from bot.slack.blocks.limits import HOME_BLOCKS
from bot.slack.copy import level_emoji
from kpi_engine.catalog import Tier
from tests.bot.slack.blocks.slack_checks import (
    JAPANESE,
    TOKYO,
    Demo,
    all_text,
    catalog_texts,
    check_home,
    load_demo,
    own_text,
)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory)


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [block["accessory"] for block in payload["blocks"] if "accessory" in block]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_home_is_a_valid_home_view_within_a_hundred_blocks(demo: Demo, locale: str) -> None:
    payload = check_home(home_view(demo.board, demo.states, locale, frozenset()))
    assert payload["type"] == "home"
    assert len(payload["blocks"]) <= HOME_BLOCKS


def test_home_shows_the_documents_realtime_dashboard(demo: Demo) -> None:
    board = demo.board
    text = all_text(check_home(home_view(board, demo.states, "ja", frozenset())))
    assert "2026-11-23 終了時点" in text  # the demo is evaluated at the end of its last day
    assert f"*売上*\n¥{board.revenue_today:,.0f}\n決済 {board.payments_today:,}件" in text
    assert f"*受講開始*\n{board.enrollments_today:,}件" in text
    assert f"*新規顧客*\n{board.new_customers_today:,}人" in text
    assert board.uptime_today is not None and board.uptime_month is not None
    assert f"*本日の稼働率*\n{board.uptime_today:.1f} %" in text
    assert f"*今月の稼働率*\n{board.uptime_month:.1f} %" in text
    assert f"*未対応チケット*\n{board.open_tickets:,}件" in text
    assert "*24時間以内回答率*\n100.0 %" in text  # judged on last week: none yet this week
    assert f"*受講中の受講生*\n{board.active_students:,}人" in text
    completion = demo.state("completion_rate").current.value
    assert completion is not None
    assert f"*完走率*\n{completion:.1f} %" in text


def test_home_counts_say_what_they_count_in_english_too(demo: Demo) -> None:
    board = replace(demo.board, new_customers_today=1, active_students=1014, open_tickets=3)
    text = all_text(check_home(home_view(board, demo.states, "en", frozenset())))
    assert "as of the end of 2026-11-23" in text
    assert "*New customers*\n1 person" in text
    assert "*Active students*\n1,014 people" in text
    assert "*Open tickets*\n3" in text  # the label names what is counted
    assert "🟢 *Cumulative students*: 1,049 people / target 1,500 people" in text


def test_an_open_downtime_is_shown_with_its_start(demo: Demo) -> None:
    up = all_text(check_home(home_view(demo.board, demo.states, "en", frozenset())))
    assert "*Now*\n🟢 Up" in up
    since = datetime(2026, 11, 23, 14, 5, tzinfo=TOKYO)
    down = replace(demo.board, open_downtime_since=since)
    assert "*Now*\n🔴 Down since 2026-11-23 14:05" in all_text(
        check_home(home_view(down, demo.states, "en", frozenset()))
    )


def test_every_kpi_has_its_level_and_a_button_by_tier(demo: Demo) -> None:
    payload = check_home(home_view(demo.board, demo.states, "ja", frozenset()))
    assert [(b["action_id"], b["value"]) for b in buttons(payload)] == [
        (ActionId.SHOW_KPI, kpi.id) for tier in Tier for kpi in demo.catalog.by_tier()[tier]
    ]
    headers = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "header"]
    assert headers == ["KPIダッシュボード", "戦略KPI", "事業KPI", "運営KPI", "顧客KPI"]
    text = all_text(payload)
    for state in demo.states:
        assert f"{level_emoji(state.level)} *{state.kpi.name.ja}*:" in text


def test_home_with_more_kpis_than_fit_says_how_many_are_left_out(demo: Demo) -> None:
    many = demo.states * 6
    payload = check_home(home_view(demo.board, many, "en", frozenset()))
    assert len(payload["blocks"]) == HOME_BLOCKS
    left_out = len(many) - len(buttons(payload))
    assert left_out > 0
    assert f"{left_out} more not shown" in payload["blocks"][-1]["elements"][0]["text"]


def test_home_with_no_kpis_and_no_data_still_publishes(demo: Demo) -> None:
    empty = replace(demo.board, uptime_today=None, uptime_month=None, revenue_today=0.0)
    text = all_text(check_home(home_view(empty, [], "en", frozenset())))
    assert "*Uptime today*\n-" in text
    assert "*Answered within 24 h*\n-" in text


def test_home_in_english_has_no_japanese_but_catalog_names(demo: Demo) -> None:
    payload = check_home(home_view(demo.board, demo.states, "en", frozenset()))
    mine = own_text(all_text(payload), catalog_texts(demo.catalog.kpis, demo.catalog, "en"))
    assert not JAPANESE.search(mine), JAPANESE.findall(mine)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_figure_hidden_still_makes_a_valid_home_within_limits(
    demo: Demo, locale: str
) -> None:
    every_kpi = frozenset(state.kpi.id for state in demo.states)
    payload = check_home(home_view(demo.board, [], locale, every_kpi))
    assert len(payload["blocks"]) <= HOME_BLOCKS
    text = all_text(payload)
    assert f"{demo.board.revenue_today:,.0f}" not in text
    hidden = "🔒 非表示" if locale == "ja" else "🔒 hidden"
    assert text.count(hidden) == 11  # every field of the four panels
