"""`/kpi actions` and `/kpi action add|done` as Slack sends them: signed requests to the app."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.grammar import AddAction, CloseAction, Grammar, ListActions, UsageError
from bot.slack.problems import Problem
from bot.slack.services import Services
from kpi_engine.catalog import load_catalog
from storage.actions import MAX_ACTION_LENGTH, StoredAction, add_action, get_action, open_actions
from tests.bot.conftest import (
    ADMIN,
    MEMBER,
    NOW,
    SlackAppServer,
    make_services,
    make_settings,
    restricted_catalog,
)
from tests.bot.mock_web_api import MockWebApi
from tests.bot.slack.blocks.slack_checks import check_message
from tests.bot.slack.listeners.test_commands import ephemeral, shown

GRAMMAR = Grammar(load_catalog())
OWNER = "U0OWNER"
OTHER = "U0OTHER"
NPS = "ネットプロモータースコア（NPS）"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actions", ListActions()),
        ("アクション一覧", ListActions()),
        (
            "action add nps 解約者に電話 <@U0OWNER|taro> 2026-12-01",
            AddAction(kpi="nps", text="解約者に電話", owner=OWNER, due=date(2026, 12, 1)),
        ),
        # The owner and the day in either order; a date inside the text stays text.
        (
            "アクション 追加 NPS 2026-12-01 までに調査 2026-12-05 <@U0OWNER>",
            AddAction(kpi="nps", text="2026-12-01 までに調査", owner=OWNER, due=date(2026, 12, 5)),
        ),
        (
            "action add ltv cac fix &lt;!channel&gt; &amp; more",
            AddAction(kpi="ltv_cac", text="fix <!channel> & more"),
        ),
        ("action done 12", CloseAction(action_id=12)),
        ("アクション 完了 #7", CloseAction(action_id=7)),
        ("action", UsageError(problem=Problem.ACTION_USAGE)),
        ("action remove 3", UsageError(problem=Problem.ACTION_USAGE, word="remove")),
        ("action add", UsageError(problem=Problem.ACTION_USAGE, word="add")),
        ("action add nps", UsageError(problem=Problem.ACTION_EMPTY)),
        ("action add nps call @taro", UsageError(problem=Problem.BAD_OWNER, word="@taro")),
        ("action add nps call <@bad>", UsageError(problem=Problem.BAD_OWNER, word="<@bad>")),
        ("action add nps call 2026-02-30", UsageError(problem=Problem.BAD_DATE, word="2026-02-30")),
        ("action done", UsageError(problem=Problem.BAD_ACTION_ID)),
        ("action done twelve", UsageError(problem=Problem.BAD_ACTION_ID, word="twelve")),
        ("action done 1234567890", UsageError(problem=Problem.BAD_ACTION_ID, word="1234567890")),
        ("actions all", UsageError(problem=Problem.EXTRA_WORDS, word="all")),
    ],
)
def test_the_action_grammar(text: str, expected: Any) -> None:
    assert GRAMMAR.parse(text) == expected


def stored(services: Services) -> list[StoredAction]:
    with services.database.read() as connection:
        return open_actions(connection)


def test_a_member_records_an_action_with_owner_and_due_day(
    app: SlackAppServer, services: Services
) -> None:
    body = ephemeral(app.command("action add nps 解約者にヒアリング <@U0OWNER|taro> 2026-12-01"))
    (action,) = stored(services)
    assert body["text"] == (
        f"✅ 改善アクション *#{action.id}* を登録しました: *{NPS}* — 解約者にヒアリング"
        "（担当: <@U0OWNER>）（期限: 2026-12-01）"
    )
    assert (action.kpi, action.text, action.owner, action.due, action.created_by) == (
        "nps",
        "解約者にヒアリング",
        OWNER,
        date(2026, 12, 1),
        MEMBER,
    )
    assert action.created_at == NOW.astimezone(UTC)
    assert action.episode is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("action add nps call @taro", "担当者「@taro」をSlackのメンションとして受け取れません"),
        ("action add nps call 2026-11-22", "期限 2026-11-22 は過ぎた日付です（今日は 2026-11-23）"),
        ("action add nps call 2026-13-01", "2026-13-01"),
        ("action add nps", "アクションの内容がありません"),
        ("action add nps " + "x" * (MAX_ACTION_LENGTH + 1), "長すぎます（501文字）"),
        ("action add unknownkpi call", "一致するKPIが見つかりませんでした"),
        ("action frobnicate", "使い方: `/kpi action add"),
    ],
)
def test_a_bad_action_says_what_is_wrong_and_stores_nothing(
    app: SlackAppServer, services: Services, text: str, says: str
) -> None:
    body = ephemeral(app.command(text))
    assert says in body["text"]
    assert stored(services) == []


def test_an_action_due_today_is_accepted(app: SlackAppServer, services: Services) -> None:
    ephemeral(app.command("action add nps call 2026-11-23"))
    assert [a.due for a in stored(services)] == [date(2026, 11, 23)]


def add(services: Services, text: str, due: date | None, by: str = MEMBER) -> int:
    with services.database.write() as connection:
        return add_action(
            connection,
            kpi="nps",
            text=text,
            owner=OWNER,
            due=due,
            created_by=by,
            at=datetime(2026, 11, 1, tzinfo=UTC),
        ).id


def test_actions_list_the_open_ones_by_due_day_overdue_marked_and_text_escaped(
    app: SlackAppServer, services: Services
) -> None:
    later = add(services, "later", date(2026, 12, 10))
    undated = add(services, "someday", None)
    overdue = add(services, "<!channel> & <https://evil.example|login>", date(2026, 11, 20))
    body = ephemeral(app.command("actions"))
    text = shown(body)
    assert body["text"] == "未完了の改善アクション（期限順）"
    lines = body["blocks"][1]["text"]["text"].split("\n")
    assert lines == [
        f"• *#{overdue}* ⚠️ 2026-11-20 期限切れ *ネットプロモータースコア（NPS）*: "
        "&lt;!channel&gt; &amp; &lt;https://evil.example|login&gt;（担当: <@U0OWNER>）",
        f"• *#{later}* 2026-12-10 *ネットプロモータースコア（NPS）*: later（担当: <@U0OWNER>）",
        f"• *#{undated}* 期限なし *ネットプロモータースコア（NPS）*: someday（担当: <@U0OWNER>）",
    ]
    assert "<!channel>" not in text
    check_message(services.actions(user_id=MEMBER, channel_id=None))


def test_no_open_action_says_how_to_add_one(app: SlackAppServer) -> None:
    body = ephemeral(app.command("アクション一覧"))
    assert "未完了の改善アクションはありません。" in shown(body)


def test_a_long_list_fits_one_message_and_says_how_many_are_left_out(services: Services) -> None:
    with services.database.write() as connection:
        for number in range(800):
            add_action(
                connection,
                kpi="nps",
                text=f"action {number} " + "y" * 250,
                owner=OWNER,
                due=date(2026, 12, 1),
                created_by=MEMBER,
                at=datetime(2026, 11, 1, tzinfo=UTC),
            )
    payload = check_message(services.actions(user_id=MEMBER, channel_id=None))
    listed = sum(
        block["text"]["text"].count("\n") + 1
        for block in payload["blocks"]
        if block["type"] == "section"
    )
    more = payload["blocks"][-2]["elements"][0]["text"]
    assert listed < 800
    assert more == f"ほか {800 - listed}件（表示しきれません）"


@pytest.mark.parametrize("closer", [OWNER, MEMBER, ADMIN])
def test_the_owner_the_creator_or_an_admin_closes_an_action(
    app: SlackAppServer, services: Services, closer: str
) -> None:
    action_id = add(services, "call", date(2026, 12, 1), by=MEMBER)
    body = ephemeral(app.command(f"action done {action_id}", user=closer))
    assert body["text"] == f"✅ 改善アクション *#{action_id}*（*{NPS}*: call）を完了にしました。"
    with services.database.read() as connection:
        action = get_action(connection, action_id)
    assert action is not None
    assert (action.status, action.done_by, action.done_at) == ("done", closer, NOW.astimezone(UTC))
    again = ephemeral(app.command(f"アクション 完了 {action_id}", user=closer))
    assert again["text"] == (
        f"改善アクション *#{action_id}* はすでに完了しています（<@{closer}>、2026-11-23 15:00）。"
    )


def test_anyone_else_may_not_close_an_action_and_nothing_changes(
    app: SlackAppServer, services: Services
) -> None:
    action_id = add(services, "call", date(2026, 12, 1), by=MEMBER)
    body = ephemeral(app.command(f"action done {action_id}", user=OTHER))
    assert body["text"] == (
        f"⚠️ 改善アクション *#{action_id}* を完了にできるのは、担当者・登録した人・管理者だけです"
        "（<@U0OWNER>、<@U0MEMBER>）。何も変更していません。"
    )
    assert [a.id for a in stored(services)] == [action_id]


def test_closing_an_unknown_action_says_so(app: SlackAppServer) -> None:
    body = ephemeral(app.command("action done 99"))
    assert body["text"] == (
        "⚠️ 改善アクション #99 は見つかりません。`/kpi actions` で番号を確認してください。"
    )


BOSS = "U0BOSS"
BOARD = "C0BOARD"


def test_actions_on_a_restricted_kpi_are_as_restricted_as_its_value(
    tmp_path: Path,
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> None:
    custom = restricted_catalog(tmp_path, {"mrr"}, channel=BOARD, user=BOSS)
    services = make_services(make_settings(demo_url, slack_api, catalog=custom))
    try:
        _restricted_actions(start_app(services), services)
    finally:
        services.followups.close()
        services.database.engine.dispose()


def _restricted_actions(app: SlackAppServer, services: Services) -> None:
    refused = ephemeral(app.command("action add mrr 価格改定の検討"))
    assert "閲覧が制限されたKPIのため" in refused["text"]
    assert stored(services) == []
    ephemeral(app.command("action add mrr 価格改定の検討", user=BOSS))
    (action,) = stored(services)
    member_view = shown(ephemeral(app.command("actions")))
    assert "価格改定" not in member_view
    assert "閲覧が制限されたKPIのアクション 1件は表示していません" in member_view
    assert "価格改定の検討" in shown(ephemeral(app.command("actions", channel=BOARD)))
    # Closing one names no number a member could not see.
    closing = ephemeral(app.command(f"action done {action.id}", user=ADMIN))
    assert "見つかりません" in closing["text"]
    assert [a.id for a in stored(services)] == [action.id]


@given(number=st.integers(min_value=0, max_value=10**10))
def test_an_action_number_is_one_to_nine_digits(number: int) -> None:
    parsed = GRAMMAR.parse(f"action done {number}")
    if len(str(number)) <= 9:
        assert parsed == CloseAction(action_id=number)
    else:
        assert parsed == UsageError(problem=Problem.BAD_ACTION_ID, word=str(number))


@given(text=st.text(max_size=200))
def test_any_action_text_parses_to_a_command_without_raising(text: str) -> None:
    parsed = GRAMMAR.parse(f"action add nps {text}")
    if isinstance(parsed, AddAction):
        assert parsed.kpi == "nps" and parsed.text.strip()
        assert parsed.owner is None or parsed.owner.startswith(("U", "W"))
