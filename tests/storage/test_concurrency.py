"""Imports and manual measurements running at the same time end as some sequential order."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import Database
from storage.demo.rows import demo_import_rows
from storage.imports.ingest import (
    import_rows,
    import_stream,
    validated_measurement,
    write_measurement,
)
from storage.imports.readers import FileFormat, RawRow
from storage.schema import (
    EVENT_MODELS,
    CompletionMonth,
    CustomerRollup,
    DailyFact,
    EventType,
    MonthlyPayers,
)
from tests.authors import TEST_AUTHOR

TOKYO = ZoneInfo("Asia/Tokyo")
KPIS = measured_kpis(load_catalog())
TABLES: dict[str, Any] = {
    **{name: model.__table__ for name, model in EVENT_MODELS.items()},  # type: ignore[attr-defined]
    "daily_facts": DailyFact.__table__,
    "customers": CustomerRollup.__table__,
    "completion_months": CompletionMonth.__table__,
    "monthly_payers": MonthlyPayers.__table__,
}
ROUNDS = 12


def demo(event_type: EventType) -> list[RawRow]:
    return list(demo_import_rows(event_type, today=date(2025, 12, 31), tz=TOKYO))


def as_csv(rows: list[RawRow]) -> bytes:
    names = list(rows[0].cells)
    lines = [",".join(names)] + [",".join(str(row.cells[name]) for name in names) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every event table and rollup, in a stable order."""
    with database.read() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(select(table))),
                key=repr,
            )
            for name, table in TABLES.items()
        }


def clear(database: Database) -> None:
    with database.write() as connection:
        for table in TABLES.values():
            connection.execute(delete(table))


def writers(database: Database) -> list[Callable[[], object]]:
    """Writers of different kinds whose rollups depend on each other's rows."""
    enrollments = demo(EventType.ENROLLMENT)
    completions = as_csv(demo(EventType.COMPLETION))
    churns_and_surveys = demo(EventType.CHURN) + demo(EventType.SURVEY)
    payments = demo(EventType.PAYMENT)

    def measure() -> object:
        measurement = validated_measurement(
            kpi="market_share", value=3.5, at="2025-10-01", zone=database.zone, known_kpis=KPIS
        )
        with database.write() as connection:
            return write_measurement(
                connection, measurement, zone=database.zone, author=TEST_AUTHOR
            )

    return [
        lambda: import_rows(database, enrollments, known_kpis=KPIS, author=TEST_AUTHOR),
        lambda: import_stream(
            database, io.BytesIO(completions), FileFormat.CSV, known_kpis=KPIS, author=TEST_AUTHOR
        ),
        lambda: import_rows(database, churns_and_surveys, known_kpis=KPIS, author=TEST_AUTHOR),
        lambda: import_rows(database, payments, known_kpis=KPIS, author=TEST_AUTHOR),
        measure,
    ]


def run_together(work: list[Callable[[], object]]) -> list[BaseException]:
    start = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        start.wait()
        try:
            job()
        except BaseException as error:  # reported by the test
            failures.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def test_concurrent_imports_and_measurements_end_as_a_sequential_import(
    database: Database,
) -> None:
    work = writers(database)
    for job in work:
        job()
    expected = snapshot(database)
    assert expected["customers"] and expected["completion_months"] and expected["measurement"]
    assert expected["monthly_payers"]

    differing: dict[str, int] = {}
    for _ in range(ROUNDS):
        clear(database)
        assert run_together(work) == []
        got = snapshot(database)
        for name, rows in expected.items():
            wrong = len(set(rows) ^ set(got[name]))
            if wrong:
                differing[name] = differing.get(name, 0) + wrong

    assert differing == {}


def test_refunds_imported_with_their_payments_end_as_some_order_of_the_imports(
    database: Database,
) -> None:
    # Two refund imports, each refunding 60 % of every payment: one after the other, the
    # second is refused (over the payments' amounts), and before the payments, each is
    # refused (unknown payments). Concurrently they must end in one of those orders.
    payments = [
        RawRow(line, {"type": "payment", "id": f"p{line}", "at": "2026-11-01 10:00",
                      "customer": f"c{line}", "amount": "10000", "recurring": "true"})
        for line in range(2, 42)
    ]  # fmt: skip

    def refunds(name: str) -> list[RawRow]:
        return [
            RawRow(row.line, {"type": "refund", "id": f"{name}-{row.cells['id']}",
                              "at": "2026-11-15 10:00", "customer": row.cells["customer"],
                              "amount": "6000", "payment": row.cells["id"]})
            for row in payments
        ]  # fmt: skip

    imports = {
        "payments": lambda: import_rows(database, payments, author=TEST_AUTHOR),
        "first": lambda: import_rows(database, refunds("first"), author=TEST_AUTHOR),
        "second": lambda: import_rows(database, refunds("second"), author=TEST_AUTHOR),
    }
    sequential: list[dict[str, list[tuple[Any, ...]]]] = []
    for order in (("payments", "first", "second"), ("payments", "second", "first"),
                  ("first", "second", "payments")):  # fmt: skip
        clear(database)
        for name in order:
            imports[name]()
        sequential.append(snapshot(database))

    for _ in range(ROUNDS // 2):
        clear(database)
        assert run_together(list(imports.values())) == []
        assert snapshot(database) in sequential
