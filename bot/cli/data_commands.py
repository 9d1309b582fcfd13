"""Commands that change the stored data: `db upgrade`, `db rebuild-rollups`,
`db set-timezone`, `ingest` and `record`."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ValidationError
from tqdm import tqdm

from bot.cli.state_commands import find_kpi
from bot.database_problems import database_error_text
from bot.errors import EXIT_USAGE, CliError
from bot.import_problems import (
    file_problem_text,
    mapping_error_text,
    problem_message,
    row_problem_text,
    worker_error_text,
)
from bot.runtime import Runtime
from bot.slack.blocks.formatting import day_or_moment, format_kpi_value
from bot.slack.blocks.kpi import (
    deletion_confirmation,
    not_recordable_message,
    record_confirmation,
)
from bot.slack.blocks.plain import plain_text
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import KpiDefinition, ValueRule
from kpi_engine.formulas import measured_kpis
from storage.db import (
    Database,
    DatabaseError,
    create_db_engine,
    head_revision,
    set_time_zone,
    upgrade,
)
from storage.imports.ingest import (
    ImportResult,
    import_file,
    validated_measurement,
    write_measurement,
)
from storage.imports.mapping import ColumnMapping, MappingError, load_mapping
from storage.imports.prepare import error_problem
from storage.imports.problems import FileProblem
from storage.imports.readers import ENCODING_NAMES, guess_format
from storage.imports.worker import ImportWorkerError
from storage.measurements import Author, Change, ChangeKind, changes_of, delete_measurements
from storage.rollups import rebuild_rollups
from storage.schema import EventType

log = logging.getLogger(__name__)


def db_upgrade(_args: argparse.Namespace, runtime: Runtime) -> int:
    """Apply pending migrations."""
    engine = create_db_engine(runtime.settings.database_url.get_secret_value())
    try:
        applied = upgrade(engine)
    finally:
        engine.dispose()
    said = Text.CLI_DB_MIGRATED if applied else Text.CLI_DB_ALREADY_AT
    print(t(runtime.settings.locale, said, revision=head_revision()))
    return 0


def db_rebuild_rollups(_args: argparse.Namespace, runtime: Runtime) -> int:
    """Recompute every rollup from the events in one transaction."""
    with runtime.database.write() as connection:
        rebuilt = rebuild_rollups(connection)
    locale = runtime.settings.locale
    tables = ", ".join(
        t(
            locale,
            Text.CLI_DB_ROLLUP_TABLE,
            table=table.table,
            rows=_rows(table.rows, locale),
            differed=f"{table.differed:,}",
        )
        for table in rebuilt
    )
    print(t(locale, Text.CLI_DB_ROLLUPS_REBUILT, tables=tables))
    return 0


def _iana_zone(name: str, locale: str) -> ZoneInfo:
    """The IANA time zone `name` names, or a usage error suggesting the closest names."""
    # Not merely what ZoneInfo opens: `localtime` is whatever the host is set to, and a
    # database's zone must mean the same on every machine that opens it.
    names = available_timezones() - {"localtime"}
    if name not in names:
        shown = (
            repr(name)
            if len(name) <= 60
            else t(locale, Text.CLI_LONG_INPUT, start=repr(name[:60]), length=f"{len(name):,}")
        )
        lowered = {known.lower(): known for known in names}
        close = [
            lowered[match]
            for match in difflib.get_close_matches(name[:60].lower(), sorted(lowered), n=3)
        ]
        message = (
            t(locale, Text.CLI_UNKNOWN_ZONE, zone=shown, names=", ".join(close))
            if close
            else t(locale, Text.CLI_UNKNOWN_ZONE_EXAMPLE, zone=shown)
        )
        raise CliError(message, EXIT_USAGE)
    return ZoneInfo(name)


def _rows(count: int, locale: str) -> str:
    return t(
        locale, Text.CLI_ROW_COUNT_ONE if count == 1 else Text.CLI_ROW_COUNT, count=f"{count:,}"
    )


def db_set_timezone(args: argparse.Namespace, runtime: Runtime) -> int:
    """Convert the stored local days and rollups to another time zone in one transaction."""
    locale = runtime.settings.locale
    zone = _iana_zone(args.zone, locale)
    # Not runtime.database: opening refuses a database in another zone than the settings',
    # and this command is the way out of that, whatever zone it runs with itself.
    change = set_time_zone(runtime.settings.database_url.get_secret_value(), zone)
    if not change.converted:
        print(t(locale, Text.CLI_ZONE_UNCHANGED, zone=zone.key))
        return 0
    rollups = ", ".join(f"{table} {_rows(rows, locale)}" for table, rows in change.rollups.items())
    converted = t(
        locale,
        Text.CLI_ZONE_CONVERTED,
        before=change.before or t(locale, Text.CLI_ZONE_NONE_RECORDED),
        zone=zone.key,
        events=f"{change.events:,}",
        changed=f"{change.changed:,}",
        rollups=rollups,
    )
    print(converted)
    print(t(locale, Text.CLI_ZONE_RESTART, zone=zone.key))
    return 0


def _write_rejects(path: Path, result: ImportResult, locale: str) -> Path:
    target = path.with_name(path.name + ".rejected.jsonl")
    with target.open("w", encoding="utf-8") as out:
        for row in result.rejected:
            problems = [
                {
                    "column": problem.column,
                    "code": problem.code.value,
                    "message": problem_message(problem.code, problem.params, locale),
                }
                for problem in row.problems
            ]
            line = {"line": row.line, "problems": problems, "row": row.cells}
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    return target


def _counts(result: ImportResult, locale: str) -> str:
    counts = t(
        locale,
        Text.INGEST_COUNTS,
        inserted=f"{result.inserted:,}",
        updated=f"{result.updated:,}",
        unchanged=f"{result.unchanged:,}",
        rejected=f"{len(result.rejected):,}",
    )
    if result.skipped:
        counts += t(locale, Text.INGEST_SKIPPED, skipped=f"{result.skipped:,}")
    return counts


def _mapping(args: argparse.Namespace, locale: str) -> ColumnMapping | None:
    """The mapping `--map` names, or a usage error naming the key at fault."""
    if args.mapping is None:
        return None
    try:
        mapping = load_mapping(Path(args.mapping))
    except MappingError as error:
        raise CliError(mapping_error_text(error, locale), EXIT_USAGE) from None
    if mapping.type is not None and args.event_type and args.event_type != mapping.type:
        conflict = t(
            locale, Text.CLI_MAPPING_TYPE_CONFLICT, given=args.event_type, mapped=mapping.type
        )
        raise CliError(conflict, EXIT_USAGE)
    return mapping


def _import_one(
    database: Database,
    path: Path,
    args: argparse.Namespace,
    known_kpis: Mapping[str, ValueRule],
    author: Author,
    progress: Callable[[int], object],
    mapping: ColumnMapping | None,
) -> ImportResult:
    with path.open("rb") as stream:
        head = stream.read(4096)
    return import_file(
        database,
        path,
        guess_format(path.name, head),
        author=author,
        known_kpis=known_kpis,
        forced_type=EventType(args.event_type) if args.event_type else None,
        skip_invalid=args.skip_invalid,
        encoding=ENCODING_NAMES[args.encoding] if args.encoding else None,
        mapping=mapping,
        progress=progress,
    )


def ingest(args: argparse.Namespace, runtime: Runtime) -> int:
    """Import files, each all-or-nothing unless --skip-invalid."""
    locale = runtime.settings.locale
    paths = [Path(name) for name in args.files]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise CliError(t(locale, Text.CLI_NO_SUCH_FILE, paths=", ".join(missing)), EXIT_USAGE)
    mapping = _mapping(args, locale)
    known_kpis = measured_kpis(runtime.catalog)
    # Opened once: a database that cannot be opened is one message, not one per file.
    database = runtime.database
    # tqdm's monitor thread would make this process multi-threaded, and large files are
    # prepared by a forked worker only from a single-threaded process.
    tqdm.monitor_interval = 0
    failed = False
    totals = ImportResult()
    for path in paths:
        with tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=None,
            leave=False,
            file=sys.stderr,
        ) as bar:
            try:
                result = _import_one(
                    database, path, args, known_kpis, runtime.author(), bar.update, mapping
                )
            except FileProblem as problem:
                refusal = file_problem_text(problem, locale)
                print(
                    f"{path}: {t(locale, Text.INGEST_NOTHING_STORED, problem=refusal)}",
                    file=sys.stderr,
                )
                failed = True
                continue
            except ImportWorkerError as error:
                log.debug("import worker traceback:\n%s", error.details)
                failure = worker_error_text(error, locale)
                print(
                    f"{path}: {t(locale, Text.INGEST_NOTHING_STORED, problem=failure)}",
                    file=sys.stderr,
                )
                failed = True
                continue
            except DatabaseError as error:
                # The file's transaction was rolled back; the next file may well succeed.
                failure = database_error_text(error, locale)
                print(
                    f"{path}: {t(locale, Text.INGEST_NOTHING_STORED, problem=failure)}",
                    file=sys.stderr,
                )
                failed = True
                continue
        for rejected in result.rejected:
            for item in rejected.problems:
                print(f"{path}: {row_problem_text(item, locale)}", file=sys.stderr)
        if not result.stored:
            invalid = t(locale, Text.INGEST_INVALID_ROWS, count=f"{len(result.rejected):,}")
            print(f"{path}: {invalid}", file=sys.stderr)
            failed = True
            continue
        note = ""
        if result.rejected:
            note = t(locale, Text.INGEST_REJECTS_WRITTEN, path=_write_rejects(path, result, locale))
        print(f"{path}: {_counts(result, locale)}{note}")
        totals.inserted += result.inserted
        totals.updated += result.updated
        totals.unchanged += result.unchanged
        totals.skipped += result.skipped
        totals.rejected.extend(result.rejected)
    if len(paths) > 1:
        print(t(locale, Text.INGEST_TOTAL, counts=_counts(totals, locale)))
    return 1 if failed else 0


def record(args: argparse.Namespace, runtime: Runtime) -> int:
    """Store one manual measurement of a KPI, or delete a wrong one (--delete)."""
    settings, catalog = runtime.settings, runtime.catalog
    known = measured_kpis(catalog)
    kpi = find_kpi(catalog, args.kpi, settings.locale)
    _refuse_computed(kpi, runtime)
    if args.delete:
        return _delete(args, runtime, kpi)
    if args.value is None:
        raise CliError(t(settings.locale, Text.CLI_RECORD_NEEDS_VALUE), EXIT_USAGE)
    at = args.at if args.at is not None else runtime.clock()
    database = runtime.database
    try:
        measurement = validated_measurement(
            kpi=kpi.id, value=args.value, at=at, zone=database.zone, known_kpis=known
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, item['loc'])) or 'value'}: "
            + problem_message(*error_problem(dict(item), EventType.MEASUREMENT), settings.locale)
            for item in error.errors()
        )
        raise CliError(problems, EXIT_USAGE) from None
    with database.write() as connection:
        stored = write_measurement(
            connection, measurement, zone=database.zone, author=runtime.author()
        )
    value, local = stored.record["value"], stored.record["at"].astimezone(settings.zone)
    print(plain_text(record_confirmation(kpi, value, local, stored.previous, settings.locale)))
    return 0


def _delete(args: argparse.Namespace, runtime: Runtime, kpi: KpiDefinition) -> int:
    """Delete a KPI's manual measurements on one local day."""
    locale = runtime.settings.locale
    if args.value is not None:
        raise CliError(t(locale, Text.CLI_DELETE_NO_VALUE), EXIT_USAGE)
    try:
        day = date.fromisoformat(args.at or "")
    except ValueError:
        raise CliError(t(locale, Text.CLI_DELETE_NEEDS_DAY), EXIT_USAGE) from None
    with runtime.database.write() as connection:
        deleted = delete_measurements(connection, kpi=kpi.id, day=day, author=runtime.author())
    values = [change.previous for change in deleted if change.previous is not None]
    print(plain_text(deletion_confirmation(kpi, day, values, runtime.settings.locale)))
    return 0


