"""Imports: a file is stored whole or not at all, idempotently by id, with every problem named."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import Database
from storage.imports.ingest import (
    ImportResult,
    import_rows,
    import_stream,
    validated_measurement,
    write_measurement,
    write_rows,
)
from storage.imports.prepare import BATCH
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import FileFormat, RawRow
from storage.schema import EVENT_MODELS, CustomerRollup, DailyFact, EventType, Measurement, Payment
from tests.authors import TEST_AUTHOR

KPIS = measured_kpis(load_catalog())
PAYMENTS = "type,id,at,customer,amount,recurring\n"
SURVEYS = "type,id,at,customer,nps,csat\n"
GOOD_PAYMENT = "payment,ok,2026-11-01,c1,100,true\n"
ON_THE_DATABASE = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def import_bytes(
    database: Database, data: bytes, file_format: FileFormat = FileFormat.CSV, **options: Any
) -> ImportResult:
    return import_stream(
        database, io.BytesIO(data), file_format, known_kpis=KPIS, **options, author=TEST_AUTHOR
    )


def import_csv(database: Database, text: str, **options: Any) -> ImportResult:
    return import_bytes(database, text.encode("utf-8"), **options)


def jsonl(*rows: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)


def counts(result: ImportResult) -> tuple[int, int, int]:
    return result.inserted, result.updated, result.unchanged


def row_counts(database: Database) -> dict[str, int]:
    """How many rows each event table and each rollup holds."""
    tables: dict[str, Any] = {**EVENT_MODELS, "daily_facts": DailyFact, "customers": CustomerRollup}
    with database.read() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(model)) or 0
            for name, model in tables.items()
        }


def revenue_on(database: Database, day: date) -> float | None:
    with database.read() as connection:
        return connection.scalar(
            select(DailyFact.total).where(DailyFact.fact == "revenue", DailyFact.day == day)
        )


def stored_payments(database: Database) -> list[Payment]:
    with database.sessions() as session:
        return list(session.scalars(select(Payment).order_by(Payment.id)))


def payment_cells(key: str, amount: int = 100) -> dict[str, Any]:
    return {
        "type": "payment",
        "id": key,
        "at": "2026-11-01 10:00",
        "customer": "c1",
        "amount": str(amount),
        "recurring": "true",
    }


@pytest.fixture
def seeded(database: Database) -> Database:
    """A database that already holds a payment and a survey, so its rollups are not empty."""
    result = import_csv(
        database,
        "type,id,at,customer,amount,recurring,nps\n"
        "payment,seed-p,2026-10-01,c0,1000,true,\n"
        "survey,seed-s,2026-10-01,c0,,,9\n",
    )
    assert counts(result) == (2, 0, 0)
    return database


BAD_FILES = {
    "unknown type": (
        PAYMENTS + GOOD_PAYMENT + "rebate,r1,2026-11-01,c1,100,true\n",
        3,
        "type",
        ProblemCode.UNKNOWN_TYPE,
    ),
    "missing column": (
        "type,id,at,customer,recurring\npayment,p1,2026-11-01,c1,true\n",
        2,
        "amount",
        ProblemCode.REQUIRED,
    ),
    "empty required cell": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,2026-11-01,c1,,true\n",
        3,
        "amount",
        ProblemCode.REQUIRED,
    ),
    "amount not a number": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,2026-11-01,c1,abc,true\n",
        3,
        "amount",
        ProblemCode.BAD_NUMBER,
    ),
    "negative amount": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,2026-11-01,c1,-100,true\n",
        3,
        "amount",
        ProblemCode.TOO_SMALL,
    ),
    "nps 11": (
        SURVEYS + "survey,s1,2026-11-01,c1,9,\nsurvey,s2,2026-11-01,c1,11,\n",
        3,
        "nps",
        ProblemCode.TOO_LARGE,
    ),
    "csat 0": (
        SURVEYS + "survey,s1,2026-11-01,c1,,4\nsurvey,s2,2026-11-01,c1,,0\n",
        3,
        "csat",
        ProblemCode.TOO_SMALL,
    ),
    "until before at": (
        "type,id,at,until\n"
        "downtime,d1,2026-11-01T10:00,2026-11-01T11:00\n"
        "downtime,d2,2026-11-01T10:00,2026-11-01T09:00\n",
        3,
        None,
        ProblemCode.UNTIL_NOT_AFTER_AT,
    ),
    "day first date": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,05/01/2025,c1,100,true\n",
        3,
        "at",
        ProblemCode.AMBIGUOUS_DATE,
    ),
    "unix time": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,1735689600,c1,100,true\n",
        3,
        "at",
        ProblemCode.BAD_TIME,
    ),
    "same id other content": (
        PAYMENTS + GOOD_PAYMENT + "payment,ok,2026-11-01,c1,200,true\n",
        3,
        "id",
        ProblemCode.REPEATED_ID,
    ),
    "too many cells": (
        PAYMENTS + GOOD_PAYMENT + "payment,p2,2026-11-01,c1,100,true,extra\n",
        3,
        None,
        ProblemCode.CELL_COUNT,
    ),
    "cell of another type": (
        "type,id,at,customer,amount,recurring,channel\n"
        "enrollment,e1,2026-11-01,c1,,,ads\n"
        "payment,p1,2026-11-01,c1,100,true,ads\n",
        3,
        "channel",
        ProblemCode.NOT_A_COLUMN,
    ),
    "no type at all": (
        "id,at,customer,amount,recurring\np1,2026-11-01,c1,100,true\n",
        2,
        "type",
        ProblemCode.NO_TYPE,
    ),
    "unknown measured kpi": (
        "type,id,at,kpi,value\n"
        "measurement,m1,2026-11-01,brand_search_rank,4\n"
        "measurement,m2,2026-11-01,made_up,4\n",
        3,
        None,
        ProblemCode.UNKNOWN_KPI,
    ),
    "survey answering nothing": (
        SURVEYS + "survey,s1,2026-11-01,c1,9,\nsurvey,s2,2026-11-01,c1,,\n",
        3,
        None,
        ProblemCode.SURVEY_WITHOUT_ANSWER,
    ),
}
BAD_JSONL = {
    "broken json line": (
        jsonl(payment_cells("j1")) + b'{"type": "payment", "id": \n' + jsonl(payment_cells("j3")),
        2,
        None,
        ProblemCode.INVALID_JSON,
    ),
    "array line": (
        jsonl(payment_cells("j1")) + b'["payment", "j2"]\n',
        2,
        None,
        ProblemCode.NOT_AN_OBJECT,
    ),
    "number as a time": (
        jsonl(payment_cells("j1"), {**payment_cells("j2"), "at": 1735689600}),
        2,
        "at",
        ProblemCode.BAD_TIME,
    ),
}


@pytest.mark.parametrize(
    ("data", "file_format", "line", "column", "code"),
    [
        pytest.param(text.encode(), FileFormat.CSV, line, column, code, id=name)
        for name, (text, line, column, code) in BAD_FILES.items()
    ]
    + [
        pytest.param(data, FileFormat.JSONL, line, column, code, id=name)
        for name, (data, line, column, code) in BAD_JSONL.items()
    ],
)
def test_a_bad_row_is_refused_by_line_and_column_and_nothing_is_stored(
    seeded: Database,
    data: bytes,
    file_format: FileFormat,
    line: int,
    column: str | None,
    code: ProblemCode,
) -> None:
    before = row_counts(seeded)
    result = import_bytes(seeded, data, file_format)
    assert not result.stored
    assert counts(result) == (0, 0, 0)
    assert (line, column, code) in [
        (problem.line, problem.column, problem.code) for problem in result.problems
    ], result.problems
    assert row_counts(seeded) == before


def test_every_bad_row_is_reported_not_just_the_first(database: Database) -> None:
    result = import_csv(
        database,
        PAYMENTS
        + "payment,p1,2026-11-01,c1,abc,true\n"
        + GOOD_PAYMENT
        + "payment,p3,2026-11-01,c1,-1,maybe\n",
    )
    assert [(problem.line, problem.column) for problem in result.problems] == [
        (2, "amount"),
        (4, "amount"),
        (4, "recurring"),
    ]


def test_a_row_naming_another_type_than_the_forced_one_is_refused(seeded: Database) -> None:
    before = row_counts(seeded)
    result = import_csv(seeded, PAYMENTS + GOOD_PAYMENT, forced_type=EventType.SURVEY)
    assert result.problems == [
        RowProblem(
            2, "type", ProblemCode.TYPE_CONFLICT, {"row_type": "payment", "forced": "survey"}
        )
    ]
    assert row_counts(seeded) == before


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", ProblemCode.EMPTY_FILE), (PAYMENTS.encode(), ProblemCode.NO_DATA_ROWS)],
    ids=["empty", "header only"],
)
def test_a_file_without_data_rows_is_refused(
    seeded: Database, data: bytes, code: ProblemCode
) -> None:
    before = row_counts(seeded)
    with pytest.raises(FileProblem) as problem:
        import_bytes(seeded, data)
    assert problem.value.code is code
    assert row_counts(seeded) == before


@pytest.mark.parametrize("file_format", [FileFormat.CSV, FileFormat.JSONL])
def test_a_file_neither_utf8_nor_cp932_is_refused_naming_the_line(
    seeded: Database, file_format: FileFormat
) -> None:
    # 0x81 starts a two-byte CP932 character and cannot be followed by a comma; in UTF-8 it
    # is a continuation byte with nothing to continue.
    if file_format is FileFormat.CSV:
        data = (PAYMENTS + GOOD_PAYMENT).encode() + b"payment,p2,2026-11-01,c\x81,1,true\n"
        bad_line = 3
    else:
        data = jsonl(payment_cells("j1")) + jsonl({**payment_cells("j2"), "customer": "c@"})
        data = data.replace(b"c@", b"c\x81,")
        bad_line = 2
    before = row_counts(seeded)
    with pytest.raises(FileProblem) as problem:
        import_bytes(seeded, data, file_format)
    assert problem.value.code is ProblemCode.NOT_DECODABLE
    assert problem.value.params["encoding"] is None  # detected, neither
    assert problem.value.line == bad_line
    assert row_counts(seeded) == before


def test_a_csv_with_a_utf8_bom_imports(database: Database) -> None:
    result = import_bytes(database, b"\xef\xbb\xbf" + (PAYMENTS + GOOD_PAYMENT).encode())
    assert result.stored
    assert counts(result) == (1, 0, 0)


def test_the_same_row_twice_in_one_file_is_stored_once_and_then_unchanged(
    database: Database,
) -> None:
    result = import_csv(database, PAYMENTS + GOOD_PAYMENT + GOOD_PAYMENT)
    assert result.stored
    assert counts(result) == (1, 0, 1)
    assert [payment.id for payment in stored_payments(database)] == ["ok"]


def test_the_same_instant_written_two_ways_is_the_same_row(database: Database) -> None:
    result = import_csv(
        database,
        PAYMENTS
        + "payment,p1,2026-11-01 09:00,c1,100,true\n"
        + "payment,p1,2026-11-01T00:00:00Z,c1,100,TRUE\n",
    )
    assert counts(result) == (1, 0, 1)


def test_an_id_repeated_with_other_content_across_batches_is_refused(database: Database) -> None:
    rows = [RawRow(n + 2, payment_cells(f"p{n}")) for n in range(BATCH + 1)]
    rows.append(RawRow(BATCH + 3, payment_cells("p0", amount=999)))
    result = import_rows(database, rows, known_kpis=KPIS, author=TEST_AUTHOR)
    assert result.problems == [RowProblem(BATCH + 3, "id", ProblemCode.REPEATED_ID, {"id": "p0"})]
    assert row_counts(database)["payment"] == 0


@pytest.mark.parametrize(
    ("first_amount", "later_amount", "refused"),
    [(100, 100, False), (100, 999, True), (150, 150, False), (150, 100, True)],
)
def test_a_stored_id_met_again_in_a_later_batch_must_repeat_what_the_import_left(
    database: Database, first_amount: int, later_amount: int, refused: bool
) -> None:
    # p0 is stored with 100; a re-import meets it (unchanged at 100, or updated to 150) in
    # its first batch and once more in a later one.
    stored = [RawRow(n + 2, payment_cells(f"p{n}")) for n in range(BATCH + 1)]
    import_rows(database, stored, author=TEST_AUTHOR)
    rows = [RawRow(2, payment_cells("p0", first_amount)), *stored[1:]]
    rows.append(RawRow(BATCH + 3, payment_cells("p0", later_amount)))
    result = import_rows(database, rows, author=TEST_AUTHOR, skip_invalid=True)
    updated = int(first_amount != 100)
    if refused:
        assert result.problems == [
            RowProblem(BATCH + 3, "id", ProblemCode.REPEATED_ID, {"id": "p0"})
        ]
        assert counts(result) == (0, updated, BATCH + 1 - updated)
    else:
        assert result.problems == []
        assert counts(result) == (0, updated, BATCH + 2 - updated)
    assert stored_payments(database)[0].amount == first_amount


def test_skip_invalid_stores_the_valid_rows_and_returns_the_rejected(database: Database) -> None:
    result = import_csv(
        database,
        PAYMENTS
        + GOOD_PAYMENT
        + "payment,p2,2026-11-01,c1,abc,true\n"
        + "payment,p3,2026-11-02,c2,300,false\n"
        + "payment,ok,2026-11-01,c1,999,true\n",
        skip_invalid=True,
    )
    assert result.stored
    assert counts(result) == (2, 0, 0)
    assert [(row.line, [p.column for p in row.problems]) for row in result.rejected] == [
        (3, ["amount"]),
        (5, ["id"]),
    ]
    assert result.rejected[0].cells["amount"] == "abc"
    assert [(p.id, p.amount) for p in stored_payments(database)] == [("ok", 100), ("p3", 300)]
    assert revenue_on(database, date(2026, 11, 1)) == 100


EVERY_TYPE: list[dict[str, Any]] = [
    {
        "type": "enrollment",
        "id": "e1",
        "at": "2026-11-01 10:00",
        "customer": "c1",
        "channel": "ads",
    },
    {"type": "completion", "id": "k1", "at": "2026-11-20", "customer": "c1"},
    {"type": "churn", "id": "x1", "at": "2026-11-21", "customer": "c1"},
    {
        "type": "payment",
        "id": "p1",
        "at": "2026-11-01 10:00",
        "customer": "c1",
        "amount": 10**15,
        "recurring": False,
    },
    {"type": "cost", "id": "o1", "at": "2026-11-01", "amount": 5000, "category": "marketing"},
    {"type": "survey", "id": "s1", "at": "2026-11-02", "customer": "c1", "csat": 4},
    {"type": "survey", "id": "s2", "at": "2026-11-02", "customer": "c1", "ai_adoption": "no"},
    {
        "type": "ticket",
        "id": "t1",
        "at": "2026-11-03T10:00:00.123456+09:00",
        "first_response_at": "2026-11-03T12:00:00.5+09:00",
    },
    {"type": "ticket", "id": "t2", "at": "2026-11-03"},
    {"type": "downtime", "id": "d1", "at": "2026-11-04 01:00", "until": "2026-11-04 01:30"},
    {"type": "downtime", "id": "d2", "at": "2026-11-05 01:00"},
    {"type": "release", "id": "r1", "at": "2026-11-06", "title": "新しい講座"},
    {"type": "measurement", "id": "m1", "at": "2026-11-07", "kpi": "market_share", "value": 0.3},
    {
        "type": "measurement",
        "id": "m2",
        "at": "2026-11-07",
        "kpi": "team_productivity",
        "value": 0.1 + 0.2,
    },
]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    database: Database,
) -> None:
    data = jsonl(*EVERY_TYPE)
    first = import_bytes(database, data, FileFormat.JSONL)
    after_first = row_counts(database)
    second = import_bytes(database, data, FileFormat.JSONL)
    assert counts(first) == (len(EVERY_TYPE), 0, 0)
    assert counts(second) == (0, 0, len(EVERY_TYPE))
    assert row_counts(database) == after_first


def test_a_known_id_with_changed_content_is_updated(database: Database) -> None:
    import_csv(database, PAYMENTS + GOOD_PAYMENT + "payment,p2,2026-11-02,c1,50,true\n")
    result = import_csv(
        database, PAYMENTS + "payment,ok,2026-11-01,c1,150,true\npayment,p2,2026-11-02,c1,50,true\n"
    )
    assert counts(result) == (0, 1, 1)
    assert [(p.id, p.amount) for p in stored_payments(database)] == [("ok", 150), ("p2", 50)]
    assert revenue_on(database, date(2026, 11, 1)) == 150


def test_a_naive_time_is_tokyo_time_and_its_day_is_the_local_day(database: Database) -> None:
    import_csv(database, PAYMENTS + "payment,p1,2026-11-01 00:30,c1,100,true\n")
    (payment,) = stored_payments(database)
    assert payment.at == datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
    assert payment.day == date(2026, 11, 1)


def test_a_utc_time_after_local_midnight_belongs_to_the_next_local_day(
    database: Database,
) -> None:
    import_csv(database, PAYMENTS + "payment,p1,2026-10-31T15:30:00Z,c1,100,true\n")
    (payment,) = stored_payments(database)
    assert payment.day == date(2026, 11, 1)
    assert revenue_on(database, date(2026, 11, 1)) == 100
    assert revenue_on(database, date(2026, 10, 31)) is None


def test_a_date_alone_is_local_midnight(database: Database) -> None:
    import_csv(database, PAYMENTS + "payment,p1,2026-11-01,c1,100,true\n")
    (payment,) = stored_payments(database)
    assert payment.at == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)
    assert payment.day == date(2026, 11, 1)


def test_forced_type_reads_files_without_a_type_column(database: Database) -> None:
    result = import_csv(
        database,
        "id,at,kpi,value\nm1,2026-11-20,brand_search_rank,4\n",
        forced_type=EventType.MEASUREMENT,
    )
    assert counts(result) == (1, 0, 0)
    with database.sessions() as session:
        (measurement,) = session.scalars(select(Measurement))
    assert (measurement.kpi, measurement.value, measurement.day) == (
        "brand_search_rank",
        4.0,
        date(2026, 11, 20),
    )


def test_a_mixed_csv_leaves_the_other_types_columns_blank(database: Database) -> None:
    result = import_csv(
        database,
        "type,id,at,customer,channel,amount,recurring,nps\n"
        "enrollment,e1,2026-11-01,c1,referral,,,\n"
        "payment,p1,2026-11-01,c1,,29800,false,\n"
        "survey,s1,2026-11-02,c1,,,,10\n",
    )
    assert counts(result) == (3, 0, 0)
    counted = row_counts(database)
    assert (counted["enrollment"], counted["payment"], counted["survey"]) == (1, 1, 1)


def test_an_interrupted_import_leaves_nothing(database: Database) -> None:
    def rows() -> Iterator[RawRow]:
        # More than a batch, so that some rows were written before the interruption.
        for n in range(BATCH + 10):
            yield RawRow(n + 2, payment_cells(f"p{n}"))
        raise KeyboardInterrupt

    before = row_counts(database)
    with pytest.raises(KeyboardInterrupt):
        import_rows(database, rows(), known_kpis=KPIS, author=TEST_AUTHOR)
    assert row_counts(database) == before
    # The database is still usable: a later import runs normally.
    assert counts(import_csv(database, PAYMENTS + GOOD_PAYMENT)) == (1, 0, 0)


@ON_THE_DATABASE
@given(amount=st.integers(min_value=0, max_value=10**15))
def test_any_valid_payment_amount_round_trips(database: Database, amount: int) -> None:
    result = import_csv(database, PAYMENTS + f"payment,p1,2026-11-01,c1,{amount},true\n")
    assert result.stored
    assert [payment.amount for payment in stored_payments(database)] == [amount]
    assert revenue_on(database, date(2026, 11, 1)) == amount


@ON_THE_DATABASE
@given(score=st.integers().filter(lambda score: not 0 <= score <= 10))
def test_any_nps_outside_0_to_10_is_refused_and_nothing_stored(
    database: Database, score: int
) -> None:
    result = import_csv(
        database, SURVEYS + "survey,s1,2026-11-01,c1,9,\n" + f"survey,s2,2026-11-01,c1,{score},\n"
    )
    assert [(problem.line, problem.column) for problem in result.problems] == [(3, "nps")]
    assert row_counts(database)["survey"] == 0


def test_a_time_before_the_calendar_is_refused_as_a_row_problem(database: Database) -> None:
    result = import_csv(database, PAYMENTS + "payment,p1,0001-01-01,c1,100,true\n")
    assert result.problems == [
        RowProblem(2, "at", ProblemCode.TIME_OUT_OF_RANGE, {"value": "0001-01-01"})
    ]


@pytest.mark.parametrize("at", ["9999-12-31T23:00:00+00:00", "1899-12-31T23:59:59Z"])
def test_a_time_whose_local_day_is_beyond_the_calendar_is_refused(
    database: Database, at: str
) -> None:
    result = import_csv(database, PAYMENTS + f"payment,p1,{at},c1,100,true\n")
    assert result.problems == [RowProblem(2, "at", ProblemCode.TIME_OUT_OF_RANGE, {"value": at})]
    assert row_counts(database)["payment"] == 0


@pytest.mark.parametrize("column", ["id", "customer"])
def test_a_nul_character_in_a_text_cell_is_refused_on_every_backend(
    database: Database, column: str
) -> None:
    result = import_bytes(
        database, jsonl({**payment_cells("p1"), column: "a\x00b"}), FileFormat.JSONL
    )
    assert [(problem.line, problem.column, problem.code) for problem in result.problems] == [
        (1, column, ProblemCode.NUL_CHARACTER)
    ]
    assert row_counts(database)["payment"] == 0


HUGE = "9" * 5_000


@pytest.mark.parametrize(
    ("data", "file_format", "column"),
    [
        (PAYMENTS + f"payment,p1,2026-11-01,c1,{HUGE},true\n", FileFormat.CSV, "amount"),
        (SURVEYS + f"survey,s1,2026-11-01,c1,{HUGE},\n", FileFormat.CSV, "nps"),
        (
            f"type,id,at,kpi,value\nmeasurement,m1,2026-11-01,market_share,{HUGE}.5\n",
            FileFormat.CSV,
            "value",
        ),
        (
            jsonl(payment_cells("p0")).decode() + f'{{"type": "payment", "amount": {HUGE}}}\n',
            FileFormat.JSONL,
            None,
        ),
        (
            jsonl(payment_cells("p0")).decode() + '{"type": ' + "[" * 100_000 + "\n",
            FileFormat.JSONL,
            None,
        ),
    ],
)
def test_hostile_content_is_a_row_problem_and_nothing_is_stored(
    database: Database, data: str, file_format: FileFormat, column: str | None
) -> None:
    result = import_bytes(database, data.encode(), file_format)
    assert not result.stored
    (problem,) = result.problems
    assert problem.line == 2
    assert problem.column == column
    assert row_counts(database)["payment"] == 0


class CallerGaveUp(Exception):
    """Raised by a caller after its writes, so its transaction rolls back."""


def write_measurement_and_payment(database: Database, *, then_fail: bool = False) -> None:
    """Store a manual measurement and import a payment in one transaction of the caller's."""
    measurement = validated_measurement(
        kpi="market_share", value=3.5, at="2026-11-01", zone=database.zone, known_kpis=KPIS
    )
    payment = {
        "type": "payment",
        "id": "p1",
        "at": "2026-11-01 10:00",
        "customer": "c1",
        "amount": "100",
        "recurring": "true",
    }
    with database.write() as connection:
        assert write_measurement(
            connection, measurement, zone=database.zone, author=TEST_AUTHOR
        ).inserted
        assert (
            write_rows(
                connection, [RawRow(2, payment)], zone=database.zone, author=TEST_AUTHOR
            ).inserted
            == 1
        )
        # Neither writer committed: another connection sees nothing before the caller ends.
        assert set(row_counts(database).values()) == {0}
        if then_fail:
            raise CallerGaveUp


def test_a_measurement_and_an_import_in_one_transaction_are_committed_together(
    database: Database,
) -> None:
    write_measurement_and_payment(database)
    stored = row_counts(database)
    assert (stored["measurement"], stored["payment"]) == (1, 1)
    assert revenue_on(database, date(2026, 11, 1)) == 100


def test_a_measurement_and_an_import_roll_back_together_when_their_caller_fails(
    database: Database,
) -> None:
    with pytest.raises(CallerGaveUp):
        write_measurement_and_payment(database, then_fail=True)
    assert set(row_counts(database).values()) == {0}
    assert revenue_on(database, date(2026, 11, 1)) is None
