"""The alert buttons and their modals as Slack sends them: signed block_actions and
view_submission requests, the mock Web API answering conversations.members. What a press
writes (acknowledge, snooze, record action, and their repeats) is tested on SQLite and on
PostgreSQL; refusals, which write only their audit row, on SQLite."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.jobs.delivery import Deliverer, enqueue_post
from bot.settings import Settings
from bot.slack.client import build_outbox_client
from bot.slack.services import Services
from kpi_engine.alerts import AlertMemory
from kpi_engine.levels import Level
from storage.actions import open_actions
from storage.alerts import AuditEntry, ensure_states, history, list_states, save_state
from tests.bot.conftest import MEMBER, NOW, TOKYO, SlackAppServer, make_settings
from tests.bot.mock_web_api import MockWebApi

ALERTS = "C0ALERTS"
OUTSIDER = "U0OUTSIDER"
OWNER = "U0OWNER"
EPISODE = 3
# For the tests of refusals: the backend's behaviour is the acknowledge and modal tests'.
ON_SQLITE = pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)


@pytest.fixture
def settings(migrated_url: str, slack_api: MockWebApi) -> Settings:
    """The app's settings on a migrated database of each backend: the presses need no data."""
    return make_settings(migrated_url, slack_api)


@pytest.fixture
def open_alert(services: Services, slack_api: MockWebApi) -> None:
    """NPS at orange, episode 3, in the alerts channel whose members are MEMBER and OWNER."""
    slack_api.set_members(ALERTS, [MEMBER, OWNER])
    opened = datetime(2026, 11, 22, 9, 0, tzinfo=TOKYO)
    with services.database.write() as connection:
        ensure_states(connection, ["nps"])
        memory = AlertMemory(
            level=Level.ORANGE, episode=EPISODE, opened_at=opened, level_since=opened
        )
        save_state(connection, "nps", memory, message_key=None)


