"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, Float, String, column, insert, select, table

from storage.db import (
    MIGRATIONS,
    Database,
    create_db_engine,
    current_revision,
    head_revision,
    upgrade,
)
from storage.schema import (
    Base,
    CompletionMonth,
    Enrollment,
    LocalDate,
    MeasurementChange,
    Meta,
    UTCDateTime,
)


def test_a_migrated_database_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_migrated_database_is_at_the_newest_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        assert current_revision(connection) == head_revision()


@contextmanager
def at_revision(engine: Engine, revision: str) -> Iterator[Connection]:
    """A write transaction on a database migrated only up to `revision`, to store rows as
    that revision's tables held them before the later migrations run."""
    with engine.connect().execution_options(kpibot_write=True) as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        with connection.begin():
            command.upgrade(config, revision)
            yield connection


# The enrollments table as revision 0001 made it.
ENROLLMENTS_0001 = table(
    "enrollments",
    column("id", String()),
    column("customer", String()),
    column("at", UTCDateTime()),
    column("day", LocalDate()),
    column("channel", String()),
)


def test_enrollments_stored_before_revision_0002_get_their_retention_deadline(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    try:
        with at_revision(engine, "0001") as connection:
            connection.execute(insert(Meta).values(key="timezone", value="Asia/Tokyo"))
            connection.execute(
                insert(ENROLLMENTS_0001).values(
                    id="e1",
                    customer="c1",
                    # 09:00 on 31 August in Tokyo: six months on is clamped to February's end.
                    at=datetime(2026, 8, 31, 0, 0, tzinfo=UTC),
                    day=date(2026, 8, 31),
                    channel="ads",
                )
            )
        assert upgrade(engine)
        with engine.connect() as connection:
            deadline = connection.scalar(select(Enrollment.retention_deadline))
        assert deadline == datetime(2027, 2, 28, 0, 0, tzinfo=UTC)
    finally:
        engine.dispose()


# The measurements table as revision 0001 made it.
MEASUREMENTS_0001 = table(
    "measurements",
    column("id", String()),
    column("kpi", String()),
    column("at", UTCDateTime()),
    column("day", LocalDate()),
    column("value", Float()),
)


def test_measurements_stored_before_revision_0003_start_the_history_by_an_unknown_author(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    measured = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
    try:
        with at_revision(engine, "0002") as connection:
            connection.execute(
                insert(MEASUREMENTS_0001).values(
                    id="m1", kpi="market_share", at=measured, day=date(2026, 11, 2), value=4.2
                )
            )
        before_upgrade = datetime.now(UTC)
        assert upgrade(engine)
        with engine.connect() as connection:
            (change,) = connection.execute(select(MeasurementChange)).all()
    finally:
        engine.dispose()
    assert (change.measurement_id, change.kpi, change.at) == ("m1", "market_share", measured)
    assert (change.value, change.previous, change.entered_by) == (4.2, None, "unknown")
    assert before_upgrade <= change.entered_at <= datetime.now(UTC)


# The customers rollup as revision 0001 made it (0006 has it unchanged).
CUSTOMERS_0001 = table(
    "customers",
    column("customer", String()),
    column("first_enrolled_at", UTCDateTime()),
    column("first_day", LocalDate()),
    column("first_channel", String()),
    column("first_completed_at", UTCDateTime()),
)


def test_customers_stored_before_revision_0007_fill_their_completion_months(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    enrolled = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)

    def customer(name: str, day: date, completed: datetime | None) -> dict[str, object]:
        return {
            "customer": name,
            "first_enrolled_at": enrolled,
            "first_day": day,
            "first_channel": "ads",
            "first_completed_at": completed,
        }

    try:
        with at_revision(engine, "0006") as connection:
            connection.execute(
                insert(CUSTOMERS_0001),
                [
                    customer("c1", date(2026, 9, 1), datetime(2026, 10, 31, 23, 59, tzinfo=UTC)),
                    customer("c2", date(2026, 9, 1), datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
                    customer("c3", date(2026, 9, 1), datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),
                    customer("c4", date(2026, 9, 2), datetime(2026, 10, 1, 0, 0, tzinfo=UTC)),
                    customer("c5", date(2026, 9, 2), None),
                ],
            )
        assert upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(select(CompletionMonth)).all()
    finally:
        engine.dispose()
    assert sorted((row.first_day, row.completed_month, row.customers) for row in rows) == [
        (date(2026, 9, 1), date(2026, 10, 1), 1),
        (date(2026, 9, 1), date(2026, 11, 1), 2),
        (date(2026, 9, 2), date(2026, 10, 1), 1),
    ]


def test_migrations_import_no_live_kpibot_code() -> None:
    # A migration must keep doing what it did when it was written, whatever the code becomes.
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        live = {name for name in imported if name.split(".")[0] in {"bot", "kpi_engine", "storage"}}
        assert not live, f"{path.name} imports {sorted(live)}"
