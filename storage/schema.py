"""Typed SQLAlchemy models: one table per event type, plus rollups kept up to date at import.

Every event row carries `day`, its local calendar date in the time zone recorded in `meta`,
so that period aggregates group and filter on an indexed date on SQLite and PostgreSQL
alike. The rollup tables (`daily_facts`, `customers`, `completion_months`, `monthly_payers`)
let the engine answer any period from a few thousand rows, whatever the size of the history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import TypeAdapter
from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

BulkProcessor = Callable[[list[Any]], list[Any]]
# pydantic-core writes ISO 8601 in Rust, several times faster than datetime.isoformat.
_iso_times: TypeAdapter[list[datetime | None]] = TypeAdapter(list[datetime | None])


def _in_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return moment.astimezone(UTC)


def _utc_texts(moments: list[datetime | None]) -> list[str | None]:
    """Fixed-width UTC ISO texts, as `UTCDateTime` stores them on SQLite, for many values."""
    texts = _iso_times.dump_python(
        [
            moment if moment is None or moment.tzinfo is UTC else _in_utc(moment)
            for moment in moments
        ],
        mode="json",
    )
    return [
        None
        if text is None
        # A whole second in UTC, the usual time (`2026-10-31T15:30:00Z`): widened here,
        # without a call per value.
        else f"{text[:-1]}.000000+00:00"
        if len(text) == 20
        else _fixed_width(text)
        for text in texts
    ]


def _date_texts(days: list[date | None]) -> list[str | None]:
    """ISO dates, as `LocalDate` stores them on SQLite, for many values.

    A column holds few distinct days: each is written once and its rows share the text,
    so a worker hands it over once per batch and the importing process hashes it once.
    """
    texts = {day: None if day is None else day.isoformat() for day in set(days)}
    return [texts[day] for day in days]


_FLAG_TYPES = {bool, type(None)}


def column_processor(column: Any, dialect: Dialect) -> BulkProcessor | None:
    """SQLAlchemy's bind processing of a column, applied to a list of values at once."""
    bulk = getattr(column.type, "bulk_bind_processor", None)
    if bulk is not None:
        processor: BulkProcessor | None = bulk(dialect)
        return processor
    each = column.type.dialect_impl(dialect).bind_processor(dialect)
    if each is None:
        return None
    flags = isinstance(column.type, Boolean)

    def process(values: list[Any]) -> list[Any]:
        if flags and set(map(type, values)) <= _FLAG_TYPES:
            # Already bools: the driver stores them as SQLAlchemy's processor would.
            return values
        return [None if value is None else each(value) for value in values]

    return process


def driver_rows(table: Any, dialect: Dialect, columns: list[list[Any]]) -> list[tuple[Any, ...]]:
    """Rows for a driver-level `executemany`, from a table's columns of Python values.

    The values are bound as SQLAlchemy would bind them, column by column: over thousands of
    rows, several times faster than binding each value on its own.
    """
    processed = [
        values if process is None else process(values)
        for values, process in zip(
            columns, (column_processor(column, dialect) for column in table.columns), strict=True
        )
    ]
    return list(zip(*processed, strict=True))


def driver_insert(table: Any, dialect: Dialect) -> str:
    """The driver-level INSERT of every column of a table, for `exec_driver_sql`."""
    names = [column.name for column in table.columns]
    return (
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"VALUES ({', '.join(driver_marks(dialect, len(names)))})"
    )


def upsert(connection: Connection, table: Any) -> Any:
    """An INSERT into `table` in the connection's dialect, which has ON CONFLICT clauses."""
    # Imported here: the dialects' modules (PostgreSQL's pulls in asyncio) are for writers.
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def driver_marks(dialect: Dialect, count: int) -> list[str]:
    """Parameter placeholders in the driver's own style."""
    return ["?" if dialect.paramstyle == "qmark" else "%s"] * count


