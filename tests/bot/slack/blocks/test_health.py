"""`/kpi health`'s message: each job's schedule, next and last run, the outbox and the leader."""

# ruff: noqa: RUF001 (full-width and Japanese text is what these tests are about)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import JobHealth, SchedulerHealth
from bot.slack.blocks.health import health_message
from bot.slack.blocks.plain import plain_text
from kpi_engine.reports import ReportKind
from storage.scheduling import Lease, Outcome
from tests.bot.slack.blocks.slack_checks import JAPANESE, check_message

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=TOKYO)


def outcome(status: str, *, late: bool = False, error: str | None = None) -> Outcome:
    return Outcome(
        job="weekly",
        key="report:weekly:2026-W47:C0TEAM",
        period="2026-W47",
        channel="C0TEAM",
        status=status,
        late=late,
        attempts=1,
        last_error=error,
        created_at=datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
        sent_at=datetime(2026, 11, 23, 0, 0, 4, tzinfo=UTC) if status == "sent" else None,
    )


def health(
    *,
    last: Outcome | None = None,
    leader: Lease | None = None,
    outbox: dict[str, int] | None = None,
) -> SchedulerHealth:
    return SchedulerHealth(
        now=NOW,
        jobs=[
            JobHealth(
                ReportKind.WEEKLY,
                "C0TEAM",
                "0 9 * * 1",
                datetime(2026, 11, 30, 0, 0, tzinfo=UTC),
                last,
                {"pending": 2} if outbox else {},
            ),
            JobHealth(ReportKind.MONTHLY, None, "0 9 1 * *", None, None),
            JobHealth(ReportKind.QUARTERLY, "C0LEAD", "0 9 31 2 *", None, None),
        ],
        outbox=outbox or {},
        leader=leader,
    )


LEADER = Lease(
    name="reports",
    holder="web-1:4242",
    since=datetime(2026, 11, 20, 0, 0, tzinfo=UTC),
    heartbeat_at=NOW - timedelta(seconds=10),
)


def test_each_job_shows_its_channel_next_run_in_local_time_and_last_outcome() -> None:
    message = health_message(
        health(last=outcome("sent", late=True), leader=LEADER, outbox={"sent": 3, "pending": 2}),
        "ja",
    )
    check_message(message)
    text = plain_text(message)
    assert "週次レポート\n投稿先 C0TEAM、スケジュール 0 9 * * 1（Asia/Tokyo）" in text
    # 2026-11-30 00:00 UTC is Monday 09:00 in Tokyo.
    assert "次回: 2026-11-30 (月) 09:00" in text
    assert "前回: 2026-W47 ✅ 投稿済み・遅延して投稿（2026-11-23 09:00）" in text
    assert "KPIBOT_CHANNEL_STAKEHOLDERS にチャンネルIDを設定してください" in text
    assert "次回: なし（このスケジュールは実行されません）" in text
    assert "送信キュー: ⏳ 送信待ち 2件" in text
    assert "送信待ち: ⏳ 送信待ち 2件" in text  # the weekly job's own
    assert (
        "稼働中のスケジューラ: web-1:4242（2026-11-20 09:00 から、最終応答 2026-11-24 10:29）"
        in text
    )
    assert message.text == "スケジュール配信の状況（2026-11-24 10:30 時点）"


def test_in_english_the_same_facts_read_in_english() -> None:
    message = health_message(health(last=outcome("skipped"), leader=LEADER), "en")
    check_message(message)
    text = plain_text(message)
    assert not JAPANESE.search(text), text
    assert "Next run: 2026-11-30 (Mon) 09:00" in text
    assert "Last run: 2026-W47 ⏭️ skipped (past its grace window, not posted)" in text
    assert "Outbox: empty" in text


def test_a_failure_names_its_error_and_a_silent_leader_is_flagged() -> None:
    silent = Lease("reports", "web-1:4242", LEADER.since, NOW - timedelta(minutes=5))
    message = health_message(
        health(last=outcome("failed", error="not_in_channel <#C0TEAM>"), leader=silent), "ja"
    )
    payload = check_message(message)
    text = plain_text(message)
    assert "⚠️ 失敗（再試行します）" in text
    assert "エラー: not_in_channel <#C0TEAM>" in text
    assert "&lt;#C0TEAM&gt;" in str(payload)  # stored text is escaped, never a link
    assert "スケジューラ web-1:4242 の応答が 2026-11-24 10:25 から途絶えています" in text


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_with_no_scheduler_running_the_answer_says_how_to_start_one(locale: str) -> None:
    message = health_message(health(), locale)
    check_message(message)
    text = plain_text(message)
    assert "kpibot scheduler" in text
    assert ("まだありません" if locale == "ja" else "none yet") in text


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("ja", "⚠️ 2026-W48 は 2026-11-30 (月) 09:00 に投稿予定でしたが、まだ送信キューに"),
        ("en", "⚠️ 2026-W48 was due at 2026-11-30 (Mon) 09:00 and is not queued yet"),
    ],
)
def test_a_report_past_its_run_and_not_queued_is_flagged(locale: str, says: str) -> None:
    overdue = JobHealth(
        ReportKind.WEEKLY,
        "C0TEAM",
        "0 9 * * 1",
        datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
        outcome("sent"),
        overdue=("2026-W48", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
    )
    message = health_message(
        SchedulerHealth(now=NOW, jobs=[overdue], outbox={}, leader=LEADER), locale
    )
    check_message(message)
    assert says in plain_text(message)
