"""`kpibot report`: a report printed as Slack shows it, or posted once through the outbox."""

# ruff: noqa: RUF001 (the Japanese answers use full-width parentheses)

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.jobs.delivery import record_skipped_post
from storage.db import open_database
from tests.bot.conftest import BOT_TOKEN, Kpibot
from tests.bot.mock_web_api import MockWebApi

TOKYO = ZoneInfo("Asia/Tokyo")
# Tuesday 2026-11-24 10:00 in Tokyo: the week of 16-22 November has ended.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def environment(slack_api: MockWebApi) -> dict[str, str]:
    return {
        "SLACK_API_URL": slack_api.api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "KPIBOT_CHANNEL_TEAM": "C0TEAM",
    }


def test_report_prints_the_week_just_ended_as_plain_text(
    kpibot: Kpibot, demo_url: str, tmp_path: Path, environment: dict[str, str]
) -> None:
    with time_machine.travel(NOW, tick=False):
        done = kpibot("report", "weekly", cwd=tmp_path, database=demo_url, environment=environment)
    assert done.returncode == 0, done.stderr
    assert "2026-W47" in done.stdout
    assert "Asia/Tokyo" in done.stdout
    assert ".png" in done.stdout  # its chart is named
    assert "*" not in done.stdout.replace("`", "")  # no mrkdwn markup left


def test_at_names_the_period_ended_at_the_end_of_that_day(
    kpibot: Kpibot, demo_url: str, tmp_path: Path, environment: dict[str, str]
) -> None:
    done = kpibot(
        "report",
        "monthly",
        "--at",
        "2026-10-31",
        cwd=tmp_path,
        database=demo_url,
        environment=environment,
    )
    assert done.returncode == 0, done.stderr
    assert "2026年10月" in done.stdout


def test_post_posts_once_and_a_second_post_posts_nothing_and_says_so(
    kpibot: Kpibot,
    demo_url: str,
    tmp_path: Path,
    environment: dict[str, str],
    slack_api: MockWebApi,
) -> None:
    key = "report:weekly:2026-W47:C0TEAM"
    with time_machine.travel(NOW, tick=True):
        first = kpibot(
            "report", "weekly", "--post", cwd=tmp_path, database=demo_url, environment=environment
        )
        assert first.returncode == 0, first.stderr
        assert first.stdout == f"週次レポート 2026-W47 を C0TEAM に投稿しました（{key}）。\n"
        assert len(slack_api.posted("C0TEAM", key)) == 1
        again = kpibot(
            "report", "weekly", "--post", cwd=tmp_path, database=demo_url, environment=environment
        )
        assert again.returncode == 0, again.stderr
        assert again.stdout == (
            "週次レポート 2026-W47 は C0TEAM 向けに送信キューにあります（✅ 投稿済み）。"
            "投稿しませんでした（もう一部投稿するには --force）。\n"
        )
        assert len(slack_api.posted("C0TEAM", key)) == 1
        forced = kpibot(
            "report",
            "weekly",
            "--post",
            "--force",
            cwd=tmp_path,
            database=demo_url,
            environment=environment,
        )
        assert forced.returncode == 0, forced.stderr
        assert f"（{key}:copy-1）" in forced.stdout
        assert len(slack_api.posted("C0TEAM", f"{key}:copy-1")) == 1


def test_a_manual_post_is_never_refused_for_the_period_s_age(
    kpibot: Kpibot,
    demo_url: str,
    tmp_path: Path,
    environment: dict[str, str],
    slack_api: MockWebApi,
) -> None:
    with time_machine.travel(NOW, tick=True):
        done = kpibot(
            "report",
            "weekly",
            "--at",
            "2026-03-02",
            "--post",
            cwd=tmp_path,
            database=demo_url,
            environment=environment,
        )
    assert done.returncode == 0, done.stderr
    assert len(slack_api.posted("C0TEAM", "report:weekly:2026-W09:C0TEAM")) == 1


def test_post_posts_a_week_the_scheduler_recorded_as_skipped(
    kpibot: Kpibot,
    demo_url: str,
    tmp_path: Path,
    environment: dict[str, str],
    slack_api: MockWebApi,
) -> None:
    key = "report:weekly:2026-W47:C0TEAM"
    database = open_database(demo_url, TOKYO)
    try:
        with database.write() as connection:
            assert record_skipped_post(
                connection,
                key=key,
                job="weekly",
                period="2026-W47",
                channel="C0TEAM",
                now=NOW,
                reason="due at 2026-11-23 09:00 JST, no scheduler ran within its 24 h grace window",
            )
    finally:
        database.engine.dispose()
    with time_machine.travel(NOW, tick=True):
        done = kpibot(
            "report",
            "weekly",
            "--post",
            cwd=tmp_path,
            database=demo_url,
            environment={**environment, "KPIBOT_LOCALE": "en"},
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Weekly summary 2026-W47 was posted to C0TEAM ({key}).\n"
    assert len(slack_api.posted("C0TEAM", key)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "weekly", "--force"],
            "kpibot: --force は新しく投稿し直すオプションです: --post と一緒に使ってください\n",
        ),
        (
            ["report", "weekly", "--at", "2999-01-01", "--post"],
            "kpibot: --at 2999-01-01 は未来の日付です: レポートは終わった期間についてのものです\n",
        ),
        (
            ["report", "monthly", "--post"],
            "kpibot: 月次レポートの投稿先チャンネルがありません: "
            "KPIBOT_CHANNEL_STAKEHOLDERS を設定してください\n",
        ),
    ],
)
def test_a_post_without_what_it_needs_is_refused_with_exit_2(
    kpibot: Kpibot,
    demo_url: str,
    tmp_path: Path,
    environment: dict[str, str],
    args: list[str],
    message: str,
) -> None:
    done = kpibot(*args, cwd=tmp_path, database=demo_url, environment=environment)
    assert (done.returncode, done.stderr) == (2, message)


def test_an_unknown_report_kind_is_a_usage_error(
    kpibot: Kpibot, demo_url: str, tmp_path: Path
) -> None:
    done = kpibot("report", "daily", cwd=tmp_path, database=demo_url)
    assert done.returncode == 2
    assert "kpibot report: エラー: KIND: 'daily' は選べません" in done.stderr
    english = kpibot(
        "report", "daily", cwd=tmp_path, database=demo_url, environment={"KPIBOT_LOCALE": "en"}
    )
    assert "kpibot report: error: argument KIND: invalid choice: 'daily'" in english.stderr
