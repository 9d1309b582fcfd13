"""The `kpibot` commands run as a user runs them, in a directory of their own: in-process
(`Kpibot`), and, where the test needs a real process (a mount namespace), as the console script."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from storage.db import head_revision
from storage.imports.worker import WORKER_MIN_BYTES
from storage.schema import EventType
from tests.bot.conftest import Kpibot

KPIBOT = Path(sys.executable).with_name("kpibot")
PAYMENTS = "type,id,at,customer,amount,recurring\n"
# Commands whose English output a test reads (Japanese is the default).
ENGLISH = {"KPIBOT_LOCALE": "en"}


@pytest.fixture
def data_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kpibot-test.db'}"


def stored(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "data" / "kpibot-test.db") as connection:
        return connection.execute(sql).fetchall()


def test_demo_files_imported_twice_are_all_unchanged_the_second_time(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    demo = kpibot("demo", "--today", "2026-11-23", "--write-csv", "out", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "kpibot-demo.db").is_file()
    assert not (tmp_path / "kpibot.db").exists()
    files = sorted(str(path.relative_to(tmp_path)) for path in (tmp_path / "out").glob("*.csv"))
    assert len(files) == 11  # one per type, refunds included

    first = kpibot("ingest", *files, cwd=tmp_path, database=data_url, environment=ENGLISH)
    second = kpibot("ingest", *files, cwd=tmp_path, database=data_url, environment=ENGLISH)

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    total = re.fullmatch(
        r"total: inserted ([\d,]+), updated 0, unchanged 0, rejected 0",
        first.stdout.splitlines()[-1],
    )
    assert total is not None, first.stdout
    inserted = total.group(1)
    refunds = re.search(r"^out/refund\.csv: inserted ([\d,]+), ", first.stdout, re.MULTILINE)
    assert refunds is not None and int(refunds.group(1)) > 0, first.stdout
    assert second.stdout.splitlines()[-1] == (
        f"total: inserted 0, updated 0, unchanged {inserted}, rejected 0"
    )
    tables = [f"SELECT count(*) FROM {event_type.value}s" for event_type in EventType]
    rows = sum(int(str(stored(tmp_path, sql)[0][0])) for sql in tables)
    assert int(inserted.replace(",", "")) == rows > 10_000
    assert not (tmp_path / "kpibot.db").exists()


def test_demo_refuses_to_rebuild_kpibot_db(kpibot: Kpibot, tmp_path: Path) -> None:
    finished = kpibot("demo", "--db", "kpibot.db", "--scale", "0.2", cwd=tmp_path)
    assert finished.returncode != 0
    assert "kpibot demo は kpibot.db には触れません" in finished.stderr
    assert not (tmp_path / "kpibot.db").exists()


def test_demo_refuses_to_replace_a_file_that_is_not_a_demo_database(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    precious = tmp_path / "precious.db"
    precious.write_bytes(b"someone's data")
    finished = kpibot("demo", "--db", "precious.db", "--scale", "0.2", cwd=tmp_path)
    assert finished.returncode == 2
    assert "precious.db はすでにあり、kpibot のデモデータベースではありません" in finished.stderr
    assert precious.read_bytes() == b"someone's data"


def test_demo_refuses_to_replace_the_configured_database(kpibot: Kpibot, tmp_path: Path) -> None:
    configured = f"sqlite:///{tmp_path / 'mine.db'}"
    finished = kpibot(
        "demo", "--db", "mine.db", "--scale", "0.2", cwd=tmp_path, database=configured
    )
    assert finished.returncode == 2
    assert "mine.db は設定されたデータベース（KPIBOT_DATABASE_URL）です" in finished.stderr
    assert not (tmp_path / "mine.db").exists()


def test_demo_rebuilds_its_own_database_on_every_run(kpibot: Kpibot, tmp_path: Path) -> None:
    for _ in range(2):
        finished = kpibot("demo", "--today", "2026-11-23", "--scale", "0.2", cwd=tmp_path)
        assert finished.returncode == 0, finished.stderr
    assert "紹介・口コミ率" in finished.stdout


def test_demo_writes_the_three_reports_as_text_and_their_charts(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    finished = kpibot(
        "demo", "--today", "2026-11-23", "--scale", "0.2", "--reports", "out", cwd=tmp_path
    )
    assert finished.returncode == 0, finished.stderr
    folder = tmp_path / "out"
    assert f" {folder.resolve()}/" in finished.stdout
    # The alerts the demo raises, as each channel would get them (stand-in channel ids).
    alerts = finished.stdout.split("デモデータが発生させるアラート", 1)[1]
    assert "#C0ALERTS" in alerts and "#C0LEADERSHIP" in alerts
    assert "緊急対策会議・戦略見直し" in alerts
    assert "自動ルール revenue_below_80_percent" in alerts
    # The end of Monday 2026-11-23: week 47, October and the third quarter have ended.
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [
            "weekly-2026-W47.txt",
            "weekly-2026-W47-main-kpis.png",
            "monthly-2026-10.txt",
            *(
                f"monthly-2026-10-{tier}.png"
                for tier in ("strategic", "business", "operational", "customer")
            ),
            "quarterly-2026-Q3.txt",
            "quarterly-2026-Q3-strategic.png",
        ]
    )
    weekly = (folder / "weekly-2026-W47.txt").read_text(encoding="utf-8")
    assert weekly.startswith("📊 週次チームサマリー 2026-W47\n")
    assert "2026-11-16〜2026-11-22（Asia/Tokyo）" in weekly
    monthly = (folder / "monthly-2026-10.txt").read_text(encoding="utf-8")
    assert "法人向けチームプランを来期に試験導入し" in monthly  # the demo's notes
    quarterly = (folder / "quarterly-2026-Q3.txt").read_text(encoding="utf-8")
    assert "次四半期目標（2026-10-01〜2026-12-31）" in quarterly
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in folder.glob("*.png"))


def test_demo_refuses_a_reports_folder_that_is_a_file(kpibot: Kpibot, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("mine", encoding="utf-8")
    finished = kpibot(
        "demo", "--scale", "0.2", "--reports", "out", cwd=tmp_path, environment=ENGLISH
    )
    assert finished.returncode == 2
    assert "out exists and is not a folder" in finished.stderr
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine"


def test_ingest_of_a_bad_file_exits_1_naming_every_problem_and_stores_nothing(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "bad.csv").write_text(
        PAYMENTS
        + "payment,p1,2026-11-01,c1,100,true\n"
        + "payment,p2,11/01/2026,c1,100,true\n"
        + "payment,p3,2026-11-01,c1,abc,true\n"
        + "rebate,p4,2026-11-01,c1,100,true\n",
        encoding="utf-8",
    )
    finished = kpibot("ingest", "bad.csv", cwd=tmp_path, database=data_url, environment=ENGLISH)
    assert finished.returncode == 1
    problems = finished.stderr.splitlines()
    assert problems[0].startswith("bad.csv: line 3, column at: '11/01/2026' is ambiguous")
    assert problems[1].startswith("bad.csv: line 4, column amount: ")
    assert problems[2].startswith("bad.csv: line 5, column type: unknown type 'rebate'")
    japanese = kpibot("ingest", "bad.csv", cwd=tmp_path, database=data_url).stderr.splitlines()
    assert japanese[0].startswith(
        "bad.csv: 3 行目、at 列: '11/01/2026' は月と日のどちらが先か決められません。"
    )
    assert japanese[3] == "bad.csv: 不正な行が 3 行あります。何も保存していません"
    assert problems[3] == "bad.csv: 3 invalid rows; nothing stored"
    assert stored(tmp_path, "SELECT count(*) FROM payments") == [(0,)]


def test_each_file_is_all_or_nothing_on_its_own(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "good.csv").write_text(PAYMENTS + "payment,p1,2026-11-01,c1,100,true\n")
    (tmp_path / "bad.csv").write_text(PAYMENTS + "payment,p2,2026-11-01,c1,-1,true\n")
    finished = kpibot(
        "ingest", "good.csv", "bad.csv", cwd=tmp_path, database=data_url, environment=ENGLISH
    )
    assert finished.returncode == 1
    assert finished.stdout.splitlines() == [
        "good.csv: inserted 1, updated 0, unchanged 0, rejected 0",
        "total: inserted 1, updated 0, unchanged 0, rejected 0",
    ]
    assert "bad.csv: line 2, column amount: " in finished.stderr
    assert stored(tmp_path, "SELECT id FROM payments") == [("p1",)]


def test_ingest_of_a_file_neither_utf8_nor_cp932_names_the_line(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "binary.csv").write_bytes(
        (PAYMENTS + "payment,p1,2026-11-01,c1,100,true\n").encode()
        + b"payment,p2,2026-11-01,c\x81,100,true\n"
    )
    finished = kpibot("ingest", "binary.csv", cwd=tmp_path, database=data_url)
    assert finished.returncode == 1
    assert finished.stderr.startswith(
        "binary.csv: 3 行目: ファイルが UTF-8 でも Shift_JIS（CP932）でもありません"
        "（24 文字目にバイト 0x81）"
    )
    assert "（何も保存していません）" in finished.stderr
    assert stored(tmp_path, "SELECT count(*) FROM payments") == [(0,)]


def test_ingest_of_a_missing_file_exits_2(kpibot: Kpibot, tmp_path: Path, data_url: str) -> None:
    finished = kpibot("ingest", "nowhere.csv", cwd=tmp_path, database=data_url)
    assert finished.returncode == 2
    assert finished.stderr.strip() == "kpibot: ファイルがありません: nowhere.csv"


def test_ingest_skip_invalid_stores_the_rest_and_writes_the_rejected_rows(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "mixed.csv").write_text(
        PAYMENTS + "payment,p1,2026-11-01,c1,100,true\npayment,p2,2026-11-01,c1,-5,true\n",
        encoding="utf-8",
    )
    finished = kpibot(
        "ingest",
        "--skip-invalid",
        "mixed.csv",
        cwd=tmp_path,
        database=data_url,
        environment=ENGLISH,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("mixed.csv: inserted 1, updated 0, unchanged 0, rejected 1")
    (rejected,) = (tmp_path / "mixed.csv.rejected.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(rejected)
    assert row["line"] == 3
    assert [problem["column"] for problem in row["problems"]] == ["amount"]
    assert row["row"]["id"] == "p2"
    assert stored(tmp_path, "SELECT id, amount FROM payments") == [("p1", 100)]


def test_ingest_of_a_large_file_reports_the_rows_the_worker_refused(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    rows = "".join(f"payment,p{n},2026-11-01 10:00,c{n % 50},100,true\n" for n in range(30_000))
    (tmp_path / "large.csv").write_text(
        PAYMENTS + rows + "payment,bad,2026-11-01,c1,-5,true\n", encoding="utf-8"
    )
    assert (tmp_path / "large.csv").stat().st_size > WORKER_MIN_BYTES
    finished = kpibot(
        "ingest",
        "--skip-invalid",
        "large.csv",
        cwd=tmp_path,
        database=data_url,
        environment=ENGLISH,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith(
        "large.csv: inserted 30,000, updated 0, unchanged 0, rejected 1"
    )
    assert "large.csv: line 30002, column amount: " in finished.stderr
    assert stored(tmp_path, "SELECT count(*), sum(amount) FROM payments") == [(30_000, 3_000_000)]


def test_ingest_type_reads_a_file_without_a_type_column(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "ranks.jsonl").write_text(
        '{"id": "r1", "at": "2026-11-20", "kpi": "brand_search_rank", "value": 4}\n',
        encoding="utf-8",
    )
    finished = kpibot(
        "ingest", "--type", "measurement", "ranks.jsonl", cwd=tmp_path, database=data_url
    )
    assert finished.returncode == 0, finished.stderr
    assert stored(tmp_path, "SELECT kpi, value, day FROM measurements") == [
        ("brand_search_rank", 4.0, "2026-11-20")
    ]


def test_record_twice_on_one_day_updates_the_one_measurement(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    first = kpibot(
        "record", "brand_search_rank", "4", "--at", "2026-11-20", cwd=tmp_path, database=data_url
    )
    second = kpibot(
        "record", "brand_search_rank", "5", "--at", "2026-11-20", cwd=tmp_path, database=data_url
    )
    again = kpibot(
        "record", "brand_search_rank", "5", "--at", "2026-11-20", cwd=tmp_path, database=data_url
    )
    assert first.returncode == second.returncode == again.returncode == 0
    assert first.stdout == "✅ ブランド認知度（検索順位） に 4位 を記録しました（2026-11-20）。\n"
    assert second.stdout == (
        "✅ ブランド認知度（検索順位） の 2026-11-20 の値を 4位 から 5位 に更新しました。\n"
    )
    assert again.stdout == (
        "ブランド認知度（検索順位） の 2026-11-20 の値はすでに 5位 です。変更はありません。\n"
    )
    assert stored(tmp_path, "SELECT kpi, value, day FROM measurements") == [
        ("brand_search_rank", 5.0, "2026-11-20")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no_such_kpi", "4"), "unknown KPI 'no_such_kpi'"),
        (("brand_search_rank", "four"), "value"),
        (("brand_search_rank", "nan"), "value"),
        (("brand_search_rank", "4", "--at", "20/11/2026"), "is ambiguous"),
        (("brand_search_rank", "0"), "is not a possible brand_search_rank: it is a whole number"),
        (("brand_search_rank", "1.5"), "a whole number from 1 to 1,000"),
        (("brand_search_rank", "1,2,3"), "value"),
        (("market_share", "150"), "is not a possible market_share: it is a number from 0 to 100"),
        (("market_share", "-5"), "a number from 0 to 100"),
        (("market_share", "1e16"), "a number from 0 to 100"),
        (("market_share", "4.2", "--at", "2999-01-01"), "is in the future"),
    ],
)
def test_record_refuses_bad_input_with_exit_2_and_stores_nothing(
    kpibot: Kpibot, tmp_path: Path, data_url: str, args: tuple[str, ...], message: str
) -> None:
    finished = kpibot("record", *args, cwd=tmp_path, database=data_url, environment=ENGLISH)
    assert finished.returncode == 2
    assert finished.stderr.startswith("kpibot: ")
    assert message in finished.stderr
    assert "Traceback" not in finished.stderr
    database = tmp_path / "data" / "kpibot-test.db"
    assert not database.exists() or stored(tmp_path, "SELECT count(*) FROM measurements") == [(0,)]


def test_db_upgrade_migrates_then_says_the_database_is_up_to_date(
    kpibot: Kpibot, tmp_path: Path, database_url: str
) -> None:
    first = kpibot("db", "upgrade", cwd=tmp_path, database=database_url)
    second = kpibot("db", "upgrade", cwd=tmp_path, database=database_url, environment=ENGLISH)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.strip() == f"データベースをリビジョン {head_revision()} に更新しました"
    assert second.stdout.strip() == f"database already at revision {head_revision()}"


def test_db_rebuild_rollups_says_how_many_rows_of_each_rollup_it_rewrote(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "events.csv").write_text(
        "type,id,at,customer,channel,amount,recurring\n"
        "enrollment,e1,2026-11-01,c1,ads,,\n"
        "payment,p1,2026-11-02,c1,,100,true\n",
        encoding="utf-8",
    )
    assert kpibot("ingest", "events.csv", cwd=tmp_path, database=data_url).returncode == 0
    stored(tmp_path, "UPDATE monthly_payers SET payers = 7")

    finished = kpibot("db", "rebuild-rollups", cwd=tmp_path, database=data_url, environment=ENGLISH)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == [
        "rollups rebuilt: daily_facts 5 rows (0 differed), customers 1 row (0 differed), "
        "completion_months 0 rows (0 differed), monthly_payers 1 row (1 differed)"
    ]
    assert stored(tmp_path, "SELECT payers FROM monthly_payers") == [(1,)]


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "header overwritten":
        path.write_bytes(os.urandom(100) + data[100:])
    elif how == "truncated to half":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_text("type,id,at\nnot,a,database\n" * 100, encoding="utf-8")


@pytest.mark.parametrize("how", ["header overwritten", "truncated to half", "a text file"])
def test_a_corrupted_sqlite_file_is_one_line_and_exit_1_for_every_command(
    kpibot: Kpibot, tmp_path: Path, data_url: str, how: str
) -> None:
    rows = "".join(f"payment,p{n},2026-11-{n % 28 + 1:02d},c{n},100,true\n" for n in range(3000))
    (tmp_path / "payments.csv").write_text(PAYMENTS + rows, encoding="utf-8")
    assert kpibot("ingest", "payments.csv", cwd=tmp_path, database=data_url).returncode == 0
    path = tmp_path / "data" / "kpibot-test.db"
    damage(path, how)
    damaged = path.read_bytes()

    for command in (
        ("status",),
        ("show", "nps"),
        ("ingest", "payments.csv"),
        ("record", "brand_search_rank", "4"),
    ):
        finished = kpibot(*command, cwd=tmp_path, database=data_url)
        assert finished.returncode == 1, (command, finished.stderr)
        (line,) = finished.stderr.splitlines()
        assert "は kpibot のデータベースではないか、壊れています（" in line, (command, line)
        assert path.read_bytes() == damaged


def test_a_sqlite_file_kpibot_cannot_create_is_one_line_and_exit_1(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    # `record` may create its database (a reading command only says it is missing).
    finished = kpibot(
        "record", "market_share", "4", cwd=tmp_path, database="sqlite:////proc/nope/x.db"
    )
    assert finished.returncode == 1
    assert finished.stderr.splitlines() == [
        "kpibot: データベース /proc/nope/x.db のフォルダを作れません（No such file or directory）"
    ]


def test_a_full_disk_refuses_one_file_in_one_line_and_the_next_file_is_still_imported(
    tmp_path: Path,
) -> None:
    rows = "".join(f"payment,p{n},2026-11-{n % 28 + 1:02d},c{n},100,true\n" for n in range(50_000))
    (tmp_path / "big.csv").write_text(PAYMENTS + rows, encoding="utf-8")
    (tmp_path / "small.csv").write_text(PAYMENTS + "payment,s1,2026-10-01,c1,100,true\n")
    (tmp_path / "disk").mkdir()
    # A real ENOSPC: a 1 MiB tmpfs, mounted in a mount namespace of the shell's own.
    script = (
        "mount -t tmpfs -o size=1m tmpfs disk || exit 99\n"
        f"{KPIBOT} db upgrade > /dev/null || exit 98\n"
        f"{KPIBOT} ingest big.csv small.csv\n"
        'echo "exit $?"\n'
        f"{sys.executable} -c \"import sqlite3; print(*sqlite3.connect('disk/kpibot.db')"
        ".execute('SELECT id FROM payments').fetchall())\"\n"
    )
    try:
        finished = subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
            cwd=tmp_path,
            env={**os.environ, "KPIBOT_DATABASE_URL": "sqlite:///disk/kpibot.db", **ENGLISH},
            capture_output=True,
            text=True,
            timeout=120,
        )
    except FileNotFoundError:
        pytest.skip("needs unshare (util-linux) to mount a small tmpfs")
    if finished.returncode in (1, 99) and "exit" not in finished.stdout:
        pytest.skip(f"mounting a tmpfs is not permitted here: {finished.stderr.strip()}")

    assert finished.stdout.splitlines() == [
        "small.csv: inserted 1, updated 0, unchanged 0, rejected 0",
        "total: inserted 1, updated 0, unchanged 0, rejected 0",
        "exit 1",
        "('s1',)",
    ], finished.stderr
    assert finished.stderr.splitlines() == [
        "big.csv: the disk holding the database sqlite:///disk/kpibot.db is full "
        "(database or disk is full) (nothing stored)"
    ]


BROKEN_CATALOG = """\
document_date: 2025-01-05
phases: []
kpis:
  - {id: nps, name: {ja: NPS, en: NPS}, tier: customer, unit: point, direction: higher,
     period: month, update_frequency: monthly, method: {ja: m, en: m},
     calculation: {ja: c, en: c}, judge: ratio}
  - {id: nps, name: {ja: 顧客満足度, en: CSAT}, tier: nowhere, unit: score, direction: higher,
     period: month, update_frequency: monthly, method: {ja: m, en: m},
     calculation: {ja: c, en: c}, judge: ratio}
