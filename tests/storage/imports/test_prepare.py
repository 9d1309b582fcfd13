"""Validating a batch column by column accepts and refuses exactly what row by row does."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from multiprocessing.reduction import ForkingPickler
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.catalog import ValueRule
from storage.imports.prepare import TypedRows, validate_batch, validate_one_by_one
from storage.imports.problems import ProblemCode, RowProblem
from storage.imports.readers import CsvBatch, RawRow
from storage.schema import EventType

CONTEXT = {
    "tz": ZoneInfo("Asia/Tokyo"),
    "kpis": {"brand_search_rank": ValueRule(minimum=1, whole=True)},
}
# Per column, cells a file may hold: good ones, and some each column must refuse.
CELLS: dict[str, list[Any]] = {
    "id": ["a", " b ", "c\x00", ""],
    "at": ["2026-11-01", "2026-11-01 10:30", "2026-11-01T01:00:00Z", "2026/11/01", "0001-01-01"],
    "until": ["", "2026-11-01 11:00", "2026-10-01"],
    "first_response_at": ["", "2026-11-01 12:00", "2026-10-01"],
    "customer": ["c1", " c2", ""],
    "channel": ["Ads", "referral", ""],
    "amount": ["100", "0", "-1", "1.5", "abc", ""],
    "recurring": ["true", "false", "yes", "maybe"],
    "category": ["marketing", "fixed", "other"],
    "nps": ["", "0", "10", "11"],
    "csat": ["", "1", "5", "0"],
    "ai_adoption": ["", "true", "no", "perhaps"],
    "title": ["新しい演習", ""],
    "kpi": ["brand_search_rank", "revenue"],
    "value": ["4", "nan", "x"],
}
# A column of another type: empty in a mixed file, refused when filled.
FOREIGN = ["", "7"]
COLUMNS = {
    EventType.ENROLLMENT: ["id", "at", "customer", "channel"],
    EventType.PAYMENT: ["id", "at", "customer", "amount", "recurring"],
    EventType.COST: ["id", "at", "amount", "category"],
    EventType.SURVEY: ["id", "at", "customer", "nps", "csat", "ai_adoption"],
    EventType.TICKET: ["id", "at", "first_response_at"],
    EventType.DOWNTIME: ["id", "at", "until"],
    EventType.RELEASE: ["id", "at", "title"],
    EventType.MEASUREMENT: ["id", "at", "kpi", "value"],
}


@st.composite
def batches(draw: st.DrawFn) -> list[RawRow]:
    event_type = draw(st.sampled_from(sorted(COLUMNS)))
    foreign = "amount" if event_type is EventType.ENROLLMENT else "channel"
    # Mostly good rows, so that whole batches validate and the columns are compared too.
    good = {name: st.sampled_from(CELLS[name][:2]) for name in COLUMNS[event_type]}
    anything = {name: st.sampled_from(CELLS[name]) for name in COLUMNS[event_type]}
    good[foreign] = st.just("")
    anything[foreign] = st.sampled_from(FOREIGN)
    misplaced = {**good, foreign: st.just(FOREIGN[1])}
    rows = draw(
        st.lists(
            st.one_of(
                st.fixed_dictionaries(good),
                st.fixed_dictionaries(anything),
                st.fixed_dictionaries(misplaced),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return [
        RawRow(line, {"type": event_type.value, **row}) for line, row in enumerate(rows, start=2)
    ]


@given(batches())
def test_a_batch_validates_as_its_rows_do_one_by_one(raws: list[RawRow]) -> None:
    one_by_one = validate_one_by_one(EventType(raws[0].cells["type"]), raws, CONTEXT)
    assert validate_batch(raws, None, CONTEXT) == one_by_one


def as_csv(raws: list[RawRow], *, type_column: bool = True) -> CsvBatch:
    names = [name for name in raws[0].cells if type_column or name != "type"]
    rows = [[raw.cells[name] for name in names] for raw in raws]
    return CsvBatch(names, [raw.line for raw in raws], rows, [])


@given(batches())
def test_a_csv_batch_validates_as_its_rows_do_one_by_one(raws: list[RawRow]) -> None:
    event_type = EventType(raws[0].cells["type"])
    assert validate_batch(as_csv(raws), None, CONTEXT) == validate_one_by_one(
        event_type, raws, CONTEXT
    )
    untyped = [RawRow(raw.line, {**raw.cells}) for raw in raws]
    for raw in untyped:
        del raw.cells["type"]
    assert validate_batch(
        as_csv(raws, type_column=False), event_type, CONTEXT
    ) == validate_one_by_one(event_type, untyped, CONTEXT)


def test_a_csv_batch_of_mixed_types_is_sorted_row_by_row() -> None:
    problem = RowProblem(4, None, ProblemCode.CELL_COUNT, {"cells": 1, "columns": 7})
    unreadable = RawRow(4, {}, problem)
    batch = CsvBatch(
        ["type", "id", "at", "customer", "channel", "amount", "recurring"],
        [2, 3],
        [
            ["enrollment", "e1", "2026-11-01", "c1", "ads", "", ""],
            ["payment", "p1", "2026-11-01", "c1", "", "100", "true"],
        ],
        [unreadable],
    )
    checked, rejected = validate_batch(batch, None, CONTEXT)
    assert [(group.event_type, group.lines) for group in checked] == [
        (EventType.ENROLLMENT, [2]),
        (EventType.PAYMENT, [3]),
    ]
    assert [(row.line, row.problems) for row in rejected] == [(4, [problem])]


def test_the_unreadable_rows_of_a_valid_csv_batch_are_refused() -> None:
    batch = CsvBatch(
        ["id", "at", "customer", "amount", "recurring"],
        [2, 4],
        [["p1", "2026-11-01", "c1", "100", "true"], ["p2", "2026-11-02", "c1", "5", "false"]],
        [RawRow(3, {}, RowProblem(3, None, ProblemCode.CELL_COUNT, {"cells": 2, "columns": 5}))],
    )
    checked, rejected = validate_batch(batch, EventType.PAYMENT, CONTEXT)
    assert [(group.event_type, group.lines) for group in checked] == [(EventType.PAYMENT, [2, 4])]
    assert [(problem.line, problem.code) for row in rejected for problem in row.problems] == [
        (3, ProblemCode.CELL_COUNT)
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # SQLite's driver values: text, whole numbers, flags, real numbers, empty cells.
        [("p1", "c1", "2026-10-31T15:00:00.000000+00:00", "2026-11-01", 4380, True, None, 0.5)],
        # PostgreSQL's: dates and times as they are.
        [("p1", "c1", datetime(2026, 10, 31, 15, 0, tzinfo=UTC), date(2026, 11, 1), 4380, False)],
        [],
    ],
)
def test_converted_rows_reach_the_importing_process_as_they_left_the_worker(
    rows: list[tuple[Any, ...]],
) -> None:
    sent = TypedRows(EventType.PAYMENT, list(range(2, 2 + len(rows))), rows)
    received = pickle.loads(ForkingPickler.dumps(sent))
    assert received == sent
    assert [list(map(type, row)) for row in received.rows] == [list(map(type, row)) for row in rows]
