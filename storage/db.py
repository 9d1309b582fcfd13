"""Opening the database: engine set-up, the writer lock, migrations, the stored time zone,
and the translation of the database's failures into typed errors, each carrying a
`DatabaseProblem` and the parameters its message needs (the bot words it).

kpibot's writers take turns: on SQLite BEGIN IMMEDIATE admits one writer at a time; on
PostgreSQL every write transaction starts by taking a transaction-level advisory lock.
Imports rebuild rollups from rows other writers may be adding at the same moment, so two
writers at once could each miss the other's rows.

One time zone per database: the `day` columns and every rollup are local dates, in the zone
the `meta` table's "timezone" row names. A process configured with another zone is refused
at open (`TimeZoneMismatch`), and every transaction checks the row again, so a process that
was running when `set_time_zone` converted the database refuses to read or write days of a
zone it does not compute in, until it is restarted with the new one.

Alembic and the PostgreSQL driver are imported only when needed: a command that reads an
up-to-date SQLite database (`kpibot show`) checks the schema's revision with one query and
never loads either.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.schema import Meta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant will do: it only has to be the same in every kpibot process. The second key
# is the schema, so kpibot installations in other schemas of one database do not wait
# for each other.
_PG_WRITER_LOCK = 0x6B706962
SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite's busy timeout is a C int of milliseconds: its largest value is "for ever" enough.
_SQLITE_FOREVER_MS = 2**31 - 1
# With kpibot's writers serialised by the writer lock, a row or table lock is only ever
# waited for behind someone else (a manual session, a migration in progress): 30 s is far
# beyond any kpibot statement's own wait, yet ends a pile-up behind a stuck session.
PG_LOCK_TIMEOUT_MS = 30_000
# A kpibot transaction is idle only while the importing process prepares its next batch
# (well under a second); a session idle in a transaction for a minute belongs to a stuck or
# stopped process whose locks would otherwise block every writer after it.
PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
# libpq waits for ever by default for a server that accepts the connection and never answers.
PG_CONNECT_TIMEOUT_S = 10


class DatabaseProblem(StrEnum):
    """Why the database cannot be used: a code and its parameters, worded by whoever shows
    it (none of them secret: a URL is shown with its passwords hidden)."""

    BAD_SCHEME = "bad_scheme"  # params: scheme (None when it is not one to name)
    UNREADABLE_URL = "unreadable_url"
    MISSING = "missing"  # params: path
    NO_FOLDER = "no_folder"  # params: path, reason
    UNAVAILABLE = "unavailable"  # params: database, reason
    BUSY = "busy"  # params: database, reason
    FULL = "full"  # params: database, reason
    CORRUPT = "corrupt"  # params: database, reason
    ZONE_DIFFERS = "zone_differs"  # params: stored, configured
    ZONE_UNRECORDED = "zone_unrecorded"  # params: configured
    ZONE_CONVERTED = "zone_converted"  # params: stored, configured


class DatabaseError(Exception):
    """The database cannot be opened, read or written: `problem` says why, `params` hold
    what its message names."""

    def __init__(self, problem: DatabaseProblem, **params: Any) -> None:
        # The text logs show: the code and its parameters, in no one's language.
        super().__init__(f"{problem}: {params}" if params else str(problem))
        self.problem = problem
        self.params = params


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached, or the connection to it was lost."""


class DatabaseBusy(DatabaseError):
    """Another writer held the writer lock or a row lock for longer than the caller waits."""


class DatabaseFull(DatabaseError):
    """The disk holding the database is full."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a database, or the database is malformed."""


class DatabaseMissing(DatabaseError):
    """A SQLite file to open without creating it does not exist; `path` names it."""

    def __init__(self, path: Path) -> None:
        super().__init__(DatabaseProblem.MISSING, path=path)
        self.path = path


def _shown_zone(stored: str) -> str:
    # The row is the database's: someone may have written anything there.
    return stored if re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", stored) else repr(stored[:64])


