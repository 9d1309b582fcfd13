"""`kpibot demo`: rebuild a SQLite database of the reference company and show it."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from bot.cli_report import as_of_moment, evaluate_states, status_text
from bot.runtime import load_configured_catalog, measured_kpis
from bot.settings import load_settings
from storage.db import open_database
from storage.demo import demo_rows, demo_types, write_demo_csv
from storage.ingest import import_rows
from storage.readers import RawRow

DEFAULT_DEMO_DB = "kpibot-demo.db"


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    """Rebuild the demo database, optionally write import files, and print a summary."""
    settings = load_settings()
    zone = settings.zone
    today = args.today or datetime.now(zone).date()
    path = Path(args.db)
    if path.resolve() == Path("kpibot.db").resolve():
        raise SystemExit("kpibot demo never touches kpibot.db; choose another --db")
    _remove_database(path)
    database = open_database(f"sqlite:///{path}", zone)
    known_kpis = measured_kpis(load_configured_catalog())
    print(
        f"Building {path} with demo data from 2025-01-01 to {today} ({zone.key}), "
        f"scale {args.scale:g}"
    )
    total = 0
    for event_type in demo_types():
        rows = (
            RawRow(line, {"type": event_type.value, **cells})
            for line, cells in enumerate(
                demo_rows(event_type, today=today, tz=zone, scale=args.scale), start=2
            )
        )
        with tqdm(rows, desc=event_type.value, unit=" rows", disable=None, leave=False) as bar:
            result = import_rows(database, bar, known_kpis=known_kpis)
        if not result.stored:
            raise SystemExit(f"demo data for {event_type} did not validate: {result.problems[:3]}")
        total += result.inserted
        print(f"  {event_type.value:<12} {result.inserted:>10,} rows")
    print(f"  {'total':<12} {total:>10,} rows")
    if args.write_csv:
        written = write_demo_csv(Path(args.write_csv), today=today, tz=zone, scale=args.scale)
        for event_type, (file, count) in written.items():
            print(f"wrote {file} ({count:,} {event_type.value} rows)")
    catalog = load_configured_catalog()
    moment = as_of_moment(settings, today)
    states = evaluate_states(database, catalog, settings, moment)
    print()
    print(
        f"KPI status as of the end of {today}:"
        if settings.locale == "en"
        else f"{today} 終了時点のKPIステータス:"
    )
    print(status_text(states, settings.locale))
    database.engine.dispose()
    return 0
