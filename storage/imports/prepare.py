"""Turning the rows of an import into database-ready values: validation and conversion.

This is the costly half of an import and needs no database connection, so a worker
process can run it for a large file (`storage.imports.worker`) while the importing
process writes the batch before (`storage.imports.ingest`).
"""

from __future__ import annotations

import marshal
import math
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import islice
from typing import IO, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import URL

from kpi_engine.catalog import ValueRule
from kpi_engine.retention import retention_deadline
from storage.imports.mapping import AppliedMapping, ColumnMapping
from storage.imports.problems import ProblemCode, RowProblem
from storage.imports.readers import (
    CsvBatch,
    Encoding,
    FileFormat,
    RawRow,
    read_csv,
    read_json_array,
    read_jsonl,
)
from storage.imports.records import (
    RECORD_CHECKS,
    Record,
    fields_of,
    record_adapter,
    required_fields_of,
    validate_column,
)
from storage.schema import EVENT_MODELS, EventType, driver_rows

BATCH = 5_000
# The first batch of a file is smaller, so that a worker process has it ready for the
# writer soon after starting.
BATCH_SIZES = (500, BATCH)


@dataclass
class Rejected:
    """A refused row: its problems and its cells as read."""

    line: int
    problems: list[RowProblem]
    cells: dict[str, Any]


@dataclass(slots=True)
class Checked:
    """Valid rows of one type, held column by column: the lines they came from and each
    field's values (None where a row leaves the field empty)."""

    event_type: EventType
    lines: list[int]
    columns: dict[str, list[Any]]

    @classmethod
    def of_records(cls, event_type: EventType, lines: list[int], records: list[Any]) -> Checked:
        """Records of a type, turned into columns."""
        return cls(
            event_type,
            lines,
            {name: [record.get(name) for record in records] for name in fields_of(event_type)},
        )


# Type names as they may appear in a cell, looked up once per row on the hot path.
_TYPE_NAMES = {kind.value: kind for kind in EventType}


def _type_problem(raw: RawRow, forced: EventType | None) -> EventType | RowProblem:
    named = raw.cells.get("type")
    event_type = _TYPE_NAMES.get(named) if isinstance(named, str) else None
    if event_type is not None and (forced is None or event_type is forced):
        return event_type
    named = named.strip().lower() if isinstance(named, str) else named
    if named in (None, ""):
        if forced is None:
            return RowProblem(raw.line, "type", ProblemCode.NO_TYPE)
        return forced
    try:
        event_type = EventType(named)
    except ValueError:
        known = [kind.value for kind in EventType]
        return RowProblem(
            raw.line, "type", ProblemCode.UNKNOWN_TYPE, {"value": named, "known": known}
        )
    if forced is not None and event_type is not forced:
        return RowProblem(
            raw.line,
            "type",
            ProblemCode.TYPE_CONFLICT,
            {"row_type": event_type.value, "forced": forced.value},
        )
    return event_type


# pydantic's own error types, as problem codes (ours come through under their own names).
_PYDANTIC_CODES = {
    "int_parsing": ProblemCode.BAD_NUMBER,
    "float_parsing": ProblemCode.BAD_NUMBER,
    "int_type": ProblemCode.BAD_NUMBER,
    "float_type": ProblemCode.BAD_NUMBER,
    "finite_number": ProblemCode.BAD_NUMBER,
    "int_from_float": ProblemCode.NOT_WHOLE,
    "int_parsing_size": ProblemCode.TOO_LARGE,
    "bool_parsing": ProblemCode.BAD_BOOLEAN,
    "bool_type": ProblemCode.BAD_BOOLEAN,
    "literal_error": ProblemCode.NOT_ONE_OF,
    "string_too_long": ProblemCode.TOO_LONG,
    "string_too_short": ProblemCode.EMPTY_TEXT,
    "string_type": ProblemCode.NOT_TEXT,
    "string_pattern_mismatch": ProblemCode.NUL_CHARACTER,
    "greater_than_equal": ProblemCode.TOO_SMALL,
    "greater_than": ProblemCode.TOO_SMALL,
    "less_than_equal": ProblemCode.TOO_LARGE,
    "less_than": ProblemCode.TOO_LARGE,
}
_CODES = {code.value: code for code in ProblemCode}


def error_problem(
    error: dict[str, Any], event_type: EventType
) -> tuple[ProblemCode, dict[str, Any]]:
    """One of pydantic's errors about a record of a type, as a problem code and its
    parameters."""
    kind = error["type"]
    context = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        return ProblemCode.REQUIRED, {"type": event_type.value}
    if kind == "extra_forbidden":
        return ProblemCode.NOT_A_COLUMN, {
            "type": event_type.value,
            "columns": fields_of(event_type),
        }
    if kind in _CODES:
        return _CODES[kind], context
    code = _PYDANTIC_CODES.get(kind)
    if code is None:
        return ProblemCode.INVALID, {"detail": str(error["msg"]), "value": value}
    limit = next(
        (context[key] for key in ("ge", "gt", "le", "lt", "max_length") if key in context), None
    )
    return code, {"value": value, "limit": limit, "expected": context.get("expected")}