def press(
    slack_api: MockWebApi,
    action_id: str,
    value: str = f"v1|nps|{EPISODE}",
    *,
    user: str = MEMBER,
    channel: str = ALERTS,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": "T0TEST"},
        "api_app_id": "A0KPIBOT",
        "team": {"id": "T0TEST", "domain": "kpibot-test"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel},
        "channel": {"id": channel, "name": "alerts"},
        "trigger_id": f"1.{uuid.uuid4().hex}",
        "response_url": slack_api.response_url(),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": f"alert_buttons.nps.{EPISODE}",
                "value": value,
                "text": {"type": "plain_text", "text": "x"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def more_calls(slack_api: MockWebApi, prefix: str, before: int) -> None:
    """Wait until the mock saw more than `before` calls whose method starts with `prefix`."""
    slack_api.wait_for(lambda calls: sum(c.method.startswith(prefix) for c in calls) > before)


def answer_to(app: SlackAppServer, slack_api: MockWebApi, payload: dict[str, Any]) -> str:
    """Press, and return the text the presser was shown (ephemeral, through response_url)."""
    before = len(slack_api.called("response/"))
    assert app.action(payload).status == 200
    more_calls(slack_api, "response/", before)
    body = slack_api.called("response/")[before].body
    assert body["response_type"] == "ephemeral"
    assert body["replace_original"] is False  # the alert itself stays
    return str(body["text"])


def audited(services: Services) -> list[AuditEntry]:
    with services.database.read() as connection:
        return list(reversed(history(connection)))


def acknowledged(services: Services) -> tuple[str | None, datetime | None]:
    with services.database.read() as connection:
        (state,) = [s for s in list_states(connection) if s.kpi == "nps"]
    return state.acknowledged_by, state.memory.acknowledged_at


@pytest.mark.usefixtures("open_alert")
def test_a_member_acknowledges_once_and_a_double_click_changes_nothing(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    payload = press(slack_api, "alert_acknowledge")
    text = answer_to(app, slack_api, payload)
    assert text == (
        "✅ *ネットプロモータースコア（NPS）* のアラートを確認済みにしました"
        "（2026-11-23 15:00）。リマインドは止まります。"
    )
    assert acknowledged(services) == (MEMBER, NOW.astimezone(UTC))
    # The same request again (Slack retrying it), then a second click by someone else.
    again = answer_to(app, slack_api, payload)
    assert again == f"このアラートは <@{MEMBER}> が 2026-11-23 15:00 に確認済みです。"
    answer_to(app, slack_api, press(slack_api, "alert_acknowledge", user=OWNER))
    assert acknowledged(services) == (MEMBER, NOW.astimezone(UTC))
    rows = audited(services)
    assert [(r.actor, r.action, r.detail["result"], r.episode) for r in rows] == [
        (MEMBER, "acknowledge", "done", EPISODE),
        (MEMBER, "acknowledge", "already", EPISODE),
        (OWNER, "acknowledge", "already", EPISODE),
    ]
    assert rows[0].at == NOW.astimezone(UTC)
    # Membership was asked once and then remembered.
    assert len(slack_api.called("conversations.members")) == 1


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_a_non_member_is_refused_politely_audited_and_changes_nothing(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_acknowledge", user=OUTSIDER))
    assert text == (
        f"すみません、このアラートのボタンは <#{ALERTS}> のメンバーだけが使えます。"
        "何も変更していません。"
    )
    assert acknowledged(services) == (None, None)
    (row,) = audited(services)
    assert (row.actor, row.action, row.kpi, row.episode) == (OUTSIDER, "acknowledge", "nps", 3)
    assert row.detail == {"result": "refused", "reason": "not_member", "channel": ALERTS}


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_a_channel_slack_will_not_list_refuses_every_press(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_details", channel="C0UNKNOWN"))
    assert "<#C0UNKNOWN> のメンバーだけ" in text
    assert [r.detail["reason"] for r in audited(services)] == ["not_member"]


@ON_SQLITE
@pytest.mark.parametrize(
    "value", ["v1|nps|3|x", "v1|NPS|3", "v1|nps|0", "<!channel>", "v1|retired_kpi|3", ""]
)
@pytest.mark.usefixtures("open_alert")
def test_a_hostile_button_value_is_refused_audited_and_changes_nothing(
    app: SlackAppServer, services: Services, slack_api: MockWebApi, value: str
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_acknowledge", value))
    assert text == "⚠️ このボタンは読み取れませんでした。何も変更していません。"
    assert acknowledged(services) == (None, None)
    (row,) = audited(services)
    assert row.detail["result"] == "refused"
    assert row.detail["reason"] in {"bad_value", "unknown_kpi"}
    assert value not in json.dumps(row.detail) or not value


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_a_button_of_an_ended_episode_changes_nothing(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_acknowledge", "v1|nps|2"))
    assert text.startswith("このアラートはすでに終わっています")
    assert acknowledged(services) == (None, None)
    assert [r.detail["result"] for r in audited(services)] == ["ended"]


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_details_show_the_kpi_answer_to_the_presser_alone(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_details"))
    assert "ネットプロモータースコア" in text
    assert [(r.action, r.detail["result"]) for r in audited(services)] == [("details", "shown")]


def modal_opened(slack_api: MockWebApi, before: int) -> dict[str, Any]:
    more_calls(slack_api, "views.open", before)
    view = slack_api.called("views.open")[before].body["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def submission(
    view: dict[str, Any], values: dict[str, Any], *, user: str = MEMBER
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": user, "username": "someone", "team_id": "T0TEST"},
        "api_app_id": "A0KPIBOT",
        "team": {"id": "T0TEST", "domain": "kpibot-test"},
        "trigger_id": f"1.{uuid.uuid4().hex}",
        "view": {
            **view,
            "id": "V0SUBMITTED",
            "hash": "1.abc",
            "state": {"values": values},
        },
    }


def snooze_values(length: str, reason: str) -> dict[str, Any]:
    return {
        "snooze_length": {
            "snooze_length": {"type": "static_select", "selected_option": {"value": length}}
        },
        "snooze_reason": {"snooze_reason": {"type": "plain_text_input", "value": reason}},
    }


def snoozed(services: Services) -> tuple[str | None, datetime | None, str | None]:
    with services.database.read() as connection:
        (state,) = [s for s in list_states(connection) if s.kpi == "nps"]
    return state.snoozed_by, state.memory.snoozed_until, state.snooze_reason


@pytest.mark.usefixtures("open_alert")
def test_snooze_asks_a_reason_and_snoozes_until_the_next_period(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    assert app.action(press(slack_api, "alert_snooze")).status == 200
    view = modal_opened(slack_api, 0)
    assert view["private_metadata"] == f"v1|nps|{EPISODE}|{ALERTS}"
    # Without a reason: the modal says so under its input, nothing changes.
    refused = app.action(submission(view, snooze_values("next_period", "  ")))
    assert refused.json == {
        "response_action": "errors",
        "errors": {"snooze_reason": "スヌーズの理由を入力してください。"},
    }
    assert snoozed(services) == (None, None, None)
    accepted = app.action(submission(view, snooze_values("next_period", "調査中 <!here>")))
    assert accepted.status == 200 and not accepted.raw.strip()
    # NPS is monthly: the next period starts on 1 December, local midnight.
    until = datetime(2026, 12, 1, tzinfo=TOKYO)
    assert snoozed(services) == (MEMBER, until.astimezone(UTC), "調査中 <!here>")
    slack_api.wait_for("chat.postEphemeral")
    told = slack_api.called("chat.postEphemeral")[0].body
    assert told["channel"] == ALERTS and told["user"] == MEMBER
    assert "2026-12-01 00:00 までスヌーズしました（理由: 調査中 &lt;!here&gt;）" in told["text"]
    # Slack retrying the submission: one snooze, audited as a repeat.
    app.action(submission(view, snooze_values("1d", "調査中")))
    assert snoozed(services)[1] == until.astimezone(UTC)
    assert [(r.action, r.detail["result"]) for r in audited(services)] == [
        ("snooze", "shown"),
        ("snooze", "done"),
        ("snooze", "repeat"),
    ]


@ON_SQLITE
@pytest.mark.parametrize(("length", "days"), [("1d", 1), ("1w", 7)])
@pytest.mark.usefixtures("open_alert")
def test_snooze_for_a_day_or_a_week(
    app: SlackAppServer, services: Services, slack_api: MockWebApi, length: str, days: int
) -> None:
    app.action(press(slack_api, "alert_snooze"))
    view = modal_opened(slack_api, 0)
    app.action(submission(view, snooze_values(length, "週次会議で確認")))
    until = (
        datetime(2026, 11, 23 + days, 15, 0, tzinfo=TOKYO)
        if days == 1
        else datetime(2026, 11, 30, 15, 0, tzinfo=TOKYO)
    )
    assert snoozed(services)[1] == until.astimezone(UTC)


def action_values(text: str, owner: str | None, due: str | None) -> dict[str, Any]:
    return {
        "action_text": {"action_text": {"type": "plain_text_input", "value": text}},
        "action_owner": {"action_owner": {"type": "users_select", "selected_user": owner}},
        "action_due": {"action_due": {"type": "datepicker", "selected_date": due}},
    }


@pytest.mark.usefixtures("open_alert")
def test_record_action_stores_an_action_linked_to_the_kpi_and_episode_once(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    app.action(press(slack_api, "alert_record_action"))
    view = modal_opened(slack_api, 0)
    assert view["callback_id"] == "alert_record_action_modal"
    bad = app.action(submission(view, action_values("", "not-a-user", "2026-11-01")))
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"action_text", "action_owner", "action_due"}
    good = submission(view, action_values("解約者へのヒアリング", OWNER, "2026-12-04"))
    assert app.action(good).status == 200
    assert app.action(good).status == 200  # Slack retrying the same submission
    with services.database.read() as connection:
        (action,) = open_actions(connection)
    assert (action.kpi, action.episode, action.text, action.owner, action.due) == (
        "nps",
        EPISODE,
        "解約者へのヒアリング",
        OWNER,
        date(2026, 12, 4),
    )
    assert action.created_by == MEMBER
    rows = audited(services)
    assert [(r.action, r.detail["result"]) for r in rows] == [
        ("record_action", "shown"),
        ("record_action", "done"),
        ("record_action", "repeat"),
    ]
    assert rows[1].detail["action_id"] == action.id


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_a_forged_modal_metadata_is_refused(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    view = {"type": "modal", "callback_id": "alert_record_action_modal", "private_metadata": "x"}
    view["blocks"] = [{"type": "input", "block_id": "action_text"}]
    answer = app.action(submission(view, action_values("x", None, None)))
    assert answer.json["response_action"] == "errors"
    with services.database.read() as connection:
        assert open_actions(connection) == []
    assert [r.detail["reason"] for r in audited(services)] == ["bad_value"]


@ON_SQLITE
@pytest.mark.usefixtures("open_alert")
def test_an_outsider_cannot_open_a_modal(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    text = answer_to(app, slack_api, press(slack_api, "alert_snooze", user=OUTSIDER))
    assert "メンバーだけが使えます" in text
    assert not slack_api.called("views.open")


def test_an_acknowledgement_is_shown_on_the_living_message_through_the_outbox(
    app: SlackAppServer, services: Services, slack_api: MockWebApi
) -> None:
    slack_api.set_members(ALERTS, [MEMBER])
    opened = datetime(2026, 11, 22, 9, 0, tzinfo=TOKYO)
    key = f"alert:nps:{EPISODE}"
    with services.database.write() as connection:
        enqueue_post(
            connection,
            key=key,
            job="alerts",
            period=f"nps:{EPISODE}",
            channel=ALERTS,
            messages=[{"text": "🟠 NPS", "blocks": []}],
            files=[],
            now=NOW,
        )
        ensure_states(connection, ["nps"])
        memory = AlertMemory(
            level=Level.ORANGE, episode=EPISODE, opened_at=opened, level_since=opened
        )
        save_state(connection, "nps", memory, message_key=key)
    deliverer = Deliverer(
        database=services.database,
        client=build_outbox_client(services.settings),
        admin_channel=None,
        locale="ja",
        zone=TOKYO,
        clock=lambda: NOW,
        pace=0,
    )
    deliverer.deliver_due(NOW)  # the alert is posted
    (posted,) = slack_api.messages(ALERTS)
    payload = press(slack_api, "alert_acknowledge")
    answer_to(app, slack_api, payload)
    answer_to(app, slack_api, payload)  # a double click: one edit
    deliverer.deliver_due(NOW)
    (update,) = slack_api.called("chat.update")
    assert update.body["ts"] == posted["ts"] and update.body["channel"] == ALERTS
    edited = json.dumps(update.body, ensure_ascii=False)
    assert f"<@{MEMBER}> が 2026-11-23 15:00 に確認しました" in edited
    assert '"alert_acknowledge"' in edited  # the buttons stay on the edited message
    assert audited(services)[0].detail["message_edited"] is True
