"""Validated, idempotent imports of event records.

The `write_*` functions store inside the caller's transaction and never commit, so a use
case can store an import or a measurement together with other rows, all or nothing. The
`import_*` functions run one import in a write transaction of their own.

An import is all or nothing: by default any invalid row means nothing of it may be stored
(`result.stored` is False and the caller rolls back) and every problem is reported; with
`skip_invalid` the valid rows are stored and the rejected ones returned. Rows are prepared
(`storage.imports.prepare`) and written in batches, so memory stays flat in the file size; a large
file is prepared by a worker process meanwhile.

An id repeated within one import must repeat its content. The rows this import wrote are
recognised in the table itself (SQLite: a rowid above the one before the import;
PostgreSQL: written by this transaction), so only rows that existed before and were met
again need remembering, in a temporary table. On PostgreSQL, rows the caller's transaction
wrote into the same table before the import therefore count as the import's own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Connection, MetaData, String, Table, select

from kpi_engine.catalog import ValueRule
from storage.data_version import mark_data_changed
from storage.db import Database
from storage.imports.mapping import ColumnMapping
from storage.imports.prepare import (
    Checked,
    Prepared,
    PrepareOptions,
    Rejected,
    RowConverter,
    TypedRows,
    convert,
    prepare_rows,
    prepare_stream,
    row_converter,
)
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import Encoding, FileFormat, RawRow
from storage.imports.records import MeasurementRecord, Record, validate_record
from storage.imports.refunds import Problems, payment_problems, refund_problems
from storage.imports.worker import prepared_in_worker, worker_helps
from storage.measurements import Author, ChangeLog
from storage.rollups import Touched, refresh
from storage.schema import EVENT_MODELS, EventType, Measurement, driver_insert, driver_marks


@dataclass
class ImportResult:
    """What one import did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    stored: bool = False
    skipped: int = 0  # rows a column mapping left out

    @property
    def problems(self) -> list[RowProblem]:
        """Every problem of every rejected row, in file order."""
        return [problem for row in self.rejected for problem in row.problems]


