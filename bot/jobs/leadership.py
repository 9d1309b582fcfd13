"""Which of several scheduler processes runs the jobs: exactly one leads, the others wait.

PostgreSQL: the leader holds a session-level advisory lock on a connection of its own. The
server frees the lock the moment that session ends, however the process ended (SIGKILL, a
lost host: the connection closes), so a waiting process takes it on its next try. The lease
row (`scheduler_leases`) only names the leader and its heartbeat, for `kpibot jobs` and
`/kpi health`.

SQLite (one host, one file): there is no session lock that outlives a transaction, so the
lease row decides. A process leads while its heartbeat is younger than `expires_after`; a
second process on the same file waits until the leader's heartbeat is that old (the leader
was killed) or the row is gone (it stopped cleanly). Each job run checks, in its own write
transaction, that its process still holds the lease (`fence`), so a leader that lost the
lease without noticing writes nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from storage.db import Database, DatabaseBusy, DatabaseError, typed_errors
from storage.scheduling import (
    claim_lease,
    holds_lease,
    leader_session_alive,
    record_leader,
    release_lease,
    try_leader_lock,
    unlock_leader,
)

log = logging.getLogger("kpibot.scheduler")

# A heartbeat write waits this long for the writer lock (an import may hold it).
_HEARTBEAT_WAIT_SECONDS = 5.0


def process_name() -> str:
    """This process as the lease names it: host and process id."""
    return f"{socket.gethostname()[:150]}:{os.getpid()}"


class Leadership(Protocol):
    """Decides whether this process leads."""

    holder: str

    def acquire(self, now: datetime) -> bool:
        """Take the lead, or keep it and beat the heart; return whether this process leads."""

    def fence(self, connection: Connection, now: datetime) -> bool:
        """Inside a job's write transaction: whether this process still leads."""

    def release(self) -> None:
        """Give the lead up (a clean stop), so a waiting process takes over at once."""


class SqliteLeadership:
    """The lease row with a heartbeat decides (see the module's docstring)."""

    def __init__(self, database: Database, *, holder: str, expires_after: timedelta) -> None:
        self.database = database
        self.holder = holder
        self.expires_after = expires_after
        self._leading = False

    def acquire(self, now: datetime) -> bool:
        try:
            with self.database.write(wait=_HEARTBEAT_WAIT_SECONDS) as connection:
                self._leading = claim_lease(
                    connection, holder=self.holder, now=now, expires_after=self.expires_after
                )
        except DatabaseBusy:
            # Nobody else could write the lease either: whoever led still leads.
            log.warning("the lease could not be renewed: the database is busy")
        return self._leading

    def fence(self, connection: Connection, now: datetime) -> bool:
        return holds_lease(
            connection, holder=self.holder, now=now, expires_after=self.expires_after
        )

    def release(self) -> None:
        if not self._leading:
            return
        self._leading = False
        try:
            with self.database.write(wait=_HEARTBEAT_WAIT_SECONDS) as connection:
                release_lease(connection, holder=self.holder)
        except DatabaseError as error:
            # It expires on its own: another process waits a little longer.
            log.warning("the lease could not be released: %s", error)


class PostgresLeadership:
    """A session-level advisory lock on a dedicated connection decides."""

    def __init__(self, database: Database, *, holder: str) -> None:
        self.database = database
        self.holder = holder
        self._connection: Connection | None = None

    def acquire(self, now: datetime) -> bool:
        if self._connection is None:
            self._connection = self._try_lock()
        elif not self._alive(self._connection):
            log.warning("the scheduler lost its database session, and with it the lead")
            self._connection = None
        if self._connection is None:
            return False
        try:
            # A plain transaction: the lease row has nothing to do with the rollups kpibot's
            # writer lock protects, so a heartbeat never waits behind an import.
            with typed_errors(self.database.engine.url), self.database.engine.begin() as connection:
                record_leader(connection, holder=self.holder, now=now)
        except DatabaseError as error:
            # Display only: the lock, not the row, makes this process the leader.
            log.warning("the leader's heartbeat was not recorded: %s", error)
        return True

    def fence(self, connection: Connection, now: datetime) -> bool:
        return self._connection is not None

    def release(self) -> None:
        held, self._connection = self._connection, None
        if held is None:
            return
        try:
            unlock_leader(held)
            with typed_errors(self.database.engine.url), self.database.engine.begin() as connection:
                release_lease(connection, holder=self.holder)
        except (DBAPIError, DatabaseError) as error:
            log.warning("the lead was not released cleanly: %s", type(error).__name__)
        finally:
            held.close()

    def _try_lock(self) -> Connection | None:
        try:
            connection = self.database.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        except DBAPIError as error:
            log.warning("the scheduler cannot reach the database: %s", type(error).__name__)
            return None
        try:
            locked = try_leader_lock(connection)
        except DBAPIError as error:
            log.warning("the scheduler cannot take its lock: %s", type(error).__name__)
            connection.invalidate()
            connection.close()
            return None
        if locked:
            return connection
        connection.close()
        return None

    @staticmethod
    def _alive(connection: Connection) -> bool:
        try:
            leader_session_alive(connection)
        except DBAPIError:
            connection.invalidate()
            connection.close()
            return False
        return True


def leadership_for(database: Database, *, holder: str, heartbeat: float) -> Leadership:
    """The way this database decides the leader; on SQLite a lease expires after three
    missed heartbeats."""
    if database.engine.dialect.name == "postgresql":
        return PostgresLeadership(database, holder=holder)
    return SqliteLeadership(database, holder=holder, expires_after=timedelta(seconds=3 * heartbeat))
