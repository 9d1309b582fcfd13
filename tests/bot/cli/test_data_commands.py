"""One time zone per database: `kpibot db set-timezone`, the commands refused on a database
in another zone, and a running app that refuses to answer once its database was converted."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.slack.services import Services
from tests.bot.cli.test_main import KPIBOT
from tests.bot.conftest import ADMIN, API_TOKEN, Kpibot, SlackAppServer
from tests.storage.test_db import AROUND_MIDNIGHT, stored_rows

UTC_ENV = {"KPIBOT_TIMEZONE": "UTC"}
ENGLISH = {"KPIBOT_LOCALE": "en"}
REFUSED_IN_UTC = (
    "kpibot: データベースの日付は Asia/Tokyo で記録されていますが、KPIBOT_TIMEZONE は UTC "
    "です。`kpibot db set-timezone UTC` で変換するか、KPIBOT_TIMEZONE=Asia/Tokyo "
    "にしてください\n"
)
REFUSED_IN_UTC_ENGLISH = (
    "kpibot: the database's local days are in Asia/Tokyo but KPIBOT_TIMEZONE is UTC; "
    "run `kpibot db set-timezone UTC` to convert them, or set KPIBOT_TIMEZONE=Asia/Tokyo\n"
)


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(AROUND_MIDNIGHT, encoding="utf-8")
    return path


@pytest.fixture
def tokyo_url(kpibot: Kpibot, tmp_path: Path, migrated_url: str, events: Path) -> str:
    """A database in Asia/Tokyo (the default zone) holding the events around midnight."""
    imported = kpibot("ingest", str(events), cwd=tmp_path, database=migrated_url)
    assert imported.returncode == 0, imported.stderr
    return migrated_url


def p1_day(url: str) -> date:
    (row,) = [row for row in stored_rows(url)["payments"] if row[0] == "p1"]
    day = row[3]
    assert isinstance(day, date)
    return day


def test_set_timezone_converts_the_database_and_says_what_it_did(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str
) -> None:
    assert p1_day(tokyo_url) == date(2026, 11, 1)  # 00:30 in Tokyo

    finished = kpibot(
        "db", "set-timezone", "UTC", cwd=tmp_path, database=tokyo_url, environment=UTC_ENV
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == [
        "現地日付を Asia/Tokyo から UTC に変換しました: イベント 12 件を計算し直し（9 件が変化）、"
        "集計を作り直しました: daily_facts 18 行, customers 3 行, completion_months 1 行, "
        "monthly_payers 2 行",
        "これからはすべての kpibot プロセスを KPIBOT_TIMEZONE=UTC で動かしてください。"
        "動いているプロセスは、この設定で再起動するまで応答しません",
    ]
    assert p1_day(tokyo_url) == date(2026, 10, 31)  # 15:30 the day before in UTC
    shown = kpibot("status", cwd=tmp_path, database=tokyo_url, environment=UTC_ENV)
    assert shown.returncode == 0, shown.stderr


def test_set_timezone_works_whatever_zone_the_command_itself_runs_in(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str
) -> None:
    # Run in Asia/Tokyo, the database's zone: converting it away is allowed ...
    assert kpibot("db", "set-timezone", "UTC", cwd=tmp_path, database=tokyo_url).returncode == 0
    # ... after which Asia/Tokyo is the mismatch, and the same command, in UTC, is the way back.
    refused = kpibot("status", cwd=tmp_path, database=tokyo_url)
    assert refused.returncode == 2
    assert "データベースの日付は UTC で記録されていますが、KPIBOT_TIMEZONE は Asia/Tokyo" in (
        refused.stderr
    )
    back = kpibot(
        "db", "set-timezone", "Asia/Tokyo", cwd=tmp_path, database=tokyo_url, environment=UTC_ENV
    )
    assert back.returncode == 0, back.stderr
    assert p1_day(tokyo_url) == date(2026, 11, 1)
    assert kpibot("status", cwd=tmp_path, database=tokyo_url).returncode == 0


def test_set_timezone_in_the_zone_the_database_is_in_changes_nothing(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str
) -> None:
    before = stored_rows(tokyo_url)

    finished = kpibot(
        "db", "set-timezone", "Asia/Tokyo", cwd=tmp_path, database=tokyo_url, environment=ENGLISH
    )

    assert finished.returncode == 0
    assert (
        finished.stdout == "the database's local days are already in Asia/Tokyo; nothing changed\n"
    )
    assert stored_rows(tokyo_url) == before


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("Asia/Tokio", "'Asia/Tokio' というタイムゾーンはありません。もしかして: Asia/Tokyo"),
        ("utc", "'utc' というタイムゾーンはありません。もしかして: UTC"),
        ("localtime", "'localtime' というタイムゾーンはありません。"),
        (
            "../etc/passwd",
            "'../etc/passwd' というタイムゾーンはありません。"
            "Asia/Tokyo のような IANA の名前で指定してください",
        ),
        ("Asia/" + "x" * 5_000, "'Asia/xxx"),
    ],
)
def test_set_timezone_with_an_unknown_zone_is_exit_2_and_changes_nothing(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str, zone: str, said: str
) -> None:
    before = stored_rows(tokyo_url)

    finished = kpibot("db", "set-timezone", zone, cwd=tmp_path, database=tokyo_url)

    assert finished.returncode == 2
    assert finished.stderr.startswith(f"kpibot: {said}")
    assert len(finished.stderr.splitlines()) == 1
    assert len(finished.stderr) < 300
    assert stored_rows(tokyo_url) == before


def test_set_timezone_with_an_unknown_zone_says_so_in_english(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str
) -> None:
    finished = kpibot(
        "db", "set-timezone", "Asia/Tokio", cwd=tmp_path, database=tokyo_url, environment=ENGLISH
    )

    assert finished.returncode == 2
    assert finished.stderr.startswith(
        "kpibot: unknown time zone 'Asia/Tokio'; did you mean Asia/Tokyo"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["show", "nps"],
        ["record", "market_share", "4.2", "--at", "2026-11-20"],
        ["ingest", "events.csv"],
        ["db", "rebuild-rollups"],
    ],
)
def test_a_command_in_another_zone_is_refused_in_one_line_with_exit_2_and_changes_nothing(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str, command: list[str]
) -> None:
    before = stored_rows(tokyo_url)

    finished = kpibot(*command, cwd=tmp_path, database=tokyo_url, environment=UTC_ENV)

    assert (finished.returncode, finished.stdout, finished.stderr) == (2, "", REFUSED_IN_UTC)
    assert stored_rows(tokyo_url) == before


def test_a_command_in_another_zone_is_refused_in_english_with_kpibot_locale_en(
    kpibot: Kpibot, tmp_path: Path, tokyo_url: str
) -> None:
    finished = kpibot(
        "status", cwd=tmp_path, database=tokyo_url, environment={**UTC_ENV, **ENGLISH}
    )

    assert (finished.returncode, finished.stderr) == (2, REFUSED_IN_UTC_ENGLISH)


def test_a_second_kpibot_process_in_another_zone_is_refused_and_changes_nothing(
    tmp_path: Path, tokyo_url: str
) -> None:
    before = stored_rows(tokyo_url)

    finished = subprocess.run(
        [str(KPIBOT), "status"],
        cwd=tmp_path,
        env={**os.environ, "KPIBOT_DATABASE_URL": tokyo_url, **UTC_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (finished.returncode, finished.stdout, finished.stderr) == (2, "", REFUSED_IN_UTC)
    assert stored_rows(tokyo_url) == before


def test_a_running_app_refuses_to_answer_once_its_database_was_converted(
    kpibot: Kpibot, tmp_path: Path, demo_url: str, services: Services, app: SlackAppServer
) -> None:
    assert app.request("GET", "/healthz").json == {"status": "ok"}
    assert "pt" in app.command("nps").json["text"]  # NPS in points: figures, before

    converted = kpibot(
        "db", "set-timezone", "UTC", cwd=tmp_path, database=demo_url, environment=UTC_ENV
    )
    assert converted.returncode == 0, converted.stderr

    health = app.request("GET", "/healthz")
    assert health.status == 503
    assert health.json == {
        "status": "unavailable",
        "reason": "このプロセスが Asia/Tokyo で起動した後に、データベースの日付が UTC "
        "に変換されました。KPIBOT_TIMEZONE=UTC で再起動してください",
    }
    in_english = app.request("GET", "/healthz", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert in_english.json["reason"] == (
        "the database's local days were converted to UTC after this process "
        "started in Asia/Tokyo; restart it with KPIBOT_TIMEZONE=UTC"
    )
    answer = app.command("nps")
    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    text = body["text"]
    assert "`UTC`" in text and "`Asia/Tokyo`" in text and "再起動" in text
    assert " pt" not in text and "Traceback" not in answer.text
    record = app.command("record market_share 4.2", user=ADMIN)
    assert "`UTC`" in record.json["text"]
    before = stored_rows(demo_url)
    payment = '{"type": "payment", "id": "late", "customer": "c1", "at": "2026-11-23", '
    imported = app.request(
        "POST",
        "/api/v1/events",
        payment + '"amount": 1, "recurring": true}\n',
        {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {API_TOKEN}"},
    )
    assert (imported.status, imported.json["retry"]) == (503, True)
    assert imported.json["error"] == (
        "データベースの日付のタイムゾーンがこのサーバーの設定と違うため、何も保存していません。"
        "サーバーがデータベースのタイムゾーンで再起動されてから送り直してください"
    )
    assert stored_rows(demo_url) == before
