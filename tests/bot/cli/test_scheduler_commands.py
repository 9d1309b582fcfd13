"""`kpibot jobs` and `kpibot outbox`: the schedule, its last outcomes, and the outbox."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from storage import outbox
from storage.db import Database
from storage.scheduling import claim_lease
from tests.bot.conftest import Kpibot

# Monday 2026-11-23 10:00 in Tokyo.
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CHANNELS = {"KPIBOT_CHANNEL_TEAM": "C0TEAM", "KPIBOT_LOCALE": "en"}


def item(key: str, job: str = "weekly", period: str = "2026-W47") -> outbox.NewItem:
    return outbox.NewItem(
        key=key,
        job=job,
        period=period,
        channel="C0TEAM",
        kind=outbox.ItemKind.MESSAGE,
        payload={"text": "report"},
    )


@pytest.fixture
def filled(database: Database) -> Database:
    """An outbox with a weekly report sent on time and a monthly one that failed."""
    with database.write() as connection:
        outbox.enqueue(connection, [item("report:weekly:2026-W47:C0TEAM")], now=NOW)
        outbox.enqueue(
            connection,
            [item("report:monthly:2026-10:C0STAKE", "monthly", "2026-10")],
            now=NOW - timedelta(days=22),
        )
        claim = outbox.claim_next(connection, now=NOW, lease=timedelta(minutes=1))
        assert claim is not None
        outbox.mark_sent(connection, claim.entry.id, ts="1.2", now=NOW + timedelta(seconds=3))
        claim = outbox.claim_next(connection, now=NOW, lease=timedelta(minutes=1))
        assert claim is not None
        outbox.mark_failed(
            connection,
            claim.entry.id,
            attempt=claim.attempt,
            error="not_in_channel",
            retry_at=None,
            may_have_posted=False,
        )
        claim_lease(connection, holder="clock:1", now=NOW, expires_after=timedelta(seconds=30))
    return database


def test_jobs_lists_next_runs_in_local_time_and_last_outcomes(
    kpibot: Kpibot, filled: Database, migrated_url: str, tmp_path: Path
) -> None:
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        done = kpibot("jobs", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    weekly = lines.index("Weekly summary")
    assert lines[weekly + 1] == "to C0TEAM, schedule 0 9 * * 1 (Asia/Tokyo)"
    # Monday 10:00 in Tokyo: the next run is next Monday 09:00, not today's.
    assert lines[weekly + 2] == "Next run: 2026-11-30 (Mon) 09:00"
    assert lines[weekly + 3] == "Last run: 2026-W47 ✅ posted (2026-11-23 10:00)"
    monthly = lines.index("Monthly digest")
    assert "not scheduled: no channel (set KPIBOT_CHANNEL_STAKEHOLDERS" in lines[monthly + 1]
    assert lines[monthly + 2].startswith("Last run: 2026-10 ")
    assert "Error: not_in_channel" in lines[monthly + 3]
    assert "Active scheduler: clock:1" in done.stdout


def test_jobs_flags_a_report_past_its_run_that_no_scheduler_queued(
    kpibot: Kpibot, filled: Database, migrated_url: str, tmp_path: Path
) -> None:
    # Monday 30 November 09:00 in Tokyo has passed and no scheduler queued week 48.
    on_time = datetime(2026, 11, 30, 0, 0, 30, tzinfo=UTC)
    with time_machine.travel(on_time, tick=False):
        done = kpibot("jobs", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert done.returncode == 0, done.stderr
    assert "not queued yet" not in done.stdout  # within the minute a run may take
    with time_machine.travel(on_time + timedelta(minutes=5), tick=False):
        done = kpibot("jobs", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    weekly = lines.index("Weekly summary")
    assert lines[weekly + 3] == "Last run: 2026-W47 ✅ posted (2026-11-23 10:00)"
    assert lines[weekly + 4] == (
        "⚠️ 2026-W48 was due at 2026-11-30 (Mon) 09:00 and is not queued yet: check that a "
        "scheduler runs, and its log."
    )
    # Once the run has queued it, the warning is gone.
    with filled.write() as connection:
        outbox.enqueue(
            connection, [item("report:weekly:2026-W48:C0TEAM", period="2026-W48")], now=on_time
        )
    with time_machine.travel(on_time + timedelta(minutes=5), tick=False):
        done = kpibot("jobs", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert "not queued yet" not in done.stdout


def test_outbox_lists_items_newest_first_and_failed_ones_alone(
    kpibot: Kpibot, filled: Database, migrated_url: str, tmp_path: Path
) -> None:
    done = kpibot("outbox", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Outbox (2 items, newest first, times in Asia/Tokyo)"
    assert lines[1] == (
        "#2 ❌ failed (resend with kpibot outbox --retry) report:monthly:2026-10:C0STAKE "
        "(created 2026-11-01 10:00, sent not yet, 1 attempts)"
    )
    assert lines[2] == "    not_in_channel"
    assert lines[3] == (
        "#1 ✅ posted report:weekly:2026-W47:C0TEAM "
        "(created 2026-11-23 10:00, sent 2026-11-23 10:00, 1 attempts)"
    )
    failed = kpibot("outbox", "--failed", cwd=tmp_path, database=migrated_url, environment=CHANNELS)
    assert "report:weekly" not in failed.stdout
    assert "report:monthly:2026-10:C0STAKE" in failed.stdout


def test_outbox_retry_queues_a_failed_item_and_refuses_others(
    kpibot: Kpibot, filled: Database, migrated_url: str, tmp_path: Path
) -> None:
    done = kpibot(
        "outbox", "--retry", "2", cwd=tmp_path, database=migrated_url, environment=CHANNELS
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "#2 (report:monthly:2026-10:C0STAKE) is queued again; the scheduler will send it."
    )
    with filled.read() as connection:
        entry = outbox.find(connection, "report:monthly:2026-10:C0STAKE")
    assert entry is not None and entry.status is outbox.Status.FAILED
    sent = kpibot("outbox", "--retry", "1", cwd=tmp_path, database=migrated_url)
    assert sent.returncode == 2
    assert sent.stderr == (
        "kpibot: 送信箱の項目 #1 は✅ 投稿済みで、失敗していません: "
        "再送できるのは失敗した項目だけです\n"
    )
    missing = kpibot(
        "outbox", "--retry", "99", cwd=tmp_path, database=migrated_url, environment=CHANNELS
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        "kpibot: no outbox item #99 (kpibot outbox lists them)\n",
    )
    bad = kpibot("outbox", "--retry", "x", cwd=tmp_path, database=migrated_url)
    assert bad.returncode == 2
    assert "'x' は送信箱の項目の番号（1, 2, …）ではありません" in bad.stderr


def test_an_empty_outbox_says_so(kpibot: Kpibot, migrated_url: str, tmp_path: Path) -> None:
    done = kpibot("outbox", cwd=tmp_path, database=migrated_url)
    assert (done.returncode, done.stdout) == (0, "送信キューは空です。\n")
