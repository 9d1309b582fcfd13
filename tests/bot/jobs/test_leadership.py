"""One scheduler leads, the others wait: an advisory lock on PostgreSQL, the lease on SQLite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.jobs.leadership import Leadership, leadership_for
from storage.db import Database, open_database
from storage.scheduling import read_lease
from tests.conftest import TOKYO

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
HEARTBEAT = 10.0


@pytest.fixture
def second(migrated_url: str) -> Iterator[Database]:
    """The same database opened by another process: its own engine and sessions."""
    opened = open_database(migrated_url, TOKYO)
    try:
        yield opened
    finally:
        opened.engine.dispose()


def lead(database: Database, holder: str) -> Leadership:
    return leadership_for(database, holder=holder, heartbeat=HEARTBEAT)


def test_one_process_leads_and_the_lease_names_it(database: Database, second: Database) -> None:
    first, other = lead(database, "host:1"), lead(second, "host:2")
    assert first.acquire(NOW)
    assert not other.acquire(NOW + timedelta(seconds=1))
    assert first.acquire(NOW + timedelta(seconds=10))
    with database.read() as connection:
        lease = read_lease(connection)
        assert lease is not None
        assert (lease.holder, lease.since) == ("host:1", NOW)
        assert lease.heartbeat_at == NOW + timedelta(seconds=10)
        assert first.fence(connection, NOW + timedelta(seconds=11))
    first.release()
    other.release()


def test_a_clean_stop_hands_the_lead_over_at_once(database: Database, second: Database) -> None:
    first, other = lead(database, "host:1"), lead(second, "host:2")
    assert first.acquire(NOW)
    first.release()
    assert other.acquire(NOW + timedelta(seconds=1))
    with database.read() as connection:
        lease = read_lease(connection)
        assert lease is not None and lease.holder == "host:2"
    assert not first.acquire(NOW + timedelta(seconds=2))
    other.release()


def test_on_sqlite_a_silent_leader_loses_the_lease_after_three_heartbeats(
    database: Database, second: Database
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL decides by its lock, not by the heartbeat's age")
    first, other = lead(database, "host:1"), lead(second, "host:2")
    assert first.acquire(NOW)
    assert not other.acquire(NOW + timedelta(seconds=29, microseconds=999_999))
    assert other.acquire(NOW + timedelta(seconds=30))
    with database.read() as connection:
        assert not first.fence(connection, NOW + timedelta(seconds=31))
    # The old leader learns it on its next heartbeat and stops leading.
    assert not first.acquire(NOW + timedelta(seconds=31))
    other.release()


def test_on_postgres_the_lead_passes_when_the_leader_s_session_ends(
    database: Database, second: Database
) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite decides by the lease's heartbeat")
    first, other = lead(database, "host:1"), lead(second, "host:2")
    assert first.acquire(NOW)
    held = getattr(first, "_connection")  # noqa: B009 - the session holding the lock
    # The server probes the leader's session, so a vanished host frees the lock in ~25 s.
    assert held.exec_driver_sql("SHOW tcp_keepalives_idle").scalar() == "10"
    # However old the heartbeat, the lock decides.
    assert not other.acquire(NOW + timedelta(hours=1))
    database.engine.dispose()  # as when the process dies: its sessions end
    held.invalidate()
    # The server ends the session (and frees its lock) as soon as it sees the socket close.
    deadline = time.monotonic() + 5
    while not other.acquire(NOW + timedelta(hours=1, seconds=10)):
        assert time.monotonic() < deadline, "the lock was not freed"
        time.sleep(0.02)
    other.release()
