"""refunds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00

A migration imports no live kpibot code, which may change after it was written: the column
types it needs are frozen here as storage.schema defined them at this revision (DDL only:
a database before this revision has no refunds, so no rollup row changes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.schema.UTCDateTime and LocalDate at this revision: ISO text on SQLite, timestamptz
# and date elsewhere.
UTC_DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
LOCAL_DATE = sa.Date().with_variant(sa.String(10), "sqlite")


def upgrade() -> None:
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("day", LOCAL_DATE, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payment", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refunds_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_refunds_payment"), ["payment"], unique=False)


def downgrade() -> None:
    # The refunds' daily facts would otherwise outlive their table.
    op.execute("DELETE FROM daily_facts WHERE fact = 'refunds'")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_payment"))
        batch_op.drop_index(batch_op.f("ix_refunds_day"))
    op.drop_table("refunds")
