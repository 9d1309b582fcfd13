"""Delivery through the outbox against the mock Web API, on SQLite and PostgreSQL: each post
reaches Slack once whatever fails, threads keep their order, charts that fail leave the
report and a note, and an admin hears of a failing post once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker

from bot.jobs.delivery import (
    ADMIN_JOB,
    LEASE,
    MAX_ATTEMPTS,
    METADATA_EVENT,
    Deliverer,
    Outcome,
    enqueue_post,
    file_key,
    note_key,
    record_skipped_post,
    thread_key,
)
from bot.runtime import Runtime
from bot.slack.blocks.message import Message, fallback, section
from bot.slack.client import build_outbox_client
from storage import outbox
from storage.db import Database, create_db_engine
from storage.outbox import Status
from tests.bot.conftest import TOKYO, make_settings
from tests.bot.mock_web_api import (
    ACCEPTED_THEN_DROPPED,
    ACCEPTED_THEN_SERVER_ERROR,
    PASS,
    RATE_LIMITED,
    SERVER_ERROR,
    Failure,
    MockWebApi,
)

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo
TEAM = "C0TEAM"
ADMIN_CHANNEL = "C0ADMIN"
KEY = f"report:weekly:2026-W48:{TEAM}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    # The mock's message ts follow the clock, as Slack's do, so look-ups by time agree.
    with time_machine.travel(NOW, tick=False):
        yield


def make_runtime(url: str, slack_api: MockWebApi, **overrides: Any) -> Runtime:
    settings = make_settings(url, slack_api, channel_admin=ADMIN_CHANNEL, **overrides)
    return Runtime(settings, clock=lambda: NOW)


@pytest.fixture
def runtime(migrated_url: str, slack_api: MockWebApi) -> Iterator[Runtime]:
    made = make_runtime(migrated_url, slack_api)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def deliverer(runtime: Runtime) -> Deliverer:
    return Deliverer.from_runtime(runtime)


def payload(text: str) -> dict[str, Any]:
    return Message(text=fallback(text), blocks=[section(text)]).as_payload()


def post(
    runtime: Runtime,
    key: str = KEY,
    *,
    messages: int = 1,
    files: int = 0,
    channel: str = TEAM,
    at: datetime = NOW,
) -> bool:
    with runtime.database.write() as connection:
        return enqueue_post(
            connection,
            key=key,
            job="weekly",
            period="2026-W48",
            channel=channel,
            messages=[payload(f"{key} part {n}") for n in range(messages)],
            files=[(f"chart-{n}.png", f"Chart {n}", PNG) for n in range(1, files + 1)],
            now=at,
        )


def entry(runtime: Runtime, key: str = KEY) -> outbox.Entry:
    with runtime.database.read() as connection:
        found = outbox.find(connection, key)
    assert found is not None, key
    return found


def thread(slack_api: MockWebApi, channel: str, ts: str) -> list[dict[str, Any]]:
    return [m for m in slack_api.messages(channel) if m.get("thread_ts") == ts]


def assert_every_post_unparsed_and_keyed(slack_api: MockWebApi) -> None:
    """Every chat.postMessage (reports, notes, admin reports) pings no one and names its key."""
    calls = slack_api.called("chat.postMessage")
    assert calls
    for call in calls:
        assert (call.body["parse"], call.body["link_names"]) == ("none", False)
        assert call.body["metadata"]["event_type"] == METADATA_EVENT
        assert call.body["metadata"]["event_payload"]["key"]


def outcomes(delivered: list[Any]) -> list[tuple[str, Outcome]]:
    return [(item.key, item.outcome) for item in delivered]


def test_a_report_is_posted_once_with_its_thread_and_charts_in_order(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    assert post(runtime, messages=3, files=2)
    delivered = deliverer.deliver_due(NOW)
    assert [outcome for _key, outcome in outcomes(delivered)] == [Outcome.SENT] * 5
    top = slack_api.posted(TEAM, KEY)
    assert len(top) == 1 and "thread_ts" not in top[0]
    replies = thread(slack_api, TEAM, top[0]["ts"])
    assert [m["text"] for m in replies[:2]] == [f"{KEY} part 1", f"{KEY} part 2"]
    assert [[f["name"] for f in m["files"]] for m in replies[2:]] == [
        ["chart-1.png"],
        ["chart-2.png"],
    ]
    assert entry(runtime).ts == top[0]["ts"]
    assert entry(runtime, file_key(KEY, 2)).ts == replies[3]["files"][0]["id"]
    assert deliverer.deliver_due(NOW + timedelta(hours=1)) == []
    assert len(slack_api.called("chat.postMessage")) == 3


def test_every_post_is_unparsed_pings_nobody_and_names_its_outbox_key(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime, messages=2)
    deliverer.deliver_due(NOW)
    calls = slack_api.called("chat.postMessage")
    assert len(calls) == 2
    for call, key in zip(calls, [KEY, thread_key(KEY, 1)], strict=True):
        assert call.body["parse"] == "none"
        assert call.body["link_names"] is False
        assert call.body["metadata"] == {
            "event_type": METADATA_EVENT,
            "event_payload": {"key": key},
        }


def test_a_key_already_in_the_outbox_writes_and_posts_nothing_more(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    assert post(runtime, messages=2)
    deliverer.deliver_due(NOW)
    assert not post(runtime, messages=3, files=1)
    assert deliverer.deliver_due(NOW + timedelta(minutes=1)) == []
    with runtime.database.read() as connection:
        assert len(outbox.list_items(connection)) == 2
    assert len(slack_api.called("chat.postMessage")) == 2


@pytest.mark.parametrize(
    ("problem", "why"),
    [
        ({"key": "x" * 300}, "outbox key"),
        ({"channel": "#general"}, "channel id"),
        ({"messages": []}, "at least one message"),
        ({"messages": [{"text": " "}]}, "non-empty `text`"),
        ({"messages": [{"text": "a", "channel": "C0OTHER"}]}, "unknown fields"),
        ({"files": [("a.png", "A", PNG), ("a.png", "B", PNG)]}, "distinct"),
        ({"files": [("a.png", "A", b"")]}, "some bytes"),
        ({"job": "j" * 41}, "job must be"),
    ],
)
def test_a_malformed_post_is_refused_and_writes_nothing(
    runtime: Runtime, problem: dict[str, Any], why: str
) -> None:
    arguments: dict[str, Any] = {
        "key": KEY,
        "job": "weekly",
        "period": "2026-W48",
        "channel": TEAM,
        "messages": [payload("hello")],
        "files": [],
        "now": NOW,
        **problem,
    }
    with runtime.database.write() as connection:
        with pytest.raises(ValueError, match=why):
            enqueue_post(connection, **arguments)
        assert outbox.list_items(connection) == []


def test_a_short_rate_limit_is_waited_out_in_process_and_posts_once(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", RATE_LIMITED)
    assert outcomes(deliverer.deliver_due(NOW)) == [(KEY, Outcome.SENT)]
    assert len(slack_api.called("chat.postMessage")) == 2
    assert len(slack_api.posted(TEAM, KEY)) == 1


def test_a_long_retry_after_puts_the_post_back_until_then(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", Failure(code="ratelimited", status=429, retry_after=30))
    assert outcomes(deliverer.deliver_due(NOW)) == [(KEY, Outcome.POSTPONED)]
    waiting = entry(runtime)
    assert (waiting.status, waiting.not_before, waiting.attempts) == (
        Status.PENDING,
        NOW + timedelta(seconds=30),
        0,
    )
    assert deliverer.deliver_due(NOW + timedelta(seconds=29)) == []
    assert outcomes(deliverer.deliver_due(NOW + timedelta(seconds=30))) == [(KEY, Outcome.SENT)]
    # A 429 is a definite "not posted": no look-up before posting again.
    assert slack_api.called("conversations.history") == []
    assert len(slack_api.posted(TEAM, KEY)) == 1


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (SERVER_ERROR, Outcome.SENT),
        (ACCEPTED_THEN_SERVER_ERROR, Outcome.FOUND),
        (ACCEPTED_THEN_DROPPED, Outcome.FOUND),
    ],
    ids=["500", "accepted-then-500", "accepted-then-dropped"],
)
def test_after_an_ambiguous_failure_the_sender_looks_before_posting_and_posts_once(
    runtime: Runtime,
    deliverer: Deliverer,
    slack_api: MockWebApi,
    failure: Failure,
    outcome: Outcome,
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", failure)
    assert outcomes(deliverer.deliver_due(NOW)) == [(KEY, Outcome.RETRYING)]
    failed = entry(runtime)
    assert failed.status is Status.FAILED and failed.may_have_posted
    assert failed.not_before == NOW + timedelta(seconds=30)
    assert deliverer.deliver_due(NOW + timedelta(seconds=29)) == []
    assert outcomes(deliverer.deliver_due(NOW + timedelta(seconds=30))) == [(KEY, outcome)]
    (history,) = slack_api.called("conversations.history")
    assert history.body["channel"] == TEAM and history.body["include_all_metadata"] in ("1", "true")
    posted = slack_api.posted(TEAM, KEY)
    assert len(posted) == 1
    assert entry(runtime).ts == posted[0]["ts"]


def test_a_thread_continuation_whose_answer_was_lost_is_looked_for_in_its_thread(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime, messages=3)
    slack_api.fail_next("chat.postMessage", PASS, ACCEPTED_THEN_DROPPED)
    delivered = deliverer.deliver_due(NOW)
    assert outcomes(delivered) == [(KEY, Outcome.SENT), (thread_key(KEY, 1), Outcome.RETRYING)]
    later = deliverer.deliver_due(NOW + timedelta(seconds=30))
    assert outcomes(later) == [
        (thread_key(KEY, 1), Outcome.FOUND),
        (thread_key(KEY, 2), Outcome.SENT),
    ]
    (replies,) = slack_api.called("conversations.replies")
    top = slack_api.posted(TEAM, KEY)[0]
    assert replies.body["ts"] == top["ts"]
    assert [m["text"] for m in thread(slack_api, TEAM, top["ts"])] == [
        f"{KEY} part 1",
        f"{KEY} part 2",
    ]


def test_a_failed_chart_leaves_the_report_says_so_in_the_thread_and_is_retried(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime, messages=1, files=2)
    slack_api.fail_next("files.completeUploadExternal", SERVER_ERROR)
    delivered = deliverer.deliver_due(NOW)
    assert outcomes(delivered) == [
        (KEY, Outcome.SENT),
        (file_key(KEY, 1), Outcome.RETRYING),
        (file_key(KEY, 2), Outcome.SENT),
        (note_key(file_key(KEY, 1)), Outcome.SENT),
    ]
    top = slack_api.posted(TEAM, KEY)[0]
    replies = thread(slack_api, TEAM, top["ts"])
    assert [m.get("files", [{}])[0].get("name") for m in replies] == ["chart-2.png", None]
    assert "Chart 1" in replies[1]["text"] and "アップロードできませんでした" in replies[1]["text"]
    # The retry looks in the thread first (the upload may have been shared), then uploads.
    later = deliverer.deliver_due(NOW + timedelta(seconds=30))
    assert outcomes(later) == [(file_key(KEY, 1), Outcome.SENT)]
    assert len(slack_api.called("conversations.replies")) == 1
    shared = [f["name"] for m in thread(slack_api, TEAM, top["ts"]) for f in m.get("files", [])]
    assert sorted(shared) == ["chart-1.png", "chart-2.png"]
    assert len(slack_api.posted(TEAM, note_key(file_key(KEY, 1)))) == 1
    assert_every_post_unparsed_and_keyed(slack_api)


def test_a_chart_shared_before_the_connection_dropped_is_found_by_name_not_uploaded_again(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime, files=1)
    slack_api.fail_next("files.completeUploadExternal", ACCEPTED_THEN_DROPPED)
    deliverer.deliver_due(NOW)
    later = deliverer.deliver_due(NOW + timedelta(seconds=30))
    assert outcomes(later) == [(file_key(KEY, 1), Outcome.FOUND)]
    assert len(slack_api.called("files.completeUploadExternal")) == 1
    top = slack_api.posted(TEAM, KEY)[0]
    files = [f for m in thread(slack_api, TEAM, top["ts"]) for f in m.get("files", [])]
    assert [f["name"] for f in files] == ["chart-1.png"]
    assert entry(runtime, file_key(KEY, 1)).ts == files[0]["id"]


def test_not_in_channel_is_reported_once_to_the_admin_channel_with_the_invite_to_run(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    not_in_channel = Failure(code="not_in_channel")
    # The report fails, the admin report goes through, the report fails again.
    slack_api.fail_next("chat.postMessage", not_in_channel, PASS, not_in_channel)
    first = deliverer.deliver_due(NOW)
    assert outcomes(first) == [(KEY, Outcome.RETRYING), (f"{ADMIN_JOB}:1:1", Outcome.SENT)]
    failed = entry(runtime)
    assert (failed.status, failed.last_error, failed.failure_reported) == (
        Status.FAILED,
        "not_in_channel",
        True,
    )
    assert not failed.may_have_posted  # Slack answered: nothing to look for next time
    (report,) = slack_api.messages(ADMIN_CHANNEL)
    assert "<#C0TEAM>" in report["text"] and "/invite @kpibot" in report["text"]
    assert "投稿に失敗しました" in report["text"] and "09:00" in report["text"]
    # Still failing a minute later: retried, not reported again.
    assert outcomes(deliverer.deliver_due(NOW + timedelta(seconds=30))) == [(KEY, Outcome.RETRYING)]
    assert outcomes(deliverer.deliver_due(NOW + timedelta(seconds=90))) == [(KEY, Outcome.SENT)]
    assert len(slack_api.messages(ADMIN_CHANNEL)) == 1
    assert slack_api.called("conversations.history") == []
    assert_every_post_unparsed_and_keyed(slack_api)


def test_the_admin_report_is_in_english_when_the_locale_is(
    migrated_url: str, slack_api: MockWebApi
) -> None:
    runtime = make_runtime(migrated_url, slack_api, locale="en")
    try:
        post(runtime)
        slack_api.fail_next("chat.postMessage", Failure(code="is_archived"))
        Deliverer.from_runtime(runtime).deliver_due(NOW)
        (report,) = slack_api.messages(ADMIN_CHANNEL)
        assert report["text"].startswith("⚠️ kpibot could not post `weekly` `2026-W48` to <#C0TEAM>")
        assert "archived" in report["text"]
    finally:
        runtime.close()


def test_a_refused_message_is_abandoned_at_once_and_reported(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", Failure(code="invalid_blocks"))
    assert outcomes(deliverer.deliver_due(NOW))[0] == (KEY, Outcome.ABANDONED)
    assert entry(runtime).status is Status.ABANDONED
    (report,) = slack_api.messages(ADMIN_CHANNEL)
    assert "kpibot outbox --retry 1" in report["text"]
    assert deliverer.deliver_due(NOW + timedelta(days=2)) == []


def test_ambiguous_failures_are_reported_on_the_third_and_backoff_doubles_to_an_hour(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail("chat.postMessage", "internal_error")
    moment = NOW
    waits = []
    for _ in range(MAX_ATTEMPTS):
        delivered = deliverer.deliver_due(moment)
        assert delivered[0].key == KEY
        item = entry(runtime)
        if item.status is Status.ABANDONED:
            break
        waits.append(item.not_before - moment)
        moment = item.not_before
    assert waits[:8] == [timedelta(seconds=30 * 2**n) for n in range(7)] + [timedelta(hours=1)]
    assert set(waits[8:]) == {timedelta(hours=1)}
    assert entry(runtime).status is Status.ABANDONED
    assert entry(runtime).attempts == MAX_ATTEMPTS
    # Reported once, on the third failure, though the item was later abandoned (the report
    # fails too here, as every post does: it is retried, and never reported itself).
    with runtime.database.read() as connection:
        reports = outbox.list_items(connection, job=ADMIN_JOB)
    assert [report.key for report in reports] == [f"{ADMIN_JOB}:1:3"]
    assert slack_api.posted(TEAM, KEY) == []


def test_a_lapsed_claim_is_taken_over_and_what_its_sender_posted_is_found(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    # A sender claimed the item and posted it, then died before recording the answer.
    with outbox.transaction(runtime.database) as connection:
        claimed = outbox.claim_next(connection, now=NOW, lease=LEASE)
    assert claimed is not None
    runtime_client = Deliverer.from_runtime(runtime).client
    runtime_client.chat_postMessage(
        channel=TEAM,
        text="posted",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": KEY}},
    )
    assert deliverer.deliver_due(NOW + LEASE - timedelta(seconds=1)) == []
    assert outcomes(deliverer.deliver_due(NOW + LEASE)) == [(KEY, Outcome.FOUND)]
    assert len(slack_api.posted(TEAM, KEY)) == 1


def test_a_message_with_the_key_from_another_app_is_not_taken_for_ours(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", SERVER_ERROR)
    deliverer.deliver_due(NOW)
    forged = {"event_type": METADATA_EVENT, "event_payload": {"key": KEY}}
    slack_api.add_message(
        TEAM, {"text": "forged", "metadata": forged, "bot_id": "B0OTHER", "user": "U0OTHER"}
    )
    assert outcomes(deliverer.deliver_due(NOW + timedelta(seconds=30))) == [(KEY, Outcome.SENT)]
    assert [m["text"] for m in slack_api.posted(TEAM, KEY)] == ["forged", f"{KEY} part 0"]


def test_two_senders_with_their_own_connections_deliver_each_item_once(
    migrated_url: str, slack_api: MockWebApi
) -> None:
    runtimes = [make_runtime(migrated_url, slack_api) for _ in range(2)]
    try:
        keys = [f"report:weekly:2026-W48:C0TEAM{n}" for n in range(8)]
        for key in keys:
            post(runtimes[0], key, messages=3, files=1, channel=key.rsplit(":", 1)[1])
        deliverers = [Deliverer.from_runtime(made) for made in runtimes]
        start = threading.Barrier(2)
        results: list[list[Any]] = [[], []]

        def run(index: int) -> None:
            start.wait(5)
            results[index] = deliverers[index].deliver_due(NOW)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for started in threads:
            started.start()
        for started in threads:
            started.join(30)
        done = [item.key for result in results for item in result]
        assert sorted(done) == sorted(
            k
            for key in keys
            for k in (key, thread_key(key, 1), thread_key(key, 2), file_key(key, 1))
        )
        assert all(item.outcome is Outcome.SENT for result in results for item in result)
        for key in keys:
            channel = key.rsplit(":", 1)[1]
            (top,) = slack_api.posted(channel, key)
            replies = thread(slack_api, channel, top["ts"])
            assert [m.get("text") for m in replies[:2]] == [f"{key} part 1", f"{key} part 2"]
            assert [f["name"] for f in replies[2]["files"]] == ["chart-1.png"]
            assert len(replies) == 3
    finally:
        for made in runtimes:
            made.close()


def test_the_loop_delivers_what_is_written_while_it_runs_and_stops_when_told(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    stop = threading.Event()
    loop = threading.Thread(target=deliverer.run, args=(stop,), kwargs={"interval": 0.01})
    loop.start()
    try:
        post(runtime, messages=2)
        slack_api.wait_for(lambda calls: len([c for c in calls if "chat" in c.method]) == 2)
    finally:
        stop.set()
        loop.join(5)
    assert not loop.is_alive()
    assert entry(runtime, thread_key(KEY, 1)).status is Status.SENT


def test_the_loop_outlives_an_unreachable_database(
    runtime: Runtime, slack_api: MockWebApi, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 1 on loopback: nothing listens there, so every connection is refused.
    engine = create_db_engine("postgresql+psycopg://kpibot@127.0.0.1:1/kpibot?connect_timeout=2")
    unreachable = Database(engine=engine, zone=TOKYO, sessions=sessionmaker(engine))
    deliverer = Deliverer(
        database=unreachable,
        client=build_outbox_client(runtime.settings),
        admin_channel=None,
        locale="ja",
        zone=TOKYO,
        clock=lambda: NOW,
    )
    stop = threading.Event()
    loop = threading.Thread(target=deliverer.run, args=(stop,), kwargs={"interval": 0.01})
    loop.start()
    try:
        deadline = time.monotonic() + 5
        while caplog.text.count("delivery round failed") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        loop.join(5)
        engine.dispose()
    assert not loop.is_alive()
    assert caplog.text.count("delivery round failed: unavailable: ") >= 2
    assert slack_api.calls == []


def test_a_look_up_that_outlasts_half_the_claim_gives_the_item_back_unposted(
    runtime: Runtime, slack_api: MockWebApi
) -> None:
    post(runtime)
    slack_api.fail_next("chat.postMessage", SERVER_ERROR)
    Deliverer.from_runtime(runtime).deliver_due(NOW)
    slow = Deliverer.from_runtime(runtime)
    slow.lease = timedelta(seconds=0.2)
    slack_api.delay("conversations.history", 0.15)
    later = NOW + timedelta(seconds=30)
    assert outcomes(slow.deliver_due(later)) == [(KEY, Outcome.POSTPONED)]
    assert slack_api.posted(TEAM, KEY) == []
    given_back = entry(runtime)
    assert given_back.status is Status.PENDING and not given_back.may_have_posted
    slack_api.delays.clear()
    # It looked and found nothing: the next attempt posts without looking again.
    again = Deliverer.from_runtime(runtime).deliver_due(later + timedelta(seconds=1))
    assert outcomes(again) == [(KEY, Outcome.SENT)]
    assert len(slack_api.called("conversations.history")) == 1
    assert len(slack_api.posted(TEAM, KEY)) == 1


def test_a_skipped_period_is_recorded_once_and_never_posted(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    with runtime.database.write() as connection:
        assert record_skipped_post(
            connection,
            key=KEY,
            job="weekly",
            period="2026-W48",
            channel=TEAM,
            now=NOW,
            reason="older than the 24 h grace window",
        )
        assert not record_skipped_post(
            connection, key=KEY, job="weekly", period="2026-W48", channel=TEAM, now=NOW, reason="x"
        )
    assert not post(runtime)  # the key is taken: a later enqueue posts nothing either
    assert deliverer.deliver_due(NOW + timedelta(days=1)) == []
    skipped = entry(runtime)
    assert (skipped.status, skipped.last_error) == (
        Status.SKIPPED,
        "older than the 24 h grace window",
    )
    assert slack_api.calls == []


FAILURES = [
    PASS,
    SERVER_ERROR,
    ACCEPTED_THEN_SERVER_ERROR,
    ACCEPTED_THEN_DROPPED,
    RATE_LIMITED,
    Failure(code="ratelimited", status=429, retry_after=20),
    Failure(code="internal_error"),
    Failure(code="not_in_channel"),
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    report=st.lists(st.sampled_from(FAILURES), max_size=6),
    thread=st.lists(st.sampled_from(FAILURES), max_size=6),
    look_ups=st.lists(st.sampled_from(FAILURES), max_size=3),
)
def test_whatever_fails_in_whatever_order_each_message_is_posted_once(
    runtime: Runtime,
    deliverer: Deliverer,
    slack_api: MockWebApi,
    report: list[Failure],
    thread: list[Failure],
    look_ups: list[Failure],
) -> None:
    slack_api.reset()
    deliverer.admin_channel = None  # its reports would take failures meant for the posts
    key = f"report:weekly:2026-W48:C0T{uuid.uuid4().hex[:8].upper()}"
    channel = key.rsplit(":", 1)[1]
    post(runtime, key, messages=2, channel=channel)
    # The failures hit the calls in order: the report's, then its continuation's.
    slack_api.fail_next("chat.postMessage", *report, PASS, *thread)
    slack_api.fail_next("conversations.history", *look_ups)
    slack_api.fail_next("conversations.replies", *look_ups)
    moment = NOW
    for _ in range(40):
        deliverer.deliver_due(moment)
        if entry(runtime, thread_key(key, 1)).status is Status.SENT:
            break
        with runtime.database.read() as connection:
            due = outbox.next_due_at(connection)
        assert due is not None
        moment = max(due, moment + timedelta(seconds=1))
    assert len(slack_api.posted(channel, key)) == 1
    assert len(slack_api.posted(channel, thread_key(key, 1))) == 1
    top = slack_api.posted(channel, key)[0]
    assert slack_api.posted(channel, thread_key(key, 1))[0]["thread_ts"] == top["ts"]
    assert entry(runtime, key).ts == top["ts"]


def test_a_round_that_runs_past_half_a_claim_ends_and_leaves_the_rest_to_the_next(
    runtime: Runtime, deliverer: Deliverer, slack_api: MockWebApi
) -> None:
    post(runtime, messages=3)
    deliverer.lease = timedelta(seconds=0.2)
    slack_api.delay("chat.postMessage", 0.12)
    first = deliverer.deliver_due(NOW)
    assert outcomes(first) == [(KEY, Outcome.SENT)]
    slack_api.delays.clear()
    rest = deliverer.deliver_due(NOW + timedelta(seconds=1))
    assert outcomes(rest) == [
        (thread_key(KEY, 1), Outcome.SENT),
        (thread_key(KEY, 2), Outcome.SENT),
    ]
