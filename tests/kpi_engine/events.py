"""Shared pieces of the engine tests: the moment, the catalog, and rows as an import has them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings

from kpi_engine.catalog import Catalog, load_catalog
from kpi_engine.evaluate import KpiState
from storage.db import Database
from storage.imports.ingest import import_rows
from storage.imports.readers import RawRow
from storage.schema import EVENT_MODELS, CustomerRollup, DailyFact, MonthlyPayers
from storage.snapshot import state_at
from tests.authors import TEST_AUTHOR

TOKYO = ZoneInfo("Asia/Tokyo")
AS_OF = datetime(2026, 11, 24, tzinfo=TOKYO)  # the end of 2026-11-23
CATALOG = load_catalog()

Row = dict[str, Any]

# For properties: each example touches the database, so few examples, no deadline, and the
# tables emptied first (`clear`).
examples = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def store(database: Database, *rows: Row) -> None:
    result = import_rows(
        database, [RawRow(line, row) for line, row in enumerate(rows, start=2)], author=TEST_AUTHOR
    )
    assert result.stored, [str(problem) for problem in result.problems]


def clear(database: Database) -> None:
    """Empty every event table and rollup, for the next example of a property."""
    with database.write() as connection:
        for model in (*EVENT_MODELS.values(), CustomerRollup, DailyFact, MonthlyPayers):
            connection.execute(model.__table__.delete())  # type: ignore[attr-defined]


def evaluated(
    database: Database, kpi_id: str, as_of: datetime = AS_OF, catalog: Catalog = CATALOG
) -> KpiState:
    """Evaluate one KPI at a moment on the database."""
    return state_at(database, catalog.get(kpi_id), catalog, as_of, TOKYO)


def enrollment(id: str, at: str, customer: str, channel: str = "ad") -> Row:
    return {"type": "enrollment", "id": id, "at": at, "customer": customer, "channel": channel}


def completion(id: str, at: str, customer: str) -> Row:
    return {"type": "completion", "id": id, "at": at, "customer": customer}


def churn(id: str, at: str, customer: str) -> Row:
    return {"type": "churn", "id": id, "at": at, "customer": customer}


def payment(id: str, at: str, amount: int, customer: str = "c1", recurring: bool = True) -> Row:
    return {
        "type": "payment",
        "id": id,
        "at": at,
        "customer": customer,
        "amount": amount,
        "recurring": recurring,
    }


def refund(id: str, at: str, amount: int, customer: str = "c1", payment: str | None = None) -> Row:
    row: Row = {"type": "refund", "id": id, "at": at, "customer": customer, "amount": amount}
    if payment is not None:
        row["payment"] = payment
    return row


def cost(id: str, at: str, amount: int, category: str) -> Row:
    return {"type": "cost", "id": id, "at": at, "amount": amount, "category": category}


def survey(id: str, at: str, **answers: Any) -> Row:
    return {"type": "survey", "id": id, "at": at, "customer": f"s-{id}", **answers}


def ticket(id: str, at: str, first_response_at: str | None = None) -> Row:
    row: Row = {"type": "ticket", "id": id, "at": at}
    if first_response_at is not None:
        row["first_response_at"] = first_response_at
    return row


def downtime(id: str, at: str, until: str | None = None) -> Row:
    row: Row = {"type": "downtime", "id": id, "at": at}
    if until is not None:
        row["until"] = until
    return row


def release(id: str, at: str) -> Row:
    return {"type": "release", "id": id, "at": at, "title": f"release {id}"}


def measurement(id: str, at: str, kpi: str, value: float) -> Row:
    return {"type": "measurement", "id": id, "at": at, "kpi": kpi, "value": value}


# ---------------------------------------------------------------- customer KPIs