class TimeZoneMismatch(DatabaseUnavailable):
    """The database's local days are in another time zone than the process's.

    Unavailable to this process as it is set up, like a replica or a missing database: the
    operator's to fix (convert the database, or restart in its zone), and nothing was read
    or written. `stored` is the database's zone (None if it records none), `configured` the
    process's.
    """

    def __init__(self, stored: str | None, configured: str, *, at_open: bool) -> None:
        if stored is None:
            super().__init__(DatabaseProblem.ZONE_UNRECORDED, configured=configured)
        else:
            problem = DatabaseProblem.ZONE_DIFFERS if at_open else DatabaseProblem.ZONE_CONVERTED
            super().__init__(problem, stored=_shown_zone(stored), configured=configured)
        self.stored = stored
        self.configured = configured


# The drivers kpibot ships with; settings map `postgres://` and `postgresql://` to the second.
DATABASE_SCHEMES = ("sqlite://", "postgresql+psycopg://")
# libpq also takes a password, or a key's passphrase, as a query parameter.
_SECRET_QUERY_KEYS = frozenset({"password", "sslpassword", "passfile"})


def shown_url(url: str | URL) -> str:
    """A database URL as it may appear in a message or log: its passwords hidden."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - parsed lazily: a port that is not a number raises here
    except (ArgumentError, ValueError):
        return "a database URL kpibot cannot read"
    hidden = {key: "***" for key in parsed.query if key.lower() in _SECRET_QUERY_KEYS}
    return parsed.update_query_dict(hidden).render_as_string(hide_password=True)


def checked_url(url: str) -> URL:
    """Parse a URL of a database kpibot can open, or raise DatabaseError saying what is
    wrong with it (never quoting it: it may hold a password)."""
    if not url.startswith(DATABASE_SCHEMES):
        scheme = url.split("://", 1)[0] if "://" in url else ""
        named = scheme if re.fullmatch(r"[a-z0-9+.-]{1,20}", scheme) else None
        raise DatabaseError(DatabaseProblem.BAD_SCHEME, scheme=named)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - parsed lazily: a port that is not a number raises here
    except (ArgumentError, ValueError):
        raise DatabaseError(DatabaseProblem.UNREADABLE_URL) from None
    return parsed


# What each kind of failure of the database is, as a problem.
_PROBLEMS: dict[type[DatabaseError], DatabaseProblem] = {
    DatabaseUnavailable: DatabaseProblem.UNAVAILABLE,
    DatabaseBusy: DatabaseProblem.BUSY,
    DatabaseFull: DatabaseProblem.FULL,
    DatabaseCorrupt: DatabaseProblem.CORRUPT,
}
# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_KINDS: dict[int, type[DatabaseError]] = {
    3: DatabaseUnavailable,  # SQLITE_PERM
    5: DatabaseBusy,  # SQLITE_BUSY
    6: DatabaseBusy,  # SQLITE_LOCKED
    8: DatabaseUnavailable,  # SQLITE_READONLY
    10: DatabaseUnavailable,  # SQLITE_IOERR
    11: DatabaseCorrupt,  # SQLITE_CORRUPT
    13: DatabaseFull,  # SQLITE_FULL
    14: DatabaseUnavailable,  # SQLITE_CANTOPEN
    26: DatabaseCorrupt,  # SQLITE_NOTADB
}
# PostgreSQL SQLSTATEs, or their two-character classes.
_POSTGRES_KINDS: dict[str, type[DatabaseError]] = {
    "55P03": DatabaseBusy,  # lock_not_available: lock_timeout expired
    "40P01": DatabaseBusy,  # deadlock_detected
    "53100": DatabaseFull,  # disk_full
    "25P03": DatabaseUnavailable,  # idle_in_transaction_session_timeout
    "XX001": DatabaseCorrupt,  # data_corrupted
    "XX002": DatabaseCorrupt,  # index_corrupted
    "08": DatabaseUnavailable,  # connection exceptions
    "53": DatabaseUnavailable,  # insufficient resources (memory, connections)
    "57": DatabaseUnavailable,  # operator intervention: shutdown, crash, cannot connect now
    # A database kpibot may not use as it is set up: the operator's to fix, not a bug.
    "25006": DatabaseUnavailable,  # read_only_sql_transaction: the URL names a replica
    "42501": DatabaseUnavailable,  # insufficient_privilege
    "28": DatabaseUnavailable,  # invalid authorization: a wrong user or password
    "3D": DatabaseUnavailable,  # invalid catalog name: no such database
    "3F": DatabaseUnavailable,  # invalid schema name
}


def _kind(error: BaseException) -> type[DatabaseError] | None:
    """Which typed error a driver's exception is, if it says the database failed."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return _SQLITE_KINDS.get(code & 0xFF)
        return DatabaseUnavailable if isinstance(error, sqlite3.OperationalError) else None
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:
            # Raised by the client itself: no connection, or it was lost.
            return DatabaseUnavailable if isinstance(error, psycopg.OperationalError) else None
        return _POSTGRES_KINDS.get(state) or _POSTGRES_KINDS.get(state[:2])
    return None


