"""The scheduled reports' cost at 1,000,000 events, against `kpibot status`'s evaluation.

Builds a demo database of about 1,000,000 events (SQLite) once, then, in one run, the median
of several rounds of:

- `kpibot status`'s evaluation (every KPI as of a moment, on one snapshot): the baseline;
- the weekly summary, data and blocks (its inputs on one snapshot: states at the week's end
  and a week before, data freshness; then the summary and its messages) — goal at most 3x;
- the monthly digest with its charts (states at the month's end, a month and a year before,
  the month's notes; the digest, its messages and its four tier charts as PNG) — goal at
  most 6x;
- one chart (the weekly summary's six-panel chart, PNG) against a bare matplotlib `Figure`
  of the same six series on the same grid and size saved to PNG — goal at most 1.5x.

Each round runs every measured function in turn, so the figures and their baselines share
the machine's load.

    python -m benchmarks.reports [--runs 5] [--events 1000000]
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks.demo_data import TODAY, ZONE, build_database, scale_for
from bot.jobs.reports import tier_charts
from bot.slack.blocks.reports import monthly_messages, weekly_messages
from bot.slack.charts import DPI
from bot.slack.report_charts import (
    MAX_COLUMNS,
    PANEL_HEIGHT,
    PANEL_WIDTH,
    attainment_figure,
    attainment_series,
    render_png,
)
from kpi_engine.catalog import load_catalog
from kpi_engine.evaluate import KpiState
from kpi_engine.reports import ReportKind, last_ended, monthly_digest, weekly_summary
from storage.db import open_database
from storage.snapshot import report_inputs_at, states_at

AS_OF = datetime.combine(TODAY + timedelta(days=1), clock(), tzinfo=ZONE)
LOCALE = "ja"


def timed_together(functions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """The median time of each function, run in turn in every round, so that a change in
    the machine's load during the run weighs on each figure and its baseline alike."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}


def bare_chart(states: list[KpiState]) -> bytes:
    """The same series on the same grid and size, with matplotlib's defaults only."""
    columns = min(MAX_COLUMNS, len(states))
    rows = math.ceil(len(states) / columns)
    figure = Figure(figsize=(PANEL_WIDTH * columns, PANEL_HEIGHT * rows + 0.9), dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, state in zip(grid.flat, states, strict=False):
        _, values = attainment_series(state)
        axes.plot(range(len(values)), values)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)  # matplotlib's default PNG encoding
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    catalog = load_catalog()
    week = last_ended(ReportKind.WEEKLY, AS_OF, ZONE)
    month = last_ended(ReportKind.MONTHLY, AS_OF, ZONE)
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "reports.db"
        loaded = build_database(path, scale_for(args.events))
        database = open_database(f"sqlite:///{path}", ZONE)
        try:

            def status() -> None:
                states_at(database, catalog, AS_OF, ZONE)

            def weekly() -> None:
                inputs = report_inputs_at(database, catalog, week, ZONE)
                summary = weekly_summary(week, inputs.states, inputs.before, inputs.freshness)
                weekly_messages(summary, ZONE, LOCALE)

            def monthly() -> None:
                inputs = report_inputs_at(database, catalog, month, ZONE)
                digest = monthly_digest(
                    catalog,
                    month,
                    inputs.states,
                    inputs.before,
                    inputs.last_year,
                    inputs.notes,
                    ZONE,
                )
                charts = tier_charts(month, inputs.states, LOCALE)
                monthly_messages(digest, ZONE, LOCALE, charts=len(charts))

            inputs = report_inputs_at(database, catalog, week, ZONE)
            main_states = [
                p.state for p in weekly_summary(week, inputs.states, inputs.before, []).progress
            ]

            def chart() -> None:
                render_png(attainment_figure(main_states, "主要KPIの目標達成率の推移", LOCALE))

            def bare() -> None:
                bare_chart(main_states)

            chart()  # the first figure pays for font loading; neither side should
            bare()
            times = timed_together(
                {"status": status, "weekly": weekly, "monthly": monthly}, args.runs
            )
            baseline = times["status"]
            figures = {
                "weekly summary (data + blocks)": (times["weekly"], 3.0),
                "monthly digest with its 4 charts": (times["monthly"], 6.0),
            }
            print(f"{loaded:,} events; median of {args.runs} runs")
            print(f"status evaluation (baseline): {baseline * 1000:8.1f} ms")
            for name, (seconds, goal) in figures.items():
                ratio = seconds / baseline
                print(f"{name:<34} {seconds * 1000:8.1f} ms  {ratio:.2f}x  (goal <= {goal:g}x)")
            charts = timed_together({"ours": chart, "bare": bare}, args.runs)
            ours, plain = charts["ours"], charts["bare"]
            print(
                f"one chart (6 panels, PNG) {ours * 1000:8.1f} ms vs bare Figure "
                f"{plain * 1000:.1f} ms: {ours / plain:.2f}x  (goal <= 1.5x)"
            )
        finally:
            database.engine.dispose()


if __name__ == "__main__":
    main()
