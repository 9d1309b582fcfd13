"""The engine's read interface (`kpi_engine.source.KpiSource`) over the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Select, and_, bindparam, case, func, or_, select

from kpi_engine.source import Fact, Feed, Tally
from storage.data_version import data_version
from storage.rollups import part_of_day
from storage.schema import (
    Base,
    Completion,
    CompletionMonth,
    Cost,
    CustomerRollup,
    DailyFact,
    Downtime,
    Enrollment,
    Measurement,
    MonthlyPayers,
    Payment,
    Release,
    Survey,
    Ticket,
)

# The event table behind each feed. Every one has an index leading with `day`, except
# tickets, whose index leads with `at`.
_FEED_TABLES: dict[Feed, type[Base]] = {
    Feed.ENROLLMENTS: Enrollment,
    Feed.COMPLETIONS: Completion,
    Feed.PAYMENTS: Payment,
    Feed.COSTS: Cost,
    Feed.SURVEYS: Survey,
    Feed.TICKETS: Ticket,
    Feed.RELEASES: Release,
}


# Every question's statement, built once with its values as parameters. Building a select
# costs several times what running it costs on SQLite (about 140 µs against 20 µs), and an
# evaluation asks thousands of questions; a statement built once also keeps its cache key,
# so SQLAlchemy finds its compiled form at once.
_DAILY = select(func.sum(DailyFact.total), func.sum(DailyFact.count)).where(
    DailyFact.fact == bindparam("fact"),
    DailyFact.day >= bindparam("start"),
    DailyFact.day < bindparam("end"),
)
_FIRST_DAY = (
    select(DailyFact.day)
    .where(DailyFact.fact == bindparam("fact"), DailyFact.count > 0)
    .order_by(DailyFact.day)
    .limit(1)
)
_PAYER_MONTHS = select(func.sum(MonthlyPayers.payers)).where(
    MonthlyPayers.month >= bindparam("start"), MonthlyPayers.month < bindparam("end")
)
_IN_COHORT = and_(
    CustomerRollup.first_day >= bindparam("first_from"),
    CustomerRollup.first_day < bindparam("first_until"),
)
# Those of a completion cohort who completed before an instant, from rollups rather than from
# each of its customers: the completion months before the instant's (UTC) month, plus the
# first completions of that month so far, which `ix_customers_completed` finds among that
# month's completions alone.
_COMPLETED_IN_COHORT = select(
    select(func.sum(CompletionMonth.customers))
    .where(
        CompletionMonth.first_day >= bindparam("first_from"),
        CompletionMonth.first_day < bindparam("first_until"),
        CompletionMonth.completed_month < bindparam("month"),
    )
    .scalar_subquery(),
    select(func.count())
    .where(
        _IN_COHORT,
        CustomerRollup.first_completed_at >= bindparam("month_start"),
        CustomerRollup.first_completed_at < bindparam("before"),
    )
    .scalar_subquery(),
)
_CHURNED = and_(
    CustomerRollup.first_churned_at.is_not(None),
    CustomerRollup.first_churned_at < CustomerRollup.retention_deadline,
    CustomerRollup.first_churned_at < bindparam("before"),
)
_RETENTION_COHORT = select(func.sum(case((_CHURNED, 0), else_=1)), func.count()).where(_IN_COHORT)
_TICKET_ANSWERS = select(
    func.sum(case((Ticket.response_seconds <= bindparam("within_seconds"), 1), else_=0)),
    func.count(),
).where(
    Ticket.at >= bindparam("opened_from"),
    Ticket.at < bindparam("opened_until"),
    Ticket.at <= bindparam("answerable_until"),
)
_DOWNTIME = (
    select(Downtime.at, Downtime.until)
    .where(
        Downtime.at < bindparam("end"),
        or_(Downtime.until.is_(None), Downtime.until > bindparam("start")),
    )
    .order_by(Downtime.at)
)
_LATEST_MEASUREMENT = (
    select(Measurement.value)
    .where(
        Measurement.kpi == bindparam("kpi"),
        Measurement.at >= bindparam("start"),
        Measurement.at < bindparam("end"),
    )
    .order_by(Measurement.at.desc(), Measurement.id.desc())
    .limit(1)
)
_OPEN_TICKETS = select(func.count()).where(
    Ticket.at < bindparam("before"),
    or_(Ticket.first_response_at.is_(None), Ticket.first_response_at >= bindparam("before")),
)
_OPEN_DOWNTIME_SINCE = select(func.min(Downtime.at)).where(
    Downtime.at < bindparam("before"),
    or_(Downtime.until.is_(None), Downtime.until > bindparam("before")),
)
_LAST_MEASUREMENT_AT = select(func.max(Measurement.at)).where(
    Measurement.kpi == bindparam("kpi"), Measurement.at < bindparam("before")
)


def _last_event_statements(
    table: Any,
) -> tuple[Select[date], Select[datetime | None]]:
    """The latest day with an event before a moment, and that day's latest time."""
    # Two index look-ups rather than a scan: walk the `day` index backwards to the latest
    # day with an event before `before` (a day's local date is at most a day off its
    # instant's UTC date, so the day bound is safe), then take that day's latest time.
    latest_day = (
        select(table.day)
        .where(table.day <= bindparam("bound"), table.at < bindparam("before"))
        .order_by(table.day.desc())
        .limit(1)
    )
    latest_time = select(func.max(table.at)).where(
        table.day == bindparam("day"), table.at < bindparam("before")
    )
    return latest_day, latest_time