rules:
  - {id: r, kpi: revenue, level: red, condition: value_below, threshold: 1,
     message: {ja: あ, en: a}}
"""


def test_a_broken_catalog_stops_kpibot_at_start_listing_every_problem_in_japanese(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    (tmp_path / "catalog.yaml").write_text(BROKEN_CATALOG, encoding="utf-8")

    finished = kpibot("status", cwd=tmp_path, environment={"KPIBOT_CATALOG": "catalog.yaml"})

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "kpibot: KPIBOT_CATALOG: catalog.yaml は KPI カタログとして使えません（問題 3 件）:",
        "  - 7 行目 6 文字目、kpis[1].id: id 'nps' は kpis[0] と重複しています",
        "  - 7 行目 44 文字目、kpis[1].tier: 'nowhere' は使えません"
        "（strategic、business、operational、customer のどれか）",
        "  - 11 行目 13 文字目、rules[0].kpi: 'revenue' という KPI はありません",
    ]
    assert not (tmp_path / "kpibot.db").exists()


def test_a_broken_catalog_stops_kpibot_at_start_listing_every_problem_in_english(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    (tmp_path / "catalog.yaml").write_text(BROKEN_CATALOG, encoding="utf-8")
    environment = {"KPIBOT_CATALOG": "catalog.yaml", "KPIBOT_LOCALE": "en"}

    finished = kpibot("status", cwd=tmp_path, environment=environment)

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "kpibot: KPIBOT_CATALOG: catalog.yaml is not a valid KPI catalog (3 problems):",
        "  - line 7, column 6, kpis[1].id: duplicate id 'nps' (also kpis[0])",
        "  - line 7, column 44, kpis[1].tier: 'nowhere' is not allowed"
        " (one of strategic, business, operational, customer)",
        "  - line 11, column 13, rules[0].kpi: unknown KPI 'revenue'",
    ]


def test_a_kpi_recorded_by_hand_without_its_values_stops_kpibot_at_start(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    shipped = resources.files("kpi_engine").joinpath("catalog.yaml").read_text("utf-8")
    undeclared = shipped.replace("    measured_value: {minimum: 0, maximum: 100}\n", "")
    assert undeclared != shipped
    (tmp_path / "catalog.yaml").write_text(undeclared, encoding="utf-8")

    japanese = kpibot("show", "nps", cwd=tmp_path, environment={"KPIBOT_CATALOG": "catalog.yaml"})
    english = kpibot(
        "show",
        "nps",
        cwd=tmp_path,
        environment={"KPIBOT_CATALOG": "catalog.yaml", "KPIBOT_LOCALE": "en"},
    )

    assert (japanese.returncode, english.returncode) == (2, 2)
    assert japanese.stderr.splitlines() == [
        "kpibot: KPIBOT_CATALOG: catalog.yaml は KPI カタログとして使えません（問題 1 件）:",
        "  - kpis[1].measured_value: 'market_share' は手で記録する KPI なので、"
        "取りうる値（measured_value）が必要です",
    ]
    assert english.stderr.splitlines() == [
        "kpibot: KPIBOT_CATALOG: catalog.yaml is not a valid KPI catalog (1 problem):",
        "  - kpis[1].measured_value: 'market_share' is recorded by hand, so it needs"
        " measured_value (the values it can take)",
    ]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_read_only_postgres_database_is_one_line_and_exit_1(
    kpibot: Kpibot, tmp_path: Path, database_url: str
) -> None:
    # As when the URL names a replica: every write is refused by the server.
    read_only = database_url + "%20-cdefault_transaction_read_only%3Don"
    finished = kpibot("record", "market_share", "4.2", cwd=tmp_path, database=read_only)
    assert finished.returncode == 1
    assert finished.stderr.count("\n") == 1, finished.stderr
    assert finished.stderr.startswith("kpibot: データベース postgresql+psycopg://")
    assert "read-only" in finished.stderr
