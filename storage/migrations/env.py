"""Alembic environment: kpibot always hands over an open connection (see storage.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.schema import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `kpibot db upgrade`, which supplies a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
