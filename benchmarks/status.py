"""`kpibot status` speed against data volume, and `show nps` at 1,000,000 events.

Builds demo databases of about 10,000, 100,000 and 1,000,000 events (SQLite), then times
the evaluation of every KPI (what `kpibot status` does after start-up) on each, median of
several runs, and prints each figure with its ratio to the 10,000-event one (goal: the
1,000,000 figure at most 2x). Then the median of a single `show nps` at 1,000,000 events
(goal: well inside a slash command's 3 s).

    python -m benchmarks.status [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
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


def timed(function: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    catalog = load_catalog()
    nps = catalog.get("nps")
    figures: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as temp:
        for events in (int(size) for size in args.sizes.split(",")):
            database, loaded = build(Path(temp), events)

            def status(database: Database = database) -> None:
                states_at(database, catalog, AS_OF, ZONE)

            def show_nps(database: Database = database) -> None:
                state_at(database, nps, catalog, AS_OF, ZONE)

            seconds = timed(status, args.runs)
            figures.append((loaded, seconds))
            ratio = seconds / figures[0][1]
            print(f"status at {loaded:>9,} events: {seconds * 1000:8.1f} ms  ({ratio:.2f}x)")
            last_show = timed(show_nps, args.runs)
        print(f"show nps at {figures[-1][0]:,} events: median {last_show * 1000:.1f} ms")
    print(f"1M/10k ratio: {figures[-1][1] / figures[0][1]:.2f} (goal <= 2.0)")


if __name__ == "__main__":
    main()
