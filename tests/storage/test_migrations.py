"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import Database, current_revision, head_revision
from storage.schema import Base


def test_a_migrated_database_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_migrated_database_is_at_the_newest_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