class _SeenBefore:
    """Ids of rows that existed before this import and that it has met, in a temp table."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.table = Table(
            "kpibot_import_seen",
            MetaData(),
            Column("kind", String(20), primary_key=True),
            Column("id", String(200), primary_key=True),
            prefixes=["TEMPORARY"],
            # The key is the table: no rowid B-tree beside it to keep up.
            sqlite_with_rowid=False,
        )
        self.created = False

    def among(self, event_type: EventType, ids: Sequence[str]) -> set[str]:
        """Which of these ids the import met before."""
        if not self.created or not ids:
            return set()
        kind, *keys = driver_marks(self.connection.dialect, 1 + len(ids))
        sql = f"SELECT id FROM {self.table.name} WHERE kind = {kind} AND id IN ({', '.join(keys)})"
        return {row[0] for row in self.connection.exec_driver_sql(sql, (event_type.value, *ids))}

    def add(self, event_type: EventType, ids: Iterable[str]) -> None:
        """Remember ids as met; an id remembered already stays as it is."""
        kind = event_type.value  # once: an enum's value is a property lookup
        # In key order, each insert lands beside the one before in the index: a re-import
        # adds every id it meets, and random order cost more than reading the rows.
        rows = [(kind, key) for key in sorted(ids)]
        if not rows:
            return
        if not self.created:
            self.table.drop(self.connection, checkfirst=True)
            self.table.create(self.connection)
            self.created = True
        self.connection.exec_driver_sql(
            driver_insert(self.table, self.connection.dialect) + " ON CONFLICT DO NOTHING", rows
        )

    def close(self) -> None:
        """Drop the temp table."""
        if self.created:
            self.table.drop(self.connection)


class _Table:
    """Driver-level statements for one event table: the bulk path of an import."""

    def __init__(self, connection: Connection, converter: RowConverter) -> None:
        table: Any = EVENT_MODELS[converter.event_type.value].__table__
        dialect = connection.dialect
        self.connection = connection
        self.converter = converter
        self.name: str = table.name
        (mark,) = driver_marks(dialect, 1)
        columns = converter.columns
        self.on_sqlite = dialect.name == "sqlite"
        if self.on_sqlite:
            # Rowids only grow while BEGIN IMMEDIATE keeps other writers out.
            self.written_here = f"rowid > {self._last_rowid()}"
        else:
            # No savepoints in an import, so every row it writes carries its transaction id.
            self.written_here = "xmin = pg_current_xact_id()::xid"
        self.select_sql = f"SELECT {', '.join(columns)}, {self.written_here} FROM {table.name} "
        self.insert_sql = driver_insert(table, dialect)
        assignments = ", ".join(f"{name} = {mark}" for name in columns[1:])
        self.update_sql = f"UPDATE {table.name} SET {assignments} WHERE id = {mark}"
        # Whether the last batch was mostly rows stored before (see `insert_new`).
        self.meeting_stored_rows = False

    def _last_rowid(self) -> int:
        last = self.connection.exec_driver_sql(f"SELECT max(rowid) FROM {self.name}").scalar()
        return int(last or 0)

    def existing(self, ids: list[str], where: str = "") -> dict[str, tuple[tuple[Any, ...], bool]]:
        """The stored rows among some ids, each with whether this import wrote it."""
        marks = driver_marks(self.connection.dialect, len(ids))
        sql = self.select_sql + f"WHERE id IN ({', '.join(marks)}){where}"
        # All at once from the driver: a re-import reads back every row it meets, and
        # fetching them one by one through the result object cost more than the query.
        rows = self.connection.exec_driver_sql(sql, tuple(ids)).cursor.fetchall()
        return {row[0]: (row[:-1], bool(row[-1])) for row in rows}

    def insert_new(self, rows: list[tuple[Any, ...]]) -> dict[str, tuple[tuple[Any, ...], bool]]:
        """Insert the rows whose ids are not stored yet; return the stored rows of the others.

        On SQLite, while the batches are new rows (a first import, the usual case), the
        insert goes first and skips stored ids: a batch then costs no lookup at all. Once a
        batch met stored rows (a re-import), the next ones are looked up first, like on
        PostgreSQL: inserting rows only to have each refused by the id index, then reading
        them back anyway, costs twice.
        """
        if not self.on_sqlite or self.meeting_stored_rows:
            stored = self.existing([row[0] for row in rows])
            self.insert([row for row in rows if row[0] not in stored])
            self.meeting_stored_rows = 2 * len(stored) >= len(rows)
            return stored
        before = self._last_rowid()
        inserted = self.connection.exec_driver_sql(
            self.insert_sql + " ON CONFLICT (id) DO NOTHING", rows
        ).rowcount
        if inserted == len(rows):
            return {}
        self.meeting_stored_rows = 2 * inserted <= len(rows)
        return self.existing([row[0] for row in rows], where=f" AND rowid <= {before}")

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows in one executemany."""
        if rows:
            self.connection.exec_driver_sql(self.insert_sql, rows)

    def update(self, rows: list[tuple[Any, ...]]) -> None:
        """Overwrite stored rows, matched by id, in one executemany."""
        if rows:
            self.connection.exec_driver_sql(self.update_sql, [(*row[1:], row[0]) for row in rows])


