"""The scheduler end to end: frozen time moved forward over a week, a month and a quarter
against the mock Web API, with two schedulers, a restart and a missed Monday. Each report
is posted exactly once, at its local time in Tokyo, with its charts in its thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.jobs.scheduler import ReportScheduler
from bot.runtime import Runtime
from bot.schedule import report_jobs
from bot.settings import Settings
from storage import outbox
from tests.bot.conftest import make_settings
from tests.bot.mock_web_api import MockWebApi

TOKYO = ZoneInfo("Asia/Tokyo")
TEAM, STAKEHOLDERS, LEADERSHIP = "C0TEAM", "C0STAKE", "C0LEAD"


@pytest.fixture
def settings(demo_url: str, slack_api: MockWebApi) -> Settings:
    return make_settings(
        demo_url,
        slack_api,
        channel_team=TEAM,
        channel_stakeholders=STAKEHOLDERS,
        channel_leadership=LEADERSHIP,
        scheduler_heartbeat=0.2,
    )


@dataclass
class Running:
    """A scheduler running in a thread of this process, on its own runtime."""

    process: ReportScheduler
    runtime: Runtime
    stop: threading.Event
    thread: threading.Thread

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()
        self.runtime.close()


@pytest.fixture
def start(settings: Settings) -> Iterator[Callable[[str], Running]]:
    running: list[Running] = []

    def run(holder: str) -> Running:
        runtime = Runtime(settings)  # the clock is the (travelling) wall clock
        process = ReportScheduler(runtime, holder=holder, poll=0.2)
        stop = threading.Event()
        thread = threading.Thread(target=process.run, args=(stop,), daemon=True)
        thread.start()
        started = Running(process, runtime, stop, thread)
        running.append(started)
        return started

    yield run
    for started in running:
        if started.thread.is_alive():
            started.halt()


def top_posts(slack_api: MockWebApi, channel: str) -> list[dict[str, Any]]:
    """The report messages posted in a channel (not in a thread): one per report. The
    demo data also raises alerts, which the leader's sweep posts to the team and leadership
    channels: they are not reports."""
    return [
        message
        for message in slack_api.messages(channel)
        if message.get("metadata")
        and message.get("thread_ts") in (None, message["ts"])
        and key_of(message).startswith("report:")
    ]


def key_of(message: dict[str, Any]) -> str:
    return str(message["metadata"]["event_payload"]["key"])


def charts_in_thread(slack_api: MockWebApi, channel: str, top: dict[str, Any]) -> list[str]:
    return [
        str(file["name"])
        for message in slack_api.messages(channel)
        if message.get("thread_ts") == top["ts"] and message.get("upload")
        for file in message["files"]
    ]


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not check():
            if deadline.wait(0.05):
                pytest.fail(f"timed out waiting for {what}")
    finally:
        timer.cancel()


def outbox_entry(settings: Settings, key: str) -> outbox.Entry | None:
    runtime = Runtime(settings)
    try:
        with runtime.database.read() as connection:
            return outbox.find(connection, key)
    finally:
        runtime.close()


def everything_delivered(settings: Settings) -> bool:
    runtime = Runtime(settings)
    try:
        with runtime.database.read() as connection:
            counts = outbox.count_by_status(connection)
    finally:
        runtime.close()
    return not any(counts[s] for s in (outbox.Status.PENDING, outbox.Status.SENDING))


def test_the_weekly_trigger_fires_at_monday_nine_in_tokyo_not_nine_utc(settings: Settings) -> None:
    jobs = {job.kind.value: job for job in report_jobs(settings)}
    sunday_evening_utc = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert jobs["weekly"].next_run(sunday_evening_utc) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    # The month and the quarter turn in Tokyo, nine hours before they do in UTC.
    assert jobs["monthly"].next_run(sunday_evening_utc) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert jobs["quarterly"].next_run(sunday_evening_utc) == datetime(2027, 1, 1, 1, 0, tzinfo=UTC)


def test_a_week_a_month_and_a_quarter_post_each_report_once_at_its_local_time(
    settings: Settings, slack_api: MockWebApi, start: Callable[[str], Running]
) -> None:
    # Saturday 2026-11-28 12:00 in Tokyo: a new installation with two schedulers.
    with time_machine.travel(datetime(2026, 11, 28, 12, 0, tzinfo=TOKYO), tick=True) as clock:
        first, second = start("host:first"), start("host:second")
        # The periods last ended are long past their runs: recorded as skipped, not posted.
        for key in (
            "report:weekly:2026-W47:C0TEAM",
            "report:monthly:2026-10:C0STAKE",
            "report:quarterly:2026-Q3:C0LEAD",
        ):
            wait_for(lambda key=key: outbox_entry(settings, key) is not None, key)
            entry = outbox_entry(settings, key)
            assert entry is not None and entry.status is outbox.Status.SKIPPED
        assert slack_api.called("chat.postMessage") == []
        # The leader's triggers, as APScheduler holds them: Tokyo time.
        wait_for(lambda: first.process.leading or second.process.leading, "a leader")
        leader = first if first.process.leading else second
        assert leader.process.next_runs() == {
            "weekly": datetime(2026, 11, 30, 9, 0, tzinfo=TOKYO),
            "monthly": datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO),
            "quarterly": datetime(2027, 1, 1, 10, 0, tzinfo=TOKYO),
        }
        assert not (first.process.leading and second.process.leading)

        def moment(when: datetime) -> None:
            clock.move_to(when)
            for running in (first, second):
                running.process.wakeup()

        # Half a second before Monday 09:00 in Tokyo (Sunday 23:59:59.5 UTC): the clock ticks
        # on, and the summary must come at 09:00, not at the wake-up.
        moment(datetime(2026, 11, 30, 8, 59, 59, 500_000, tzinfo=TOKYO))
        wait_for(lambda: len(top_posts(slack_api, TEAM)) == 1, "the weekly summary")
        # Slack holds it a moment before the outbox records it (the leader also delivers the
        # demo's alerts meanwhile): wait for the record too.
        wait_for(
            lambda: (
                getattr(outbox_entry(settings, "report:weekly:2026-W48:C0TEAM"), "sent_at", None)
                is not None
            ),
            "the weekly summary recorded as sent",
        )
        weekly = outbox_entry(settings, "report:weekly:2026-W48:C0TEAM")
        assert weekly is not None and weekly.sent_at is not None
        # Queued at Monday 09:00 Tokyo = 00:00 UTC, not 09:00 UTC, and not a moment early.
        assert datetime(2026, 11, 30, 0, 0, tzinfo=UTC) <= weekly.created_at
        assert weekly.created_at < datetime(2026, 11, 30, 0, 0, 30, tzinfo=UTC)
        assert not weekly.late
        (post,) = top_posts(slack_api, TEAM)
        assert key_of(post) == "report:weekly:2026-W48:C0TEAM"
        wait_for(lambda: len(charts_in_thread(slack_api, TEAM, post)) == 1, "its chart")

        # A restart: the leader stops, the other takes over; the next month turns in Tokyo.
        first.halt()
        third = start("host:third")
        moment(datetime(2026, 11, 30, 23, 59, 59, 500_000, tzinfo=UTC))  # 12-01 08:59:59.5 JST
        wait_for(lambda: len(top_posts(slack_api, STAKEHOLDERS)) == 1, "the monthly digest")
        (digest,) = top_posts(slack_api, STAKEHOLDERS)
        assert key_of(digest) == "report:monthly:2026-11:C0STAKE"
        wait_for(lambda: len(charts_in_thread(slack_api, STAKEHOLDERS, digest)) == 4, "charts")
        monthly = outbox_entry(settings, "report:monthly:2026-11:C0STAKE")
        assert monthly is not None
        assert monthly.created_at >= datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 1 Dec, JST

        # New Year in Tokyo: December's digest at 09:00, the quarter's review at 10:00.
        moment(datetime(2027, 1, 1, 8, 59, 59, 500_000, tzinfo=TOKYO))
        wait_for(lambda: len(top_posts(slack_api, STAKEHOLDERS)) == 2, "December's digest")
        moment(datetime(2027, 1, 1, 9, 59, 59, 500_000, tzinfo=TOKYO))
        wait_for(lambda: len(top_posts(slack_api, LEADERSHIP)) == 1, "the quarterly review")
        (review,) = top_posts(slack_api, LEADERSHIP)
        assert key_of(review) == "report:quarterly:2026-Q4:C0LEAD"
        wait_for(lambda: len(charts_in_thread(slack_api, LEADERSHIP, review)) == 1, "its chart")
        wait_for(lambda: everything_delivered(settings), "every item delivered")

        # Everyone stops over the first Monday of 2027 and comes back at 15:00.
        second.halt()
        third.halt()
        clock.move_to(datetime(2027, 1, 11, 15, 0, tzinfo=TOKYO))
        start("host:fourth")
        start("host:fifth")
        late_key = "report:weekly:2027-W01:C0TEAM"
        wait_for(lambda: any(key_of(m) == late_key for m in top_posts(slack_api, TEAM)), "late")
        late = outbox_entry(settings, late_key)
        assert late is not None and late.late
        (late_post,) = [m for m in top_posts(slack_api, TEAM) if key_of(m) == late_key]
        assert "予定の時刻より遅れて" in str(late_post["blocks"])
        skipped = outbox_entry(settings, "report:weekly:2026-W53:C0TEAM")
        assert skipped is not None and skipped.status is outbox.Status.SKIPPED
        wait_for(lambda: everything_delivered(settings), "every item delivered")

    keys = [key_of(m) for ch in (TEAM, STAKEHOLDERS, LEADERSHIP) for m in top_posts(slack_api, ch)]
    assert len(keys) == len(set(keys)), keys  # nothing twice
    assert sorted(keys) == sorted(
        [
            "report:weekly:2026-W48:C0TEAM",
            "report:weekly:2027-W01:C0TEAM",
            "report:monthly:2026-11:C0STAKE",
            "report:monthly:2026-12:C0STAKE",
            "report:quarterly:2026-Q4:C0LEAD",
        ]
    )


def test_the_heartbeat_does_not_wait_for_a_late_report_being_composed(
    migrated_url: str, slack_api: MockWebApi, caplog: pytest.LogCaptureFixture
) -> None:
    # Composing a report can take longer than the lease lasts (three heartbeats, 0.6 s here).
    # Were it composed on the heartbeat's thread, the lease would lapse meanwhile, another
    # process would take it, and the report would be fenced out at every try.
    settings = make_settings(migrated_url, slack_api, channel_team=TEAM, scheduler_heartbeat=0.2)
    key = "report:weekly:2026-W48:C0TEAM"
    runtime = Runtime(settings)
    process = ReportScheduler(runtime, holder="host:only", poll=0.2)
    stop = threading.Event()
    thread = threading.Thread(target=process.run, args=(stop,), daemon=True)
    with (
        time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=TOKYO), tick=True),
        caplog.at_level(logging.INFO, logger="kpibot.scheduler"),
    ):
        thread.start()
        try:
            wait_for(lambda: outbox_entry(settings, key) is not None, "the late weekly summary")
        finally:
            Running(process, runtime, stop, thread).halt()
    (composed,) = [r for r in caplog.records if r.getMessage().startswith("weekly 2026-W48")]
    assert composed.getMessage() == "weekly 2026-W48 for C0TEAM: late"
    assert composed.threadName == "kpibot-catch-up"


def test_two_schedulers_on_each_backend_post_the_week_once(
    migrated_url: str, slack_api: MockWebApi
) -> None:
    settings = make_settings(migrated_url, slack_api, channel_team=TEAM, scheduler_heartbeat=0.2)
    runs: list[Running] = []
    with time_machine.travel(datetime(2026, 11, 30, 8, 59, 58, tzinfo=TOKYO), tick=True):
        try:
            for holder in ("host:one", "host:two"):
                runtime = Runtime(settings)
                process = ReportScheduler(runtime, holder=holder, poll=0.2)
                stop = threading.Event()
                thread = threading.Thread(target=process.run, args=(stop,), daemon=True)
                thread.start()
                runs.append(Running(process, runtime, stop, thread))
            wait_for(lambda: len(top_posts(slack_api, TEAM)) == 1, "the weekly summary")
            wait_for(lambda: everything_delivered(settings), "every item delivered")
            (post,) = top_posts(slack_api, TEAM)
            assert key_of(post) == "report:weekly:2026-W48:C0TEAM"
            assert [run.process.leading for run in runs].count(True) == 1
        finally:
            for run in runs:
                run.halt()
    # Every call posted a message of its own: no post was attempted twice.
    messages = [m for m in slack_api.messages(TEAM) if not m.get("upload")]
    assert len(slack_api.called("chat.postMessage")) == len(messages)
