"""The PostgreSQL copies the suite hands from one test to the next start in the template's
state: each pair of tests below runs in order in one process, on the same copy when it is reused."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

POSTGRES_ONLY = [pytest.param("postgres", marks=pytest.mark.postgres)]


def _state(url: str) -> tuple[int, int, list[tuple[str, str]], int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            notes = connection.execute(text("SELECT count(*) FROM notes")).scalar_one()
            changes = connection.execute(
                text("SELECT count(*) FROM measurement_changes")
            ).scalar_one()
            meta = [tuple(row) for row in connection.execute(text("SELECT key, value FROM meta"))]
            next_id = connection.execute(text("SELECT nextval('notes_id_seq')")).scalar_one()
    finally:
        engine.dispose()
    return notes, changes, meta, next_id


@pytest.mark.parametrize("migrated_url", POSTGRES_ONLY, indirect=True)
def test_a_test_may_write_anything_and_leave_a_session_open(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    connection = engine.connect()  # left open on purpose: the reset ends it
    connection.execute(
        text(
            "INSERT INTO notes (kind, text, author, created_at)"
            " VALUES ('weekly', 'x', 'U1', now()), ('weekly', 'y', 'U1', now())"
        )
    )
    connection.execute(
        text(
            "INSERT INTO measurement_changes (measurement_id, kpi, at, value, entered_by,"
            " entered_at) VALUES ('m1', 'nps', now(), 1, 'U1', now())"
        )
    )
    connection.execute(text("UPDATE meta SET value = 'UTC' WHERE key = 'timezone'"))
    connection.commit()
    connection.execute(text("SELECT 1 FROM notes FOR UPDATE"))  # a lock held at the end


@pytest.mark.parametrize("migrated_url", POSTGRES_ONLY, indirect=True)
def test_the_next_test_gets_the_template_s_rows_and_sequences(migrated_url: str) -> None:
    assert _state(migrated_url) == (0, 0, [("timezone", "Asia/Tokyo")], 1)


@pytest.mark.parametrize("migrated_url", POSTGRES_ONLY, indirect=True)
def test_a_test_may_change_the_schema(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE notes ADD COLUMN extra integer"))
    finally:
        engine.dispose()


@pytest.mark.parametrize("migrated_url", POSTGRES_ONLY, indirect=True)
def test_the_next_test_gets_the_template_s_schema(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with engine.connect() as connection:
            columns = connection.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'"
                )
            ).scalars()
            assert "extra" not in set(columns)
    finally:
        engine.dispose()
