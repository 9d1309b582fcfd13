"""completion months

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:00:00

The `completion_months` rollup (per first local day and UTC month of first completion, how
many customers), filled from the `customers` rollup, and the index that finds a month's
first completions. A migration imports no live kpibot code, which may change after it was
written: the column types and the month's SQL are frozen here as storage.schema defined
them at this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.schema.LocalDate at this revision: ISO text on SQLite, date elsewhere.
LOCAL_DATE = sa.Date().with_variant(sa.String(10), "sqlite")

# storage.schema.UtcMonthStart at this revision: on SQLite the stored UTC text begins
# `YYYY-MM-`.
UTC_MONTH_START = {
    "sqlite": "substr(first_completed_at, 1, 8) || '01'",
    "postgresql": "CAST(date_trunc('month', first_completed_at AT TIME ZONE 'UTC') AS DATE)",
}


def upgrade() -> None:
    op.create_table(
        "completion_months",
        sa.Column("first_day", LOCAL_DATE, nullable=False),
        sa.Column("completed_month", LOCAL_DATE, nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("first_day", "completed_month", name=op.f("pk_completion_months")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customers_completed", ["first_completed_at", "first_day"], unique=False
        )
    month = UTC_MONTH_START[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO completion_months (first_day, completed_month, customers) "
        f"SELECT first_day, {month}, count(*) FROM customers "
        f"WHERE first_completed_at IS NOT NULL GROUP BY first_day, {month}"
    )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_completed")
    op.drop_table("completion_months")
