"""Scheduler processes as deployed: `kpibot scheduler` and `kpibot serve --scheduler` run as
real processes, killed and stopped; the lease row says who leads. Two schedulers on
PostgreSQL send each alert once, across the leader's death."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.alerts import list_states
from storage.db import open_database
from storage.imports.ingest import validated_measurement, write_measurement
from tests.authors import TEST_AUTHOR
from tests.bot.cli.test_console_script import children, has_ended
from tests.bot.conftest import BOT_TOKEN, SIGNING_SECRET, TOKYO
from tests.bot.http.test_server import KPIBOT, free_port, kpibot_environment
from tests.bot.jobs.test_alerts import KPI as ALERT_KPI
from tests.bot.jobs.test_alerts import shifted_catalog
from tests.bot.mock_web_api import MockWebApi

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


def alert_keys(slack_api: MockWebApi) -> list[str]:
    """The outbox keys of the alert messages Slack was asked to post, in order."""
    keys = []
    for call in slack_api.called("chat.postMessage"):
        metadata = call.body["metadata"]
        metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
        keys.append(str(metadata["event_payload"]["key"]))
    return [key for key in keys if key.startswith("alert")]


def record_rank(database: str, rank: int, catalog: Path) -> datetime:
    """Record the brand's search rank now, as `kpibot record` does from another process."""
    opened = open_database(database, TOKYO)
    try:
        now = datetime.now(UTC)
        measurement = validated_measurement(
            kpi=ALERT_KPI,
            value=rank,
            at=now - timedelta(seconds=1),
            zone=TOKYO,
            known_kpis=measured_kpis(load_catalog(catalog)),
        )
        with opened.write() as connection:
            write_measurement(connection, measurement, zone=TOKYO, author=TEST_AUTHOR)
    finally:
        opened.engine.dispose()
    return now


def alert_state(database: str) -> tuple[str, datetime | None, int]:
    """The search rank's announced level and last evaluation (none before the first sweep),
    and how many outbox items are not sent."""
    opened = open_database(database, TOKYO)
    try:
        with opened.read() as connection:
            found = [s for s in list_states(connection) if s.kpi == ALERT_KPI]
            unsent = connection.scalar(
                text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending', 'failed')")
            )
    finally:
        opened.engine.dispose()
    if not found:
        return "green", None, int(unsent or 0)
    return found[0].memory.level.value, found[0].memory.evaluated_at, int(unsent or 0)


@pytest.mark.parametrize("migrated_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_two_schedulers_on_postgres_send_each_alert_once_when_the_leader_is_killed(
    migrated_url: str,
    start: Callable[..., subprocess.Popen[str]],
    slack_api: MockWebApi,
    tmp_path: Path,
) -> None:
    catalog = shifted_catalog(tmp_path)
    variables = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack_api.api_url,
        "KPIBOT_CATALOG": str(catalog),
        "KPIBOT_CHANNEL_ALERTS": "C0ALERTS",
        "KPIBOT_CHANNEL_LEADERSHIP": "C0LEAD",
        "KPIBOT_LEADERSHIP_MENTION": "<!subteam^S0LEADS>",
        "KPIBOT_SLACK_PACE_SECONDS": "0",
    }
    first = start("scheduler", database=migrated_url, **variables)
    second = start("scheduler", database=migrated_url, **variables)
    pids = {first.pid, second.pid}
    wait_until(lambda: pid_of(leader(migrated_url)) in pids, 30, "a scheduler leads")
    # The leader's first sweep at the lead (nothing alerts on an empty database).
    wait_until(lambda: alert_state(migrated_url)[1] is not None, 30, "a first sweep")

    # A record by another process: red at once, within a heartbeat of the data's change.
    record_rank(migrated_url, 15, catalog)
    wait_until(lambda: len(alert_keys(slack_api)) == 2, 30, "the red alert's two posts")
    wait_until(lambda: alert_state(migrated_url)[2] == 0, 30, "the alert's items all sent")
    slack_api.wait_for("files.completeUploadExternal")
    leadership = slack_api.messages("C0LEAD")
    assert len(leadership) == 1 and "<!subteam^S0LEADS>" in leadership[0]["text"]

    active = pid_of(leader(migrated_url))
    (killed,) = [process for process in (first, second) if process.pid == active]
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    waiting = (pids - {active}).pop()
    wait_until(lambda: pid_of(leader(migrated_url)) == waiting, 30, "the other takes over")

    # Back to orange: announced after two evaluations, each at a data change.
    recorded = record_rank(migrated_url, 14, catalog)
    wait_until(lambda: (alert_state(migrated_url)[1] or recorded) > recorded, 30, "a sweep of it")
    record_rank(migrated_url, 14, catalog)
    wait_until(lambda: alert_state(migrated_url)[0] == "orange", 30, "orange announced")
    wait_until(lambda: alert_state(migrated_url)[2] == 0, 30, "the change's items all sent")

    keys = alert_keys(slack_api)
    assert len(keys) == len(set(keys)) == 3, keys
    assert [key.split(":")[3] for key in keys] == ["leadership", "post", "deescalate"]
    assert len(slack_api.called("chat.update")) == 1
    assert len(slack_api.called("files.completeUploadExternal")) == 1
    assert len(slack_api.messages("C0LEAD")) == 1  # de-escalation never pings leadership
    (survivor,) = [process for process in (first, second) if process.pid == waiting]
    survivor.send_signal(signal.SIGTERM)
    _, stderr = survivor.communicate(timeout=30)
    assert survivor.returncode == 0, stderr
