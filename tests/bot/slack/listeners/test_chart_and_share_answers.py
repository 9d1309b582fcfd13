"""`/kpi … chart` that cannot be made says why in place of its note; `share` names who shared.
Signed requests to the real Bolt app, the Web API and response URLs on the local mock.
"""

# ruff: noqa: RUF001 (Japanese answers use full-width parentheses)

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.services import Services
from tests.bot.conftest import CHANNEL, MEMBER, SlackAppServer, make_services, make_settings
from tests.bot.mock_web_api import MockWebApi
from tests.conftest import copy_sqlite_file


def note_replacement(app: SlackAppServer, text: str) -> dict[str, Any]:
    """Send `/kpi text`; return what replaced its "drawing the chart…" note."""
    response_url = app.slack_api.response_url()
    ack = app.command(text, response_url=response_url)
    assert ack.status == 200 and "📈" in ack.json["text"]
    answer: dict[str, Any] = app.slack_api.wait_for_response(response_url).body
    assert answer["replace_original"] is True
    assert answer["response_type"] == "ephemeral"
    assert "Traceback" not in json.dumps(answer)
    return answer


@pytest.fixture
def empty_services(
    _sqlite_template: Path, tmp_path: Path, slack_api: MockWebApi
) -> Iterator[Services]:
    """Services on a migrated database without a single event."""
    url = copy_sqlite_file(_sqlite_template, tmp_path / "empty.db")
    made = make_services(make_settings(url, slack_api))
    try:
        yield made
    finally:
        made.followups.close()
        made.database.engine.dispose()


def test_a_chart_with_too_few_values_says_so_in_place_of_the_note(
    empty_services: Services, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = start_app(empty_services)

    answer = note_replacement(app, "nps chart")

    assert "値のある期間が 0 件しかありません（グラフには 2 件以上必要です）" in answer["text"]
    assert not app.slack_api.called("files.")


def test_a_chart_that_fails_to_draw_says_so_with_the_logs_reference(
    app: SlackAppServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("renderer exploded at 0xdeadbeef")

    monkeypatch.setattr("bot.slack.listeners.commands.render_kpi_chart", broken)
    with caplog.at_level(logging.ERROR, logger="kpibot.slack"):
        answer = note_replacement(app, "nps chart")

    shown = json.dumps(answer, ensure_ascii=False)
    assert "グラフの描画に失敗しました" in shown
    assert "0xdeadbeef" not in shown
    reference = re.search(r"`([0-9a-f]{8})`", shown)
    assert reference is not None
    assert any(reference.group(1) in record.getMessage() for record in caplog.records)
    assert not app.slack_api.called("files.")


def test_an_upload_slack_refuses_names_slacks_error_code(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    slack_api.fail("files.completeUploadExternal", "restricted_action")

    answer = note_replacement(app, "nps chart")

    assert "アップロードできませんでした（理由: `restricted_action`）" in answer["text"]


def test_an_upload_outside_the_channel_asks_for_an_invite_in_place_of_the_note(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    slack_api.fail("files.completeUploadExternal", "not_in_channel")

    assert "/invite @kpibot" in note_replacement(app, "nps chart")["text"]


def test_a_failed_chart_answers_in_english_for_an_english_workspace(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    services = make_services(make_settings(demo_url, slack_api, locale="en"))
    app = start_app(services)
    slack_api.fail("files.completeUploadExternal", "restricted_action")

    answer = note_replacement(app, "nps chart")

    assert answer["text"].startswith("📉 The chart for *")
    assert "could not be uploaded to Slack (reason: `restricted_action`)" in answer["text"]


def test_a_shared_answer_ends_by_naming_who_shared_it(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    app.command("nps share", user=MEMBER)

    slack_api.wait_for("chat.postMessage")
    posted = slack_api.called("chat.postMessage")[0].body
    assert posted["channel"] == CHANNEL
    last = posted["blocks"][-1]
    assert last["type"] == "context"
    assert last["elements"][0]["text"] == f"<@{MEMBER}> さんが共有しました"