def _reason(error: BaseException) -> str:
    """The driver's own words, one line: never a statement, parameters or a password."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error) and error.diag.message_primary:
        text_ = error.diag.message_primary
    else:
        text_ = str(error)
    line = text_.strip().splitlines()[0] if text_.strip() else type(error).__name__
    return line if len(line) <= 200 else line[:200] + "…"


def typed_error(error: BaseException, url: str | URL) -> DatabaseError | None:
    """The typed error for a failure of the database, or None for any other exception."""
    original = error.orig if isinstance(error, DBAPIError) and error.orig else error
    kind = _kind(original)
    if kind is None and isinstance(error, DBAPIError) and error.connection_invalidated:
        kind = DatabaseUnavailable
    if kind is None:
        return None
    return kind(_PROBLEMS[kind], database=shown_url(url), reason=_reason(original))


def raise_typed(error: BaseException, url: str | URL) -> NoReturn:
    """Raise the typed error for a failure of the database, else the exception itself."""
    typed = typed_error(error, url)
    if typed is None:
        raise error
    raise typed from error


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The exceptions the database's drivers raise. psycopg's count only once it is loaded
    (it is when a PostgreSQL engine connects): before, none of them can have been raised."""
    psycopg = sys.modules.get("psycopg")
    errors: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error)
    return errors if psycopg is None else (*errors, psycopg.Error)


@contextmanager
def typed_errors(url: str | URL) -> Iterator[None]:
    """Turn the database's failures inside the block into typed errors."""
    try:
        yield
    except _driver_errors() as error:
        raise_typed(error, url)


def _take_writer_lock(connection: Connection, wait: float | None) -> None:
    """Wait, at most `wait` seconds (None: as long as it takes), for the writer lock."""
    if connection.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE took it (see `_configure_sqlite`)
    # 0 means no limit to PostgreSQL; the shortest real limit is a millisecond.
    limit = 0 if wait is None else max(1, round(wait * 1000))
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {limit}")
    connection.execute(
        text("SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"),
        {"key": _PG_WRITER_LOCK},
    )
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {PG_LOCK_TIMEOUT_MS}")


@contextmanager
def _transaction(
    engine: Engine, *, write: bool = False, wait: float | None = None
) -> Iterator[Connection]:
    """One transaction, a writer's (the writer lock taken first) or a reader's, with the
    database's failures inside it turned into typed errors."""
    with typed_errors(engine.url):
        if not write:
            with engine.connect() as connection, connection.begin():
                yield connection
            return
        with (
            engine.connect().execution_options(kpibot_write=True, kpibot_wait=wait) as connection,
            connection.begin(),
        ):
            _take_writer_lock(connection, wait)
            yield connection


TIME_ZONE_KEY = "timezone"
_STORED_ZONE = select(Meta.value).where(Meta.key == TIME_ZONE_KEY)


# The same look-up as the driver's own statement, for the check every transaction makes:
# through SQLAlchemy's statement machinery it costs about 45 µs a transaction on SQLite,
# through the driver's cursor under 10 µs (measured). No parameters: sqlite3 and psycopg
# mark them differently.
_STORED_ZONE_SQL = f"SELECT value FROM meta WHERE key = '{TIME_ZONE_KEY}'"


def _check_zone(connection: Connection, zone: ZoneInfo) -> None:
    dbapi_connection: Any = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_STORED_ZONE_SQL)
        row = cursor.fetchone()
    finally:
        cursor.close()
    stored = None if row is None else row[0]
    if stored != zone.key:
        raise TimeZoneMismatch(stored, zone.key, at_open=False)


