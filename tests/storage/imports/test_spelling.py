"""Files as Japanese offices write them: Shift_JIS, slashed and 年月日 dates, ¥ amounts,
はい/いいえ, TSV and JSON arrays import into the same rows as their ISO 8601, UTF-8 twins."""
# ruff: noqa: RUF001 (full-width characters are what these tests are about)

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.imports.ingest import ImportResult, import_stream
from storage.imports.problems import FileProblem, ProblemCode
from storage.imports.readers import Encoding, FileFormat, detect_encoding
from storage.schema import Payment, Survey
from tests.authors import TEST_AUTHOR

PAYMENTS = "type,id,at,customer,amount,recurring\n"

# (how a cell is spelled, how ISO 8601 / plain digits write the same value)
TIMES = [
    ("2026/11/02", "2026-11-02"),
    ("2026/1/5", "2026-01-05"),
    ("2026/11/02 10:15", "2026-11-02 10:15"),
    ("2026/11/02 10:15:30", "2026-11-02 10:15:30"),
    ("2026年11月2日", "2026-11-02"),
    ("2026年11月2日 10時15分", "2026-11-02 10:15"),
    ("２０２６／１１／０２ １０:１５", "2026-11-02 10:15"),
    ("２０２６-１１-０２", "2026-11-02"),
    ("2026-11-02T10:15:00+09:00", "2026-11-02 10:15"),
]
AMOUNTS = [
    ("29,800", "29800"),
    ("¥29,800", "29800"),
    ("￥29,800", "29800"),
    ("29,800円", "29800"),
    ("\\29,800", "29800"),
    ("１０００", "1000"),
    ("１，０００", "1000"),
    ("1,234,567", "1234567"),
]
YES_NO = [
    ("true", "true"),
    ("TRUE", "true"),
    ("1", "true"),
    ("yes", "true"),
    ("はい", "true"),
    ("false", "false"),
    ("FALSE", "false"),
    ("0", "false"),
    ("no", "false"),
    ("いいえ", "false"),
]


def import_bytes(
    database: Database, data: bytes, file_format: FileFormat = FileFormat.CSV, **options: Any
) -> ImportResult:
    return import_stream(database, io.BytesIO(data), file_format, author=TEST_AUTHOR, **options)


def payments(database: Database) -> dict[str, tuple[Any, ...]]:
    with database.sessions() as session:
        return {
            row.id: (row.at, row.day, row.customer, row.amount, row.recurring)
            for row in session.scalars(select(Payment))
        }


def spelled_and_plain(spellings: list[tuple[str, str]], column: int) -> tuple[str, str]:
    """A CSV of one payment per spelling (ids s0, s1, …) and its plain twin (p0, p1, …)."""
    cells = ["2026-11-02 10:15", "c1", "100", "true"]
    spelled, plain = PAYMENTS, PAYMENTS
    for number, (written, iso) in enumerate(spellings):
        spelled += ",".join(["payment", f"s{number}", *_with(cells, column, written)]) + "\n"
        plain += ",".join(["payment", f"p{number}", *_with(cells, column, iso)]) + "\n"
    return spelled, plain


def _with(cells: list[str], column: int, value: str) -> list[str]:
    quoted = f'"{value}"' if "," in value else value
    return [quoted if index == column else cell for index, cell in enumerate(cells)]


@pytest.mark.parametrize(
    ("spellings", "column"),
    [(TIMES, 0), (AMOUNTS, 2), (YES_NO, 3)],
    ids=["times", "amounts", "yes-no"],
)
def test_every_spelling_in_a_csv_stores_the_row_its_plain_twin_stores(
    database: Database, spellings: list[tuple[str, str]], column: int
) -> None:
    spelled, plain = spelled_and_plain(spellings, column)
    assert import_bytes(database, spelled.encode()).stored
    assert import_bytes(database, plain.encode()).stored
    stored = payments(database)
    for number in range(len(spellings)):
        assert stored[f"s{number}"] == stored[f"p{number}"], spellings[number]


def test_a_cp932_csv_with_slashed_times_and_yen_amounts_stores_its_utf8_iso_twins_rows(
    database: Database,
) -> None:
    # Excel's plain "CSV" on Japanese Windows: Shift_JIS, its yen sign is byte 0x5C.
    excel = (
        "type,id,at,customer,amount,recurring\r\n"
        'payment,pay-1,2026/11/02 10:15,顧客-山田,"\\29,800",はい\r\n'
        'payment,pay-2,2026年11月3日,顧客-佐藤,"￥4,380",いいえ\r\n'
    ).encode("cp932")
    iso = (
        "type,id,at,customer,amount,recurring\n"
        "payment,pay-1,2026-11-02 10:15,顧客-山田,29800,true\n"
        "payment,pay-2,2026-11-03,顧客-佐藤,4380,false\n"
    ).encode()
    assert detect_encoding(io.BytesIO(excel)) is Encoding.CP932
    assert import_bytes(database, excel).inserted == 2
    from_excel = payments(database)
    again = import_bytes(database, iso)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert payments(database) == from_excel
    assert from_excel["pay-1"][2:] == ("顧客-山田", 29800, True)