def _refuse_computed(kpi: KpiDefinition, runtime: Runtime) -> None:
    """Refuse a KPI kpibot computes, as `/kpi record` does, naming those that can be recorded."""
    measured = measured_kpis(runtime.catalog)
    if kpi.id not in measured:
        recordable = [runtime.catalog.get(kpi_id) for kpi_id in measured]
        message = not_recordable_message(kpi, recordable, runtime.settings.locale)
        raise CliError(plain_text(message).replace("\n", " "), EXIT_USAGE)


def history(args: argparse.Namespace, runtime: Runtime) -> int:
    """List the latest changes to a KPI's manual measurements, oldest first."""
    kpi = find_kpi(runtime.catalog, args.kpi, runtime.settings.locale)
    _refuse_computed(kpi, runtime)
    with runtime.database.read() as connection:
        changes = changes_of(connection, kpi.id, limit=args.limit)
    settings = runtime.settings
    if args.json:
        print(json.dumps([change_as_dict(change) for change in changes], indent=2))
    else:
        print(history_text(kpi, changes, settings.zone, settings.locale))
    return 0


def change_as_dict(change: Change) -> dict[str, object]:
    """One change of the history as JSON-ready data (instants in ISO 8601, UTC)."""
    return {
        "measurement_id": change.measurement_id,
        "kpi": change.kpi,
        "at": change.at.isoformat(),
        "change": change.kind.value,
        "value": change.value,
        "previous": change.previous,
        "entered_by": change.entered_by,
        "entered_at": change.entered_at.isoformat(),
    }


def history_text(kpi: KpiDefinition, changes: list[Change], zone: ZoneInfo, locale: str) -> str:
    """The history as lines a person reads: when, what changed, who; local times in `zone`."""
    name = f"{kpi.name.in_locale(locale)} ({kpi.id})"
    if not changes:
        return t(locale, Text.HISTORY_EMPTY, name=name)
    lines = [t(locale, Text.HISTORY_TITLE, name=name, zone=zone.key, count=len(changes))]
    for change in changes:
        measured = day_or_moment(change.at.astimezone(zone))
        value, previous = (
            format_kpi_value(change.value, kpi, locale),
            format_kpi_value(change.previous, kpi, locale),
        )
        what = {
            ChangeKind.ENTERED: Text.HISTORY_ENTERED,
            ChangeKind.REPLACED: Text.HISTORY_REPLACED,
            ChangeKind.DELETED: Text.HISTORY_DELETED,
        }[change.kind]
        described = t(locale, what, at=measured, value=value, previous=previous)
        entered_at = f"{change.entered_at.astimezone(zone):%Y-%m-%d %H:%M:%S}"
        by = change.entered_by
        lines.append(t(locale, Text.HISTORY_LINE, entered_at=entered_at, change=described, by=by))
    return "\n".join(lines)
