"""enrollments carry their retention deadline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:00:00

The deadline is derived at import, like `day`; rows stored before are filled here, in the
time zone the database records.

A migration imports no live kpibot code, which may change after it was written: the rule and
the column type it needs are frozen here as they were at this revision.
"""

import calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
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

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _retention_deadline(enrolled: datetime, zone: ZoneInfo) -> datetime:
    """The same local wall time six calendar months later, clamped to the month's end."""
    local = enrolled.astimezone(zone)
    year, month_index = divmod(local.year * 12 + local.month - 1 + 6, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    day = date(year, month_index + 1, min(local.day, last_day))
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


_ENROLLMENTS = sa.table(
    "enrollments",
    sa.column("id", sa.String(200)),
    sa.column("at", _UTCDateTime()),
    sa.column("retention_deadline", _UTCDateTime()),
)


def upgrade() -> None:
    op.add_column(
        "enrollments",
        sa.Column("retention_deadline", _UTCDateTime(), nullable=True),
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
            [{"key": row.id, "deadline": _retention_deadline(row.at, zone)} for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("retention_deadline")