class _Writer:
    def __init__(
        self,
        connection: Connection,
        options: PrepareOptions,
        result: ImportResult,
        author: Author,
    ) -> None:
        self.connection = connection
        self.options = options
        self.result = result
        self.author = author
        self.changes: ChangeLog | None = None  # of the measurements, once it meets one
        self.seen_before = _SeenBefore(connection)
        self.pending = Touched()  # rollups to rebuild, not settled yet
        self.touched = Touched()  # by the batch being written
        self.tables: dict[EventType, _Table] = {}

    def write(self, groups: list[TypedRows]) -> None:
        """Store converted rows; refuse those whose id came earlier with other content.

        Then rebuild the rollups the import has settled, while a worker process prepares
        the next batch, rather than all of them at the end.
        """
        self.touched = Touched()
        for group in groups:
            table = self.tables.get(group.event_type)
            if table is None:
                converter = row_converter(group.event_type, self.options.driver, self.options.zone)
                table = self.tables[group.event_type] = _Table(self.connection, converter)
            self._write_group(table, group)
        refresh(self.connection, self.pending.take_settled(self.touched))

    def _write_group(self, table: _Table, group: TypedRows) -> None:
        ids = [row[0] for row in group.rows]
        firsts: dict[str, tuple[int, tuple[Any, ...]]] = {}
        if len(set(ids)) == len(ids):
            rows = group.rows
        else:
            for line, row in zip(group.lines, group.rows, strict=True):
                first = firsts.setdefault(row[0], (line, row))
                if first[1] is not row:
                    self._repeated(table, line, row, earlier=first[1])
            rows = [row for _, row in firsts.values()]
        if group.event_type is EventType.REFUND:
            problems = refund_problems(self.connection, table.converter.columns, rows)
            if problems:
                firsts = firsts or dict(zip(ids, zip(group.lines, rows, strict=True), strict=True))
                rows = self._refuse(table, problems, rows, firsts)
                if not rows:
                    return
        stored = table.insert_new(rows)
        inserted = [row for row in rows if row[0] not in stored] if stored else rows
        self.result.inserted += len(inserted)
        self._touch(table.converter, inserted)
        changes = self._changes(table)
        if changes is not None:
            changes.entered(inserted)
        if not stored:
            # The usual case, all rows new: no need to know which line each id came from.
            return
        firsts = firsts or dict(zip(ids, zip(group.lines, rows, strict=True), strict=True))
        # A row met as it was stored before the import is unchanged whether the import met
        # its id before or not: only the others are looked up among the ids met (a
        # re-import's rows are nearly all alike, and looking each up cost a tenth of it).
        met: list[str] = []
        others: list[str] = []
        for key, (old, written_here) in stored.items():
            if written_here or old != firsts[key][1]:
                others.append(key)
            else:
                met.append(key)
        self.result.unchanged += len(met)
        met_before = self.seen_before.among(
            group.event_type, [key for key in others if not stored[key][1]]
        )
        updates: list[tuple[Any, ...]] = []
        replaced: list[tuple[Any, ...]] = []
        for key in others:
            old, written_here = stored[key]
            line, row = firsts[key]
            if written_here or key in met_before:
                self._repeated(table, line, row, earlier=old)
                continue
            met.append(key)
            updates.append(row)
            replaced.append(old)
        self.seen_before.add(group.event_type, met)
        if group.event_type is EventType.PAYMENT and updates:
            problems = payment_problems(self.connection, table.converter.columns, updates)
            if problems:
                replaced = [
                    old
                    for row, old in zip(updates, replaced, strict=True)
                    if row[0] not in problems
                ]
                updates = self._refuse(table, problems, updates, firsts)
        table.update(updates)
        self.result.updated += len(updates)
        self._touch(table.converter, updates + replaced)
        if changes is not None:
            changes.replaced(updates, replaced)

    def _refuse(
        self,
        table: _Table,
        problems: Problems,
        rows: list[tuple[Any, ...]],
        firsts: dict[str, tuple[int, tuple[Any, ...]]],
    ) -> list[tuple[Any, ...]]:
        """Reject the rows with a problem (`firsts` gives each id's line); return the rest."""
        for row in rows:
            problem = problems.get(row[0])
            if problem is not None:
                line = firsts[row[0]][0]
                self.result.rejected.append(
                    Rejected(line, [RowProblem(line, *problem)], table.converter.cells(row))
                )
        return [row for row in rows if row[0] not in problems]

    def _changes(self, table: _Table) -> ChangeLog | None:
        """The history of the measurements, for a table of measurements."""
        if table.converter.event_type is not EventType.MEASUREMENT:
            return None
        if self.changes is None:
            self.changes = ChangeLog(self.connection, table.converter.columns)
        return self.changes

    def _repeated(
        self, table: _Table, line: int, row: tuple[Any, ...], earlier: tuple[Any, ...]
    ) -> None:
        """An id met again in this import: fine with the same content, refused otherwise."""
        if row == earlier:
            self.result.unchanged += 1
            return
        problem = RowProblem(line, "id", ProblemCode.REPEATED_ID, {"id": row[0]})
        self.result.rejected.append(Rejected(line, [problem], table.converter.cells(row)))

    def _touch(self, converter: RowConverter, rows: list[tuple[Any, ...]]) -> None:
        """Note the days (and customers) whose rollups these stored rows move."""
        for day in {row[converter.day_index] for row in rows}:
            self.touched.add_day(converter.event_type, converter.as_date(day))
        if converter.customer_index is not None:
            touched = {
                EventType.ENROLLMENT: self.touched.customers,
                EventType.COMPLETION: self.touched.completions,
                EventType.CHURN: self.touched.churns,
            }[converter.event_type]
            touched.update(row[converter.customer_index] for row in rows)

    def finish(self) -> None:
        """Bring the rollups up to date, record the measurements' changes in their history
        and drop the scratch table."""
        refresh(self.connection, self.pending)
        if self.changes is not None:
            self.changes.write(self.author)
        self.seen_before.close()
        mark_data_changed(self.connection)  # the scheduler sweeps alerts within a heartbeat


def _options(
    connection: Connection,
    zone: ZoneInfo,
    known_kpis: Mapping[str, ValueRule] | None,
    forced_type: EventType | None,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
) -> PrepareOptions:
    return PrepareOptions(
        driver=connection.engine.url.drivername,
        zone=zone,
        known_kpis=dict(known_kpis) if known_kpis is not None else None,
        forced_type=forced_type,
        encoding=encoding,
        mapping=mapping,
    )


