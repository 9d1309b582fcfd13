"""The Web API client raises a typed error per Slack error code, and the one error handler
answers a failed form in the modal itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest
from slack_sdk.errors import SlackApiError

from bot.slack.app import build_app
from bot.slack.client import (
    OUTBOX_WAIT_SECONDS,
    CannotEdit,
    ChannelArchived,
    InvalidMessage,
    MessageNotFound,
    NotAuthorized,
    NotInChannel,
    RateLimited,
    SlackCallError,
    build_outbox_client,
    retry_after,
)
from bot.slack.services import Services
from tests.bot.conftest import MEMBER, sign
from tests.bot.mock_web_api import (
    ACCEPTED_THEN_DROPPED,
    RATE_LIMITED,
    SERVER_ERROR,
    Failure,
    MockWebApi,
)
from tests.bot.slack.blocks.slack_checks import check_modal


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("not_in_channel", NotInChannel),
        ("channel_not_found", NotInChannel),
        ("is_archived", ChannelArchived),
        ("message_not_found", MessageNotFound),
        ("cant_update_message", CannotEdit),
        ("edit_window_closed", CannotEdit),
        ("msg_too_long", InvalidMessage),
        ("invalid_blocks", InvalidMessage),
        ("ratelimited", RateLimited),
        ("invalid_auth", NotAuthorized),
        ("token_revoked", NotAuthorized),
        ("account_inactive", NotAuthorized),
        ("something_new", SlackCallError),
    ],
)
def test_a_failed_call_raises_the_type_of_its_code(
    services: Services, slack_api: MockWebApi, code: str, kind: type[SlackCallError]
) -> None:
    slack_api.fail("chat.update", code)
    with pytest.raises(kind) as raised:
        services.client.chat_update(channel="C0GENERAL", ts="1.2", text="x")
    error = raised.value
    assert type(error) is kind
    assert (error.method, error.code) == ("chat.update", code)
    assert isinstance(error, SlackApiError)  # what slack_sdk and Bolt themselves catch


def test_a_failed_step_of_a_file_upload_raises_its_type(
    services: Services, slack_api: MockWebApi
) -> None:
    slack_api.fail("files.getUploadURLExternal", "not_in_channel")
    with pytest.raises(NotInChannel):
        services.client.files_upload_v2(channel="C0GENERAL", content="x", filename="x.txt")


FORM = "kpibot_test_form"


def submit(
    services: Services, blocks: list[dict[str, Any]], handle: Callable[[], None]
) -> dict[str, Any]:
    """Submit a form whose listener runs `handle` (which fails); return the ack's body."""
    bolt = build_app(services.settings, services=services)
    bolt.view(FORM)(lambda: handle())

    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": MEMBER},
        "api_app_id": "A0KPIBOT",
        "view": {"id": "V0FORM", "type": "modal", "callback_id": FORM, "blocks": blocks},
    }
    body = urlencode({"payload": json.dumps(payload)})
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        **{name.lower(): value for name, value in sign(body).items()},
    }
    response = bolt.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 200
    answer: dict[str, Any] = json.loads(response.body)
    return answer


def test_a_failed_form_shows_the_apology_under_its_first_input(
    services: Services, slack_api: MockWebApi
) -> None:
    blocks = [
        {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "x"}},
        {"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "n"}},
        {"type": "input", "block_id": "second", "label": {"type": "plain_text", "text": "s"}},
    ]

    def boom() -> None:
        raise RuntimeError("boom")

    answer = submit(services, blocks, boom)
    assert answer["response_action"] == "errors"
    ((where, text),) = answer["errors"].items()
    assert where == "note"
    assert "問い合わせ番号" in text and "boom" not in text
    assert not [call for call in slack_api.calls if call.method != "auth.test"]  # Bolt's own


def test_a_failed_form_without_inputs_becomes_a_valid_modal_saying_so(
    services: Services, slack_api: MockWebApi
) -> None:
    def post() -> None:
        services.client.chat_postMessage(channel="C0GENERAL", text="x")

    slack_api.fail("chat.postMessage", "not_in_channel")
    answer = submit(services, [], post)
    assert answer["response_action"] == "update"
    view = check_modal(answer["view"])
    assert "/invite @kpibot" in json.dumps(view, ensure_ascii=False)
    assert view["close"]["text"] == "閉じる"


def test_the_answers_client_repeats_a_call_after_a_500_but_the_outbox_client_does_not(
    services: Services, slack_api: MockWebApi
) -> None:
    # /kpi answers may be repeated (an answer shown twice is harmless); a report may not.
    slack_api.fail_next("chat.postMessage", SERVER_ERROR)
    services.client.chat_postMessage(channel="C0TEAM", text="answer")
    assert len(slack_api.called("chat.postMessage")) == 2

    slack_api.reset()
    slack_api.fail_next("chat.postMessage", ACCEPTED_THEN_DROPPED)
    with pytest.raises(ConnectionError):
        build_outbox_client(services.settings).chat_postMessage(channel="C0TEAM", text="report")
    assert len(slack_api.called("chat.postMessage")) == 1
    assert len(slack_api.messages("C0TEAM")) == 1  # Slack has it; no second copy


def test_the_outbox_client_waits_out_a_short_retry_after_and_gives_a_long_one_back(
    services: Services, slack_api: MockWebApi
) -> None:
    client = build_outbox_client(services.settings)
    slack_api.fail_next("chat.postMessage", RATE_LIMITED)
    client.chat_postMessage(channel="C0TEAM", text="report")
    assert len(slack_api.called("chat.postMessage")) == 2

    slack_api.reset()
    slack_api.fail_next(
        "chat.postMessage",
        Failure(code="ratelimited", status=429, retry_after=OUTBOX_WAIT_SECONDS + 1),
    )
    with pytest.raises(RateLimited) as raised:
        client.chat_postMessage(channel="C0TEAM", text="report")
    assert retry_after(raised.value) == OUTBOX_WAIT_SECONDS + 1
    assert len(slack_api.called("chat.postMessage")) == 1
