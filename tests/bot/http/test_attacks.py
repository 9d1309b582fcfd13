"""Attacks on the HTTP endpoints, replayed against the web app on loopback.

Whatever arrives unsigned, malformed or oversized is refused with a JSON error, changes
nothing, and makes kpibot send nothing anywhere: the recording mock Web API (which also
stands in for every `response_url` and for any URL an attacker names) must see no call.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import string
import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App, BoltRequest

from bot.http.server import SLACK_MAX_BODY_BYTES, create_web_app
from bot.slack.app import build_app
from bot.slack.services import Services
from tests.bot.conftest import (
    ADMIN,
    API_TOKEN,
    MEMBER,
    SIGNING_SECRET,
    SlackAppServer,
    make_services,
    make_settings,
    sign,
)
from tests.bot.mock_web_api import MockWebApi

VICTIM = "UVICTIM"
HOME_OPENED = json.dumps(
    {"type": "event_callback", "event": {"type": "app_home_opened", "user": VICTIM}}
)


def measurements(services: Services) -> int:
    with sqlite3.connect(str(services.database.engine.url.database)) as connection:
        count: int = connection.execute("SELECT count(*) FROM measurements").fetchone()[0]
    return count


def nothing_sent(slack_api: MockWebApi, services: Services, bolt: App | None = None) -> None:
    """Assert kpibot sent nothing, once whatever it may (wrongly) have started has ended: the
    listeners Bolt runs (when the test holds the Bolt app; the web app refuses before it
    hands anything to Bolt), then the work after an ack, which closing the pool waits for
    (and answers what is still queued, which would show as a call)."""
    if bolt is not None:
        bolt.listener_runner.listener_executor.shutdown(wait=True)
    services.followups.close()
    assert [call.path for call in slack_api.calls] == []


def attacker_command(app: SlackAppServer, text: str) -> str:
    """A slash command body whose response_url points somewhere of the attacker's."""
    return app.command_body(text, user=ADMIN, response_url=app.slack_api.url + "evil/x")


# 1. Unverified requests never make the bot act.


@pytest.mark.parametrize("stamp", ["abc", "", "1796011938.5", "9" * 5000, "1796011¹²³", " 17"])
def test_a_malformed_timestamp_is_401_and_reaches_no_one(
    app: SlackAppServer, slack_api: MockWebApi, services: Services, stamp: str
) -> None:
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=x",
    }
    answer = app.request("POST", "/slack/events", HOME_OPENED.encode(), headers)
    assert answer.status == 401
    assert answer.json == {"error": "invalid request signature"}
    nothing_sent(slack_api, services)


@pytest.mark.parametrize("text", ["status", "record market_share 4.2", "nps chart"])
def test_an_unsigned_command_with_a_foreign_response_url_reaches_no_one(
    app: SlackAppServer, slack_api: MockWebApi, services: Services, text: str
) -> None:
    body = attacker_command(app, text)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": "abc",
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    before = measurements(services)
    assert app.request("POST", "/slack/events", body, headers).status == 401
    nothing_sent(slack_api, services)
    assert measurements(services) == before


@pytest.mark.parametrize("stamp", ["abc", "", "1796011938.5"])
def test_bolt_itself_answers_nothing_for_a_request_that_failed_verification(
    services: Services, slack_api: MockWebApi, stamp: str
) -> None:
    # Past the web layer's own check (Socket Mode, or a future route): Bolt's verifier
    # raises on such a timestamp, and the error handler must not act on the body.
    bolt = build_app(services.settings, services=services)
    request = BoltRequest(
        body=HOME_OPENED,
        headers={
            "content-type": ["application/json"],
            "x-slack-request-timestamp": [stamp],
            "x-slack-signature": ["v0=x"],
        },
    )
    response = bolt.dispatch(request)
    assert response.status == 401
    nothing_sent(slack_api, services, bolt)