def _cells(raw: RawRow) -> dict[str, Any]:
    return {
        key: value
        for key, value in raw.cells.items()
        if key != "type" and value is not None and value != ""
    }


def _problems(raw: RawRow, event_type: EventType, error: ValidationError) -> list[RowProblem]:
    return [
        RowProblem(
            raw.line,
            ".".join(str(part) for part in item["loc"]) or None,
            *error_problem(dict(item), event_type),
        )
        for item in error.errors()
    ]


def validate_row(
    raw: RawRow, forced: EventType | None, context: dict[str, Any]
) -> tuple[EventType, Record] | list[RowProblem]:
    """Turn a raw row into a typed record, or say precisely what is wrong with it."""
    if raw.unreadable is not None:
        return [raw.unreadable]
    event_type = _type_problem(raw, forced)
    if isinstance(event_type, RowProblem):
        return [event_type]
    try:
        record = record_adapter(event_type).validate_python(_cells(raw), context=context)
    except ValidationError as error:
        return _problems(raw, event_type, error)
    return event_type, record


def _checked_by_column(
    event_type: EventType, lines: list[int], cells: dict[str, list[Any]], context: dict[str, Any]
) -> Checked | None:
    """Validate rows of one type a column at a time: one pydantic call per field.

    `cells` holds the rows' cells by column name (None where a row lacks the column).
    Returns None as soon as anything is wrong: the caller then goes row by row, which
    names every problem. Accepts exactly the rows the row-by-row path would accept.
    """
    names = fields_of(event_type)
    for name, column in cells.items():
        if name not in names and name != "type" and any(cell not in ("", None) for cell in column):
            return None
    required = set(required_fields_of(event_type))
    columns: dict[str, list[Any]] = {}
    for name in names:
        given = cells.get(name)
        # `all` first: a column with no empty cell, the usual one, is told by a truth test
        # per cell, cheaper than the comparison per cell that `in` makes.
        if given is None:
            values: list[Any] = [None] * len(lines)
        elif not all(given) and "" in given:
            values = [None if cell == "" else cell for cell in given]
        else:
            values = given
        if name in required and not all(values) and None in values:
            return None
        try:
            columns[name] = validate_column(event_type, name, values, context)
        except ValidationError:
            return None
    check = RECORD_CHECKS.get(event_type)
    if check is not None and check(columns, context) is not None:
        return None
    return Checked(event_type, lines, columns)


def _cells_by_column(rows: list[RawRow]) -> dict[str, list[Any]]:
    """The cells of rows read one by one, column by column."""
    names: dict[str, None] = {}
    layouts: set[tuple[str, ...]] = set()
    for raw in rows:
        layout = tuple(raw.cells)
        if layout not in layouts:
            layouts.add(layout)
            names.update(dict.fromkeys(layout))
    return {name: [raw.cells.get(name) for raw in rows] for name in names}


def _unreadable(raw: RawRow, problem: RowProblem | None = None) -> Rejected:
    problem = problem or raw.unreadable
    assert problem is not None, "a row is rejected for a reason"
    return Rejected(raw.line, [problem], dict(raw.cells))


def _csv_checked(
    batch: CsvBatch, forced: EventType | None, context: dict[str, Any]
) -> tuple[list[Checked], list[Rejected]] | None:
    """A CSV batch whose full rows are all valid and of one type named exactly alike,
    validated straight from its columns; None for any other batch."""
    if not batch.rows:
        return None
    cells: dict[str, list[Any]] = dict(batch.columns())
    named = set(cells.get("type", [""]))
    if len(named) != 1:
        return None
    (name,) = named
    event_type = _TYPE_NAMES.get(name) if name else forced
    if event_type is None or (forced is not None and event_type is not forced):
        return None
    group = _checked_by_column(event_type, batch.lines, cells, context)
    if group is None:
        return None
    return [group], [_unreadable(raw) for raw in batch.unreadable]


