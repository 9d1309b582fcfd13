"""Opening the database: migrations to head, concurrent starts, SQLite set-up, and one time
zone per database (refused in another, converted only by `set_time_zone`)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import exc, inspect, select, text

from kpi_engine.catalog import ValueRule
from storage import rollups
from storage.data_version import DATA_VERSION_KEY
from storage.db import (
    PG_CONNECT_TIMEOUT_S,
    Database,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseFull,
    DatabaseProblem,
    DatabaseUnavailable,
    TimeZoneMismatch,
    create_db_engine,
    current_revision,
    head_revision,
    open_database,
    set_time_zone,
    shown_url,
    upgrade,
)
from storage.imports.ingest import (
    import_rows,
    import_stream,
    validated_measurement,
    write_measurement,
)
from storage.imports.readers import FileFormat, RawRow
from storage.schema import (
    EVENT_MODELS,
    Base,
    CompletionMonth,
    CustomerRollup,
    DailyFact,
    Meta,
    MonthlyPayers,
    Payment,
)
from tests.authors import TEST_AUTHOR

TOKYO = ZoneInfo("Asia/Tokyo")


def import_csv(database: Database, csv_text: str) -> None:
    result = import_stream(
        database, io.BytesIO(csv_text.encode()), FileFormat.CSV, author=TEST_AUTHOR
    )
    assert result.stored, [str(problem) for problem in result.problems]


def stored_zone(database: Database) -> str | None:
    with database.read() as connection:
        return connection.scalar(select(Meta.value).where(Meta.key == "timezone"))


def fact_days(database: Database, fact: str) -> dict[date, float]:
    with database.read() as connection:
        rows = connection.execute(
            select(DailyFact.day, DailyFact.total).where(DailyFact.fact == fact)
        ).all()
    return {day: total for day, total in rows}


def test_open_database_migrates_a_fresh_database_to_head(database: Database) -> None:
    assert head_revision() is not None
    with database.read() as connection:
        assert current_revision(connection) == head_revision()
        tables = set(inspect(connection).get_table_names())
    assert {model.__tablename__ for model in EVENT_MODELS.values()} <= tables
    assert {"customers", "daily_facts", "monthly_payers", "meta"} <= tables
    assert stored_zone(database) == "Asia/Tokyo"


def test_opening_a_migrated_database_again_applies_nothing(database_url: str) -> None:
    first = open_database(database_url, TOKYO)
    first.engine.dispose()
    second = open_database(database_url, TOKYO)
    try:
        assert upgrade(second.engine) is False
        assert second.is_reachable()
    finally:
        second.engine.dispose()


def test_two_processes_opening_a_new_database_together_both_succeed(database_url: str) -> None:
    code = (
        "import sys\n"
        "from zoneinfo import ZoneInfo\n"
        "from storage.db import open_database\n"
        "open_database(sys.argv[1], ZoneInfo('Asia/Tokyo')).engine.dispose()\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(2)
    ]
    outcomes = [(process.wait(timeout=120), process.stderr.read()) for process in processes]  # type: ignore[union-attr]
    assert [code for code, _ in outcomes] == [0, 0], outcomes

    database = open_database(database_url, TOKYO)
    try:
        with database.read() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [row[0] for row in versions] == [head_revision()]
        assert stored_zone(database) == "Asia/Tokyo"
    finally:
        database.engine.dispose()


# Events around midnight in Tokyo and UTC: 2026-10-31T15:30Z is November 1 at 00:30 in
# Tokyo but still October 31 in UTC; e3's six-month retention deadline ends on a month
# shorter than its start's, so it is a different instant in each zone.
AROUND_MIDNIGHT = (
    "type,id,at,customer,amount,recurring,channel,category,nps,csat,title,kpi,value\n"
    "payment,p1,2026-10-31T15:30:00Z,c1,100,true,,,,,,,\n"
    "payment,p2,2026-10-31T14:30:00Z,c2,200,true,,,,,,,\n"
    "payment,p3,2026-11-01T03:00:00Z,c1,50,false,,,,,,,\n"
    "enrollment,e1,2026-10-31T15:30:00Z,c1,,,ads,,,,,,\n"
    "enrollment,e2,2026-11-01T01:00:00Z,c2,,,referral,,,,,,\n"
    "enrollment,e3,2026-08-30T15:30:00Z,c3,,,sns,,,,,,\n"
    "completion,k1,2026-11-30T15:10:00Z,c1,,,,,,,,,\n"
    "churn,x1,2026-11-30T20:00:00Z,c2,,,,,,,,,\n"
    "cost,m1,2026-09-30T16:00:00Z,,3000,,,marketing,,,,,\n"
    "survey,s1,2026-10-31T15:00:00Z,c1,,,,,9,5,,,\n"
    "release,r1,2026-10-31T23:59:00Z,,,,,,,,v2,,\n"
    "measurement,ms1,2026-10-31T15:00:00Z,,,,,,,,,market_share,4.2\n"
)


def stored_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the migrations', read past the time-zone check."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                    # The data version is a fresh random token at every write: not data.
                    if not (table.name == "meta" and row[0] == DATA_VERSION_KEY)
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_a_database_in_another_time_zone_is_refused_in_one_line_and_left_as_it_was(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    before = stored_rows(migrated_url)

    with pytest.raises(TimeZoneMismatch) as refused:
        open_database(migrated_url, ZoneInfo("UTC"))

    assert refused.value.problem is DatabaseProblem.ZONE_DIFFERS
    assert refused.value.params == {"stored": "Asia/Tokyo", "configured": "UTC"}
    assert (refused.value.stored, refused.value.configured) == ("Asia/Tokyo", "UTC")
    assert stored_rows(migrated_url) == before
    assert fact_days(database, "revenue") == {date(2026, 10, 31): 200, date(2026, 11, 1): 150}


def test_a_process_in_another_time_zone_is_refused_and_changes_nothing(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    before = stored_rows(migrated_url)
    code = (
        "import sys\n"
        "from zoneinfo import ZoneInfo\n"
        "from storage.db import TimeZoneMismatch, open_database\n"
        "try:\n"
        "    open_database(sys.argv[1], ZoneInfo('UTC'))\n"
        "except TimeZoneMismatch as error:\n"
        "    sys.exit(error.problem)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code, migrated_url],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert finished.returncode == 1
    assert finished.stderr.splitlines() == ["zone_differs"]
    assert stored_rows(migrated_url) == before


def test_set_time_zone_converts_local_days_and_rollups_to_those_of_a_fresh_import(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    in_tokyo = stored_rows(migrated_url)

    change = set_time_zone(migrated_url, ZoneInfo("UTC"))

    converted = stored_rows(migrated_url)
    assert (change.before, change.after, change.events) == ("Asia/Tokyo", "UTC", 12)
    # p1, e1, e3, k1, x1, m1, s1, r1 and ms1 move to the day before; p2, p3 and e2 stay.
    assert change.changed == 9
    assert change.rollups == {
        "daily_facts": len(converted["daily_facts"]),
        "customers": 3,
        "completion_months": 1,
        "monthly_payers": 2,
    }
    # By hand: p1 paid at 00:30 on November 1 in Tokyo is October 31 in UTC.
    utc = open_database(migrated_url, ZoneInfo("UTC"))
    try:
        with utc.sessions() as session:
            p1 = session.get(Payment, "p1")
            c1 = session.get(CustomerRollup, "c1")
            c3 = session.get(CustomerRollup, "c3")
            payers = session.execute(select(MonthlyPayers.month, MonthlyPayers.payers)).all()
            completions = session.execute(select(CompletionMonth)).scalars().all()
        assert p1 is not None and p1.day == date(2026, 10, 31)
        assert c1 is not None and c1.first_day == date(2026, 10, 31)
        assert c3 is not None
        assert c3.retention_deadline == datetime(2027, 2, 28, 15, 30, tzinfo=UTC)
        assert fact_days(utc, "revenue") == {date(2026, 10, 31): 300, date(2026, 11, 1): 50}
        assert fact_days(utc, "new_customers") == {
            date(2026, 8, 30): 1,
            date(2026, 10, 31): 1,
            date(2026, 11, 1): 1,
        }
        assert sorted(tuple(row) for row in payers) == [
            (date(2026, 10, 1), 2),
            (date(2026, 11, 1), 1),
        ]
        # k1 at 15:10 UTC on November 30 (December 1 in Tokyo) stays in November's UTC
        # month; c1's first day moves to October 31.
        assert [(row.first_day, row.completed_month, row.customers) for row in completions] == [
            (date(2026, 10, 31), date(2026, 11, 1), 1)
        ]
        assert stored_zone(utc) == "UTC"

        # The same events imported afresh in UTC leave every table exactly as converted; the
        # measurements' history is append-only, has no local days, and is left as it is.
        with utc.write() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in {"meta", "measurement_changes"}:
                    connection.execute(table.delete())
        import_csv(utc, AROUND_MIDNIGHT)
        afresh = stored_rows(migrated_url)
        assert len(afresh.pop("measurement_changes")) == len(converted["measurement_changes"]) + 1
        assert afresh == {k: v for k, v in converted.items() if k != "measurement_changes"}
    finally:
        utc.engine.dispose()

    # And back: the days are Tokyo's again, as first imported.
    set_time_zone(migrated_url, TOKYO)
    back = stored_rows(migrated_url)
    assert back.pop("measurement_changes")[: len(in_tokyo["measurement_changes"])] == (
        in_tokyo.pop("measurement_changes")
    )
    assert back == in_tokyo


def test_set_time_zone_in_the_zone_the_database_is_in_changes_nothing(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    before = stored_rows(migrated_url)

    change = set_time_zone(migrated_url, TOKYO)

    assert not change.converted
    assert (change.events, change.rollups) == (0, {})
    assert stored_rows(migrated_url) == before


def test_set_time_zone_changes_nothing_when_it_fails_halfway(
    database: Database, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    before = stored_rows(migrated_url)

    def fail(*_args: object) -> None:
        # After every event's day was rewritten, before the rollups and the zone row.
        raise DatabaseFull(DatabaseProblem.FULL, database=migrated_url, reason="disk full")

    monkeypatch.setattr(rollups, "_rebuild_all", fail)
    with pytest.raises(DatabaseFull):
        set_time_zone(migrated_url, ZoneInfo("UTC"))

    assert stored_rows(migrated_url) == before
    assert stored_zone(database) == "Asia/Tokyo"


def test_set_time_zone_waits_for_the_writer_lock(database: Database, migrated_url: str) -> None:
    finished = threading.Event()

    def convert() -> None:
        set_time_zone(migrated_url, ZoneInfo("UTC"))
        finished.set()

    with database.write():
        converting = threading.Thread(target=convert)
        converting.start()
        assert not finished.wait(0.5)
    assert finished.wait(60)
    converting.join()


def test_a_database_opened_before_a_conversion_refuses_to_read_or_write_after_it(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    set_time_zone(migrated_url, ZoneInfo("UTC"))
    converted = stored_rows(migrated_url)

    with pytest.raises(TimeZoneMismatch) as reading, database.read() as connection:
        connection.execute(select(Payment.day)).all()
    with pytest.raises(TimeZoneMismatch) as writing, database.write():
        pytest.fail("a write transaction began in the wrong zone")
    with pytest.raises(TimeZoneMismatch) as checking:
        database.check()
    with pytest.raises(TimeZoneMismatch):
        import_csv(
            database, "type,id,at,customer,amount,recurring\npayment,p9,2026-11-02,c9,1,true\n"
        )

    for refused in (reading, writing, checking):
        assert refused.value.problem is DatabaseProblem.ZONE_CONVERTED
        assert refused.value.params == {"stored": "UTC", "configured": "Asia/Tokyo"}
    assert stored_rows(migrated_url) == converted


def test_a_read_never_answers_with_days_of_another_zone_than_its_own(
    database: Database, migrated_url: str
) -> None:
    import_csv(database, AROUND_MIDNIGHT)
    p1_day = select(Payment.day).where(Payment.id == "p1")
    seen: list[date | None] = []
    try:
        with database.read() as connection:
            seen.append(connection.scalar(p1_day))
            # Another process converts the database while this evaluation runs.
            set_time_zone(migrated_url, ZoneInfo("UTC"))
            seen.append(connection.scalar(p1_day))
    except TimeZoneMismatch:
        # PostgreSQL: each statement sees what was committed when it started, so the
        # second one saw UTC's day, and the read is refused.
        assert database.engine.dialect.name == "postgresql"
        assert seen == [date(2026, 11, 1), date(2026, 10, 31)]
    else:
        # SQLite: the read keeps its snapshot, Tokyo's days and zone row throughout.
        assert database.engine.dialect.name == "sqlite"
        assert seen == [date(2026, 11, 1), date(2026, 11, 1)]


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'kpibot.db'}", TOKYO)
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        database.engine.dispose()


def test_sqlite_creates_the_directory_of_its_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "kpibot.db"
    open_database(f"sqlite:///{path}", TOKYO).engine.dispose()
    assert path.is_file()


def test_timestamps_come_back_aware_in_utc(database: Database) -> None:
    import_csv(
        database,
        "type,id,at,customer,channel\nenrollment,e1,2026-11-01T12:00:00+09:00,c1,ads\n",
    )
    with database.sessions() as session:
        customer = session.scalars(select(CustomerRollup)).one()
    for moment in (customer.first_enrolled_at, customer.retention_deadline):
        assert moment is not None
        assert moment.utcoffset() == timedelta(0)
    assert customer.first_enrolled_at == datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def test_a_naive_datetime_is_never_written(database: Database) -> None:
    with pytest.raises(exc.StatementError, match="naive datetime"), database.sessions() as session:
        session.add(
            Payment(
                id="p1",
                customer="c1",
                at=datetime(2026, 11, 1),
                day=date(2026, 11, 1),
                amount=1,
                recurring=True,
            )
        )
        session.commit()


def test_a_string_that_is_not_a_database_url_is_a_database_error() -> None:
    with pytest.raises(DatabaseError) as error:
        open_database("kpibot.db", TOKYO)
    assert (error.value.problem, error.value.params) == (
        DatabaseProblem.BAD_SCHEME,
        {"scheme": None},
    )


@pytest.mark.parametrize(
    "url",
    [
        "admin:hunter2@db.example.com/kpi",
        "postgresql+psycopg://u:hunter2@db.example.com:abc/kpi",
        "mysql://u:hunter2@db.example.com/kpi",
    ],
)
def test_a_url_kpibot_cannot_use_is_refused_without_quoting_its_password(url: str) -> None:
    with pytest.raises(DatabaseError) as error:
        create_db_engine(url)
    assert error.value.problem in (DatabaseProblem.BAD_SCHEME, DatabaseProblem.UNREADABLE_URL)
    assert "hunter2" not in str(error.value)


def test_a_password_in_the_query_string_is_hidden_too() -> None:
    shown = shown_url("postgresql+psycopg:///db?host=/tmp&user=u&password=s3cret&sslpassword=k3y")
    assert "s3cret" not in shown and "k3y" not in shown
    assert shown_url("postgresql+psycopg://u@h:notaport/db") == "a database URL kpibot cannot read"


def test_an_unreachable_server_is_a_database_error_naming_it() -> None:
    with pytest.raises(DatabaseUnavailable) as error:
        open_database("postgresql+psycopg://127.0.0.1:1/kpibot?connect_timeout=2", TOKYO)
    assert error.value.problem is DatabaseProblem.UNAVAILABLE
    assert error.value.params["database"] == (
        "postgresql+psycopg://127.0.0.1:1/kpibot?connect_timeout=2"
    )


def test_a_server_that_never_answers_fails_within_the_connect_timeout_without_the_password() -> (
    None
):
    with socket.socket() as silent:
        # The kernel completes the handshake for a listening socket; nobody ever answers.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgresql+psycopg://kpi:hunter2@127.0.0.1:{port}/kpibot?connect_timeout=1"
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as error:
            open_database(url, TOKYO)
    assert time.monotonic() - started < 5
    assert f"127.0.0.1:{port}/kpibot" in str(error.value)
    assert "hunter2" not in str(error.value)
    assert "hunter2" not in repr(error.value)


def test_postgres_connections_time_out_after_10_seconds_unless_the_url_says_otherwise() -> None:
    default = create_db_engine("postgresql+psycopg://kpi@db.example/kpibot")
    chosen = create_db_engine("postgresql+psycopg://kpi@db.example/kpibot?connect_timeout=3")
    assert default.url.query["connect_timeout"] == str(PG_CONNECT_TIMEOUT_S) == "10"
    assert chosen.url.query["connect_timeout"] == "3"


@pytest.mark.parametrize(
    "migrated_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_postgres_sessions_bound_lock_waits_and_idle_transactions(database: Database) -> None:
    with database.write() as connection:
        lock_timeout = connection.exec_driver_sql("SHOW lock_timeout").scalar()
        idle = connection.exec_driver_sql("SHOW idle_in_transaction_session_timeout").scalar()
    assert (lock_timeout, idle) == ("30s", "1min")


def test_a_writer_that_waits_too_long_for_another_is_told_the_database_is_busy(
    database: Database,
) -> None:
    rows = [
        RawRow(
            2,
            {
                "type": "payment",
                "id": "p1",
                "at": "2026-11-01",
                "customer": "c1",
                "amount": "1",
                "recurring": "true",
            },
        )
    ]
    measurement = validated_measurement(
        kpi="market_share",
        value=1,
        at="2026-11-01",
        zone=database.zone,
        known_kpis={"market_share": ValueRule(minimum=0, maximum=100)},
    )
    with database.write():
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as busy:
            import_rows(database, rows, wait=0.3, author=TEST_AUTHOR)
        assert busy.value.problem is DatabaseProblem.BUSY
        with pytest.raises(DatabaseBusy), database.write(wait=0.3) as connection:
            write_measurement(connection, measurement, zone=database.zone, author=TEST_AUTHOR)
        with pytest.raises(DatabaseBusy), database.write(wait=0):
            pass
        assert time.monotonic() - started < 5
    assert import_rows(database, rows, wait=0.3, author=TEST_AUTHOR).inserted == 1


def test_reading_and_writing_a_corrupted_sqlite_file_is_a_database_corrupt_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kpibot.db"
    open_database(f"sqlite:///{path}", TOKYO).engine.dispose()
    path.write_bytes(b"this is not a database, only text " * 200)
    with pytest.raises(DatabaseCorrupt) as error:
        open_database(f"sqlite:///{path}", TOKYO)
    assert error.value.problem is DatabaseProblem.CORRUPT
    assert error.value.params == {
        "database": f"sqlite:///{path}",
        "reason": "file is not a database",
    }


def test_a_sqlite_file_that_cannot_be_created_is_a_database_unavailable_error() -> None:
    with pytest.raises(DatabaseUnavailable) as error:
        open_database("sqlite:////proc/nope/kpibot.db", TOKYO)
    assert error.value.problem is DatabaseProblem.NO_FOLDER
    assert error.value.params == {
        "path": Path("/proc/nope/kpibot.db"),
        "reason": "No such file or directory",
    }
