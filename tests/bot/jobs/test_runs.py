"""A report job's run: the period just ended is queued once, a missed one late, an older one
skipped; an operator's copy gets a key of its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.jobs.delivery import Deliverer
from bot.jobs.runs import queue_report, run_job
from bot.runtime import Runtime
from bot.schedule import ReportJob, report_jobs
from kpi_engine.reports import ReportKind, ReportPeriod
from kpi_engine.schedule import CatchUp
from storage import outbox
from tests.bot.conftest import make_settings
from tests.bot.mock_web_api import MockWebApi

TOKYO = ZoneInfo("Asia/Tokyo")
# Monday 09:00 in Tokyo: the weekly report's run.
MONDAY_NINE = datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)
W47 = "report:weekly:2026-W47:C0TEAM"


@pytest.fixture
def runtime(migrated_url: str, slack_api: MockWebApi) -> Iterator[Runtime]:
    settings = make_settings(migrated_url, slack_api, channel_team="C0TEAM")
    made = Runtime(settings, clock=lambda: MONDAY_NINE)
    try:
        yield made
    finally:
        made.close()


def weekly(runtime: Runtime) -> ReportJob:
    (job,) = report_jobs(runtime.settings)
    return job


def entry(runtime: Runtime, key: str) -> outbox.Entry:
    with runtime.database.read() as connection:
        found = outbox.find(connection, key)
    assert found is not None, key
    return found


def test_the_monday_run_queues_the_week_just_ended_once(runtime: Runtime) -> None:
    job = weekly(runtime)
    outcomes = run_job(runtime, job, MONDAY_NINE)
    assert [(o.period.key, o.decision, o.written) for o in outcomes] == [
        ("2026-W47", CatchUp.ON_TIME, True)
    ]
    queued = entry(runtime, W47)
    assert (queued.status, queued.late, queued.channel, queued.job) == (
        outbox.Status.PENDING,
        False,
        "C0TEAM",
        "weekly",
    )
    # A second run, by this scheduler or another, finds it recorded.
    assert run_job(runtime, job, MONDAY_NINE + timedelta(seconds=30)) == []


def test_a_missed_monday_is_queued_late_and_an_older_one_skipped(runtime: Runtime) -> None:
    job = weekly(runtime)
    with runtime.database.write() as connection:
        outbox.enqueue(
            connection,
            [
                outbox.NewItem(
                    key="report:weekly:2026-W45:C0TEAM",
                    job="weekly",
                    period="2026-W45",
                    channel="C0TEAM",
                    kind=outbox.ItemKind.MESSAGE,
                    payload={"text": "W45"},
                )
            ],
            now=MONDAY_NINE - timedelta(days=14),
        )
    # Down from before Monday 16 November 09:00 until Monday 23 November 15:00.
    now = MONDAY_NINE + timedelta(hours=6)
    outcomes = run_job(runtime, job, now)
    assert [(o.period.key, o.decision, o.written) for o in outcomes] == [
        ("2026-W46", CatchUp.SKIPPED, True),
        ("2026-W47", CatchUp.LATE, True),
    ]
    skipped = entry(runtime, "report:weekly:2026-W46:C0TEAM")
    assert skipped.status is outbox.Status.SKIPPED
    assert skipped.last_error == (
        "due at 2026-11-16 09:00 JST, no scheduler ran within its 24 h grace window"
    )
    late = entry(runtime, W47)
    assert (late.status, late.late) == (outbox.Status.PENDING, True)
    assert run_job(runtime, job, now + timedelta(minutes=1)) == []


def test_exactly_the_grace_window_after_its_run_a_report_is_still_queued(
    runtime: Runtime,
) -> None:
    job = weekly(runtime)
    outcomes = run_job(runtime, job, MONDAY_NINE + timedelta(hours=24))
    assert [(o.decision, o.written) for o in outcomes] == [(CatchUp.LATE, True)]


def test_a_fenced_off_run_writes_nothing(runtime: Runtime) -> None:
    outcomes = run_job(runtime, weekly(runtime), MONDAY_NINE, fence=lambda _c, _n: False)
    assert [o.written for o in outcomes] == [False]
    with runtime.database.read() as connection:
        assert outbox.find(connection, W47) is None


def test_a_second_manual_post_is_refused_and_a_forced_one_is_a_numbered_copy(
    runtime: Runtime,
) -> None:
    period = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
    first = queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE)
    assert (first.queued, first.key) == (True, W47)
    again = queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE)
    assert (again.queued, again.key) == (False, W47)
    copies = [
        queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE, copy=True)
        for _ in range(2)
    ]
    assert [(copy.queued, copy.key) for copy in copies] == [
        (True, f"{W47}:copy-1"),
        (True, f"{W47}:copy-2"),
    ]
    # Copies are not what the scheduler looks for: the period counts as recorded once.
    assert run_job(runtime, weekly(runtime), MONDAY_NINE) == []


def test_an_operator_posts_a_period_the_scheduler_skipped_once(runtime: Runtime) -> None:
    job = weekly(runtime)
    # Back two days late: the week is past its grace window and recorded as skipped.
    (outcome,) = run_job(runtime, job, MONDAY_NINE + timedelta(days=2))
    assert (outcome.decision, outcome.written) == (CatchUp.SKIPPED, True)
    period = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
    # The scheduler's own path never posts it...
    scheduler_s = queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE)
    assert not scheduler_s.queued
    assert entry(runtime, W47).status is outbox.Status.SKIPPED
    # ...an operator's post does, under the report's own key, once.
    now = MONDAY_NINE + timedelta(days=2, hours=1)
    posted = queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=now, post_skipped=True)
    assert (posted.queued, posted.key) == (True, W47)
    queued = entry(runtime, W47)
    assert (queued.status, queued.last_error, queued.created_at) == (
        outbox.Status.PENDING,
        None,
        now,
    )
    again = queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=now, post_skipped=True)
    assert not again.queued
    assert run_job(runtime, job, now) == []


def test_an_operator_s_post_leaves_a_cancelled_post_with_its_thread_alone(
    runtime: Runtime,
) -> None:
    period = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")
    assert queue_report(runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE).queued
    with runtime.database.write() as connection:
        assert outbox.mark_skipped(connection, entry(runtime, W47).id, reason="cancelled")
    again = queue_report(
        runtime, ReportKind.WEEKLY, period, "C0TEAM", now=MONDAY_NINE, post_skipped=True
    )
    assert not again.queued
    assert entry(runtime, W47).status is outbox.Status.SKIPPED


def test_a_skipped_period_is_told_once_to_the_admin_channel_after_an_outage(
    migrated_url: str, slack_api: MockWebApi
) -> None:
    settings = make_settings(
        migrated_url, slack_api, channel_team="C0TEAM", channel_admin="C0ADMIN"
    )
    runtime = Runtime(settings, clock=lambda: MONDAY_NINE)
    try:
        job = weekly(runtime)
        # A new installation two days after its first Monday: skipped without a word.
        first_check = MONDAY_NINE - timedelta(days=5)
        (outcome,) = run_job(runtime, job, first_check)
        assert (outcome.period.key, outcome.decision) == ("2026-W46", CatchUp.SKIPPED)
        with runtime.database.read() as connection:
            assert outbox.list_items(connection, job="delivery-failure") == []
        # Then no scheduler ran from before Monday 23 November 09:00 until the 25th.
        now = MONDAY_NINE + timedelta(days=2)
        (outcome,) = run_job(runtime, job, now)
        assert (outcome.period.key, outcome.decision) == ("2026-W47", CatchUp.SKIPPED)
        assert run_job(runtime, job, now + timedelta(minutes=1)) == []
        with runtime.database.read() as connection:
            told = outbox.list_items(connection, job="delivery-failure")
        assert [(e.key, e.channel, e.status) for e in told] == [
            (f"delivery-failure:skipped:{W47}", "C0ADMIN", outbox.Status.PENDING)
        ]
        Deliverer.from_runtime(runtime).deliver_due(now)
        (posted,) = slack_api.posted("C0ADMIN", f"delivery-failure:skipped:{W47}")
        assert "2026-11-23 09:00 JST" in posted["text"]
        assert "`kpibot report weekly --at 2026-11-22 --post`" in posted["text"]
        assert slack_api.posted("C0TEAM", W47) == []
    finally:
        runtime.close()
