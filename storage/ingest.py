"""Validated, idempotent imports of event records.

A file is one transaction: by default any invalid row means nothing of it is stored and
every problem is reported; with `skip_invalid` the valid rows are stored and the rejected
ones returned. Rows are validated and written in batches, so memory stays flat in the file
size; the ids seen so far live in a temporary table, not in Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import islice
from typing import IO, Any, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table

from storage.db import Database
from storage.readers import FileFormat, FileProblem, RawRow, read_rows
from storage.records import RECORD_TYPES, EventType, MeasurementRecord, Record, fields_of
from storage.rollups import Touched, refresh
from storage.schema import EVENT_MODELS

BATCH = 5_000


@dataclass(frozen=True)
class RowProblem:
    """Why one row (at a line, in a column when known) was refused."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Rejected:
    """A refused row: its problems and its cells as read."""

    line: int
    problems: list[RowProblem]
    cells: dict[str, Any]


@dataclass
class ImportResult:
    """What one import did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    stored: bool = False

    @property
    def problems(self) -> list[RowProblem]:
        """Every problem of every rejected row, in file order."""
        return [problem for row in self.rejected for problem in row.problems]


class Valid(NamedTuple):
    """A row that validated: where it was and what it holds."""

    line: int
    event_type: EventType
    record: Record


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
            return RowProblem(raw.line, "type", "no type: add a `type` column or pass --type")
        return forced
    try:
        event_type = EventType(named)
    except ValueError:
        known = ", ".join(t.value for t in EventType)
        return RowProblem(raw.line, "type", f"unknown type {named!r} (known: {known})")
    if forced is not None and event_type is not forced:
        return RowProblem(raw.line, "type", f"row says {event_type} but --type is {forced}")
    return event_type


def _explain(error: dict[str, Any], event_type: EventType) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"required for {event_type} but empty or missing"
    if kind == "string_pattern_mismatch":
        return "contains a NUL character (\\x00), which cannot be stored"
    if kind == "extra_forbidden":
        return f"not a column of {event_type} (its columns: {', '.join(fields_of(event_type))})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if "input" in error and kind not in ("value_error",):
        message += f" (got {error['input']!r})"
    return message


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
            _explain(dict(item), event_type),
        )
        for item in error.errors()
    ]


def validate_row(
    raw: RawRow, forced: EventType | None, context: dict[str, Any]
) -> Valid | list[RowProblem]:
    """Turn a raw row into a typed record, or say precisely what is wrong with it."""
    if raw.unreadable is not None:
        return [RowProblem(raw.line, None, raw.unreadable)]
    event_type = _type_problem(raw, forced)
    if isinstance(event_type, RowProblem):
        return [event_type]
    try:
        record = RECORD_TYPES[event_type].model_validate(_cells(raw), context=context)
    except ValidationError as error:
        return _problems(raw, event_type, error)
    return Valid(raw.line, event_type, record)


@cache
def _list_adapter(event_type: EventType) -> TypeAdapter[list[Record]]:
    model: Any = RECORD_TYPES[event_type]
    return TypeAdapter(list[model])


def validate_batch(
    raws: list[RawRow], forced: EventType | None, context: dict[str, Any]
) -> tuple[list[Valid], list[Rejected]]:
    """Validate a batch, in one pydantic call per type when every row is valid."""
    by_type: dict[EventType, list[RawRow]] = {}
    rejected: list[Rejected] = []
    for raw in raws:
        kind = _type_problem(raw, forced) if raw.unreadable is None else None
        if isinstance(kind, EventType):
            by_type.setdefault(kind, []).append(raw)
        else:
            problem = kind or RowProblem(raw.line, None, raw.unreadable or "unreadable row")
            rejected.append(Rejected(raw.line, [problem], dict(raw.cells)))
    valid: list[Valid] = []
    for event_type, rows in by_type.items():
        try:
            records = _list_adapter(event_type).validate_python(
                [_cells(raw) for raw in rows], context=context
            )
        except ValidationError:
            # Some row is bad: go row by row to keep the good ones and name every problem.
            for raw in rows:
                outcome = validate_row(raw, event_type, context)
                if isinstance(outcome, Valid):
                    valid.append(outcome)
                else:
                    rejected.append(Rejected(raw.line, outcome, dict(raw.cells)))
            continue
        valid.extend(
            Valid(raw.line, event_type, record) for raw, record in zip(rows, records, strict=True)
        )
    return valid, rejected


class _SeenIds:
    """The (type, id, content digest) of every row seen in this import, in a temp table."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.table = Table(
            "kpibot_import_seen",
            MetaData(),
            Column("kind", String(20), primary_key=True),
            Column("id", String(200), primary_key=True),
            Column("digest", BigInteger, nullable=False),
            prefixes=["TEMPORARY"],
        )
        self.table.drop(connection, checkfirst=True)
        self.table.create(connection)

    def earlier(self, event_type: EventType, ids: Sequence[str]) -> dict[str, int]:
        """The digests of the ids already seen in this import."""
        mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
        sql = (
            f"SELECT id, digest FROM {self.table.name} "
            f"WHERE kind = {mark} AND id IN ({', '.join(mark for _ in ids)})"
        )
        rows = self.connection.exec_driver_sql(sql, (event_type.value, *ids))
        return {row[0]: row[1] for row in rows}

    def remember(self, event_type: EventType, digests: dict[str, int]) -> None:
        """Note ids as seen."""
        if digests:
            mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
            self.connection.exec_driver_sql(
                f"INSERT INTO {self.table.name} (kind, id, digest) VALUES ({mark}, {mark}, {mark})",
                [(event_type.value, key, digest) for key, digest in digests.items()],
            )

    def close(self) -> None:
        """Drop the temp table."""
        self.table.drop(self.connection, checkfirst=True)


