"""Scheduler processes as deployed: `kpibot scheduler` and `kpibot serve --scheduler` run as
real processes, killed and stopped; the lease row says who leads."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.bot.cli.test_console_script import children, has_ended
from tests.bot.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.bot.http.test_server import KPIBOT, free_port, kpibot_environment

HEARTBEAT = "0.5"


def leader(database: str) -> str | None:
    """The holder the lease names (host:pid), if any."""
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT holder FROM scheduler_leases WHERE name = 'reports'")
            ).scalar()
    finally:
        engine.dispose()
    return None if found is None else str(found)


def pid_of(holder: str | None) -> int | None:
    return None if holder is None else int(holder.rsplit(":", 1)[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Wait for `check`; return how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start `kpibot` processes; any still running at the end are killed."""
    started: list[subprocess.Popen[str]] = []

    def run(*args: str, database: str, **variables: str) -> subprocess.Popen[str]:
        environment = kpibot_environment(
            KPIBOT_DATABASE_URL=database,
            KPIBOT_SCHEDULER_HEARTBEAT=HEARTBEAT,
            HOME=str(tmp_path / "home"),
            **variables,
        )
        process = subprocess.Popen(
            [str(KPIBOT), *args],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_waiting_scheduler_takes_over_when_the_active_one_is_killed(
    migrated_url: str, start: Callable[..., subprocess.Popen[str]]
) -> None:
    first = start("scheduler", database=migrated_url)
    second = start("scheduler", database=migrated_url)
    pids = {first.pid, second.pid}
    wait_until(lambda: pid_of(leader(migrated_url)) in pids, 30, "a scheduler leads")
    active = pid_of(leader(migrated_url))
    waiting = (pids - {active}).pop()
    # The other one waits: the lead stays where it is over several heartbeats.
    time.sleep(2)
    assert pid_of(leader(migrated_url)) == active
    (killed,) = [process for process in (first, second) if process.pid == active]
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    took = wait_until(
        lambda: pid_of(leader(migrated_url)) == waiting, 60, "the waiting scheduler takes over"
    )
    # One heartbeat on PostgreSQL (the lock is freed with the session), three on SQLite.
    assert took < 10 * float(HEARTBEAT)
    (survivor,) = [process for process in (first, second) if process.pid == waiting]
    survivor.send_signal(signal.SIGTERM)
    _, stderr = survivor.communicate(timeout=30)
    assert survivor.returncode == 0, stderr
    assert stderr.strip().endswith("kpibot: スケジューラーを停止しました")
    # No channel is set: each report is named once, at start, never again at run time.
    for variable in ("TEAM", "STAKEHOLDERS", "LEADERSHIP"):
        assert stderr.count(f"KPIBOT_CHANNEL_{variable} is not set") == 1, stderr
    # A clean stop hands the lead over at once: the row is gone.
    assert leader(migrated_url) is None


def test_serve_with_scheduler_runs_one_scheduler_for_all_its_workers(
    migrated_url: str, start: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    port = free_port()
    server = start(
        "serve",
        "--host",
        "127.0.0.1",
        "--scheduler",
        database=migrated_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        KPIBOT_WEB_WORKERS="3",
        PORT=str(port),
    )

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return server.poll() is not None

    wait_until(answers, 60, "kpibot serve listens")
    wait_until(lambda: leader(migrated_url) is not None, 30, "the scheduler leads")
    scheduler = pid_of(leader(migrated_url))
    processes = children(server.pid)
    # Three workers and one scheduler, all children of the master.
    assert scheduler in processes
    assert len(processes) == 4
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in processes]
    assert sum(b"scheduler" in command for command in commands) == 1
    server.send_signal(signal.SIGTERM)
    server.communicate(timeout=60)
    assert scheduler is not None and has_ended(scheduler)
    assert leader(migrated_url) is None
