"""alert states, their audit log and PDCA improvement actions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 11:35:00

A migration imports no live kpibot code, which may change after it was written: the column
types it needs are frozen here as they were at this revision (DDL only; this revision writes
no rows).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
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


class _LocalDate(sa.TypeDecorator[date]):
    """storage.schema.LocalDate at this revision: ISO text on SQLite, DATE elsewhere."""

    impl = sa.Date()
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(10))
        return dialect.type_descriptor(sa.Date())


def upgrade() -> None:
    op.create_table(
        "alert_states",
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("pending_level", sa.String(length=20), nullable=True),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("opened_at", _UTCDateTime(), nullable=True),
        sa.Column("level_since", _UTCDateTime(), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("ts", sa.String(length=40), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", _UTCDateTime(), nullable=True),
        sa.Column("snoozed_until", _UTCDateTime(), nullable=True),
        sa.Column("snoozed_by", sa.String(length=200), nullable=True),
        sa.Column("snooze_reason", sa.Text(), nullable=True),
        sa.Column("last_reminded_at", _UTCDateTime(), nullable=True),
        sa.Column("evaluated_at", _UTCDateTime(), nullable=True),
        sa.Column("runs", sa.Text(), nullable=True),
        sa.Column("message_key", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("kpi", name=op.f("pk_alert_states")),
    )
    op.create_table(
        "alert_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _UTCDateTime(), nullable=False),
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_audit")),
    )
    with op.batch_alter_table("alert_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_audit_kpi_id"), ["kpi", "id"], unique=False)
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due", _LocalDate(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _UTCDateTime(), nullable=False),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("done_at", _UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_actions")),
    )
    with op.batch_alter_table("improvement_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_improvement_actions_status_due"), ["status", "due"], unique=False
        )


def downgrade() -> None:
    op.drop_table("improvement_actions")
    op.drop_table("alert_audit")
    op.drop_table("alert_states")
