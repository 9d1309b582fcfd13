"""Opening the database: migrations to head, concurrent starts, SQLite set-up, time zones."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import exc, inspect, select, text

from storage.db import (
    PG_CONNECT_TIMEOUT_S,
    Database,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseUnavailable,
    create_db_engine,
    current_revision,
    head_revision,
    open_database,
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
from storage.schema import EVENT_MODELS, CustomerRollup, DailyFact, Meta, MonthlyPayers, Payment

TOKYO = ZoneInfo("Asia/Tokyo")


def import_csv(database: Database, csv_text: str) -> None:
    result = import_stream(database, io.BytesIO(csv_text.encode()), FileFormat.CSV)
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


def test_a_new_time_zone_recomputes_local_days_and_rollups(database_url: str) -> None:
    tokyo = open_database(database_url, TOKYO)
    import_csv(
        tokyo,
        "type,id,at,customer,amount,recurring,channel\n"
        "payment,p1,2026-10-31T15:30:00Z,c1,100,true,\n"
        "enrollment,e1,2026-10-31T15:30:00Z,c1,,,ads\n",
    )
    assert fact_days(tokyo, "revenue") == {date(2026, 11, 1): 100}
    tokyo.engine.dispose()

    utc = open_database(database_url, ZoneInfo("UTC"))
    try:
        with utc.sessions() as session:
            payment = session.scalars(select(Payment)).one()
            customer = session.scalars(select(CustomerRollup)).one()
            payers = session.execute(select(MonthlyPayers.month, MonthlyPayers.payers)).all()
        assert payment.day == date(2026, 10, 31)
        assert customer.first_day == date(2026, 10, 31)
        assert customer.retention_deadline == datetime(2027, 4, 30, 15, 30, tzinfo=UTC)
        assert fact_days(utc, "revenue") == {date(2026, 10, 31): 100}
        assert fact_days(utc, "new_customers") == {date(2026, 10, 31): 1}
        assert [tuple(row) for row in payers] == [(date(2026, 10, 1), 1)]
        assert stored_zone(utc) == "UTC"
    finally:
        utc.engine.dispose()

    back = open_database(database_url, TOKYO)
    try:
        assert fact_days(back, "revenue") == {date(2026, 11, 1): 100}
        assert stored_zone(back) == "Asia/Tokyo"
    finally:
        back.engine.dispose()


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
    with pytest.raises(DatabaseError, match="not a database URL"):
        open_database("kpibot.db", TOKYO)


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
    assert "hunter2" not in str(error.value)


def test_a_password_in_the_query_string_is_hidden_too() -> None:
    shown = shown_url("postgresql+psycopg:///db?host=/tmp&user=u&password=s3cret&sslpassword=k3y")
    assert "s3cret" not in shown and "k3y" not in shown
    assert shown_url("postgresql+psycopg://u@h:notaport/db") == "a database URL kpibot cannot read"


def test_an_unreachable_server_is_a_database_error_naming_it() -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot use the database postgresql"):
        open_database("postgresql+psycopg://127.0.0.1:1/kpibot?connect_timeout=2", TOKYO)


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
        known_kpis=["market_share"],
    )
    with database.write():
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="another writer"):
            import_rows(database, rows, wait=0.3)
        with pytest.raises(DatabaseBusy), database.write(wait=0.3) as connection:
            write_measurement(connection, measurement, zone=database.zone)
        with pytest.raises(DatabaseBusy), database.write(wait=0):
            pass
        assert time.monotonic() - started < 5
    assert import_rows(database, rows, wait=0.3).inserted == 1


def test_reading_and_writing_a_corrupted_sqlite_file_is_a_database_corrupt_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kpibot.db"
    open_database(f"sqlite:///{path}", TOKYO).engine.dispose()
    path.write_bytes(b"this is not a database, only text " * 200)
    with pytest.raises(DatabaseCorrupt, match="is not a kpibot database or is damaged"):
        open_database(f"sqlite:///{path}", TOKYO)


def test_a_sqlite_file_that_cannot_be_created_is_a_database_unavailable_error() -> None:
    with pytest.raises(DatabaseUnavailable, match="/proc/nope"):
        open_database("sqlite:////proc/nope/kpibot.db", TOKYO)