def validate_batch(
    batch: list[RawRow] | CsvBatch, forced: EventType | None, context: dict[str, Any]
) -> tuple[list[Checked], list[Rejected]]:
    """Validate a batch, a column at a time per type while every row is valid."""
    if isinstance(batch, CsvBatch):
        whole = _csv_checked(batch, forced, context)
        if whole is not None:
            return whole
        raws = batch.raw_rows()
    else:
        raws = batch
    by_type: dict[EventType, list[RawRow]] = {}
    rejected: list[Rejected] = []
    named = raws[0].cells.get("type") if raws else None
    only = _TYPE_NAMES.get(named) if isinstance(named, str) else None
    if named in (None, "") or (forced is not None and only is not forced):
        only = forced if named in (None, "") else None
    if only is not None and all(
        raw.cells.get("type") == named and raw.unreadable is None for raw in raws
    ):
        # Rows of one type, named exactly alike: nothing to sort out row by row.
        by_type[only] = raws
        raws = []
    for raw in raws:
        kind = _type_problem(raw, forced) if raw.unreadable is None else None
        if isinstance(kind, EventType):
            by_type.setdefault(kind, []).append(raw)
        else:
            rejected.append(_unreadable(raw, kind))
    checked: list[Checked] = []
    for event_type, rows in by_type.items():
        group = _checked_by_column(
            event_type, [raw.line for raw in rows], _cells_by_column(rows), context
        )
        if group is not None:
            checked.append(group)
            continue
        # Some row is bad: go row by row to keep the good ones and name every problem.
        good, bad = validate_one_by_one(event_type, rows, context)
        checked.extend(good)
        rejected.extend(bad)
    return checked, rejected


def validate_one_by_one(
    event_type: EventType, rows: list[RawRow], context: dict[str, Any]
) -> tuple[list[Checked], list[Rejected]]:
    """Validate rows of one type row by row: the valid ones, and every problem of the rest."""
    lines: list[int] = []
    records: list[Record] = []
    rejected: list[Rejected] = []
    for raw in rows:
        outcome = validate_row(raw, event_type, context)
        if isinstance(outcome, list):
            rejected.append(Rejected(raw.line, outcome, dict(raw.cells)))
        else:
            lines.append(raw.line)
            records.append(outcome[1])
    return ([Checked.of_records(event_type, lines, records)] if records else []), rejected


CUSTOMER_TYPES = frozenset({EventType.ENROLLMENT, EventType.COMPLETION, EventType.CHURN})
# Columns the importer computes rather than reads.
DERIVED_COLUMNS = frozenset({"day", "response_seconds", "retention_deadline"})


