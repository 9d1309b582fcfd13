"""The CPU an idle `kpibot scheduler` uses: goal under 1 % of one core.

Starts a real `kpibot scheduler` on a fresh SQLite database with all three reports
scheduled (channels set; a tiny grace window, so a run missed before the database existed is
recorded as skipped and nothing is posted), lets it take the lead and settle, then reads its
CPU time (user + system, from /proc) over `--seconds`. The baseline, measured in the same
run, is a Python process that only sleeps and wakes every second: the floor any idle Python
service costs. Prints both as a share of one core, and their ratio.

    python -m benchmarks.scheduler_idle [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_SLEEPER = "import time\nwhile True:\n    time.sleep(1)\n"


def cpu_seconds(pid: int) -> float:
    """The user and system CPU time a process has used, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def shares_of_a_core(pids: list[int], seconds: float) -> list[float]:
    """CPU use of running processes over the same `seconds`, as percentages of one core."""
    before, started = [cpu_seconds(pid) for pid in pids], time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    return [
        100 * (cpu_seconds(pid) - used) / elapsed for pid, used in zip(pids, before, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measuring time (60)")
    parser.add_argument("--settle", type=float, default=15.0, help="start-up to skip (15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        environment = {
            **os.environ,
            "KPIBOT_DATABASE_URL": f"sqlite:///{Path(temp) / 'kpibot.db'}",
            "KPIBOT_CHANNEL_TEAM": "C0TEAM",
            "KPIBOT_CHANNEL_STAKEHOLDERS": "C0STAKE",
            "KPIBOT_CHANNEL_LEADERSHIP": "C0LEAD",
            "KPIBOT_GRACE_WEEKLY_HOURS": "0.001",
            "KPIBOT_GRACE_MONTHLY_HOURS": "0.001",
            "KPIBOT_GRACE_QUARTERLY_HOURS": "0.001",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never called: nothing is due
        }
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "bot.cli.main", "scheduler"], env=environment, cwd=temp
        )
        sleeper = subprocess.Popen([sys.executable, "-c", _SLEEPER])
        try:
            time.sleep(args.settle)
            if scheduler.poll() is not None:
                raise SystemExit(f"the scheduler exited with code {scheduler.returncode}")
            idle, baseline = shares_of_a_core([scheduler.pid, sleeper.pid], args.seconds)
        finally:
            scheduler.send_signal(signal.SIGTERM)
            sleeper.kill()
            code = scheduler.wait(30)
            sleeper.wait()
    print(f"idle kpibot scheduler: {idle:.3f} % of one core over {args.seconds:g} s (goal < 1 %)")
    print(f"sleeping Python process (baseline): {baseline:.3f} % of one core")
    if baseline > 0:
        print(f"ratio to the baseline: {idle / baseline:.1f}x")
    else:
        print(f"the baseline used less than one clock tick (1/{_TICKS} s) in that time")
    print(f"scheduler exit code on SIGTERM: {code} (goal 0)")


if __name__ == "__main__":
    main()
