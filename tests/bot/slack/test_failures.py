"""What a failed Web API call means for repeating it, from real failures of the mock Web
API through the outbox's client."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.slack.client import build_outbox_client
from bot.slack.failures import Failure, FailureKind, classify
from tests.bot.conftest import make_settings
from tests.bot.mock_web_api import (
    ACCEPTED_THEN_DROPPED,
    SERVER_ERROR,
    MockWebApi,
)
from tests.bot.mock_web_api import Failure as MockFailure


@pytest.fixture
def settings(slack_api: MockWebApi) -> Settings:
    return make_settings("sqlite:///unused.db", slack_api)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (
            MockFailure(code="ratelimited", status=429, retry_after=60),
            Failure(FailureKind.RATE_LIMITED, "ratelimited"),
        ),
        (SERVER_ERROR, Failure(FailureKind.MAYBE_DONE, "HTTP 500")),
        (MockFailure(code="internal_error"), Failure(FailureKind.MAYBE_DONE, "internal_error")),
        (
            ACCEPTED_THEN_DROPPED,
            Failure(FailureKind.MAYBE_DONE, "connection lost (RemoteDisconnected)"),
        ),
        (MockFailure(code="not_in_channel"), Failure(FailureKind.NEEDS_PERSON, "not_in_channel")),
        (MockFailure(code="token_revoked"), Failure(FailureKind.NEEDS_PERSON, "token_revoked")),
        (MockFailure(code="invalid_blocks"), Failure(FailureKind.REFUSED, "invalid_blocks")),
        (MockFailure(code="something_new"), Failure(FailureKind.OTHER, "something_new")),
    ],
)
def test_a_failed_post_is_classified_by_what_slack_may_have_done(
    settings: Settings, slack_api: MockWebApi, failure: MockFailure, expected: Failure
) -> None:
    slack_api.fail_next("chat.postMessage", failure)
    with pytest.raises(Exception) as raised:
        build_outbox_client(settings).chat_postMessage(channel="C0TEAM", text="report")
    assert classify(raised.value) == expected


def test_a_timeout_may_have_posted(settings: Settings, slack_api: MockWebApi) -> None:
    client = build_outbox_client(settings)
    client.timeout = 0.1  # type: ignore[assignment]
    slack_api.delay("chat.postMessage", 0.3)
    with pytest.raises(TimeoutError) as raised:
        client.chat_postMessage(channel="C0TEAM", text="report")
    assert classify(raised.value) == Failure(FailureKind.MAYBE_DONE, "timeout")
    slack_api.wait_for("chat.postMessage")  # the mock took it after all
