"""`kpibot alerts history` in words: who pressed which button of an alert and what came of
it, in Japanese and in English, with the names Slack's alert messages use."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli.alert_commands import audit_line, sent_kind_label
from bot.jobs.alerts import SentKind
from storage.alerts import AuditEntry

TOKYO = ZoneInfo("Asia/Tokyo")
AT = datetime(2026, 11, 10, 0, 30, tzinfo=UTC)


def entry(actor: str, action: str, detail: dict[str, Any], episode: int | None = 2) -> AuditEntry:
    return AuditEntry(1, AT, "nps", episode, actor, action, detail)


@pytest.mark.parametrize(
    ("audited", "japanese", "english"),
    [
        (
            entry(
                "U0ADMIN",
                "acknowledge",
                {"result": "done", "channel": "C0TEAM", "message_edited": True},
            ),
            "2026-11-10 09:30 nps #2 U0ADMIN: "
            "確認しました（完了、チャンネル C0TEAM、メッセージを更新）",
            "2026-11-10 09:30 nps #2 U0ADMIN: Acknowledge (done, channel C0TEAM, message edited)",
        ),
        (
            entry(
                "U0ADMIN",
                "snooze",
                {
                    "result": "done",
                    "view": "V0123",
                    "until": "2026-11-11T00:30:00+00:00",
                    "length": "1d",
                    "reason": "価格改定の影響待ち",
                    "channel": "C0TEAM",
                    "message_edited": False,
                },
            ),
            "2026-11-10 09:30 nps #2 U0ADMIN: スヌーズ（完了、2026-11-11 09:30 まで（1日）、"
            "理由: 価格改定の影響待ち、チャンネル C0TEAM）",
            "2026-11-10 09:30 nps #2 U0ADMIN: Snooze (done, until 2026-11-11 09:30 (1 day), "
            "reason: 価格改定の影響待ち, channel C0TEAM)",
        ),
        (
            entry(
                "U0MEMBER",
                "record_action",
                {"result": "refused", "reason": "not_member", "channel": "C0BOARD"},
            ),
            "2026-11-10 09:30 nps #2 U0MEMBER: "
            "アクションを記録（拒否、チャンネルのメンバーではない、チャンネル C0BOARD）",
            "2026-11-10 09:30 nps #2 U0MEMBER: Record action (refused, not a member of the "
            "channel, channel C0BOARD)",
        ),
        (
            entry(
                "scheduler",
                "data_missing",
                {"last_event": "2026-10-01 09:00:00+09:00", "allowed_days": 45},
                episode=None,
            ),
            "2026-11-10 09:30 nps - スケジューラー: データ未更新（最新データ 2026-10-01 09:00、"
            "許容 45 日）",
            "2026-11-10 09:30 nps - scheduler: data missing (latest data 2026-10-01 09:00, "
            "45 days allowed)",
        ),
        (
            entry("scheduler", "snooze_ended", {"from": "red", "to": "red", "shelved": 3}),
            "2026-11-10 09:30 nps #2 スケジューラー: スヌーズ終了（緊急から緊急へ、shelved=3）",
            "2026-11-10 09:30 nps #2 scheduler: snooze ended (from critical to critical, "
            "shelved=3)",
        ),
    ],
)
def test_an_audit_line_is_worded_in_either_language(
    audited: AuditEntry, japanese: str, english: str
) -> None:
    assert audit_line(audited, TOKYO, "ja") == japanese
    assert audit_line(audited, TOKYO, "en") == english


def test_what_a_sweep_queued_is_named_as_slack_shows_it() -> None:
    assert [sent_kind_label(kind, "ja") for kind in SentKind] == [
        "投稿",
        "更新",
        "スレッドへの返信",
        "経営陣への投稿",
        "リマインド",
        "データ未更新",
    ]
    assert [sent_kind_label(kind, "en") for kind in SentKind] == [
        "post",
        "update",
        "thread reply",
        "leadership post",
        "reminder",
        "data missing",
    ]