def test_a_signed_command_never_follows_a_response_url_outside_slack(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    body = attacker_command(app, "status")
    answer = app.post_signed(body, "application/x-www-form-urlencoded")
    assert answer.status == 200
    services.followups.close()  # the status list, computed after the ack, has been sent
    assert slack_api.called("evil/") == []
    (dm,) = slack_api.called("chat.postMessage")  # to the user who asked, instead
    assert dm.body["channel"] == ADMIN


def test_a_signed_form_body_sent_as_json_is_a_clear_400(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    answer = app.post_signed(app.command_body("nps"), "application/json")
    assert answer.status == 400
    assert answer.json == {"error": "the body does not match its Content-Type"}
    nothing_sent(slack_api, services)


def test_an_unsigned_form_body_sent_as_json_is_401(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    headers = {"Content-Type": "application/json", "X-Slack-Signature": "v0=x"}
    assert app.request("POST", "/slack/events", app.command_body("nps"), headers).status == 401
    nothing_sent(slack_api, services)


# 7. Size limits, and logs without bodies.


def test_a_huge_unsigned_body_is_413_before_it_is_read(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    connection = app.connect(timeout=10)
    try:
        # Only the headers and a few bytes: an answer means the body was never waited for.
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(100 * 1024 * 1024))
        connection.endheaders(b"{" * 1024)
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read()) == {"error": "the request body is too large"}
    finally:
        connection.close()
    nothing_sent(slack_api, services)


def test_a_huge_chunked_body_without_a_length_is_413_once_it_passes_the_limit(
    app: SlackAppServer, slack_api: MockWebApi, services: Services
) -> None:
    connection = app.connect(timeout=30)
    chunks = (b"x" * (1024 * 1024) for _ in range(64))  # 64 MiB, sent in chunks
    try:
        connection.request(
            "POST",
            "/slack/events",
            body=chunks,
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    nothing_sent(slack_api, services)


def test_a_body_just_over_the_limit_is_413_and_one_at_it_is_judged_by_its_signature(
    app: SlackAppServer,
) -> None:
    over = b"x" * (SLACK_MAX_BODY_BYTES + 1)
    headers = {"Content-Type": "application/json", **sign(over.decode())}
    assert app.request("POST", "/slack/events", over, headers).status == 413
    at_limit = b"x" * SLACK_MAX_BODY_BYTES
    headers = {"Content-Type": "application/json", "X-Slack-Signature": "v0=x"}
    assert app.request("POST", "/slack/events", at_limit, headers).status == 401


def test_a_rejected_or_unhandled_body_is_never_logged(
    app: SlackAppServer, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "SECRET-BODY-MARKER"
    body = app.command_body(f"nps {marker}")
    caplog.set_level(logging.DEBUG)
    stale = int(time.time()) - 3600
    assert app.post_signed(body, "application/x-www-form-urlencoded", timestamp=stale).status == 401
    assert app.post_signed(body, "application/x-www-form-urlencoded", secret="x").status == 401
    # Signed, but for no listener: Bolt would quote it whole.
    unhandled = {"type": "block_actions", "actions": [{"action_id": marker}], "user": {"id": "U0"}}
    assert app.action(unhandled).status == 404
    assert "Unhandled request" in caplog.text
    # Signed and answered: the answer quotes the word, and Bolt logs answers at DEBUG.
    assert marker in app.command(f"status {marker}").json["text"]
    assert "Responding with" in caplog.text
    assert marker not in caplog.text


# 8. Hostile API bodies get a JSON answer and change nothing.


def post_api(app: SlackAppServer, body: bytes | str, content_type: str) -> tuple[int, object]:
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {API_TOKEN}"}
    answer = app.request("POST", "/api/v1/events", body, headers)
    return answer.status, answer.json


DIGITS = "9" * 5000


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (f'[{{"type": "release", "id": "r1", "at": "2026-11-01", "title": {DIGITS}}}]', "json"),
        (f'{{"type": "release", "id": "r1", "at": "2026-11-01", "title": {DIGITS}}}\n', "ndjson"),
        ("[" * 100_000 + "]" * 100_000, "json"),
        ('{"a": ' * 20_000 + "1" + "}" * 20_000 + "\n", "ndjson"),
    ],
    ids=["digits-array", "digits-lines", "nested-array", "nested-lines"],
)
def test_hostile_json_is_a_422_naming_the_problem_and_stores_nothing(
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
    body: str,
    content_type: str,
) -> None:
    services = make_services(make_settings(demo_url, slack_api, api_max_bytes=1024 * 1024))
    app = start_app(services)
    media = "application/json" if content_type == "json" else "application/x-ndjson"
    before = measurements(services)
    status, answer = post_api(app, body, media)
    assert status == 422, answer
    assert isinstance(answer, dict) and answer["errors"][0]["message"]
    assert measurements(services) == before


def test_a_422_lists_at_most_a_thousand_problems_and_counts_them_all(
    app: SlackAppServer,
) -> None:
    body = "\n".join('{"type": "release"}' for _ in range(1500)) + "\n"
    status, answer = post_api(app, body, "application/x-ndjson")
    assert status == 422
    assert isinstance(answer, dict)
    assert len(answer["errors"]) == 1000
    assert answer["error_count"] >= 1500
    assert answer["truncated"] is True


def test_the_api_answers_a_json_503_while_the_database_is_down(
    unreachable_services: Services, start_app: Callable[[Services], SlackAppServer]
) -> None:
    row = '{"type": "release", "id": "r-down", "at": "2026-11-01", "title": "x"}\n'
    answer = start_app(unreachable_services).request(
        "POST",
        "/api/v1/events",
        row,
        {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {API_TOKEN}"},
    )
    assert answer.status == 503
    assert answer.json["retry"] is True
    assert answer.headers["Retry-After"].isdigit()


# 9. A button naming a KPI the catalog does not have.


def test_a_button_for_an_unknown_kpi_is_acked_200_and_answered(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    # Before, the error after the ack raced the ack: most presses answered 404.
    for _ in range(5):
        response_url = slack_api.response_url()
        payload = {
            "type": "block_actions",
            "user": {"id": MEMBER},
            "team": {"id": "T0TEST"},
            "container": {"type": "message"},
            "channel": {"id": "C0GENERAL"},
            "response_url": response_url,
            "actions": [{"type": "button", "action_id": "kpi_show", "value": "no_such_kpi"}],
        }
        assert app.action(payload).status == 200
        answered = slack_api.wait_for_response(response_url)
        assert "no_such_kpi" in answered.body["text"]


# The property: any headers, any body, no signature → 401 or 413, and silence.

_HEADER_TEXT = st.text(alphabet=string.printable.strip() + " ", max_size=80)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    stamp=st.one_of(st.none(), _HEADER_TEXT, st.integers(-(10**20), 10**20).map(str)),
    signature=st.one_of(
        st.none(),
        _HEADER_TEXT,
        st.text(alphabet="0123456789abcdef", min_size=64, max_size=64).map("v0=".__add__),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/x"]
    ),
    body=st.one_of(
        st.binary(max_size=2048),
        st.just(HOME_OPENED.encode()),
        st.just(urlencode({"command": "/kpi", "text": "status", "user_id": VICTIM}).encode()),
    ),
    oversized=st.booleans(),
)
def test_any_unsigned_request_is_refused_and_sends_nothing(
    services: Services,
    slack_api: MockWebApi,
    stamp: str | None,
    signature: str | None,
    content_type: str,
    body: bytes,
    oversized: bool,
) -> None:
    client = create_web_app(services).test_client()
    headers = {"Content-Type": content_type}
    if stamp is not None:
        headers["X-Slack-Request-Timestamp"] = stamp
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    data = body + b" " * (SLACK_MAX_BODY_BYTES + 1 - len(body)) if oversized else body
    answer = client.post("/slack/events", data=data, headers=headers)
    assert answer.status_code == (413 if oversized else 401)
    assert answer.is_json
    assert slack_api.calls == []


def test_the_same_request_signed_is_accepted(services: Services, slack_api: MockWebApi) -> None:
    # The 401s above are the signature's doing: signed, the same event is taken.
    client = create_web_app(services).test_client()
    answer = client.post(
        "/slack/events",
        data=HOME_OPENED,
        headers={"Content-Type": "application/json", **sign(HOME_OPENED, secret=SIGNING_SECRET)},
    )
    assert answer.status_code == 200
    assert slack_api.wait_for("views.publish")
