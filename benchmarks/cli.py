"""How fast the command line answers, each figure against its baseline in the same run.

Builds the demo database once (`kpibot demo`, in a temporary folder), then times whole
processes, one of each per round so they share the machine's load, and prints the median
of the rounds:

- `kpibot --help` against `python -c pass` (goal: at most 5x);
- `kpibot show nps` on the demo database against
  `python -c "import sqlalchemy, pydantic"` (goal: at most 2x).

    python -m benchmarks.cli [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PYTHON = sys.executable
KPIBOT = shutil.which("kpibot", path=str(Path(PYTHON).parent)) or "kpibot"
# (name, command, baseline name, goal as the largest ratio)
MEASURED: tuple[tuple[str, Sequence[str], str, float], ...] = (
    ("kpibot --help", (KPIBOT, "--help"), "python -c pass", 5.0),
    ("kpibot show nps", (KPIBOT, "--db", "kpibot-demo.db", "show", "nps"), "import", 2.0),
)
BASELINES: dict[str, Sequence[str]] = {
    "python -c pass": (PYTHON, "-c", "pass"),
    "import": (PYTHON, "-c", "import sqlalchemy, pydantic"),
}


def run_once(command: Sequence[str], cwd: Path, environment: dict[str, str]) -> float:
    """Seconds one process takes from start to exit; a failure stops the benchmark."""
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {finished.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    """Build the demo database, time every command round after round, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="rounds (median; default 9)")
    options = parser.parse_args()
    # PYTHONDONTWRITEBYTECODE left out: kpibot runs from compiled bytecode, as once
    # installed, whatever the shell says (the warm-up run writes what is missing).
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KPIBOT_", "SLACK_"))
        and name not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")
    }
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        print("building the demo database…", file=sys.stderr)
        subprocess.run(
            [KPIBOT, "demo", "--reports", "reports"],
            cwd=cwd,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {**BASELINES, **{name: command for name, command, _, _ in MEASURED}}
        samples: dict[str, list[float]] = {name: [] for name in commands}
        run_once(commands["kpibot show nps"], cwd, environment)  # warm the file and bytecode caches
        for _ in range(options.rounds):
            for name, command in commands.items():
                samples[name].append(run_once(command, cwd, environment))
    medians = {name: statistics.median(times) for name, times in samples.items()}
    print(f"median of {options.rounds} rounds, each command once per round:")
    for name, _command, baseline, goal in MEASURED:
        ratio = medians[name] / medians[baseline]
        verdict = "met" if ratio <= goal else "MISSED"
        baseline_name = (
            "python -c 'import sqlalchemy, pydantic'" if baseline == "import" else baseline
        )
        print(
            f"  {name:<16} {medians[name] * 1000:7.0f} ms = {ratio:4.2f}x "
            f"{baseline_name} ({medians[baseline] * 1000:.0f} ms); goal <= {goal:g}x: {verdict}"
        )


if __name__ == "__main__":
    main()
