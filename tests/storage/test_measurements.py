"""The measurements' history: every change by whom and when, deletion by local day, and a
history the database itself keeps append-only. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import Database
from storage.imports.ingest import import_rows, validated_measurement, write_measurement
from storage.imports.readers import RawRow
from storage.measurements import Author, Change, ChangeKind, changes_of, delete_measurements
from storage.schema import Measurement, MeasurementChange

TOKYO = ZoneInfo("Asia/Tokyo")
KPIS = measured_kpis(load_catalog())
ALICE = Author(by="U0ALICE", at=datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
BOB = Author(by="cli:bob", at=datetime(2026, 11, 25, 2, 30, tzinfo=UTC))
API = Author(by="api", at=datetime(2026, 11, 26, 3, 0, tzinfo=UTC))


def record(database: Database, kpi: str, value: float, at: datetime, author: Author) -> Any:
    measurement = validated_measurement(
        kpi=kpi, value=value, at=at, zone=database.zone, known_kpis=KPIS
    )
    with database.write() as connection:
        return write_measurement(connection, measurement, zone=database.zone, author=author)


def imported(database: Database, author: Author, *rows: dict[str, Any]) -> Any:
    raw = [RawRow(line, row) for line, row in enumerate(rows, start=2)]
    return import_rows(database, raw, author=author, known_kpis=KPIS)


def measurement(key: str, kpi: str, at: str, value: float) -> dict[str, Any]:
    return {"type": "measurement", "id": key, "kpi": kpi, "at": at, "value": value}


def history(database: Database, kpi: str, limit: int = 100) -> list[Change]:
    with database.read() as connection:
        return changes_of(connection, kpi, limit=limit)


def stored(database: Database) -> list[tuple[str, float]]:
    with database.read() as connection:
        rows = connection.execute(
            select(Measurement.id, Measurement.value).order_by(Measurement.id)
        )
        return [(row.id, row.value) for row in rows]


def test_a_value_entered_then_replaced_is_two_changes_naming_who_and_when(
    database: Database,
) -> None:
    day = datetime(2026, 11, 20, tzinfo=TOKYO)
    first = record(database, "brand_search_rank", 4, day, ALICE)
    second = record(database, "brand_search_rank", 5, day, BOB)
    again = record(database, "brand_search_rank", 5, day, ALICE)
    assert (first.inserted, first.previous) == (True, None)
    assert (second.updated, second.previous) == (True, 4.0)
    # The same value again changes nothing, so the history does not grow.
    assert (again.inserted, again.updated, again.previous) == (False, False, 5.0)
    key = "manual:brand_search_rank:2026-11-19T15:00:00+00:00"
    assert history(database, "brand_search_rank") == [
        Change(key, "brand_search_rank", day.astimezone(UTC), 4.0, None, "U0ALICE", ALICE.at),
        Change(key, "brand_search_rank", day.astimezone(UTC), 5.0, 4.0, "cli:bob", BOB.at),
    ]
    assert [change.kind for change in history(database, "brand_search_rank")] == [
        ChangeKind.ENTERED,
        ChangeKind.REPLACED,
    ]


def test_an_import_enters_new_measurements_and_replaces_changed_ones_as_its_author(
    database: Database,
) -> None:
    assert imported(
        database,
        API,
        measurement("m1", "market_share", "2026-10-01", 4.0),
        measurement("m2", "market_share", "2026-11-01", 4.5),
    ).stored
    # Again with one value changed, one the same: one change, the same one unchanged.
    result = imported(
        database,
        BOB,
        measurement("m1", "market_share", "2026-10-01", 4.2),
        measurement("m2", "market_share", "2026-11-01", 4.5),
    )
    assert (result.updated, result.unchanged) == (1, 1)
    changes = [
        (c.measurement_id, c.kind, c.value, c.previous, c.entered_by)
        for c in history(database, "market_share")
    ]
    assert changes == [
        ("m1", ChangeKind.ENTERED, 4.0, None, "api"),
        ("m2", ChangeKind.ENTERED, 4.5, None, "api"),
        ("m1", ChangeKind.REPLACED, 4.2, 4.0, "cli:bob"),
    ]


def test_an_id_moved_to_another_kpi_leaves_a_deletion_where_it_was(database: Database) -> None:
    assert imported(database, API, measurement("m1", "market_share", "2026-10-01", 4.0)).stored
    assert imported(database, BOB, measurement("m1", "brand_search_rank", "2026-10-01", 4)).stored
    moved_from = history(database, "market_share")
    assert [(c.kind, c.previous, c.entered_by) for c in moved_from] == [
        (ChangeKind.ENTERED, None, "api"),
        (ChangeKind.DELETED, 4.0, "cli:bob"),
    ]
    assert [(c.kind, c.value) for c in history(database, "brand_search_rank")] == [
        (ChangeKind.ENTERED, 4.0)
    ]


def test_a_refused_import_leaves_no_history(database: Database) -> None:
    result = imported(
        database,
        API,
        measurement("m1", "market_share", "2026-10-01", 4.0),
        measurement("m2", "market_share", "2026-10-02", 150),  # a share is at most 100
    )
    assert not result.stored
    assert history(database, "market_share") == []
    assert stored(database) == []


def test_deleting_a_day_deletes_every_measurement_of_that_kpi_on_that_local_day_only(
    database: Database,
) -> None:
    assert imported(
        database,
        API,
        # The local day 2026-11-20 in Tokyo runs from 2026-11-19T15:00Z to 2026-11-20T15:00Z.
        measurement("before", "brand_search_rank", "2026-11-19T23:59:59+09:00", 1),
        measurement("first", "brand_search_rank", "2026-11-20T00:00:00+09:00", 2),
        measurement("last", "brand_search_rank", "2026-11-20T23:59:59+09:00", 3),
        measurement("after", "brand_search_rank", "2026-11-21T00:00:00+09:00", 4),
        measurement("other", "market_share", "2026-11-20T12:00:00+09:00", 5),
    ).stored
    with database.write() as connection:
        deleted = delete_measurements(
            connection, kpi="brand_search_rank", day=date(2026, 11, 20), author=ALICE
        )
    assert [(c.measurement_id, c.value, c.previous, c.entered_by) for c in deleted] == [
        ("first", None, 2.0, "U0ALICE"),
        ("last", None, 3.0, "U0ALICE"),
    ]
    assert stored(database) == [("after", 4.0), ("before", 1.0), ("other", 5.0)]
    assert history(database, "brand_search_rank")[-2:] == deleted
    with database.write() as connection:
        again = delete_measurements(
            connection, kpi="brand_search_rank", day=date(2026, 11, 20), author=ALICE
        )
    assert again == []
    assert len(history(database, "brand_search_rank")) == 6  # four entered, two deleted


def test_a_deletion_rolls_back_with_its_callers_transaction(database: Database) -> None:
    record(database, "market_share", 4.2, datetime(2026, 11, 2, tzinfo=TOKYO), ALICE)

    class Failed(Exception):
        pass

    with pytest.raises(Failed), database.write() as connection:
        delete_measurements(connection, kpi="market_share", day=date(2026, 11, 2), author=BOB)
        raise Failed
    assert [c.kind for c in history(database, "market_share")] == [ChangeKind.ENTERED]
    assert len(stored(database)) == 1


def test_the_history_lists_the_latest_changes_oldest_first(database: Database) -> None:
    start = datetime(2026, 11, 1, tzinfo=TOKYO)
    for offset in range(5):
        record(database, "market_share", offset, start + timedelta(days=offset), ALICE)
    assert [c.value for c in history(database, "market_share", limit=3)] == [2.0, 3.0, 4.0]
    assert history(database, "brand_search_rank") == []


@pytest.mark.parametrize(
    "statement",
    [
        update(MeasurementChange).values(value=99),
        update(MeasurementChange).values(entered_by="someone else"),
        delete(MeasurementChange),
    ],
    ids=["value", "author", "delete"],
)
def test_the_database_refuses_to_rewrite_the_history(database: Database, statement: Any) -> None:
    record(database, "market_share", 4.2, datetime(2026, 11, 2, tzinfo=TOKYO), ALICE)
    before = history(database, "market_share")
    with pytest.raises(DBAPIError, match="append-only"), database.write() as connection:
        connection.execute(statement)
    assert history(database, "market_share") == before


def test_postgresql_refuses_to_truncate_the_history(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE without WHERE is refused above")
    record(database, "market_share", 4.2, datetime(2026, 11, 2, tzinfo=TOKYO), ALICE)
    with pytest.raises(DBAPIError, match="append-only"), database.write() as connection:
        connection.execute(text("TRUNCATE measurement_changes"))
    assert len(history(database, "market_share")) == 1
