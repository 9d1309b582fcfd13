"""`kpibot status` speed against data volume, and `show nps` at 1,000,000 events.

Builds demo databases of about 10,000, 100,000 and 1,000,000 events (SQLite), then times
the evaluation of every KPI (what `kpibot status` does after start-up) on each, and prints
each size's median with its ratio to the 10,000-event one (goal: the 1,000,000 figure at
most 2x). The sizes take turns, one evaluation each per round, so that a slow spell of
the machine falls on all of them alike rather than on whichever size it came during. Then
the median of a single `show nps` at 1,000,000 events (goal: well inside a slash
command's 3 s).

    python -m benchmarks.status [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from benchmarks.demo_data import TODAY, ZONE, build_database, scale_for
from kpi_engine.catalog import load_catalog
from storage.db import Database, open_database
from storage.snapshot import state_at, states_at

AS_OF = datetime.combine(TODAY + timedelta(days=1), clock(), tzinfo=ZONE)


def build(directory: Path, events: int) -> tuple[Database, int]:
    path = directory / f"{events}.db"
    loaded = build_database(path, scale_for(events))
    return open_database(f"sqlite:///{path}", ZONE), loaded


def timed(function: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    catalog = load_catalog()
    nps = catalog.get("nps")
    with tempfile.TemporaryDirectory() as temp:
        databases = [build(Path(temp), int(size)) for size in args.sizes.split(",")]
        samples: list[list[float]] = [[] for _ in databases]
        for _ in range(args.runs):
            for database, times in zip(databases, samples, strict=True):
                started = time.perf_counter()
                states_at(database[0], catalog, AS_OF, ZONE)
                times.append(time.perf_counter() - started)
        figures = [statistics.median(times) for times in samples]
        for (_, loaded), seconds in zip(databases, figures, strict=True):
            ratio = seconds / figures[0]
            print(f"status at {loaded:>9,} events: {seconds * 1000:8.1f} ms  ({ratio:.2f}x)")
        largest, loaded = databases[-1]
        show = timed(lambda: state_at(largest, nps, catalog, AS_OF, ZONE), args.runs)
        print(f"show nps at {loaded:,} events: median {show * 1000:.1f} ms")
    print(f"1M/10k ratio: {figures[-1] / figures[0]:.2f} (goal <= 2.0)")


if __name__ == "__main__":
    main()