def _fixed_width(text: str) -> str:
    # pydantic writes UTC as `Z` and leaves out a zero fraction; the stored form has both.
    clock = text[:-1] if text.endswith("Z") else text.removesuffix("+00:00")
    return f"{clock}+00:00" if len(clock) == 26 else f"{clock}.000000+00:00"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored in UTC, handed back aware, on every backend.

    PostgreSQL keeps a timestamptz. SQLite has no time type: it keeps fixed-width ISO text
    (`2026-10-31T15:30:00.000000+00:00`), whose text order is time order, so range
    filters and indexes work on it directly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds") if dialect.name == "sqlite" else value

    def bulk_bind_processor(self, dialect: Dialect) -> BulkProcessor | None:
        """`process_bind_param` over a column of values at once (the import's hot path)."""
        if dialect.name != "sqlite":
            return None
        return _utc_texts

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class LocalDate(TypeDecorator[date]):
    """A calendar date; ISO text on SQLite (cheap to write in bulk), DATE elsewhere."""

    impl = Date()
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(10))
        return dialect.type_descriptor(Date())

    def process_bind_param(self, value: date | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.isoformat() if dialect.name == "sqlite" else value

    def bulk_bind_processor(self, dialect: Dialect) -> BulkProcessor | None:
        """`process_bind_param` over a column of values at once (the import's hot path)."""
        if dialect.name != "sqlite":
            return None
        return _date_texts

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        if isinstance(value, str):
            return date.fromisoformat(value)
        return value  # type: ignore[no-any-return]


class UtcMonthStart(FunctionElement[date]):
    """SQL: the first day of the UTC calendar month of a `UTCDateTime` column's instant."""

    type = LocalDate()
    inherit_cache = True


@compiles(UtcMonthStart, "sqlite")
def _utc_month_start_sqlite(element: UtcMonthStart, compiler: SQLCompiler, **kw: Any) -> str:
    # The stored text begins `YYYY-MM-`, in UTC: that and `01` is its month's first day.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 8) || '01'"


@compiles(UtcMonthStart, "postgresql")
def _utc_month_start_postgresql(element: UtcMonthStart, compiler: SQLCompiler, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', {instant} AT TIME ZONE 'UTC') AS DATE)"


EventId = Annotated[str, mapped_column(String(200), primary_key=True)]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
LocalDay = Annotated[date, mapped_column(LocalDate())]
Customer = Annotated[str, mapped_column(String(200))]
Yen = Annotated[int, mapped_column(BigInteger())]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Meta(Base):
    """Facts about the stored data itself, such as the time zone its `day` columns use."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text())


class Enrollment(Base):
    __tablename__ = "enrollments"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    channel: Mapped[str] = mapped_column(String(100))
    # Derived at import, like `day`: the end of the retention window this enrollment opens
    # if it is the customer's first, so the customers rollup is built in SQL alone.
    retention_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (Index(None, "customer", "at"), Index(None, "day"))


class Completion(Base):
    __tablename__ = "completions"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    __table_args__ = (Index(None, "customer", "at"), Index(None, "day"))


class Churn(Base):
    __tablename__ = "churns"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    __table_args__ = (Index(None, "customer", "at"), Index(None, "day"))


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    amount: Mapped[Yen]
    recurring: Mapped[bool] = mapped_column(Boolean())
    __table_args__ = (Index(None, "day", "customer"),)


class Refund(Base):
    """Money paid back to a customer, counted against revenue on the day it was paid back."""

    __tablename__ = "refunds"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    amount: Mapped[Yen]
    # The payment refunded, when known; its refunds never total more than it.
    payment: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (Index(None, "day"), Index(None, "payment"))


class Cost(Base):
    __tablename__ = "costs"
    id: Mapped[EventId]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    amount: Mapped[Yen]
    category: Mapped[str] = mapped_column(String(20))
    __table_args__ = (Index(None, "day"),)


class Survey(Base):
    __tablename__ = "surveys"
    id: Mapped[EventId]
    customer: Mapped[Customer]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    nps: Mapped[int | None] = mapped_column(SmallInteger())
    csat: Mapped[int | None] = mapped_column(SmallInteger())
    ai_adoption: Mapped[bool | None] = mapped_column(Boolean())
    __table_args__ = (Index(None, "day"),)


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[EventId]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Derived at import so the answer-rate rollups need no dialect-specific date arithmetic.
    response_seconds: Mapped[int | None] = mapped_column(BigInteger())
    __table_args__ = (Index(None, "at", "response_seconds"),)


class Downtime(Base):
    __tablename__ = "downtimes"
    id: Mapped[EventId]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    # NULL while the outage is still going on.
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (Index(None, "at"),)


class Release(Base):
    __tablename__ = "releases"
    id: Mapped[EventId]
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    title: Mapped[str] = mapped_column(String(500))
    __table_args__ = (Index(None, "day"),)


class Measurement(Base):
    __tablename__ = "measurements"
    id: Mapped[EventId]
    kpi: Mapped[str] = mapped_column(String(100))
    at: Mapped[Timestamp]
    day: Mapped[LocalDay]
    value: Mapped[float] = mapped_column(Float())
    __table_args__ = (Index(None, "kpi", "at"),)


class MeasurementChange(Base):
    """One change to the manual measurements: a value entered, replaced or deleted.

    Append-only (the database refuses UPDATE and DELETE on it, see migration 0003): it is
    the record of who entered each value and when, so nothing may rewrite it. `value` is
    None for a deletion, `previous` None for a first value.
    """

    __tablename__ = "measurement_changes"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    measurement_id: Mapped[str] = mapped_column(String(200))
    kpi: Mapped[str] = mapped_column(String(100))
    at: Mapped[Timestamp]
    value: Mapped[float | None] = mapped_column(Float())
    previous: Mapped[float | None] = mapped_column(Float())
    # A Slack user id, `cli:<os user>`, `api` or `demo`.
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[Timestamp]
    __table_args__ = (Index(None, "kpi", "id"),)


class Note(Base):
    """A note for the monthly digest: on competitors and the market, or a strategy proposal."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # `market` or `strategy`
    text: Mapped[str] = mapped_column(Text())
    # A Slack user id, or `cli:<os user>`.
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]
    __table_args__ = (Index(None, "created_at"),)


class OutboxItem(Base):
    """One thing to deliver to Slack exactly once: a message, or a file into a thread.

    Written in the transaction that decides to send it, under a unique `key`; a sender claims
    it, delivers it and records what Slack answered. An item with a `parent_key` is delivered
    into the thread of its parent's message, once the parent is sent.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    parent_key: Mapped[str | None] = mapped_column(String(300))
    # What it belongs to, for `kpibot jobs`, `kpibot outbox` and `/kpi health`: a job (the
    # report kind, say) and the period it is for.
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # `message` or `file`
    channel: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text())  # JSON: the message, or the file's name and title
    content: Mapped[bytes | None] = mapped_column(LargeBinary())  # a file's bytes
    # pending, sending, sent, failed (retried after `not_before`), abandoned (failed and no
    # longer retried: an operator's to retry), skipped (never to be sent)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer())
    not_before: Mapped[Timestamp]
    # While `sending`: until when the sender's claim holds; a claim past it may be taken over.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether an earlier attempt may have reached Slack without its answer reaching us (a
    # timeout, a dropped connection, a 5xx, a sender killed mid-call): the next attempt
    # looks for the message in the channel before posting again.
    may_have_posted: Mapped[bool] = mapped_column(Boolean())
    last_error: Mapped[str | None] = mapped_column(Text())
    # Whether the failure was reported to the admin channel (once per item).
    failure_reported: Mapped[bool] = mapped_column(Boolean())
    late: Mapped[bool] = mapped_column(Boolean())
    ts: Mapped[str | None] = mapped_column(String(40))  # Slack's message ts, or the file's id
    created_at: Mapped[Timestamp]
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index(None, "status", "not_before"),
        Index(None, "job", "period"),
        Index(None, "parent_key"),
    )


class SchedulerLease(Base):
    """Which scheduler process is active, and its last heartbeat (one row per schedule)."""

    __tablename__ = "scheduler_leases"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))  # host and process id
    since: Mapped[Timestamp]
    heartbeat_at: Mapped[Timestamp]


class AlertState(Base):
    """One KPI's alert: the level announced, the episode it belongs to and the Slack
    messages that represent it, acknowledgement and snooze (one row per KPI)."""

    __tablename__ = "alert_states"
    kpi: Mapped[str] = mapped_column(String(100), primary_key=True)
    # The level announced (green: no open episode), and one seen but not yet announced with
    # how many consecutive evaluations have seen it.
    level: Mapped[str] = mapped_column(String(20))
    pending_level: Mapped[str | None] = mapped_column(String(20))
    pending_count: Mapped[int] = mapped_column(Integer())
    episode: Mapped[int] = mapped_column(Integer())  # counts the episodes opened, from 1
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    level_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rule: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snoozed_by: Mapped[str | None] = mapped_column(String(200))
    snooze_reason: Mapped[str | None] = mapped_column(Text())
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many consecutive evaluations saw each level or worse / better (JSON, the decision's
    # `Runs`): exact hysteresis for any confirmation count.
    runs: Mapped[str | None] = mapped_column(Text())
    # The outbox key of the episode's living message in the alerts channel (None: not posted
    # yet, a yellow episode); a replacement for a deleted message takes its place.
    message_key: Mapped[str | None] = mapped_column(String(300))


class AlertAudit(Base):
    """Every alert transition and every button press: who, what, when, on which alert."""

    __tablename__ = "alert_audit"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    at: Mapped[Timestamp]
    kpi: Mapped[str] = mapped_column(String(100))
    episode: Mapped[int | None] = mapped_column(Integer())
    actor: Mapped[str] = mapped_column(String(200))  # a Slack user id, or `scheduler`
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text())  # JSON
    __table_args__ = (Index(None, "kpi", "id"),)


class ImprovementAction(Base):
    """A PDCA improvement action for a KPI, from an alert or entered on its own."""

    __tablename__ = "improvement_actions"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    kpi: Mapped[str] = mapped_column(String(100))
    episode: Mapped[int | None] = mapped_column(Integer())
    text: Mapped[str] = mapped_column(Text())
    owner: Mapped[str | None] = mapped_column(String(200))  # a Slack user id
    due: Mapped[date | None] = mapped_column(LocalDate())
    status: Mapped[str] = mapped_column(String(20))  # open or done
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]
    done_by: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (Index(None, "status", "due"),)


class CustomerRollup(Base):
    """Per customer, the first enrollment and the first completion and churn after it."""

    __tablename__ = "customers"
    customer: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_enrolled_at: Mapped[Timestamp]
    first_day: Mapped[LocalDay]
    first_channel: Mapped[str] = mapped_column(String(100))
    first_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_churned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Six calendar months after the first enrollment, in local time: the retention window.
    retention_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        # Covering the cohort queries, so they read the index alone, never the table.
        Index(
            "ix_customers_cohorts",
            "first_day",
            "first_completed_at",
            "first_churned_at",
            "retention_deadline",
        ),
        # The first completions of part of a month, whatever the customers' first days.
        Index("ix_customers_completed", "first_completed_at", "first_day"),
    )


class CompletionMonth(Base):
    """Per local day of first enrollment and calendar month of first completion, how many
    customers first enrolled that day had their first completion in that month.

    A completion cohort spans about nine months of first days: counted from `customers` it
    reads every customer in it, from here a few rows per day. The month is UTC's (its first
    day), computed from the stored instant without the time zone; any split of time would
    do, since the part of a month before an instant is counted from `customers` itself.
    """

    __tablename__ = "completion_months"
    first_day: Mapped[date] = mapped_column(LocalDate(), primary_key=True)
    completed_month: Mapped[date] = mapped_column(LocalDate(), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer())


class DailyFact(Base):
    """Per local day and fact, a total and a count, rebuilt for the days an import touches."""

    __tablename__ = "daily_facts"
    fact: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(LocalDate(), primary_key=True)
    total: Mapped[float] = mapped_column(Float())
    count: Mapped[int] = mapped_column(Integer())


class MonthlyPayers(Base):
    """Distinct paying customers per local calendar month (keyed by its first day)."""

    __tablename__ = "monthly_payers"
    month: Mapped[date] = mapped_column(LocalDate(), primary_key=True)
    payers: Mapped[int] = mapped_column(Integer())


class EventType(StrEnum):
    """A kind of event kpibot stores, each in a table of its own (`EVENT_MODELS`)."""

    ENROLLMENT = "enrollment"
    COMPLETION = "completion"
    CHURN = "churn"
    PAYMENT = "payment"
    REFUND = "refund"
    COST = "cost"
    SURVEY = "survey"
    TICKET = "ticket"
    DOWNTIME = "downtime"
    RELEASE = "release"
    MEASUREMENT = "measurement"


EVENT_MODELS: dict[str, type[Base]] = {
    "enrollment": Enrollment,
    "completion": Completion,
    "churn": Churn,
    "payment": Payment,
    "refund": Refund,
    "cost": Cost,
    "survey": Survey,
    "ticket": Ticket,
    "downtime": Downtime,
    "release": Release,
    "measurement": Measurement,
}