@pytest.mark.parametrize("customer", ["東京", "顧客", "縺"])
def test_a_valid_utf8_file_that_is_valid_cp932_too_is_read_as_utf8(
    database: Database, customer: str
) -> None:
    data = f"{PAYMENTS}payment,p1,2026-11-02,{customer},100,true\n".encode()
    assert data.decode("cp932") != data.decode()  # CP932 would read other characters
    assert detect_encoding(io.BytesIO(data)) is Encoding.UTF8
    assert import_bytes(database, data).stored
    assert payments(database)["p1"][2] == customer


def test_a_cp932_file_forced_as_utf8_is_refused_naming_the_encoding(database: Database) -> None:
    data = (PAYMENTS + "payment,p1,2026-11-02,顧客,100,true\n").encode("cp932")
    with pytest.raises(FileProblem) as problem:
        import_bytes(database, data, encoding=Encoding.UTF8)
    assert problem.value.code is ProblemCode.NOT_DECODABLE
    assert (problem.value.line, problem.value.params["encoding"]) == (2, "utf-8")
    assert import_bytes(database, data, encoding=Encoding.CP932).inserted == 1


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1,2,3", ProblemCode.BAD_GROUPING),
        ("29,80", ProblemCode.BAD_GROUPING),
        ("2,9800", ProblemCode.BAD_GROUPING),
        (",298", ProblemCode.BAD_GROUPING),
        ("¥¥100", ProblemCode.BAD_NUMBER),
        ("29800.5", ProblemCode.NOT_WHOLE),
        ("-¥100", ProblemCode.BAD_NUMBER),
    ],
)
def test_a_number_badly_grouped_or_spelled_is_refused_naming_the_cell(
    database: Database, amount: str, code: ProblemCode
) -> None:
    result = import_bytes(
        database, f'{PAYMENTS}payment,p1,2026-11-02,c1,"{amount}",true\n'.encode()
    )
    assert [(problem.line, problem.column, problem.code) for problem in result.problems] == [
        (2, "amount", code)
    ]
    assert payments(database) == {}


@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("11/02/2026", ProblemCode.AMBIGUOUS_DATE),
        ("02/11/2026 10:15", ProblemCode.AMBIGUOUS_DATE),
        ("26/11/02", ProblemCode.AMBIGUOUS_DATE),
        ("2026/13/02", ProblemCode.BAD_TIME),
        ("2026年2月30日", ProblemCode.BAD_TIME),
        ("2026年11月2日 25時", ProblemCode.BAD_TIME),
    ],
)
def test_an_ambiguous_or_impossible_date_is_refused_saying_which(
    database: Database, at: str, code: ProblemCode
) -> None:
    result = import_bytes(database, f"{PAYMENTS}payment,p1,{at},c1,100,true\n".encode())
    assert [(problem.column, problem.code) for problem in result.problems] == [("at", code)]


def test_full_width_scores_in_a_survey_are_numbers(database: Database) -> None:
    data = "type,id,at,customer,nps,csat,ai_adoption\nsurvey,s1,2026/11/02,c1,１０,５,はい\n"
    assert import_bytes(database, data.encode()).inserted == 1
    with database.sessions() as session:
        survey = session.scalars(select(Survey)).one()
    assert (survey.nps, survey.csat, survey.ai_adoption) == (10, 5, True)


def test_a_tsv_imports_like_its_csv(database: Database) -> None:
    tsv = "type\tid\tat\tcustomer\tamount\trecurring\npayment\tt1\t2026/11/02\tc1\t¥29,800\tはい\n"
    assert import_bytes(database, tsv.encode(), FileFormat.TSV).inserted == 1
    assert payments(database)["t1"][3:] == (29800, True)


def test_a_json_file_holding_one_array_imports_each_object(database: Database) -> None:
    data = (
        '[{"type": "payment", "id": "j1", "at": "2026/11/02 10:15", "customer": "c1",'
        ' "amount": "¥29,800", "recurring": "はい"},\n'
        ' {"type": "payment", "id": "j2", "at": "2026-11-02", "customer": "c1",'
        ' "amount": 100, "recurring": false}]'
    )
    result = import_bytes(database, data.encode(), FileFormat.JSON)
    assert result.inserted == 2
    assert payments(database)["j1"][3:] == (29800, True)


def test_a_truncated_json_array_names_the_line_and_column_where_it_breaks(
    database: Database,
) -> None:
    data = b'[{"type": "payment", "id": "j1"},\n {"type": "payment", "id": "j2'
    with pytest.raises(FileProblem) as problem:
        import_bytes(database, data, FileFormat.JSON)
    assert problem.value.code is ProblemCode.INVALID_JSON
    assert (problem.value.line, problem.value.column) == (2, 28)  # the string left open


def test_a_truncated_json_line_names_its_line_and_the_column_where_it_breaks(
    database: Database,
) -> None:
    data = b'{"type": "payment", "id": "j1"}\n{"type": "payment", "id": "j2", "amo'
    result = import_bytes(database, data, FileFormat.JSONL)
    problem = result.problems[-1]
    assert (problem.line, problem.code, problem.params["column"]) == (
        2,
        ProblemCode.INVALID_JSON,
        33,  # the string left open
    )
