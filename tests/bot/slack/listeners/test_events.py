"""The App Home: published when a user opens it; its KPI buttons answer with the detail."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.slack.services import Services
from tests.bot.conftest import (
    CHANNEL,
    MEMBER,
    SlackAppServer,
    make_services,
    make_settings,
    restricted_catalog,
)
from tests.bot.mock_web_api import MockWebApi

HOME_BLOCKS = 100


def home_opened(tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": MEMBER,
        "channel": "D0KPIBOT",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def button(container: dict[str, Any], value: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": MEMBER, "username": "someone", "team_id": "T0TEST"},
        "api_app_id": "A0KPIBOT",
        "team": {"id": "T0TEST", "domain": "kpibot-test"},
        "container": container,
        "trigger_id": f"1.{uuid.uuid4().hex}",
        "actions": [
            {
                "type": "button",
                "action_id": "kpi_show",
                "block_id": f"home_kpi.{value}",
                "value": value,
                "text": {"type": "plain_text", "text": value},
                "action_ts": f"{time.time():.6f}",
            }
        ],
        **extra,
    }


def test_opening_the_home_tab_publishes_the_dashboard(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    answer = app.event(home_opened())
    assert answer.status == 200
    slack_api.wait_for("views.publish")
    published = slack_api.called("views.publish")[0].body
    assert published["user_id"] == MEMBER
    view = published["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    assert 0 < len(view["blocks"]) <= HOME_BLOCKS
    shown = json.dumps(view, ensure_ascii=False)
    for section in ("本日の売上", "システム稼働状況", "サポート対応状況", "受講進捗状況"):
        assert section in shown
    buttons = [
        element
        for block in view["blocks"]
        for element in [block.get("accessory") or {}, *block.get("elements", [])]
        if element.get("action_id") == "kpi_show"
    ]
    assert {button["value"] for button in buttons} >= {"nps", "mrr", "csat"}


def test_the_messages_tab_opening_publishes_nothing(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    assert app.event(home_opened(tab="messages")).status == 200
    # A command afterwards is answered; by then the event's listener has long finished, and
    # closing the pool waits for any work after its ack.
    app.command("help")
    services.followups.close()
    assert not slack_api.called("views.publish")


def test_a_kpi_button_in_the_home_sends_the_detail_as_a_dm(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    payload = button({"type": "view", "view_id": "V0HOME"}, "nps", view={"id": "V0HOME"})
    assert app.action(payload).status == 200
    slack_api.wait_for("chat.postMessage")
    message = slack_api.called("chat.postMessage")[0].body
    assert message["channel"] == MEMBER
    assert "NPS" in message["text"]


def test_a_did_you_mean_button_replaces_the_question_with_the_detail(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    payload = button(
        {"type": "message", "message_ts": "1700000000.000001", "is_ephemeral": True},
        "csat",
        channel={"id": CHANNEL, "name": "general"},
        response_url=slack_api.response_url(),
    )
    assert app.action(payload).status == 200
    slack_api.wait_for("response/")
    answer = slack_api.called("response/")[0].body
    assert answer["replace_original"] is True
    assert answer["response_type"] == "ephemeral"
    assert "顧客満足度" in answer["text"]
    assert not slack_api.called("chat.postMessage")


def test_a_button_for_a_kpi_the_catalog_no_longer_has_says_it_is_unknown(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    payload = button(
        {"type": "message", "message_ts": "1700000000.000001", "is_ephemeral": True},
        "retired_kpi",
        channel={"id": CHANNEL, "name": "general"},
        response_url=slack_api.response_url(),
    )
    assert app.action(payload).status == 200
    slack_api.wait_for("response/")
    answer = slack_api.called("response/")[0].body
    assert "retired_kpi" in answer["text"]
    assert "Traceback" not in json.dumps(answer)


# Restricted KPIs: the dashboard figures that reveal them are hidden too.

BOARD_CHANNEL = "C0BOARD"
BOSS = "U0BOSS"


@pytest.fixture
def restricted_home(
    tmp_path: Path,
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> SlackAppServer:
    """The app with uptime, MRR and annual revenue visible only to BOSS and #board."""
    restricted = {"uptime", "mrr", "annual_revenue"}
    custom = restricted_catalog(tmp_path, restricted, channel=BOARD_CHANNEL, user=BOSS)
    settings = make_settings(demo_url, slack_api, catalog=custom)
    return start_app(make_services(settings))


def dashboard_fields(app: SlackAppServer, slack_api: MockWebApi, user: str) -> dict[str, str]:
    """Open the Home tab as a user; each dashboard field's label and value."""
    slack_api.reset()
    assert app.event({**home_opened(), "user": user}).status == 200
    slack_api.wait_for("views.publish")
    view = slack_api.called("views.publish")[0].body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    fields = [field["text"] for block in view["blocks"] for field in block.get("fields") or []]
    return dict(text.removeprefix("*").split("*\n", 1) for text in fields)


def test_the_home_tab_hides_figures_of_kpis_the_viewer_may_not_see(
    restricted_home: SlackAppServer, slack_api: MockWebApi
) -> None:
    hidden = "🔒 非表示"
    member = dashboard_fields(restricted_home, slack_api, MEMBER)
    for label in ("売上", "本日の稼働率", "今月の稼働率", "現在"):
        assert member[label] == hidden, label
    assert member["完走率"] != hidden and member["受講開始"] != hidden
    shown = json.dumps(slack_api.called("views.publish")[0].body, ensure_ascii=False)
    assert "閲覧が制限されたKPI" in shown
    boss = dashboard_fields(restricted_home, slack_api, BOSS)
    assert hidden not in boss.values()
    assert boss["本日の稼働率"].endswith("%") and boss["売上"].startswith("¥")