_LAST_TICKET = select(func.max(Ticket.at)).where(Ticket.at < bindparam("before"))
_LAST_EVENT = {
    feed: _last_event_statements(table)
    for feed, table in _FEED_TABLES.items()
    if feed is not Feed.TICKETS
}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _remembered(
    question: Callable[Concatenate[SqlKpiSource, _P], _R],
) -> Callable[Concatenate[SqlKpiSource, _P], _R]:
    """Answer a question once per source (or per `SourceMemo`): evaluating every KPI asks the
    same sums many times (revenue, its growth and the margin all read the same months of
    payments), and every answer is a function of the data and the question's arguments."""
    name = question.__name__

    def answer(source: SqlKpiSource, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in source.answers:
            source.answers[key] = question(source, *args, **kwargs)
        found: _R = source.answers[key]
        return found

    return answer


class SqlKpiSource:
    """Answers the engine's aggregate questions from rollups and indexed ranges.

    A source reads one snapshot (one read transaction) and remembers its answers in
    `answers`: its own, or a `SourceMemo`'s, kept across snapshots of one data version.
    """

    def __init__(
        self, connection: Connection, answers: dict[tuple[Any, ...], Any] | None = None
    ) -> None:
        self.connection = connection
        self.answers: dict[tuple[Any, ...], Any] = {} if answers is None else answers

    def _tally(self, total: float | None, count: int | None) -> Tally:
        return Tally(float(total or 0), int(count or 0))

    @_remembered
    def daily(self, fact: Fact, start: date, end: date) -> Tally:
        """Sum a daily fact over the local days [start, end)."""
        row = self.connection.execute(
            _DAILY, {"fact": fact.value, "start": start, "end": end}
        ).one()
        return self._tally(*row)

    @_remembered
    def part_of_day(self, fact: Fact, day: date, before: datetime) -> Tally:
        """Sum a daily fact over the events of the local day `day` timed before `before`."""
        # From the events, by the rollup's own definition of the fact: one day's rows through
        # the `day` index, however long the history.
        return part_of_day(self.connection, fact, day, before)

    @_remembered
    def first_day(self, fact: Fact) -> date | None:
        """The first local day with an event counted by a daily fact; None before any."""
        # Walks the (fact, day) primary key in order and stops at the first day that counts
        # something (a filtered fact can keep days of count 0): no scan of the days, let alone
        # of the events.
        return self.connection.scalar(_FIRST_DAY, {"fact": fact.value})

    @_remembered
    def payer_months(self, start: date, end: date) -> int:
        """Sum, over the months starting in [start, end), of distinct paying customers."""
        payers = self.connection.scalar(_PAYER_MONTHS, {"start": start, "end": end})
        return int(payers or 0)

    @_remembered
    def completion_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled in [first_from, first_until) and those who completed."""
        utc = before.astimezone(UTC)
        month_start = datetime(utc.year, utc.month, 1, tzinfo=UTC)
        cohort = {
            "first_from": first_from,
            "first_until": first_until,
            "month": month_start.date(),
            "month_start": month_start,
            "before": before,
        }
        earlier, this_month = self.connection.execute(_COMPLETED_IN_COHORT, cohort).one()
        # The cohort is its first days' new customers.
        size = self.daily(Fact.NEW_CUSTOMERS, first_from, first_until).count
        return self._tally((earlier or 0) + this_month, size)

    @_remembered
    def retention_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled in [first_from, first_until) and those kept six months."""
        cohort = {"first_from": first_from, "first_until": first_until, "before": before}
        return self._tally(*self.connection.execute(_RETENTION_COHORT, cohort).one())

    def ticket_answers(
        self, opened_from: datetime, opened_until: datetime, within: timedelta, as_of: datetime
    ) -> Tally:
        """Tickets opened in [opened_from, opened_until), at least `within` old at `as_of`,
        and those answered in time."""
        # Once every ticket opened before `opened_until` is `within` old, the answer no
        # longer depends on `as_of`: asked as of then, a past period's answer is read once.
        settled = opened_until + within
        return self._ticket_answers(opened_from, opened_until, within, min(as_of, settled))

    @_remembered
    def _ticket_answers(
        self, opened_from: datetime, opened_until: datetime, within: timedelta, as_of: datetime
    ) -> Tally:
        row = self.connection.execute(
            _TICKET_ANSWERS,
            {
                "within_seconds": within.total_seconds(),
                "opened_from": opened_from,
                "opened_until": opened_until,
                "answerable_until": as_of - within,
            },
        ).one()
        return self._tally(*row)

    @_remembered
    def downtime(self, start: datetime, end: datetime) -> timedelta:
        """Merged downtime inside [start, end); an open outage lasts until `end`."""
        # Outages overlapping one period are a handful of rows, unlike events: merging the
        # clipped intervals here is simpler and as fast as doing it in portable SQL.
        intervals = self.connection.execute(_DOWNTIME, {"start": start, "end": end}).all()
        total = timedelta()
        covered_until = start
        for began, ended in intervals:
            began, ended = max(began, covered_until), min(ended or end, end)
            if ended > began:
                total += ended - began
                covered_until = ended
        return total

    @_remembered
    def latest_measurement(self, kpi: str, start: datetime, end: datetime) -> float | None:
        """The latest manual measurement of a KPI taken in [start, end)."""
        return self.connection.scalar(_LATEST_MEASUREMENT, {"kpi": kpi, "start": start, "end": end})

    @_remembered
    def open_tickets(self, before: datetime) -> int:
        """Tickets opened before `before` without a first response by then."""
        return int(self.connection.scalar(_OPEN_TICKETS, {"before": before}) or 0)

    @_remembered
    def open_downtime_since(self, before: datetime) -> datetime | None:
        """The start of the earliest outage begun before `before` and not over by then."""
        return self.connection.scalar(_OPEN_DOWNTIME_SINCE, {"before": before})

    @_remembered
    def last_event(self, feed: Feed, before: datetime) -> datetime | None:
        """The time of the latest event of a feed before `before`."""
        if feed is Feed.TICKETS:
            return self.connection.scalar(_LAST_TICKET, {"before": before})
        latest_day, latest_time = _LAST_EVENT[feed]
        bound = (before + timedelta(days=1)).date()
        day = self.connection.scalar(latest_day, {"bound": bound, "before": before})
        if day is None:
            return None
        return self.connection.scalar(latest_time, {"day": day, "before": before})

    @_remembered
    def last_measurement_at(self, kpi: str, before: datetime) -> datetime | None:
        """The time of the latest manual measurement of a KPI taken before `before`."""
        return self.connection.scalar(_LAST_MEASUREMENT_AT, {"kpi": kpi, "before": before})


# Answers a memo keeps at most; past it, it starts afresh (a day's sweeps ask far fewer).
MEMO_LIMIT = 20_000


class SourceMemo:
    """The source's answers, remembered from one evaluation to the next while the data
    version (`storage.data_version`) stays the same.

    Every answer is a function of the data and the question's arguments alone, so an answer
    to the same question on the same data version is the same; what a repeated evaluation
    asks again (whole periods, the days before today) costs no query. Questions bounded by
    the moment of evaluation change with it, and are asked anew. One per evaluating thread.
    """

    def __init__(self, limit: int = MEMO_LIMIT) -> None:
        self.limit = limit
        self.version: str | None = None
        self.answers: dict[tuple[Any, ...], Any] = {}

    def source(self, connection: Connection) -> SqlKpiSource:
        """A source on `connection` answering from the memo where it can."""
        version = data_version(connection)
        if version is None or version != self.version or len(self.answers) > self.limit:
            # No version yet (no writer has marked one): nothing can be trusted to stay.
            self.answers = {}
            self.version = version
        if version is None:
            return SqlKpiSource(connection)
        return SqlKpiSource(connection, self.answers)