@dataclass(frozen=True)
class Database:
    """An opened, migrated database and the time zone its local days are kept in.

    Every transaction checks that the database's days are still in `zone` (a conversion by
    `set_time_zone` may have happened since it was opened) and raises TimeZoneMismatch when
    they are not.
    """

    engine: Engine
    zone: ZoneInfo
    sessions: sessionmaker[Session]

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[Connection]:
        """Open one transaction that starts by taking the writer lock.

        Waits for the lock at most `wait` seconds (None: as long as it takes), then raises
        DatabaseBusy. Failures of the database come out as DatabaseError subclasses.
        """
        with _transaction(self.engine, write=True, wait=wait) as connection:
            # Under the writer lock, which a conversion holds too: the zone cannot change
            # before this transaction ends.
            _check_zone(connection, self.zone)
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Open one read transaction: a consistent snapshot for an evaluation."""
        with _transaction(self.engine) as connection:
            yield connection
            # After the reads rather than before: on PostgreSQL each statement of a READ
            # COMMITTED transaction sees what was committed when it started, so a
            # conversion committed halfway through is seen here, whichever statement it
            # changed the days under. (SQLite reads one snapshot throughout.)
            _check_zone(connection, self.zone)

    def check(self) -> None:
        """Raise the DatabaseError that would stop a transaction now (TimeZoneMismatch, say)."""
        with self.read():
            pass

    def is_reachable(self) -> bool:
        """Whether a trivial query succeeds right now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except _driver_errors():
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
        options = connection.get_execution_options()
        if not options.get("kpibot_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        # BEGIN IMMEDIATE is where a writer waits for the others: as long as it chose.
        wait = options.get("kpibot_wait")
        limit = _SQLITE_FOREVER_MS if wait is None else round(wait * 1000)
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {limit}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _configure_postgres(engine: Engine) -> None:
    # Per session rather than in the URL's `options`, which the URL may already use.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Outside a transaction, or the settings would be rolled back with it.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {PG_LOCK_TIMEOUT_MS}")
            cursor.execute(
                f"SET idle_in_transaction_session_timeout = {PG_IDLE_IN_TRANSACTION_TIMEOUT_MS}"
            )
        dbapi_connection.autocommit = autocommit


def create_db_engine(url: str, *, create: bool = True) -> Engine:
    """Build an engine for a SQLite or PostgreSQL URL, tuned for a long-running server.

    With `create` False a SQLite file that does not exist raises DatabaseMissing rather
    than being created (with its directory) on first connect.
    """
    parsed = checked_url(url)
    if parsed.get_backend_name() == "sqlite":
        file = sqlite_file(url)
        if file is not None and not create and not file.is_file():
            raise DatabaseMissing(file)
        if file is not None and create:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseUnavailable(
                    DatabaseProblem.NO_FOLDER, path=file, reason=error.strerror
                ) from None
        engine = create_engine(parsed)
        _configure_sqlite(engine)
        return engine
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(PG_CONNECT_TIMEOUT_S)})
    engine = create_engine(parsed, pool_pre_ping=True)
    _configure_postgres(engine)
    return engine


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of kpibot, as Alembic finds it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


_REVISION_LINE = re.compile(r'^(down_revision|revision)\b[^=]*=\s*(?:"([^"]*)"|None)', re.M)


