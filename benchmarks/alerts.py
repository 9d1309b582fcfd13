"""The alert sweep's cost at 1,000,000 events, and thirty alerts through a pacing mock.

1. Builds a demo database of about 1,000,000 events (SQLite) once, then, in one run, the
   median of several rounds of `kpibot status`'s evaluation (every KPI on one snapshot: the
   baseline) and of one alert sweep (every KPI's state and freshness on one snapshot, then
   per KPI: lock its alert state, decide, write state, outbox items and audit rows) a
   quarter of an hour later each round — goal at most 1.5x — both as a sweep after a data
   change (nothing remembered) and as the scheduler's next sweep of unchanged data (what it
   read before remembered, `storage.source.SourceMemo`).
2. Queues thirty alert posts to one channel at once and delivers them to the tests' mock
   Web API made to enforce Slack's one post per second per channel (a post sooner than that
   is answered 429) — goal: all thirty, in order, within 35 s, with no 429.

    python -m benchmarks.alerts [--runs 5] [--events 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from benchmarks.demo_data import TODAY, ZONE, build_database, scale_for
from benchmarks.reports import timed_together
from bot.jobs.alerts import AlertSweep
from bot.jobs.delivery import Deliverer, enqueue_post
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.blocks.message import Message, fallback, section
from storage.snapshot import states_at
from tests.bot.mock_web_api import MockWebApi

AS_OF = datetime.combine(TODAY + timedelta(days=1), clock(), tzinfo=ZONE)
ALERTS = "C0ALERTS"


def sweep_against_status(runs: int, events: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "alerts.db"
        loaded = build_database(path, scale_for(events))
        moments = iter(AS_OF + timedelta(minutes=15 * n) for n in range(10 * runs + 10))
        settings = Settings.model_validate(
            {"database_url": f"sqlite:///{path}", "channel_team": ALERTS}
        )
        runtime = Runtime(settings, clock=lambda: AS_OF)
        try:
            sweep = AlertSweep(runtime)
            catalog, database = runtime.catalog, runtime.database
            sweep.run(next(moments))  # the first sweep creates every KPI's state row

            def status() -> None:
                states_at(database, catalog, AS_OF, ZONE)

            def alerts() -> None:
                sweep.run(next(moments))

            def alerts_after_a_change() -> None:
                # A new sweep remembers nothing: what a sweep after an import reads.
                AlertSweep(runtime).run(next(moments))

            times = timed_together(
                {"status": status, "sweep": alerts, "cold": alerts_after_a_change}, runs
            )
        finally:
            runtime.close()
    ratio = times["sweep"] / times["status"]
    print(f"{loaded:,} events; median of {runs} runs")
    print(f"status evaluation (baseline): {times['status'] * 1000:8.1f} ms")
    sweep_ms, cold_ms = times["sweep"] * 1000, times["cold"] * 1000
    cold_ratio = times["cold"] / times["status"]
    print(f"alert sweep, data changed:    {cold_ms:8.1f} ms  {cold_ratio:.2f}x  (goal <= 1.5x)")
    print(f"alert sweep, data unchanged:  {sweep_ms:8.1f} ms  {ratio:.2f}x")


def thirty_through_the_pacing_mock() -> None:
    mock = MockWebApi().start()
    mock.pace(1.0)
    now = datetime.now(UTC)
    try:
        with tempfile.TemporaryDirectory() as temp:
            settings = Settings.model_validate(
                {
                    "database_url": f"sqlite:///{Path(temp) / 'outbox.db'}",
                    "slack_bot_token": "xoxb-benchmark",
                    "slack_api_url": mock.api_url,
                }
            )
            runtime = Runtime(settings, clock=lambda: now)
            try:
                keys = [f"alert:kpi{n:02d}:1:post:benchmark" for n in range(30)]
                with runtime.database.write() as connection:
                    for key in keys:
                        message = Message(text=fallback(key), blocks=[section(key)])
                        enqueue_post(
                            connection,
                            key=key,
                            job="alerts",
                            period="benchmark",
                            channel=ALERTS,
                            messages=[message.as_payload()],
                            files=[],
                            now=now,
                        )
                deliverer = Deliverer.from_runtime(runtime)
                started = time.perf_counter()
                delivered = deliverer.deliver_due(now)
                took = time.perf_counter() - started
            finally:
                runtime.close()
        posted = [m["metadata"]["event_payload"]["key"] for m in mock.messages(ALERTS)]
        in_order = posted == keys and [item.key for item in delivered] == keys
        print(
            f"30 alerts to a mock enforcing 1 post/s/channel: {took:.1f} s (goal <= 35 s), "
            f"{mock.rate_limited} answers 429 (goal 0), in order and once each: {in_order}"
        )
    finally:
        mock.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    sweep_against_status(args.runs, args.events)
    thirty_through_the_pacing_mock()


if __name__ == "__main__":
    main()
