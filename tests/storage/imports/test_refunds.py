"""Refunds import like any record, and a refund's payment is checked as it is written."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.imports.ingest import ImportResult, import_stream
from storage.imports.problems import ProblemCode
from storage.imports.readers import FileFormat
from storage.schema import DailyFact, Payment, Refund
from tests.authors import TEST_AUTHOR
from tests.storage.imports.test_ingest import counts, jsonl

HEADER = "type,id,at,customer,amount,recurring,payment\n"
PAYMENTS = (
    "payment,p1,2026-11-01 10:00,c1,100000,false,\npayment,p2,2026-11-02 10:00,c2,4380,true,\n"
)


def import_csv(database: Database, text: str, **options: Any) -> ImportResult:
    return import_stream(
        database,
        io.BytesIO((HEADER + text).encode()),
        FileFormat.CSV,
        author=TEST_AUTHOR,
        **options,
    )


def refunds(database: Database) -> list[tuple[str, str, int, str | None]]:
    with database.read() as connection:
        return [
            tuple(row)  # type: ignore[misc]
            for row in connection.execute(
                select(Refund.id, Refund.customer, Refund.amount, Refund.payment).order_by(
                    Refund.id
                )
            )
        ]


def refunded_on(database: Database, day: date) -> tuple[float, int] | None:
    with database.read() as connection:
        row = connection.execute(
            select(DailyFact.total, DailyFact.count).where(
                DailyFact.fact == "refunds", DailyFact.day == day
            )
        ).one_or_none()
    return None if row is None else (row.total, row.count)


@pytest.fixture
def paid(database: Database) -> Database:
    assert counts(import_csv(database, PAYMENTS)) == (2, 0, 0)
    return database


def test_a_refund_of_a_stored_payment_is_stored_counted_and_rolled_up(paid: Database) -> None:
    result = import_csv(
        paid,
        "refund,r1,2026-11-10 10:00,c1,30000,,p1\n"
        "refund,r2,2026-11-10 12:00,c9,500,,\n",  # no payment named: only its own fields count
    )

    assert result.stored and counts(result) == (2, 0, 0)
    assert refunds(paid) == [("r1", "c1", 30_000, "p1"), ("r2", "c9", 500, None)]
    assert refunded_on(paid, date(2026, 11, 10)) == (30_500, 2)


def test_the_same_refunds_again_change_nothing(paid: Database) -> None:
    row = "refund,r1,2026-11-10 10:00,c1,30000,,p1\n"
    import_csv(paid, row)

    assert counts(import_csv(paid, row)) == (0, 0, 1)


def test_a_payment_and_its_refund_in_one_file_import_together(database: Database) -> None:
    result = import_csv(database, PAYMENTS + "refund,r1,2026-11-03 10:00,c2,4380,,p2\n")

    assert result.stored and counts(result) == (3, 0, 0)


def test_refunds_in_json_lines_name_their_payment(paid: Database) -> None:
    data = jsonl(
        {"type": "refund", "id": "r1", "at": "2026-11-10T10:00:00+09:00", "customer": "c2",
         "amount": 4380, "payment": "p2"},
    )  # fmt: skip

    result = import_stream(paid, io.BytesIO(data), FileFormat.JSONL, author=TEST_AUTHOR)

    assert counts(result) == (1, 0, 0)
    assert refunds(paid) == [("r1", "c2", 4_380, "p2")]


@pytest.mark.parametrize(
    ("rows", "column", "code", "params"),
    [
        (
            "refund,r1,2026-11-10,c1,100,,p-unknown\n",
            "payment",
            ProblemCode.REFUND_PAYMENT_UNKNOWN,
            {"payment": "p-unknown"},
        ),
        (
            "refund,r1,2026-11-10,c2,100,,p1\n",
            "customer",
            ProblemCode.REFUND_OTHER_CUSTOMER,
            {"payment": "p1", "payer": "c1", "customer": "c2"},
        ),
        (
            "refund,r1,2026-11-10,c1,100001,,p1\n",
            "amount",
            ProblemCode.REFUNDS_EXCEED_PAYMENT,
            {"payment": "p1", "total": 100_001, "paid": 100_000},
        ),
        (
            "refund,r1,2026-11-10,c1,60000,,p1\nrefund,r2,2026-11-11,c1,40001,,p1\n",
            "amount",
            ProblemCode.REFUNDS_EXCEED_PAYMENT,
            {"payment": "p1", "total": 100_001, "paid": 100_000},
        ),
        ("refund,r1,2026-11-10,c1,-100,,p1\n", "amount", ProblemCode.TOO_SMALL, None),
        ("refund,r1,2026-11-10,c1,,,p1\n", "amount", ProblemCode.REQUIRED, None),
    ],
    ids=["unknown payment", "another customer", "above", "together above", "negative", "empty"],
)
def test_a_refund_that_cannot_be_is_refused_and_nothing_is_stored(
    paid: Database, rows: str, column: str, code: ProblemCode, params: dict[str, object] | None
) -> None:
    result = import_csv(paid, "refund,ok,2026-11-09,c2,1,,p2\n" + rows)

    assert not result.stored
    (problem,) = result.problems
    assert (problem.column, problem.code) == (column, code)
    if params is not None:
        assert problem.params == params
    assert refunds(paid) == []
    assert refunded_on(paid, date(2026, 11, 9)) is None


def test_refunds_of_one_payment_count_across_imports(paid: Database) -> None:
    assert counts(import_csv(paid, "refund,r1,2026-11-10,c1,60000,,p1\n")) == (1, 0, 0)

    result = import_csv(paid, "refund,r2,2026-12-01,c1,40001,,p1\n")

    assert [(p.line, p.column, p.code, p.params) for p in result.problems] == [
        (
            2,
            "amount",
            ProblemCode.REFUNDS_EXCEED_PAYMENT,
            {"payment": "p1", "total": 100_001, "paid": 100_000},
        )
    ]
    assert counts(import_csv(paid, "refund,r2,2026-12-01,c1,40000,,p1\n")) == (1, 0, 0)


def test_a_corrected_refund_replaces_its_own_amount(paid: Database) -> None:
    import_csv(paid, "refund,r1,2026-11-10,c1,60000,,p1\n")

    result = import_csv(paid, "refund,r1,2026-11-10,c1,90000,,p1\n")

    assert counts(result) == (0, 1, 0)
    assert refunds(paid) == [("r1", "c1", 90_000, "p1")]
    assert refunded_on(paid, date(2026, 11, 10)) == (90_000, 1)


def test_a_refunded_payment_cannot_drop_below_its_refunds_or_change_customer(
    paid: Database,
) -> None:
    import_csv(paid, "refund,r1,2026-11-10,c1,60000,,p1\n")

    lowered = import_csv(paid, "payment,p1,2026-11-01 10:00,c1,59999,false,\n")
    moved = import_csv(paid, "payment,p1,2026-11-01 10:00,c3,100000,false,\n")

    assert [(p.line, p.column, p.code, p.params) for p in lowered.problems] == [
        (
            2,
            "amount",
            ProblemCode.PAYMENT_BELOW_REFUNDS,
            {"payment": "p1", "amount": 59_999, "refunded": 60_000},
        )
    ]
    assert [(p.column, p.code) for p in moved.problems] == [
        ("customer", ProblemCode.REFUNDED_PAYMENT_CUSTOMER)
    ]
    with paid.read() as connection:
        assert connection.scalar(select(Payment.amount).where(Payment.id == "p1")) == 100_000
    assert counts(import_csv(paid, "payment,p1,2026-11-01 10:00,c1,60000,false,\n")) == (0, 1, 0)


def test_skip_invalid_stores_the_refunds_that_fit_and_rejects_the_rest(paid: Database) -> None:
    result = import_csv(
        paid,
        "refund,r1,2026-11-10,c1,70000,,p1\n"
        "refund,r2,2026-11-11,c1,70000,,p1\n"  # 140,000 of a 100,000 payment
        "refund,r3,2026-11-12,c2,4380,,p2\n",
        skip_invalid=True,
    )

    assert result.stored and counts(result) == (2, 0, 0)
    assert [(rejected.line, rejected.cells["id"]) for rejected in result.rejected] == [(3, "r2")]
    assert [key for key, *_ in refunds(paid)] == ["r1", "r3"]