def shipped_head() -> str | None:
    """The newest migration shipped, read from the migration files without loading Alembic:
    the revision no other migration names as its `down_revision` (the migrations form one
    line; a test checks this agrees with `head_revision`)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _is_current(engine: Engine) -> bool:
    """Whether the database is at the shipped head, by one query (no Alembic import)."""
    head = shipped_head()
    if head is None:
        return False
    with engine.connect() as connection:
        has_table = engine.dialect.has_table(connection, "alembic_version")
        if not has_table:
            return False
        revisions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        return [row[0] for row in revisions] == [head]


def upgrade(engine: Engine) -> bool:
    """Migrate to the newest schema; return whether anything was applied.

    Concurrent starts are serialised by the writer lock, so the second process finds the
    work done. Failures of the database come out as DatabaseError subclasses.
    """
    with typed_errors(engine.url):
        if _is_current(engine):
            return False
        return _upgrade(engine)


def _upgrade(engine: Engine) -> bool:
    from alembic import command

    head = head_revision()
    with (
        engine.connect().execution_options(kpibot_write=True) as connection,
        connection.begin(),
    ):
        _take_writer_lock(connection, wait=None)
        if current_revision(connection) == head:
            return False
        command.upgrade(_alembic_config(connection), "head")
    return True


def open_database(url: str, zone: ZoneInfo, *, create: bool = True) -> Database:
    """Open and migrate the database, whose local days must be in `zone`.

    A database that records no zone yet (a new one) is recorded as in `zone`; one in another
    zone raises TimeZoneMismatch and is left as it was: only `set_time_zone` converts it.
    With `create` False a missing SQLite file raises DatabaseMissing, and nothing is created.
    """
    engine = create_db_engine(url, create=create)
    try:
        if upgrade(engine):
            log.info("database migrated to %s", head_revision())
        _adopt_time_zone(engine, zone)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine=engine, zone=zone, sessions=sessionmaker(engine))


def _adopt_time_zone(engine: Engine, zone: ZoneInfo) -> None:
    # Usually the zone is recorded: a read says so without waiting behind an import that
    # holds the writer lock (every command and web worker opens the database).
    with _transaction(engine) as connection:
        stored = connection.scalar(_STORED_ZONE)
    if stored is None:
        # Under the writer lock: two processes starting together must not both insert it.
        with _transaction(engine, write=True) as connection:
            stored = connection.scalar(_STORED_ZONE)
            if stored is None:
                _record_zone(connection, zone)
                return
    if stored != zone.key:
        raise TimeZoneMismatch(stored, zone.key, at_open=True)


def _record_zone(connection: Connection, zone: ZoneInfo) -> None:
    meta: Any = Meta.__table__
    connection.execute(meta.delete().where(meta.c.key == TIME_ZONE_KEY))
    connection.execute(meta.insert().values(key=TIME_ZONE_KEY, value=zone.key))


@dataclass(frozen=True)
class TimeZoneChange:
    """What `set_time_zone` did: the zones before and after, the events whose local days it
    recomputed and how many of them it changed, and the rows of each rebuilt rollup."""

    before: str | None
    after: str
    events: int = 0
    changed: int = 0
    rollups: dict[str, int] = field(default_factory=dict)

    @property
    def converted(self) -> bool:
        """Whether anything changed (False: the database was in that zone already)."""
        return self.before != self.after


def set_time_zone(url: str, zone: ZoneInfo) -> TimeZoneChange:
    """Convert the database's local days and every rollup to `zone`, in one transaction.

    The way out of a TimeZoneMismatch, so it opens the database whatever zone it is in (and
    migrates it, as `open_database` does). It waits for the writer lock as long as it takes;
    processes that have the database open refuse their next transaction, until restarted in
    `zone`. Failures of the database come out as DatabaseError subclasses, with nothing
    changed.
    """
    from storage.rollups import ROLLUP_TABLES, rebuild_local_days

    engine = create_db_engine(url)
    try:
        if upgrade(engine):
            log.info("database migrated to %s", head_revision())
        with _transaction(engine, write=True) as connection:
            before = connection.scalar(_STORED_ZONE)
            if before == zone.key:
                return TimeZoneChange(before=before, after=zone.key)
            recomputed = rebuild_local_days(connection, zone)
            _record_zone(connection, zone)
            rollups = {
                name: connection.scalar(select(func.count()).select_from(table)) or 0
                for name, table in ROLLUP_TABLES.items()
            }
    finally:
        engine.dispose()
    log.info("local days converted from %s to %s", before, zone.key)
    return TimeZoneChange(
        before=before,
        after=zone.key,
        events=recomputed.events,
        changed=recomputed.changed,
        rollups=rollups,
    )


DEMO_MARK = "demo"


def mark_as_demo(connection: Connection) -> None:
    """Record that a database holds generated demo data, which `kpibot demo` may rebuild."""
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
