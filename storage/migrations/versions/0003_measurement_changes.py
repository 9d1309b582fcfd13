"""manual measurements keep an append-only history of who changed them

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:40:00

`measurement_changes` records every value entered, replaced or deleted, with who did it and
when. The database itself refuses to update or delete its rows (a trigger on each backend),
so the history cannot be rewritten by kpibot or by anyone with SQL access short of dropping
the trigger.

Measurements stored before this revision get one change each, entered by `unknown` at the
time of the upgrade: who entered them was never recorded.

A migration imports no live kpibot code, which may change after it was written: the column
type it needs is frozen here as it was at this revision.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class _UTCDateTime(sa.TypeDecorator[datetime]):
    """storage.schema.UTCDateTime at this revision: ISO text on SQLite, timestamptz elsewhere."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds") if dialect.name == "sqlite" else value


_REFUSAL = "measurement_changes is append-only"

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER measurement_changes_no_{verb.lower()}
    BEFORE {verb} ON measurement_changes
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
]

_POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION measurement_changes_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$""",
    # TRUNCATE too: on PostgreSQL it bypasses row-level DELETE triggers.
    """CREATE TRIGGER measurement_changes_append_only
    BEFORE UPDATE OR DELETE ON measurement_changes
    FOR EACH ROW EXECUTE FUNCTION measurement_changes_refuse()""",
    """CREATE TRIGGER measurement_changes_no_truncate
    BEFORE TRUNCATE ON measurement_changes
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_changes_refuse()""",
]


def upgrade() -> None:
    op.create_table(
        "measurement_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("measurement_id", sa.String(length=200), nullable=False),
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("at", _UTCDateTime(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("previous", sa.Float(), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", _UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement_changes")),
    )
    with op.batch_alter_table("measurement_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measurement_changes_kpi_id"), ["kpi", "id"], unique=False
        )
    connection = op.get_bind()
    # Existing measurements in a stable order, so the history's ids follow (kpi, at).
    connection.execute(
        sa.text(
            "INSERT INTO measurement_changes "
            "(measurement_id, kpi, at, value, previous, entered_by, entered_at) "
            "SELECT id, kpi, at, value, NULL, 'unknown', :now FROM measurements "
            "ORDER BY kpi, at, id"
        ).bindparams(sa.bindparam("now", type_=_UTCDateTime())),
        {"now": datetime.now(UTC)},
    )
    statements = _SQLITE_TRIGGERS if connection.dialect.name == "sqlite" else _POSTGRESQL_TRIGGERS
    for statement in statements:
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    # Dropping the table drops its index and triggers; PostgreSQL's function stands alone.
    op.drop_table("measurement_changes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION measurement_changes_refuse()")
