"""Requests not signed by Slack, or replayed after five minutes, get 401 and do nothing."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from bot.slack.app import build_app
from bot.slack.services import Services
from tests.bot.conftest import ADMIN, SlackAppServer, make_services, make_settings, sign
from tests.bot.mock_web_api import MockWebApi

RECORD = "record market_share 4.2 2026-11-20"


def stored_measurements(services: Services) -> int:
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        count: int = connection.execute(
            "SELECT count(*) FROM measurements WHERE id LIKE 'manual:%'"
        ).fetchone()[0]
    return count


def assert_nothing_happened(slack_api: MockWebApi, services: Services) -> None:
    services.followups.close()  # waits for any (wrongly) started follow-up to end
    assert slack_api.calls == []
    assert stored_measurements(services) == 0


def test_a_correctly_signed_record_is_stored(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    assert app.command(RECORD, user=ADMIN).status == 200
    assert stored_measurements(services) == 1


def test_a_wrong_signature_is_401_and_does_nothing(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    answer = app.command(RECORD, user=ADMIN, secret="someone-elses-secret")
    assert answer.status == 401
    assert_nothing_happened(slack_api, services)


@pytest.mark.parametrize("age", [5 * 60 + 1, 60 * 60])
def test_a_stale_timestamp_is_401_and_does_nothing(
    app: SlackAppServer, slack_api: MockWebApi, services: Services, age: int
) -> None:
    answer = app.command(RECORD, user=ADMIN, timestamp=int(time.time()) - age)
    assert answer.status == 401
    assert_nothing_happened(slack_api, services)


def test_a_missing_signature_is_401_and_does_nothing(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    body = app.command_body(RECORD, user=ADMIN)
    answer = app.request(
        "POST", "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 401
    assert_nothing_happened(slack_api, services)


def test_a_body_changed_after_signing_is_401(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    signed_for = app.command_body("nps", user=ADMIN)
    tampered = app.command_body(RECORD, user=ADMIN)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(signed_for)}
    assert app.request("POST", "/slack/events", tampered, headers).status == 401
    assert_nothing_happened(slack_api, services)


def test_a_chart_request_with_a_bad_signature_uploads_nothing(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    assert app.command("nps chart", secret="wrong").status == 401
    assert_nothing_happened(slack_api, services)


def test_slack_s_url_verification_is_answered_with_its_challenge(app: SlackAppServer) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})
    answer = app.post_signed(body, "application/json")
    assert answer.status == 200
    assert challenge in answer.text


def test_building_the_app_calls_nothing_on_slack(demo_url: str, slack_api: MockWebApi) -> None:
    # The real Slack URL: the autouse network guard would fail any call to it.
    settings = make_settings(demo_url, slack_api, slack_api_url="https://slack.com/api/")
    services = make_services(settings)
    try:
        build_app(settings, services=services)
    finally:
        services.database.engine.dispose()
    assert slack_api.calls == []
