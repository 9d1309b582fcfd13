"""Import speed and memory: `kpibot ingest` against plain sqlite3 executemany.

Generates demo events as CSV files (one per type), then, each in a fresh SQLite database
with kpibot's schema and in the same run:

- baseline: the same rows, already parsed into tuples, inserted with sqlite3 `executemany`
  into the same tables (same indexes), one transaction;
- kpibot: `storage.imports.ingest.import_file` on the CSV files (read, validate, upsert, rollups),
  as `kpibot ingest` runs it;
- kpibot again: the same files imported a second time into that database (every row met
  again and found unchanged).

Prints rows per second for each and their ratios to the baseline, for a few rounds of the
three timed one after the other (these machines are noisy: a round's ratio varies by a
tenth), and the median ratios (goals: the first import at least 0.5, the re-import no slower
than the first). Then the peak memory of an import of about 100,000 and
1,000,000 rows, each in a fresh process, workers included (goal: within 100 MB of each
other).

    python -m benchmarks.ingest [--scale 80] [--small-scale 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from storage.db import open_database
from storage.demo.rows import write_demo_csv
from storage.imports.ingest import import_file
from storage.imports.prepare import PrepareOptions, prepare_stream
from storage.imports.readers import FileFormat
from storage.measurements import Author
from storage.schema import EVENT_MODELS, EventType

BENCH_AUTHOR = Author(by="benchmark", at=datetime(2026, 11, 23, tzinfo=UTC))

ZONE = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 23)


def make_files(directory: Path, scale: float) -> dict[EventType, Path]:
    written = write_demo_csv(directory, today=TODAY, tz=ZONE, scale=scale)
    return {event_type: path for event_type, (path, _count) in written.items()}


def settle_disk() -> None:
    """Let the kernel write out what earlier steps left dirty, so neither side pays for it."""
    os.sync()


def fresh_database(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    open_database(url, ZONE).engine.dispose()
    return str(directory / name)


def stored_rows(path: Path) -> tuple[str, list[tuple[object, ...]]]:
    """The rows of a file as the tuples kpibot stores, prepared up front (not timed)."""
    options = PrepareOptions(driver="sqlite", zone=ZONE)
    with path.open("rb") as stream:
        groups = [
            group
            for prepared in prepare_stream(stream, FileFormat.CSV, options)
            for group in prepared.groups
        ]
    table: Any = EVENT_MODELS[groups[0].event_type.value].__table__
    columns = [column.name for column in table.columns]
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"
    return sql, [row for group in groups for row in group.rows]


def baseline(files: dict[EventType, Path], database: str) -> tuple[int, float]:
    prepared = [stored_rows(path) for path in files.values()]
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    settle_disk()
    started = time.perf_counter()
    connection.execute("BEGIN")
    for sql, rows in prepared:
        connection.executemany(sql, rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return sum(len(rows) for _, rows in prepared), elapsed


def kpibot_import(files: dict[EventType, Path], database: str) -> tuple[int, float]:
    """Import the files; the rows they hold (inserted or found unchanged) and the seconds."""
    opened = open_database(f"sqlite:///{database}", ZONE)
    settle_disk()
    started = time.perf_counter()
    count = 0
    for path in files.values():
        result = import_file(opened, path, FileFormat.CSV, author=BENCH_AUTHOR)
        assert result.stored, result.problems[:5]
        count += result.inserted + result.unchanged
    elapsed = time.perf_counter() - started
    opened.engine.dispose()
    return count, elapsed


def peak_memory_mb(scale: float, directory: Path) -> tuple[int, float]:
    """Import demo files of a scale in a fresh process and return its rows and peak memory.

    The files are written by this process first, so the figure is the import's alone. It
    adds the peak of the largest worker process to the importing process's own: an upper
    bound, since a forked worker shares most of its pages with its parent.
    """
    make_files(directory, scale)
    script = (
        "import resource, sys; from pathlib import Path; "
        "from benchmarks.ingest import kpibot_import, fresh_database; "
        "from storage.schema import EventType; "
        "d = Path(sys.argv[1]); "
        "files = {t: d / f'{t.value}.csv' for t in EventType}; "
        "n, _ = kpibot_import(files, fresh_database(d, 'memory.db')); "
        # VmHWM, not ru_maxrss: the latter keeps the forking parent's size across exec.
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
        "workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
        "print(n, int(hwm.split()[1]) + workers)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script, str(directory)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout.split()
    return int(output[0]), int(output[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=80.0, help="demo scale (80: ~1M rows)")
    parser.add_argument("--small-scale", type=float, default=8.0, help="for memory (~100k)")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/kpibot pairs to time")
    args = parser.parse_args()
    ratios: list[float] = []
    again_ratios: list[float] = []
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        files = make_files(directory, args.scale)
        for round_number in range(1, args.rounds + 1):
            databases = directory / f"round-{round_number}"
            databases.mkdir()
            base_rows, base_seconds = baseline(files, fresh_database(databases, "baseline.db"))
            database = fresh_database(databases, "kpibot.db")
            rows, seconds = kpibot_import(files, database)
            again_rows, again_seconds = kpibot_import(files, database)
            shutil.rmtree(databases)
            base_speed = base_rows / base_seconds
            ratios.append((rows / seconds) / base_speed)
            again_ratios.append((again_rows / again_seconds) / base_speed)
            print(
                f"round {round_number}: {rows:,} rows; "
                f"sqlite3 executemany {base_speed:,.0f} rows/s ({base_seconds:.1f} s), "
                f"kpibot {rows / seconds:,.0f} rows/s ({seconds:.1f} s), ratio {ratios[-1]:.2f}; "
                f"again {again_rows / again_seconds:,.0f} rows/s ({again_seconds:.1f} s), "
                f"ratio {again_ratios[-1]:.2f}"
            )
    first, again = statistics.median(ratios), statistics.median(again_ratios)
    print(f"ratio: {first:.2f}, the median of {len(ratios)} (goal >= 0.50)")
    print(
        f"re-import ratio: {again:.2f}, the median of {len(again_ratios)} "
        f"(goal >= the first import's {first:.2f})"
    )
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        small_rows, small_mb = peak_memory_mb(args.small_scale, Path(small))
        large_rows, large_mb = peak_memory_mb(args.scale, Path(large))
    print(
        f"peak memory: {small_mb:.0f} MB at {small_rows:,} rows, "
        f"{large_mb:.0f} MB at {large_rows:,} rows"
    )
    print(f"difference: {large_mb - small_mb:.0f} MB (goal <= 100 MB)")


if __name__ == "__main__":
    main()
