"""Commands that change the stored data: `db upgrade`, `db rebuild-rollups`,
`db set-timezone`, `ingest` and `record`."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ValidationError
from tqdm import tqdm

from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from kpi_engine.catalog import UnknownKpi, ValueRule
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
from storage.imports.readers import FileProblem, guess_format
from storage.imports.worker import ImportWorkerError
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
    state = "migrated to" if applied else "already at"
    print(f"database {state} revision {head_revision()}")
    return 0


def db_rebuild_rollups(_args: argparse.Namespace, runtime: Runtime) -> int:
    """Recompute every rollup from the events in one transaction."""
    with runtime.database.write() as connection:
        rebuilt = rebuild_rollups(connection)
    tables = ", ".join(
        f"{table.table} {table.rows:,} row{'' if table.rows == 1 else 's'} "
        f"({table.differed:,} differed)"
        for table in rebuilt
    )
    print(f"rollups rebuilt: {tables}")
    return 0


def _iana_zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` names, or a usage error suggesting the closest names."""
    # Not merely what ZoneInfo opens: `localtime` is whatever the host is set to, and a
    # database's zone must mean the same on every machine that opens it.
    names = available_timezones() - {"localtime"}
    if name not in names:
        shown = repr(name) if len(name) <= 60 else f"{name[:60]!r}… ({len(name):,} chars)"
        lowered = {known.lower(): known for known in names}
        close = [
            lowered[match]
            for match in difflib.get_close_matches(name[:60].lower(), sorted(lowered), n=3)
        ]
        hint = f"did you mean {', '.join(close)}?" if close else "use an IANA name like Asia/Tokyo"
        raise CliError(f"unknown time zone {shown}; {hint}", EXIT_USAGE)
    return ZoneInfo(name)


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def db_set_timezone(args: argparse.Namespace, runtime: Runtime) -> int:
    """Convert the stored local days and rollups to another time zone in one transaction."""
    zone = _iana_zone(args.zone)
    # Not runtime.database: opening refuses a database in another zone than the settings',
    # and this command is the way out of that, whatever zone it runs with itself.
    change = set_time_zone(runtime.settings.database_url.get_secret_value(), zone)
    if not change.converted:
        print(f"the database's local days are already in {zone.key}; nothing changed")
        return 0
    rollups = ", ".join(f"{table} {_rows(rows)}" for table, rows in change.rollups.items())
    print(
        f"local days converted from {change.before or 'no recorded time zone'} to {zone.key}: "
        f"{change.events:,} events recomputed ({change.changed:,} changed); "
        f"rollups rebuilt: {rollups}"
    )
    print(
        f"every kpibot process must now run with KPIBOT_TIMEZONE={zone.key}; "
        "running ones refuse to answer until they are restarted with it"
    )
    return 0


def _write_rejects(path: Path, result: ImportResult) -> Path:
    target = path.with_name(path.name + ".rejected.jsonl")
    with target.open("w", encoding="utf-8") as out:
        for row in result.rejected:
            problems = [
                {"column": problem.column, "message": problem.message} for problem in row.problems
            ]
            line = {"line": row.line, "problems": problems, "row": row.cells}
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    return target


def _counts(result: ImportResult) -> str:
    return (
        f"inserted {result.inserted:,}, updated {result.updated:,}, "
        f"unchanged {result.unchanged:,}, rejected {len(result.rejected):,}"
    )


def _import_one(
    database: Database,
    path: Path,
    args: argparse.Namespace,
    known_kpis: Mapping[str, ValueRule],
    progress: Callable[[int], object],
) -> ImportResult:
    with path.open("rb") as stream:
        head = stream.read(64)
    return import_file(
        database,
        path,
        guess_format(path.name, head),
        known_kpis=known_kpis,
        forced_type=EventType(args.event_type) if args.event_type else None,
        skip_invalid=args.skip_invalid,
        progress=progress,
    )


def ingest(args: argparse.Namespace, runtime: Runtime) -> int:
    """Import files, each all-or-nothing unless --skip-invalid."""
    paths = [Path(name) for name in args.files]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise CliError(f"no such file: {', '.join(missing)}", EXIT_USAGE)
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
                result = _import_one(database, path, args, known_kpis, bar.update)
            except FileProblem as problem:
                where = f"line {problem.line}: " if problem.line else ""
                print(f"{path}: {where}{problem} (nothing stored)", file=sys.stderr)
                failed = True
                continue
            except ImportWorkerError as error:
                log.debug("import worker traceback:\n%s", error.details)
                print(f"{path}: {error} (nothing stored)", file=sys.stderr)
                failed = True
                continue
            except DatabaseError as error:
                # The file's transaction was rolled back; the next file may well succeed.
                print(f"{path}: {error} (nothing stored)", file=sys.stderr)
                failed = True
                continue
        for rejected in result.rejected:
            for item in rejected.problems:
                print(f"{path}: {item}", file=sys.stderr)
        if not result.stored:
            print(f"{path}: {len(result.rejected):,} invalid rows; nothing stored", file=sys.stderr)
            failed = True
            continue
        note = ""
        if result.rejected:
            note = f" (rejected rows written to {_write_rejects(path, result)})"
        print(f"{path}: {_counts(result)}{note}")
        totals.inserted += result.inserted
        totals.updated += result.updated
        totals.unchanged += result.unchanged
        totals.rejected.extend(result.rejected)
    if len(paths) > 1:
        print(f"total: {_counts(totals)}")
    return 1 if failed else 0


def record(args: argparse.Namespace, runtime: Runtime) -> int:
    """Store one manual measurement of a KPI."""
    settings, catalog = runtime.settings, runtime.catalog
    known = measured_kpis(catalog)
    try:
        kpi = catalog.find(args.kpi).id
    except UnknownKpi as error:
        hint = f"; did you mean {', '.join(error.suggestions)}?" if error.suggestions else ""
        raise CliError(f"unknown KPI {args.kpi!r}{hint}", EXIT_USAGE) from None
    at = args.at if args.at is not None else datetime.now(UTC)
    database = runtime.database
    try:
        measurement = validated_measurement(
            kpi=kpi, value=args.value, at=at, zone=database.zone, known_kpis=known
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, item['loc'])) or 'value'}: "
            f"{str(item['msg']).removeprefix('Value error, ')}"
            for item in error.errors()
        )
        raise CliError(problems, EXIT_USAGE) from None
    with database.write() as connection:
        stored = write_measurement(connection, measurement, zone=database.zone)
    verb = "recorded" if stored.inserted else "updated" if stored.updated else "already recorded"
    local = stored.record["at"].astimezone(settings.zone)
    print(f"{verb}: {kpi} = {stored.record['value']:g} at {local.isoformat()}")
    return 0