class _Table:
    """Driver-level statements for one event table: the bulk path of an import.

    Values go through SQLAlchemy's own bind processors, so what is stored is exactly what
    the ORM would store, without its per-row statement overhead.
    """

    def __init__(self, connection: Connection, event_type: EventType, zone: ZoneInfo) -> None:
        table: Any = EVENT_MODELS[event_type.value].__table__
        dialect = connection.dialect
        self.connection = connection
        self.event_type = event_type
        self.zone = zone
        self.name: str = table.name
        self.columns: list[str] = [column.name for column in table.columns]
        self.processors = [
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns
        ]
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.day_index = self.columns.index("day")
        self.customer_index = (
            self.columns.index("customer") if event_type in CUSTOMER_TYPES else None
        )
        self.insert_sql = (
            f"INSERT INTO {self.name} ({', '.join(self.columns)}) "
            f"VALUES ({', '.join(self.mark for _ in self.columns)})"
        )
        assignments = ", ".join(f"{name} = {self.mark}" for name in self.columns[1:])
        self.update_sql = f"UPDATE {self.name} SET {assignments} WHERE id = {self.mark}"

    def row(self, record: Record) -> tuple[Any, ...]:
        """The driver-level values of a record in column order, derived columns included."""
        data = record.__dict__
        at = data["at"]
        derived = {"day": at.astimezone(self.zone).date()}
        if self.event_type is EventType.TICKET:
            responded = data["first_response_at"]
            derived["response_seconds"] = (
                # Rounded up: 24 h and half a second is not "within 24 h".
                None if responded is None else math.ceil((responded - at).total_seconds())
            )
        values = [data[name] if name in data else derived[name] for name in self.columns]
        return tuple(
            [
                value if process is None or value is None else process(value)
                for value, process in zip(values, self.processors, strict=True)
            ]
        )

    def existing(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """The stored driver-level rows among some ids."""
        sql = (
            f"SELECT {', '.join(self.columns)} FROM {self.name} "
            f"WHERE id IN ({', '.join(self.mark for _ in ids)})"
        )
        return {row[0]: tuple(row) for row in self.connection.exec_driver_sql(sql, tuple(ids))}

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows in one executemany."""
        if rows:
            self.connection.exec_driver_sql(self.insert_sql, rows)

    def update(self, rows: list[tuple[Any, ...]]) -> None:
        """Overwrite stored rows, matched by id, in one executemany."""
        if rows:
            self.connection.exec_driver_sql(self.update_sql, [(*row[1:], row[0]) for row in rows])


class _Writer:
    def __init__(self, connection: Connection, zone: ZoneInfo, result: ImportResult) -> None:
        self.connection = connection
        self.zone = zone
        self.result = result
        self.seen = _SeenIds(connection)
        self.touched = Touched()
        self.tables: dict[EventType, _Table] = {}

    def write(self, batch: list[Valid], *, store: bool) -> list[Rejected]:
        """Check a batch for ids repeated with other content and, if `store`, store it.

        Returns the rows refused as such duplicates.
        """
        rejected: list[Rejected] = []
        by_type: dict[EventType, list[Valid]] = {}
        for valid in batch:
            by_type.setdefault(valid.event_type, []).append(valid)
        for event_type, rows in by_type.items():
            if event_type not in self.tables:
                self.tables[event_type] = _Table(self.connection, event_type, self.zone)
            rejected.extend(self._write_type(self.tables[event_type], rows, store))
        return rejected

    def _write_type(self, table: _Table, rows: list[Valid], store: bool) -> list[Rejected]:
        rejected: list[Rejected] = []
        fresh: dict[str, tuple[int, tuple[Any, ...]]] = {}
        earlier = self.seen.earlier(table.event_type, [valid.record.id for valid in rows])
        for valid in rows:
            key = valid.record.id
            values = table.row(valid.record)
            # Masked to fit a signed BIGINT; only ever compared within this process.
            digest = hash(values) & 0x7FFF_FFFF_FFFF_FFFF
            first = earlier.get(key)
            if first is None and key in fresh:
                first = fresh[key][0]
            if first is None:
                fresh[key] = (digest, values)
            elif first != digest:
                problem = RowProblem(
                    valid.line, "id", f"id {key!r} appears earlier in the import with other content"
                )
                rejected.append(Rejected(valid.line, [problem], valid.record.model_dump()))
        self.seen.remember(table.event_type, {key: digest for key, (digest, _) in fresh.items()})
        if store and fresh:
            self._upsert(table, [values for _, values in fresh.values()])
        return rejected

    def _upsert(self, table: _Table, rows: list[tuple[Any, ...]]) -> None:
        stored = table.existing([row[0] for row in rows])
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for row in rows:
            old = stored.get(row[0])
            if old is None:
                inserts.append(row)
            elif old == row:
                self.result.unchanged += 1
                continue
            else:
                updates.append(row)
                self._touch(table, old)
            self._touch(table, row)
        table.insert(inserts)
        table.update(updates)
        self.result.inserted += len(inserts)
        self.result.updated += len(updates)

    def _touch(self, table: _Table, row: tuple[Any, ...]) -> None:
        day = row[table.day_index]
        # Driver-level: SQLite hands dates back as ISO text.
        self.touched.add_day(
            table.event_type, day if isinstance(day, date) else date.fromisoformat(day)
        )
        if table.customer_index is not None:
            self.touched.customers.add(row[table.customer_index])

    def finish(self) -> None:
        """Bring the rollups up to date and drop the scratch table."""
        refresh(self.connection, self.touched, self.zone)
        self.seen.close()


CUSTOMER_TYPES = frozenset({EventType.ENROLLMENT, EventType.COMPLETION, EventType.CHURN})


def _batches(items: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(items, size)):
        yield batch


def ingest_rows(
    connection: Connection,
    rows: Iterable[RawRow],
    *,
    zone: ZoneInfo,
    known_kpis: Sequence[str] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
) -> ImportResult:
    """Validate and store rows inside the caller's transaction.

    Returns the counts and every rejected row. Without `skip_invalid`, the caller must roll
    back when `result.stored` is False: nothing of the import may remain.
    """
    result = ImportResult()
    context = {"tz": zone, "kpis": list(known_kpis) if known_kpis is not None else None}
    writer = _Writer(connection, zone, result)
    seen_any = False
    for raw_batch in _batches(iter(rows), BATCH):
        seen_any = True
        valid_rows, invalid = validate_batch(raw_batch, forced_type, context)
        result.rejected.extend(invalid)
        # Once a strict import has failed nothing will be kept: go on checking, stop writing.
        store = skip_invalid or not result.rejected
        result.rejected.extend(writer.write(valid_rows, store=store))
    if not seen_any:
        raise FileProblem("the file has no data rows")
    result.rejected.sort(key=lambda rejected: rejected.line)
    if result.rejected and not skip_invalid:
        result.inserted = result.updated = result.unchanged = 0
        return result
    writer.finish()
    result.stored = True
    return result


def import_rows(
    database: Database,
    rows: Iterable[RawRow],
    *,
    known_kpis: Sequence[str] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
) -> ImportResult:
    """Import rows in their own transaction: committed whole, or not at all."""
    with database.engine.connect().execution_options(kpibot_write=True) as connection:
        transaction = connection.begin()
        try:
            result = ingest_rows(
                connection,
                rows,
                zone=database.zone,
                known_kpis=known_kpis,
                forced_type=forced_type,
                skip_invalid=skip_invalid,
            )
        except BaseException:
            transaction.rollback()
            raise
        if result.stored:
            transaction.commit()
        else:
            transaction.rollback()
    return result


def import_stream(
    database: Database,
    stream: IO[bytes],
    file_format: FileFormat,
    *,
    known_kpis: Sequence[str] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportResult:
    """Import one CSV or JSON Lines stream: committed whole, or not at all."""
    return import_rows(
        database,
        read_rows(stream, file_format, progress),
        known_kpis=known_kpis,
        forced_type=forced_type,
        skip_invalid=skip_invalid,
    )


def store_records(
    database: Database, event_type: EventType, records: Sequence[Record]
) -> ImportResult:
    """Store already validated records of one type in one transaction."""
    result = ImportResult()
    with database.write() as connection:
        writer = _Writer(connection, database.zone, result)
        writer.write([Valid(0, event_type, record) for record in records], store=True)
        writer.finish()
    result.stored = True
    return result


@dataclass(frozen=True)
class RecordedMeasurement:
    """A manual measurement as stored: new, replacing another value, or already there."""

    record: MeasurementRecord
    inserted: bool
    updated: bool


def record_measurement(
    database: Database,
    *,
    kpi: str,
    value: object,
    at: str | datetime,
    known_kpis: Sequence[str],
) -> RecordedMeasurement:
    """Validate and store one manual measurement (raises pydantic's ValidationError).

    There is one manual value per KPI and instant: recording the same KPI at the same time
    again (a date means its local midnight) replaces the value.
    """
    moment = at.isoformat() if isinstance(at, datetime) else at
    measurement = MeasurementRecord.model_validate(
        {"id": "manual", "kpi": kpi, "at": moment, "value": value},
        context={"tz": database.zone, "kpis": list(known_kpis)},
    )
    measurement = measurement.model_copy(
        update={"id": f"manual:{kpi}:{measurement.at.isoformat()}"}
    )
    outcome = store_records(database, EventType.MEASUREMENT, [measurement])
    return RecordedMeasurement(
        measurement, inserted=outcome.inserted > 0, updated=outcome.updated > 0
    )
