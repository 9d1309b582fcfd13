"""Shared fixtures: databases on SQLite (a real file) and on PostgreSQL.

PostgreSQL tests run when KPIBOT_TEST_POSTGRES_URL names a server (`.ci/run` sets it); with
KPIBOT_TEST_REQUIRE_POSTGRES=1 a missing server fails the run instead of skipping.

Migrating is most of what a fresh database costs, so each backend is migrated once per test
session into a template and every test that wants a migrated database gets its own copy: a
copied SQLite file, or a PostgreSQL database created from the template database (`CREATE
DATABASE ... TEMPLATE`, a copy of its files). `database_url` stays an empty database, for the
tests of migrating itself.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

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


@pytest.fixture(scope="session")
def _postgres_template(_postgres_server: Engine) -> Iterator[str]:
    name = _new_postgres_database(_postgres_server)
    try:
        open_database(_postgres_database_url(name), TOKYO).engine.dispose()
        yield name
    finally:
        _drop_postgres_database(_postgres_server, name)


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
    """A database migrated to the head revision in Asia/Tokyo, on each backend: a copy of
    the session's template."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        yield copy_sqlite_file(template, tmp_path_factory.mktemp("db") / "kpibot.db")
        return
    server: Engine = request.getfixturevalue("_postgres_server")
    name = _new_postgres_database(server, template=request.getfixturevalue("_postgres_template"))
    try:
        yield _postgres_database_url(name)
    finally:
        _drop_postgres_database(server, name)


@pytest.fixture
def database(migrated_url: str) -> Iterator[Database]:
    """A migrated database in Asia/Tokyo on each backend."""
    opened = open_database(migrated_url, TOKYO)
    try:
        yield opened
    finally:
        opened.engine.dispose()
