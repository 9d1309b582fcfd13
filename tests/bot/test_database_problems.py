"""Database problems in words: every problem storage reports, in Japanese and in English."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.database_problems import database_error_text, database_problem_message
from storage.db import DatabaseMissing, DatabaseProblem, TimeZoneMismatch

PG = {"database": "postgresql+psycopg://kpi@db.example/kpibot", "reason": "server closed"}


@pytest.mark.parametrize(
    ("problem", "params", "japanese", "english"),
    [
        (
            DatabaseProblem.BAD_SCHEME,
            {"scheme": None},
            "データベースの URL は sqlite:/// か postgresql:// で始めてください",
            "a database URL must start with sqlite:/// or postgresql://",
        ),
        (
            DatabaseProblem.BAD_SCHEME,
            {"scheme": "mysql"},
            "データベースの URL は sqlite:/// か postgresql:// で始めてください"
            "（mysql://... は使えません）",
            "a database URL must start with sqlite:/// or postgresql:// (got mysql://...)",
        ),
        (
            DatabaseProblem.UNREADABLE_URL,
            {},
            "データベースの URL として読めません（ポート番号は数字ですか？）",
            "cannot be read as a database URL (is the port a number?)",
        ),
        (
            DatabaseProblem.NO_FOLDER,
            {"path": Path("/proc/x/kpibot.db"), "reason": "No such file or directory"},
            "データベース /proc/x/kpibot.db のフォルダを作れません（No such file or directory）",
            "cannot create the directory of /proc/x/kpibot.db: No such file or directory",
        ),
        (
            DatabaseProblem.UNAVAILABLE,
            PG,
            "データベース postgresql+psycopg://kpi@db.example/kpibot を使えません（server closed）",
            "cannot use the database postgresql+psycopg://kpi@db.example/kpibot: server closed",
        ),
        (
            DatabaseProblem.BUSY,
            PG,
            "データベースはほかの書き込み（取り込みなど）が使用中です。"
            "少し待ってからもう一度実行してください",
            "the database is busy: another writer (an import, say) holds it; try again in a moment",
        ),
        (
            DatabaseProblem.FULL,
            PG,
            "データベース postgresql+psycopg://kpi@db.example/kpibot のディスクがいっぱいです"
            "（server closed）",
            "the disk holding the database postgresql+psycopg://kpi@db.example/kpibot is full "
            "(server closed)",
        ),
        (
            DatabaseProblem.CORRUPT,
            {"database": "sqlite:///kpibot.db", "reason": "file is not a database"},
            "sqlite:///kpibot.db は kpibot のデータベースではないか、壊れています"
            "（file is not a database）",
            "sqlite:///kpibot.db is not a kpibot database or is damaged (file is not a database)",
        ),
    ],
)
def test_a_database_problem_is_one_line_in_either_language(
    problem: DatabaseProblem, params: dict[str, Any], japanese: str, english: str
) -> None:
    assert database_problem_message(problem, params, "ja") == japanese
    assert database_problem_message(problem, params, "en") == english


def test_a_missing_database_is_named_in_either_language() -> None:
    missing = DatabaseMissing(Path("gone.db"))
    assert database_error_text(missing, "ja") == "データベース gone.db がありません"
    assert database_error_text(missing, "en") == "no database at gone.db"


def test_a_database_whose_zone_changed_under_a_process_says_how_to_restart_it() -> None:
    converted = TimeZoneMismatch("UTC", "Asia/Tokyo", at_open=False)
    assert database_error_text(converted, "ja") == (
        "このプロセスが Asia/Tokyo で起動した後に、データベースの日付が UTC "
        "に変換されました。KPIBOT_TIMEZONE=UTC で再起動してください"
    )
    assert database_error_text(converted, "en") == (
        "the database's local days were converted to UTC after this process started in "
        "Asia/Tokyo; restart it with KPIBOT_TIMEZONE=UTC"
    )


def test_a_database_that_lost_its_zone_says_how_to_recompute_its_days() -> None:
    unrecorded = TimeZoneMismatch(None, "Asia/Tokyo", at_open=False)
    assert database_error_text(unrecorded, "ja") == (
        "データベースに日付のタイムゾーンが記録されていません（このプロセスは Asia/Tokyo）。"
        "`kpibot db set-timezone Asia/Tokyo` で日付を計算し直してください"
    )
    assert database_error_text(unrecorded, "en") == (
        "the database no longer records the time zone of its local days (this process runs "
        "in Asia/Tokyo); run `kpibot db set-timezone Asia/Tokyo` to recompute them"
    )


def test_a_zone_the_database_holds_is_quoted_when_it_is_no_zone_name() -> None:
    odd = TimeZoneMismatch("x; rm -rf /", "UTC", at_open=True)
    assert "'x; rm -rf /' で記録されています" in database_error_text(odd, "ja")