def write_prepared(
    connection: Connection,
    batches: Iterable[Prepared],
    options: PrepareOptions,
    *,
    author: Author,
    skip_invalid: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportResult:
    """Store prepared batches inside the caller's transaction; `author` is who the
    measurements' history names for the measurements it changes.

    Returns the counts and every rejected row. Without `skip_invalid`, the caller must roll
    back when `result.stored` is False: nothing of the import may remain.
    """
    result = ImportResult()
    writer = _Writer(connection, options, result, author)
    seen_any = False
    for prepared in batches:
        seen_any = seen_any or bool(prepared.groups or prepared.rejected or prepared.skipped)
        result.skipped += prepared.skipped
        result.rejected.extend(prepared.rejected)
        # Written even once a strict import has failed (it is rolled back): the rows
        # written are how later repeats of their ids are recognised and reported.
        writer.write(prepared.groups)
        if progress is not None:
            progress(prepared.consumed)
    if not seen_any:
        raise FileProblem(ProblemCode.NO_DATA_ROWS)
    result.rejected.sort(key=lambda rejected: rejected.line)
    if result.rejected and not skip_invalid:
        result.inserted = result.updated = result.unchanged = result.skipped = 0
        return result
    writer.finish()
    result.stored = True
    return result


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the garbage collector from rescanning the objects that exist before an import.

    An import allocates millions of short-lived objects; each full collection would walk
    every module, schema and cached statement of the process again. They are live for the
    whole import anyway; unfreezing hands them back to the collector afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write(
    connection: Connection,
    prepare: Callable[[PrepareOptions], Generator[Prepared, None, None]],
    *,
    zone: ZoneInfo,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None,
    forced_type: EventType | None,
    skip_invalid: bool,
    progress: Callable[[int], object] | None = None,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Prepare and store an import inside the caller's transaction."""
    options = _options(connection, zone, known_kpis, forced_type, encoding, mapping)
    # Closed however the import ends, so a worker process stops with it.
    with _heap_frozen(), closing(prepare(options)) as batches:
        return write_prepared(
            connection,
            batches,
            options,
            author=author,
            skip_invalid=skip_invalid,
            progress=progress,
        )


def write_rows(
    connection: Connection,
    rows: Iterable[RawRow],
    *,
    zone: ZoneInfo,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Store rows already read inside the caller's transaction (rolled back by the caller
    when `result.stored` is False, as for `write_prepared`)."""
    return _write(
        connection,
        lambda options: prepare_rows(rows, options),
        zone=zone,
        author=author,
        known_kpis=known_kpis,
        forced_type=forced_type,
        skip_invalid=skip_invalid,
        mapping=mapping,
    )


def write_stream(
    connection: Connection,
    stream: IO[bytes],
    file_format: FileFormat,
    *,
    zone: ZoneInfo,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], object] | None = None,
) -> ImportResult:
    """Store one CSV or JSON Lines stream inside the caller's transaction (see
    `write_rows`)."""
    return _write(
        connection,
        lambda options: prepare_stream(stream, file_format, options),
        zone=zone,
        author=author,
        known_kpis=known_kpis,
        forced_type=forced_type,
        skip_invalid=skip_invalid,
        encoding=encoding,
        mapping=mapping,
        progress=progress,
    )


def write_file(
    connection: Connection,
    path: Path,
    file_format: FileFormat,
    *,
    zone: ZoneInfo,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], object] | None = None,
    worker: bool | None = None,
) -> ImportResult:
    """Store one file inside the caller's transaction (see `write_rows`).

    A large file is prepared by a worker process when that helps (`worker_helps`);
    `worker` forces the choice either way.
    """
    in_worker = worker if worker is not None else worker_helps(path)

    def prepare(options: PrepareOptions) -> Generator[Prepared, None, None]:
        if in_worker:
            yield from prepared_in_worker(path, file_format, options)
        else:
            with path.open("rb") as stream:
                yield from prepare_stream(stream, file_format, options)

    return _write(
        connection,
        prepare,
        zone=zone,
        author=author,
        known_kpis=known_kpis,
        forced_type=forced_type,
        skip_invalid=skip_invalid,
        encoding=encoding,
        mapping=mapping,
        progress=progress,
    )


def write_records(
    connection: Connection,
    event_type: EventType,
    records: Sequence[Record],
    *,
    zone: ZoneInfo,
    author: Author,
) -> ImportResult:
    """Store already validated records of one type inside the caller's transaction."""
    result = ImportResult()
    options = _options(connection, zone, None, event_type)
    checked = Checked.of_records(event_type, [0] * len(records), list(records))
    writer = _Writer(connection, options, result, author)
    writer.write(convert([checked], options))
    writer.finish()
    result.stored = True
    return result


@dataclass(frozen=True)
class RecordedMeasurement:
    """A manual measurement as stored: new, replacing another value, or already there."""

    record: MeasurementRecord
    inserted: bool
    updated: bool
    previous: float | None  # the value it replaced (or that was already there), if any


def validated_measurement(
    *,
    kpi: str,
    value: object,
    at: str | datetime,
    zone: ZoneInfo,
    known_kpis: Mapping[str, ValueRule],
) -> MeasurementRecord:
    """Validate one manual measurement (raises pydantic's ValidationError).

    There is one manual value per KPI and instant, so its id is made of both: recording the
    same KPI at the same time again (a date means its local midnight) replaces the value.
    """
    moment = at.isoformat() if isinstance(at, datetime) else at
    measurement: Any = validate_record(
        EventType.MEASUREMENT,
        {"id": "manual", "kpi": kpi, "at": moment, "value": value},
        zone=zone,
        kpis=known_kpis,
    )
    measurement["id"] = f"manual:{kpi}:{measurement['at'].isoformat()}"
    return cast(MeasurementRecord, measurement)


def write_measurement(
    connection: Connection, measurement: MeasurementRecord, *, zone: ZoneInfo, author: Author
) -> RecordedMeasurement:
    """Store a validated manual measurement inside the caller's transaction, and its change
    in the measurements' history."""
    previous = connection.scalar(
        select(Measurement.value).where(Measurement.id == measurement["id"])
    )
    outcome = write_records(
        connection, EventType.MEASUREMENT, [measurement], zone=zone, author=author
    )
    return RecordedMeasurement(
        measurement,
        inserted=outcome.inserted > 0,
        updated=outcome.updated > 0,
        previous=previous,
    )


# The import_* functions below open a transaction of their own, for callers that import
# and do nothing else with it (the CLI, the ingestion API, the demo).


def _committed(
    database: Database, wait: float | None, write: Callable[[Connection], ImportResult]
) -> ImportResult:
    """Run an import in its own write transaction: committed whole, or not at all.

    Waits at most `wait` seconds (None: as long as it takes) for other writers to finish,
    then raises DatabaseBusy.
    """
    with database.write(wait=wait) as connection:
        result = write(connection)
        if not result.stored:
            connection.rollback()
    return result


def import_rows(
    database: Database,
    rows: Iterable[RawRow],
    *,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    mapping: ColumnMapping | None = None,
    wait: float | None = None,
) -> ImportResult:
    """Import rows already read in a transaction of their own (see `_committed`)."""
    return _committed(
        database,
        wait,
        lambda connection: write_rows(
            connection,
            rows,
            zone=database.zone,
            author=author,
            known_kpis=known_kpis,
            forced_type=forced_type,
            skip_invalid=skip_invalid,
            mapping=mapping,
        ),
    )


def import_stream(
    database: Database,
    stream: IO[bytes],
    file_format: FileFormat,
    *,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], object] | None = None,
    wait: float | None = None,
) -> ImportResult:
    """Import one CSV or JSON Lines stream in a transaction of its own (see `_committed`)."""
    return _committed(
        database,
        wait,
        lambda connection: write_stream(
            connection,
            stream,
            file_format,
            zone=database.zone,
            author=author,
            known_kpis=known_kpis,
            forced_type=forced_type,
            skip_invalid=skip_invalid,
            encoding=encoding,
            mapping=mapping,
            progress=progress,
        ),
    )


def import_file(
    database: Database,
    path: Path,
    file_format: FileFormat,
    *,
    author: Author,
    known_kpis: Mapping[str, ValueRule] | None = None,
    forced_type: EventType | None = None,
    skip_invalid: bool = False,
    encoding: Encoding | None = None,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], object] | None = None,
    worker: bool | None = None,
    wait: float | None = None,
) -> ImportResult:
    """Import one file in a transaction of its own (see `_committed`, `write_file`)."""
    return _committed(
        database,
        wait,
        lambda connection: write_file(
            connection,
            path,
            file_format,
            zone=database.zone,
            author=author,
            known_kpis=known_kpis,
            forced_type=forced_type,
            skip_invalid=skip_invalid,
            encoding=encoding,
            mapping=mapping,
            progress=progress,
            worker=worker,
        ),
    )
