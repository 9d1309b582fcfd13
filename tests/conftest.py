"""Shared fixtures: databases on SQLite (a real file) and on PostgreSQL.

PostgreSQL tests run when KPIBOT_TEST_POSTGRES_URL names a server (`.ci/run` sets it); with
KPIBOT_TEST_REQUIRE_POSTGRES=1 a missing server fails the run instead of skipping.

Migrating is most of what a fresh database costs, so each backend is migrated once per test
session into a template and every test that wants a migrated database gets a database in the
template's state: a copied SQLite file, or a PostgreSQL database created from the template
database (`CREATE DATABASE ... TEMPLATE`, a copy of its files). Creating and dropping a
PostgreSQL database costs about 0.2 s with its checkpoints and fsyncs, so each test process
keeps the copies it made and, after a test, puts one back into the template's state (every
other session on it ended, every row deleted, the template's rows and sequences restored)
and hands it to the next test; a copy whose schema a test changed is dropped instead.
`database_url` stays an empty database, for the tests of migrating itself.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from storage.db import Database, open_database

TOKYO = ZoneInfo("Asia/Tokyo")
POSTGRES_URL = os.environ.get("KPIBOT_TEST_POSTGRES_URL", "").replace(
    "postgresql://", "postgresql+psycopg://", 1
)
REQUIRE_POSTGRES = os.environ.get("KPIBOT_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own KPIBOT_* variables or .env must not leak into tests.
    for name in list(os.environ):
        ours = name.startswith(("KPIBOT_", "SLACK_")) or name == "DATABASE_URL"
        if ours and not name.startswith("KPIBOT_TEST_"):
            monkeypatch.delenv(name)


def copy_sqlite_file(source: Path, target: Path) -> str:
    """Copy a closed SQLite database (with its write-ahead log, if any); return its URL."""
    for suffix in ("", "-wal"):
        part = Path(f"{source}{suffix}")
        if part.exists():
            shutil.copyfile(part, Path(f"{target}{suffix}"))
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[Engine]:
    """A connection to the test server outside transactions (CREATE DATABASE needs that)."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("KPIBOT_TEST_REQUIRE_POSTGRES=1 but KPIBOT_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need KPIBOT_TEST_POSTGRES_URL (see README)")
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        yield server
    finally:
        server.dispose()


def _postgres_database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _new_postgres_database(server: Engine, *, template: str | None = None) -> str:
    name = f"kpibot_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    return name


def _drop_postgres_database(server: Engine, name: str) -> None:
    # FORCE: a connection a failed test left open must not keep the database alive.
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    open_database(f"sqlite:///{path}", TOKYO).engine.dispose()
    return path


# The schema as PostgreSQL describes it: columns, constraints, indexes, triggers and functions
# of the public schema. A copy whose description differs from the template's is not reused.
# Read from the catalogs, not information_schema: on the new connection each reset opens, its
# views cost some 8 ms to plan, this about 1 ms.
_SCHEMA_DESCRIPTION = text(
    """
    SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM (
        SELECT concat_ws(' ', a.attrelid::regclass::text, a.attname,
            format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
            AS line FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL SELECT concat_ws(' ', conrelid::regclass::text, conname,
            pg_get_constraintdef(oid)) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT concat_ws(' ', tgrelid::regclass::text, tgname, tgenabled)
            FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL SELECT concat_ws(' ', proname, md5(prosrc)) FROM pg_proc
            WHERE pronamespace = 'public'::regnamespace
    ) AS described
    """
)


@dataclass
class _PostgresCopies:
    """The migrated template and this test process's copies of it, free ones first in line."""

    server: Engine
    template: str
    schema_description: str
    tables: list[str]
    # The rows migrating leaves (the revision, the time zone), restored after each test.
    rows: dict[str, list[dict[str, object]]]
    sequences: list[str]
    free: list[str] = field(default_factory=list)
    engines: dict[str, Engine] = field(default_factory=dict)

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = _new_postgres_database(self.server, template=self.template)
        # One connection, opened when a reset needs it: a copy in use holds none of ours.
        self.engines[name] = create_engine(_postgres_database_url(name), poolclass=NullPool)
        return name

    def give_back(self, name: str) -> None:
        """Put a copy back into the template's state and in line, or drop it if its schema
        changed or the reset failed."""
        try:
            reusable = self._reset(self.engines[name])
        except DBAPIError:  # e.g. a role that may not skip triggers: a new copy then
            reusable = False
        if reusable:
            self.free.append(name)
            return
        self.engines.pop(name).dispose()
        _drop_postgres_database(self.server, name)

    def _reset(self, engine: Engine) -> bool:
        with engine.begin() as connection:
            # What DROP DATABASE ... WITH (FORCE) did: a session a test left open (a killed
            # process's, an engine not disposed) holds no lock and sees no later test.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            if connection.execute(_SCHEMA_DESCRIPTION).scalar_one() != self.schema_description:
                return False
            # The append-only tables refuse DELETE by trigger; a replica's role skips them.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            # One round trip for every table.
            connection.execute(text("; ".join(f'DELETE FROM "{table}"' for table in self.tables)))
            for table, rows in self.rows.items():
                columns = ", ".join(f'"{column}"' for column in rows[0])
                values = ", ".join(f":{column}" for column in rows[0])
                connection.execute(
                    text(f'INSERT INTO "{table}" ({columns}) VALUES ({values})'), rows
                )
            for sequence in self.sequences:
                connection.execute(
                    text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence}
                )
        return True

    def close(self) -> None:
        for name, engine in self.engines.items():
            engine.dispose()
            _drop_postgres_database(self.server, name)
        _drop_postgres_database(self.server, self.template)


@pytest.fixture(scope="session")
def _postgres_copies(_postgres_server: Engine) -> Iterator[_PostgresCopies]:
    template = _new_postgres_database(_postgres_server)
    migrated = open_database(_postgres_database_url(template), TOKYO).engine
    try:
        with migrated.connect() as connection:
            tables = list(
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
            rows = {
                table: [
                    dict(row._mapping)
                    for row in connection.execute(text(f'SELECT * FROM "{table}"'))
                ]
                for table in tables
            }
            sequences = list(
                connection.execute(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                ).scalars()
            )
            schema_description = connection.execute(_SCHEMA_DESCRIPTION).scalar_one()
    finally:
        migrated.dispose()
    copies = _PostgresCopies(
        server=_postgres_server,
        template=template,
        schema_description=schema_description,
        tables=tables,
        rows={table: found for table, found in rows.items() if found},
        sequences=sequences,
    )
    try:
        yield copies
    finally:
        copies.close()


def _postgres_schema_url(server: Engine) -> Iterator[str]:
    schema = f"kpibot_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'kpibot.db'}"
    else:
        yield from _postgres_schema_url(request.getfixturevalue("_postgres_server"))


@pytest.fixture(params=BACKENDS)
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to the head revision in Asia/Tokyo, on each backend, in the state
    of the session's template: a copied file, or a PostgreSQL copy reset to it."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        yield copy_sqlite_file(template, tmp_path_factory.mktemp("db") / "kpibot.db")
        return
    copies: _PostgresCopies = request.getfixturevalue("_postgres_copies")
    name = copies.take()
    try:
        yield _postgres_database_url(name)
    finally:
        copies.give_back(name)


@pytest.fixture
def database(migrated_url: str) -> Iterator[Database]:
    """A migrated database in Asia/Tokyo on each backend."""
    opened = open_database(migrated_url, TOKYO)
    try:
        yield opened
    finally:
        opened.engine.dispose()
