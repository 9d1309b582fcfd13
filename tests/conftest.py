"""Shared fixtures: a migrated database on SQLite (a real file) and on PostgreSQL.

PostgreSQL tests run when KPIBOT_TEST_POSTGRES_URL names a server (`.ci/run` sets it);
each test gets its own schema there, dropped afterwards. With KPIBOT_TEST_REQUIRE_POSTGRES=1
a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from storage.db import Database, open_database

TOKYO = ZoneInfo("Asia/Tokyo")
POSTGRES_URL = os.environ.get("KPIBOT_TEST_POSTGRES_URL", "").replace(
    "postgresql://", "postgresql+psycopg://", 1
)
REQUIRE_POSTGRES = os.environ.get("KPIBOT_TEST_REQUIRE_POSTGRES") == "1"


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own KPIBOT_* variables or .env must not leak into tests.
    for name in list(os.environ):
        ours = name.startswith(("KPIBOT_", "SLACK_")) or name == "DATABASE_URL"
        if ours and not name.startswith("KPIBOT_TEST_"):
            monkeypatch.delenv(name)


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("KPIBOT_TEST_REQUIRE_POSTGRES=1 but KPIBOT_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need KPIBOT_TEST_POSTGRES_URL (see README)")
    schema = f"kpibot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'kpibot.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database in Asia/Tokyo on each backend."""
    opened = open_database(database_url, TOKYO)
    try:
        yield opened
    finally:
        opened.engine.dispose()
