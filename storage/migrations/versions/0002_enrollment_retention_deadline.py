"""enrollments carry their retention deadline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:00:00

The deadline is derived at import, like `day`; rows stored before are filled here, in the
time zone the database records.
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import storage.schema
from storage.rollups import retention_deadline

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENROLLMENTS = sa.table(
    "enrollments",
    sa.column("id", sa.String(200)),
    sa.column("at", storage.schema.UTCDateTime()),
    sa.column("retention_deadline", storage.schema.UTCDateTime()),
)


def upgrade() -> None:
    op.add_column(
        "enrollments",
        sa.Column("retention_deadline", storage.schema.UTCDateTime(), nullable=True),
    )
    connection = op.get_bind()
    zone_key = connection.scalar(sa.text("SELECT value FROM meta WHERE key = 'timezone'"))
    if zone_key is None:
        return  # a database that never held data: nothing to fill
    zone = ZoneInfo(zone_key)
    last = ""
    while True:
        rows = connection.execute(
            sa.select(_ENROLLMENTS.c.id, _ENROLLMENTS.c.at)
            .where(_ENROLLMENTS.c.id > last)
            .order_by(_ENROLLMENTS.c.id)
            .limit(5_000)
        ).all()
        if not rows:
            return
        connection.execute(
            _ENROLLMENTS.update()
            .where(_ENROLLMENTS.c.id == sa.bindparam("key"))
            .values(retention_deadline=sa.bindparam("deadline")),
            [{"key": row.id, "deadline": retention_deadline(row.at, zone)} for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("retention_deadline")
