"""Opening the database: engine set-up, migrations under a lock, and the stored time zone."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.schema import Meta

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant will do: it only has to be the same in every kpibot process.
_PG_MIGRATION_LOCK = 0x6B7069626F74
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be opened, read or written; the message says why in one line."""


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached, or the connection to it was lost."""


class DatabaseBusy(DatabaseError):
    """Another writer held the writer lock or a row lock for longer than the caller waits."""


class DatabaseFull(DatabaseError):
    """The disk holding the database is full."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a database, or the database is malformed."""


@dataclass(frozen=True)
class Database:
    """An opened, migrated database and the time zone its local days are kept in."""

    engine: Engine
    zone: ZoneInfo
    sessions: sessionmaker[Session]

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in one transaction that takes the write lock at its start."""
        with (
            self.engine.connect().execution_options(kpibot_write=True) as connection,
            connection.begin(),
        ):
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in one read transaction: a consistent snapshot for an evaluation."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def is_reachable(self) -> bool:
        """Whether a trivial query succeeds right now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError:
            return False
        return True


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN until the first write, which lets
    # two writers deadlock; we take control and issue BEGIN (IMMEDIATE for writers).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get("kpibot_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def create_db_engine(url: str) -> Engine:
    """Build an engine for a SQLite or PostgreSQL URL, tuned for a long-running server."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        file = sqlite_file(url)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of kpibot."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at, or None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Migrate to the newest schema; return whether anything was applied.

    Concurrent starts are serialised: PostgreSQL by an advisory lock held for the
    transaction, SQLite by BEGIN IMMEDIATE, so the second process finds the work done.
    """
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:
            return False
    with (
        engine.connect().execution_options(kpibot_write=True) as connection,
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        if current_revision(connection) == head:
            return False
        command.upgrade(_alembic_config(connection), "head")
    return True


def open_database(url: str, zone: ZoneInfo) -> Database:
    """Open, migrate and align the database with the configured time zone."""
    engine = create_db_engine(url)
    try:
        if upgrade(engine):
            log.info("database migrated to %s", head_revision())
        database = Database(engine=engine, zone=zone, sessions=sessionmaker(engine))
        _align_time_zone(database)
    except OperationalError as error:
        engine.dispose()
        raise DatabaseError(
            f"cannot open {make_url(url).render_as_string()}: {error.orig}"
        ) from None
    return database


def _align_time_zone(database: Database) -> None:
    # The `day` columns and rollups are local dates; if the zone changed since they were
    # written, recompute them so no period boundary is silently off.
    from storage.rollups import rebuild_local_days

    with database.write() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes starting together must not both insert the row.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        stored = connection.scalar(select(Meta.value).where(Meta.key == "timezone"))
        if stored == database.zone.key:
            return
        if stored is not None:
            log.warning(
                "time zone changed from %s to %s: recomputing local days", stored, database.zone.key
            )
            rebuild_local_days(connection, database.zone)
        connection.execute(
            Meta.__table__.delete().where(Meta.key == "timezone")  # type: ignore[attr-defined]
        )
        connection.execute(
            Meta.__table__.insert().values(key="timezone", value=database.zone.key)  # type: ignore[attr-defined]
        )


DEMO_MARK = "demo"


def mark_as_demo(database: Database) -> None:
    """Record that a database holds generated demo data, which `kpibot demo` may rebuild."""
    with database.write() as connection:
        connection.execute(Meta.__table__.delete().where(Meta.key == DEMO_MARK))  # type: ignore[attr-defined]
        connection.execute(Meta.__table__.insert().values(key=DEMO_MARK, value="true"))  # type: ignore[attr-defined]


def is_demo_file(path: Path) -> bool:
    """Whether a SQLite file is a database `mark_as_demo` marked (read-only look)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = ?", (DEMO_MARK,)
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "true"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)
