"""The command line as people expect it: help, version, global options wherever they are
written, reading commands that never create a database, a taken port, the demo's next steps
and its first days, in Japanese first; and the import guard that keeps `kpibot show` light."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

import gc
import shlex
import signal
import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.cli.demo import load_demo_data
from bot.cli.main import DEMO_FIRST_DAY, build_parser, main
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import head_revision, open_database, shipped_head
from storage.measurements import Author
from tests.bot.conftest import TOKYO, Kpibot
from tests.conftest import copy_sqlite_file

ENGLISH = {"KPIBOT_LOCALE": "en"}


def test_bare_kpibot_prints_the_help_in_japanese_and_exits_0(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    finished = kpibot(cwd=tmp_path)

    assert finished.returncode == 0
    assert finished.stdout.startswith("使い方: kpibot")
    assert t("ja", Text.CLI_SHOW) in finished.stdout
    assert t("ja", Text.CLI_EPILOG) in finished.stdout


def test_the_help_follows_kpibot_locale(kpibot: Kpibot, tmp_path: Path) -> None:
    finished = kpibot("--help", cwd=tmp_path, environment=ENGLISH)

    assert finished.returncode == 0
    assert "every KPI's level, grouped by tier" in finished.stdout


# argparse's own words, which a Japanese help must not show.
ARGPARSE_ENGLISH = ("usage:", "positional arguments:", "options:", "show this help message")


def test_a_command_s_help_has_argparse_s_headings_in_japanese_and_in_english(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    japanese = kpibot("show", "--help", cwd=tmp_path).stdout.splitlines()
    english = kpibot("show", "--help", cwd=tmp_path, environment=ENGLISH).stdout.splitlines()

    assert japanese[0] == "使い方: kpibot show [-h] [-v] [--db PATH_OR_URL] [--at AT] [--json] KPI"
    assert "引数:" in japanese and "オプション:" in japanese
    assert "  -h, --help        このヘルプを表示して終了" in japanese
    assert not [line for line in japanese if line.strip().startswith(ARGPARSE_ENGLISH)]
    assert english[0] == "usage: kpibot show [-h] [-v] [--db PATH_OR_URL] [--at AT] [--json] KPI"
    assert "positional arguments:" in english and "options:" in english
    assert "  -h, --help        show this help message and exit" in english


def test_a_usage_error_is_said_in_japanese_under_a_japanese_usage_line(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    japanese = kpibot("alerts", cwd=tmp_path)
    english = kpibot("alerts", cwd=tmp_path, environment=ENGLISH)

    assert japanese.returncode == english.returncode == 2
    assert japanese.stderr == (
        "使い方: kpibot alerts [-h] [-v] [--db PATH_OR_URL] ACTION ...\n"
        "kpibot alerts: エラー: 次の引数が必要です: ACTION\n"
    )
    assert english.stderr == (
        "usage: kpibot alerts [-h] [-v] [--db PATH_OR_URL] ACTION ...\n"
        "kpibot alerts: error: the following arguments are required: ACTION\n"
    )


def test_version_prints_the_installed_version(kpibot: Kpibot, tmp_path: Path) -> None:
    from importlib.metadata import version

    finished = kpibot("--version", cwd=tmp_path)

    assert (finished.returncode, finished.stdout) == (0, f"kpibot {version('kpibot')}\n")


def test_every_command_s_help_has_an_example_and_names_its_database() -> None:
    parser = build_parser("ja")
    commands = next(
        action for action in parser._actions if action.dest == "command"
    ).choices  # argparse keeps the subparsers here
    assert commands is not None
    for name, sub in commands.items():
        text = sub.format_help()
        assert "例:\n  kpibot " in text, name
        assert "データベース:" in text, name


def test_verbose_and_db_work_before_and_after_the_command(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    demo = demo_url.removeprefix("sqlite:///")
    before = kpibot("-v", "--db", demo, "show", "nps", "--json", cwd=tmp_path)
    after = kpibot("show", "nps", "--json", "--db", demo, "-v", cwd=tmp_path)

    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert '"kpi": "nps"' in before.stdout
    # -v logs: the INFO lines of opening the database reach stderr only with it.
    assert before.stdout.split('"as_of"')[0] == after.stdout.split('"as_of"')[0]


def test_verbose_and_db_work_after_a_command_s_action_too(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    demo = demo_url.removeprefix("sqlite:///")
    # A folder without a kpibot.db: a --db left unread would make each command fail (the
    # reading ones) or create one here (db upgrade).
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = kpibot("-v", "--db", demo, "alerts", "history", "nps", cwd=elsewhere)
    after = kpibot("alerts", "history", "nps", "--db", demo, "-v", cwd=elsewhere)
    upgraded = kpibot("db", "upgrade", "--db", demo, cwd=elsewhere)

    assert before.returncode == after.returncode == upgraded.returncode == 0, (
        before.stderr + after.stderr + upgraded.stderr
    )
    assert before.stdout == after.stdout
    assert list(elsewhere.iterdir()) == []
    given_after = build_parser().parse_args(["alerts", "check", "-v", "--db", "x.db"])
    assert (given_after.verbose, given_after.db) == (True, "x.db")
    # Given before the command and not after it, neither is reset by the action's defaults.
    given_before = build_parser().parse_args(["-v", "--db", "x.db", "db", "upgrade"])
    assert (given_before.verbose, given_before.db) == (True, "x.db")


def test_db_overrides_the_configured_database(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    missing = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    finished = kpibot("--db", demo_url, "show", "nps", cwd=tmp_path, database=missing)

    assert finished.returncode == 0, finished.stderr
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_bad_db_is_refused_naming_the_option(kpibot: Kpibot, tmp_path: Path) -> None:
    finished = kpibot("--db", "mysql://host/db", "status", cwd=tmp_path)

    assert finished.returncode == 2
    assert finished.stderr == (
        "kpibot: 設定エラー: --db: データベースの URL は sqlite:/// か postgresql:// "
        "で始めてください（mysql://... は使えません）\n"
    )
    english = kpibot("--db", "mysql://host/db", "status", cwd=tmp_path, environment=ENGLISH)
    assert english.stderr == (
        "kpibot: configuration error: --db: a database URL must start with sqlite:/// or "
        "postgresql:// (got mysql://...)\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("show", "nps"),
        ("status",),
        ("report", "weekly", "--at", "2026-11-23"),
        ("history", "market_share"),
        ("alerts", "history"),
        ("outbox",),
        ("jobs",),
    ],
)
@pytest.mark.parametrize("where", ["missing.db", "no/such/folder/missing.db"])
def test_a_reading_command_never_creates_a_database(
    kpibot: Kpibot, tmp_path: Path, command: tuple[str, ...], where: str
) -> None:
    finished = kpibot("--db", where, *command, cwd=tmp_path)

    assert finished.returncode == 1
    assert finished.stdout == ""
    assert finished.stderr == (f"kpibot: {t('ja', Text.CLI_NO_DATABASE, path=where)}\n"), (
        finished.stderr
    )
    assert "kpibot demo" in finished.stderr and "--db" in finished.stderr
    assert not (tmp_path / where).exists()
    assert not (tmp_path / "no").exists()


def test_a_missing_database_is_named_in_english_with_kpibot_locale_en(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    finished = kpibot("--db", "gone.db", "status", cwd=tmp_path, environment=ENGLISH)

    assert finished.stderr == (
        "kpibot: no database at gone.db; build the demo with `kpibot demo`, import data "
        "with `kpibot ingest FILE`, or name another database with --db\n"
    )


def test_a_postgres_server_that_refuses_the_connection_is_one_line(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    where = f"postgresql+psycopg://127.0.0.1:{port}/test?connect_timeout=10"
    finished = kpibot("--db", f"postgresql://127.0.0.1:{port}/test", "status", cwd=tmp_path)

    assert finished.returncode == 1
    assert finished.stderr.startswith(f"kpibot: データベース {where} を使えません（")
    assert finished.stderr.count("\n") == 1
    english = kpibot(
        "--db", f"postgresql://127.0.0.1:{port}/test", "status", cwd=tmp_path, environment=ENGLISH
    )
    assert english.stderr.startswith(f"kpibot: cannot use the database {where}: ")


def test_status_level_lists_only_the_kpis_at_that_level(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    import json

    every = json.loads(kpibot("status", "--json", cwd=tmp_path, database=demo_url).stdout)
    red = kpibot("status", "--level", "red", "--json", cwd=tmp_path, database=demo_url)
    text = kpibot("status", "--level", "red", cwd=tmp_path, database=demo_url)

    reds = [state["kpi"] for state in every if state["level"] == "red"]
    assert reds, "the demo data has red KPIs"
    assert [state["kpi"] for state in json.loads(red.stdout)] == reds
    assert text.stdout.startswith("KPIステータス: 🔴 緊急\n")
    assert text.stdout.count("🔴") == len(reds) + 1
    assert "🟢" not in text.stdout


def test_status_level_refuses_a_word_that_is_not_a_level(kpibot: Kpibot, tmp_path: Path) -> None:
    finished = kpibot("status", "--level", "purple", cwd=tmp_path)

    assert finished.returncode == 2
    assert "kpibot status: エラー: --level: 'purple' は選べません" in finished.stderr


def test_recording_a_computed_kpi_says_so_and_lists_what_can_be_recorded(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    finished = kpibot("record", "nps", "70", cwd=tmp_path, database=demo_url)

    assert finished.returncode == 2
    assert finished.stderr == (
        "kpibot: ネットプロモータースコア（NPS） は kpibot がデータから計算するKPIのため、"
        "値を記録できません。 記録できるKPI: ブランド認知度（検索順位） brand_search_rank、"
        "市場シェア market_share、チーム生産性 team_productivity\n"
    )


def test_serve_on_a_port_in_use_fails_at_once_in_one_line(kpibot: Kpibot, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = kpibot(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            cwd=tmp_path,
            environment={"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"},
        )

    assert finished.returncode == 2
    assert finished.stderr == (
        f"kpibot: 127.0.0.1:{port} は別のプロセスが使用中です。"
        "--port で別のポートを指定してください\n"
    )
    assert finished.stdout == ""
    assert not (tmp_path / "kpibot.db").exists()


def test_the_schema_revision_read_without_alembic_is_alembic_s_head() -> None:
    assert shipped_head() == head_revision()


def test_the_demo_on_its_first_day_ends_with_commands_that_each_work_on_its_database(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    demo = kpibot(
        "demo", "--today", "2025-01-01", "--scale", "0.05", cwd=tmp_path, environment=ENGLISH
    )
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.startswith(
        "Building kpibot-demo.db with demo data from 2025-01-01 to 2025-01-01 (Asia/Tokyo)"
    )
    # Types the company has no rows of yet are simply empty.
    assert "  payment               0 rows\n" in demo.stdout
    shown = demo.stdout.split("Commands to try next, on the demo database:\n", 1)[1]
    commands = [shlex.split(line) for line in shown.splitlines()]

    assert commands[0] == ["kpibot", "--db", "kpibot-demo.db", "show", "mrr"]
    assert ["kpibot", "--db", "kpibot-demo.db", "status", "--level", "red"] in commands
    for command in commands:
        finished = kpibot(*command[1:], cwd=tmp_path)
        assert finished.returncode == 0, (command, finished.stderr)
        assert finished.stdout.strip(), command


def test_the_demo_just_after_midnight_stops_its_data_at_the_present(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    # 00:14 in Tokyo on the 1st: the month's hand-recorded ranks are timed at 10:00 that day,
    # which is still to come, and an import refuses a measurement in the future.
    with time_machine.travel(datetime(2026, 12, 1, 0, 14, tzinfo=TOKYO), tick=False):
        demo = kpibot("demo", "--scale", "0.05", "--write-csv", "out", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "2025-01-01 〜 2026-12-01" in demo.stdout
    measurements = (tmp_path / "out" / "measurement.csv").read_text("utf-8").splitlines()
    times = [datetime.fromisoformat(line.split(",")[2]) for line in measurements[1:]]
    assert times and max(times) < datetime(2026, 12, 1, 0, 14, tzinfo=TOKYO)
    # Its answers and its alerts are as of the present, not of the end of a day to come.
    assert "2026-12-01 00:14 時点" in demo.stdout
    assert "終了時点" not in demo.stdout


def test_the_demo_refuses_a_day_after_today_in_one_line(kpibot: Kpibot, tmp_path: Path) -> None:
    tomorrow = datetime.now(TOKYO).date() + timedelta(days=1)
    finished = kpibot("demo", "--today", str(tomorrow), cwd=tmp_path, environment=ENGLISH)

    assert finished.returncode == 2
    assert finished.stderr.startswith(f"kpibot: --today {tomorrow} is in the future")
    assert finished.stderr.count("\n") == 1


def test_the_demo_refuses_a_day_before_its_data_begins_in_one_line(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    finished = kpibot("demo", "--today", "2024-12-31", cwd=tmp_path)

    assert finished.returncode == 2
    assert finished.stderr == (
        "kpibot: --today 2024-12-31 はデモデータの始まり（2025-01-01）より前です。"
        "2025-01-01 以降の日付を指定してください\n"
    )
    assert not (tmp_path / "kpibot-demo.db").exists()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(day=date(2025, 1, 1))
@example(day=date(2025, 1, 2))
@given(day=st.dates(min_value=DEMO_FIRST_DAY, max_value=datetime.now(TOKYO).date()))
def test_the_demo_data_loads_for_any_day_from_its_first(
    day: date, _sqlite_template: Path, tmp_path: Path
) -> None:
    url = copy_sqlite_file(_sqlite_template, tmp_path / f"{day}.db")
    database = open_database(url, TOKYO)
    author = Author(by="demo", at=datetime.now(UTC))
    try:
        loaded = dict(
            load_demo_data(
                database,
                today=day,
                scale=0.02,
                author=author,
                known_kpis=measured_kpis(load_catalog()),
                locale="ja",
                until=author.at,  # as the demo does: today's data stops at the present
            )
        )
    finally:
        database.engine.dispose()

    assert all(count >= 0 for count in loaded.values())
    if day >= DEMO_FIRST_DAY + timedelta(days=60):
        assert sum(loaded.values()) > 0


# Packages and modules (with their submodules) `kpibot show` must not load.
FORBIDDEN_ON_THE_READ_PATH = (
    "alembic",
    "apscheduler",
    "bot.slack.grammar",
    "flask",
    "gunicorn",
    "kpi_engine.alerts",
    "matplotlib",
    "psycopg",
    "slack_bolt",
    "sqlalchemy.dialects.postgresql",
    "storage.actions",
    "storage.alerts",
    "storage.notes",
    "storage.outbox",
    "tqdm",
)


SHOW_NPS = ("show", "nps")


def test_kpibot_show_imports_no_slack_app_web_server_charts_or_migrations(
    demo_file: Path, tmp_path: Path
) -> None:
    database = copy_sqlite_file(demo_file, tmp_path / "demo.db")
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli.main", "--db", database, *SHOW_NPS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "KPIBOT_LOCALE": "ja"},
    )

    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "ネットプロモータースコア" in finished.stdout
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in finished.stderr.splitlines()
        if line.startswith("import time:")
    }
    loaded = sorted(
        module
        for module in imported
        if module.startswith(tuple(f"{name}." for name in FORBIDDEN_ON_THE_READ_PATH))
        or module in FORBIDDEN_ON_THE_READ_PATH
    )
    assert not loaded, loaded


def test_the_kpibot_script_leaves_the_garbage_collector_on_for_the_command_s_work(
    demo_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPIBOT_DATABASE_URL", demo_url)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        code = main(list(SHOW_NPS), own_process=True)
        frozen = gc.get_freeze_count()
        collecting = gc.isenabled()
    finally:
        signal.signal(signal.SIGTERM, previous)
        gc.unfreeze()
        gc.enable()

    assert code == 0
    assert "ネットプロモータースコア" in capsys.readouterr().out
    assert collecting
    assert frozen > 0
