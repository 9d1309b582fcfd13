"""The scheduler process `kpibot serve --scheduler` keeps: restarted when it dies, stopped
with the server."""

from __future__ import annotations

import sys
import time

from bot.jobs.child import SchedulerChild
from tests.bot.cli.test_console_script import has_ended


def test_a_scheduler_process_that_dies_is_started_again_and_stopped_at_the_end() -> None:
    child = SchedulerChild(restart_after=0.05)
    # A stand-in that dies at once, as a scheduler on an unreachable database would.
    child.command = [sys.executable, "-c", "raise SystemExit(3)"]
    child.start()
    seen = set()
    deadline = time.monotonic() + 20
    while len(seen) < 3 and time.monotonic() < deadline:
        if child.pid is not None:
            seen.add(child.pid)
        time.sleep(0.01)
    assert len(seen) >= 3, "restarted"
    # One that runs until told to stop: SIGTERM ends it, and it is not started again.
    child.command = [sys.executable, "-c", "import time; time.sleep(60)"]
    deadline = time.monotonic() + 20
    while child.pid in seen and time.monotonic() < deadline:
        time.sleep(0.01)
    running = child.pid
    assert running is not None and not has_ended(running)
    child.stop()
    assert has_ended(running)
    time.sleep(0.2)
    assert child.pid == running  # nothing started after the stop
