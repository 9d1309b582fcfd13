"""Demo databases of a given size for the benchmarks (SQLite, the demo company's events)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import open_database
from storage.demo.rows import demo_import_rows, demo_rows, demo_types
from storage.imports.ingest import import_rows
from storage.measurements import Author

BENCH_AUTHOR = Author(by="benchmark", at=datetime(2026, 11, 23, tzinfo=UTC))

ZONE = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 23)


def count_events(scale: float, today: date = TODAY) -> int:
    """How many demo events a scale yields up to `today`."""
    return sum(
        sum(1 for _ in demo_rows(event_type, today=today, tz=ZONE, scale=scale))
        for event_type in demo_types()
    )


def scale_for(events: int, today: date = TODAY) -> float:
    """The demo scale that yields about this many events up to `today`.

    Some demo volumes do not grow with the scale (outages, releases, monthly costs), so the
    count is fitted as a line through scales 1 and 2.
    """
    at_one, at_two = count_events(1.0, today), count_events(2.0, today)
    return (events - (2 * at_one - at_two)) / (at_two - at_one)


def build_database(path: Path, scale: float, today: date = TODAY) -> int:
    """Fill a SQLite file with the demo company's events; return how many."""
    database = open_database(f"sqlite:///{path}", ZONE)
    known = measured_kpis(load_catalog())
    total = 0
    for event_type in demo_types():
        rows = demo_import_rows(event_type, today=today, tz=ZONE, scale=scale)
        total += import_rows(database, rows, known_kpis=known, author=BENCH_AUTHOR).inserted
    database.engine.dispose()
    return total