class RowConverter:
    """Turns records of one type into driver-level rows in table column order.

    Values go through SQLAlchemy's own bind processing, so what is stored is exactly what
    the ORM would store, without its per-row statement overhead. It works column by column:
    over a batch, that is several times faster than row by row.
    """

    def __init__(self, event_type: EventType, driver: str, zone: ZoneInfo) -> None:
        table: Any = EVENT_MODELS[event_type.value].__table__
        dialect = URL.create(driver).get_dialect()()
        self.event_type = event_type
        self.zone = zone
        self.columns: list[str] = [column.name for column in table.columns]
        self.table = table
        self.dialect = dialect
        self.day_index = self.columns.index("day")
        self.customer_index = (
            self.columns.index("customer") if event_type in CUSTOMER_TYPES else None
        )

    def rows(self, columns: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
        """The driver-level rows of a type's validated columns, derived columns included."""
        ats: list[datetime] = columns["at"]
        # In local time once: `day` and the deadline both start from it.
        local_times = [at.astimezone(self.zone) for at in ats]
        empty = [None] * len(ats)
        values: list[list[Any]] = []
        for name in self.columns:
            if name == "day":
                values.append([local.date() for local in local_times])
            elif name == "retention_deadline":
                values.append([retention_deadline(local, self.zone) for local in local_times])
            elif name == "response_seconds":
                values.append(
                    [
                        _response_seconds(at, responded)
                        for at, responded in zip(ats, columns["first_response_at"], strict=True)
                    ]
                )
            else:
                values.append(columns.get(name, empty))
        return driver_rows(self.table, self.dialect, values)

    def cells(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """The import columns of a converted row, to show it back in a report."""
        return {
            name: value
            for name, value in zip(self.columns, row, strict=True)
            if name not in DERIVED_COLUMNS and value is not None
        }

    @staticmethod
    def as_date(day: date | str) -> date:
        """A converted `day` value as a date (driver-level SQLite dates are ISO text)."""
        return day if isinstance(day, date) else date.fromisoformat(day)


def _response_seconds(opened: datetime, responded: datetime | None) -> int | None:
    if responded is None:
        return None
    # Rounded up: 24 h and half a second is not "within 24 h".
    return math.ceil((responded - opened).total_seconds())


@cache
def row_converter(event_type: EventType, driver: str, zone: ZoneInfo) -> RowConverter:
    """The converter of a type for a database driver and time zone."""
    return RowConverter(event_type, driver, zone)


@dataclass(frozen=True)
class PrepareOptions:
    """What validation and conversion depend on; plain data, so a worker can receive it."""

    driver: str
    zone: ZoneInfo
    known_kpis: Mapping[str, ValueRule] | None = None
    forced_type: EventType | None = None
    encoding: Encoding | None = None  # None: detected
    mapping: ColumnMapping | None = None

    @property
    def context(self) -> dict[str, Any]:
        """The validation context of the record types: times without an offset are in the
        mapping's zone if it names one, else in the database's."""
        times_in = self.mapping.times_in if self.mapping is not None else None
        return {"tz": ZoneInfo(times_in) if times_in else self.zone, "kpis": self.known_kpis}

    @property
    def event_type(self) -> EventType | None:
        """The type every row has: `--type`'s, else the mapping's."""
        if self.forced_type is not None:
            return self.forced_type
        return self.mapping.type if self.mapping is not None else None


@dataclass(slots=True)
class TypedRows:
    """Converted rows of one type, with the lines they came from."""

    event_type: EventType
    lines: list[int]
    rows: list[tuple[Any, ...]]

    def __reduce__(self) -> tuple[Any, ...]:
        # A worker process hands rows over pickled. Rows of plain values (SQLite's) go as
        # marshal data: written four times faster than by pickle, which notes each object
        # it writes in case it comes again.
        try:
            rows = marshal.dumps(self.rows)
        except ValueError:  # dates and times, as PostgreSQL's driver takes them
            return TypedRows, (self.event_type, self.lines, self.rows)
        return _unmarshalled, (self.event_type, self.lines, rows)


def _unmarshalled(event_type: EventType, lines: list[int], rows: bytes) -> TypedRows:
    return TypedRows(event_type, lines, marshal.loads(rows))


@dataclass(slots=True)
class Prepared:
    """One batch of an import, ready to write: its valid rows by type and its refusals."""

    groups: list[TypedRows]
    rejected: list[Rejected]
    consumed: int  # bytes of the file read for this batch, for progress bars
    skipped: int = 0  # rows a mapping left out


def _batches(items: Iterator[RawRow]) -> Iterator[list[RawRow]]:
    sizes = iter(BATCH_SIZES)
    size = next(sizes)
    while batch := list(islice(items, size)):
        yield batch
        size = next(sizes, size)


def convert(checked: list[Checked], options: PrepareOptions) -> list[TypedRows]:
    """Convert validated columns to driver-level rows."""
    return [
        TypedRows(
            group.event_type,
            group.lines,
            row_converter(group.event_type, options.driver, options.zone).rows(group.columns),
        )
        for group in checked
    ]


def _prepared(
    batches: Iterable[list[RawRow] | CsvBatch],
    options: PrepareOptions,
    applied: AppliedMapping | None,
    consumed: Callable[[], int] = lambda: 0,
) -> Generator[Prepared, None, None]:
    context = options.context
    skipped = 0
    for batch in batches:
        rows = (
            applied.batch(batch) if applied is not None and isinstance(batch, CsvBatch) else batch
        )
        checked, rejected = validate_batch(rows, options.event_type, context) if rows else ([], [])
        now_skipped = applied.skipped if applied is not None else 0
        yield Prepared(convert(checked, options), rejected, consumed(), now_skipped - skipped)
        skipped = now_skipped
    if applied is not None and applied.skipped > skipped:
        # Rows skipped after the last batch (JSON rows are mapped as they are read).
        yield Prepared([], [], consumed(), applied.skipped - skipped)


def prepare_rows(
    rows: Iterable[RawRow], options: PrepareOptions
) -> Generator[Prepared, None, None]:
    """Validate and convert rows batch by batch (mapped first, if a mapping is given)."""
    applied = AppliedMapping(options.mapping) if options.mapping is not None else None
    mapped = applied.rows(iter(rows)) if applied is not None else iter(rows)
    return _prepared(_batches(mapped), options, applied)


def prepare_stream(
    stream: IO[bytes], file_format: FileFormat, options: PrepareOptions
) -> Generator[Prepared, None, None]:
    """Read, validate and convert a CSV, TSV or JSON stream batch by batch."""
    counted = [0]

    def count(size: int) -> None:
        counted[0] += size

    def consumed() -> int:
        size, counted[0] = counted[0], 0
        return size

    applied = AppliedMapping(options.mapping) if options.mapping is not None else None
    batches: Iterable[list[RawRow] | CsvBatch]
    if file_format in (FileFormat.CSV, FileFormat.TSV):
        batches = read_csv(
            stream,
            count,
            BATCH_SIZES,
            encoding=options.encoding,
            delimiter="\t" if file_format is FileFormat.TSV else ",",
            check_header=applied.check_header if applied is not None else None,
        )
    else:
        read = read_jsonl if file_format is FileFormat.JSONL else read_json_array
        rows = read(stream, count, encoding=options.encoding)
        batches = _batches(applied.rows(rows) if applied is not None else rows)
    return _prepared(batches, options, applied, consumed)
