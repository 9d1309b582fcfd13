"""The engine's read interface (`kpi_engine.source.KpiSource`) over the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, and_, case, func, or_, select

from kpi_engine.source import Fact, Feed, Tally
from storage.data_version import data_version
from storage.rollups import part_of_day
from storage.schema import (
    Base,
    Completion,
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
            select(func.sum(DailyFact.total), func.sum(DailyFact.count)).where(
                DailyFact.fact == fact.value, DailyFact.day >= start, DailyFact.day < end
            )
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
        return self.connection.scalar(
            select(DailyFact.day)
            .where(DailyFact.fact == fact.value, DailyFact.count > 0)
            .order_by(DailyFact.day)
            .limit(1)
        )

    @_remembered
    def payer_months(self, start: date, end: date) -> int:
        """Sum, over the months starting in [start, end), of distinct paying customers."""
        payers = self.connection.scalar(
            select(func.sum(MonthlyPayers.payers)).where(
                MonthlyPayers.month >= start, MonthlyPayers.month < end
            )
        )
        return int(payers or 0)

    @_remembered
    def completion_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled in [first_from, first_until) and those who completed."""
        completed = case((CustomerRollup.first_completed_at < before, 1), else_=0)
        row = self.connection.execute(
            select(func.sum(completed), func.count()).where(
                CustomerRollup.first_day >= first_from, CustomerRollup.first_day < first_until
            )
        ).one()
        return self._tally(*row)

    @_remembered
    def retention_cohort(self, first_from: date, first_until: date, before: datetime) -> Tally:
        """Customers first enrolled in [first_from, first_until) and those kept six months."""
        churned = and_(
            CustomerRollup.first_churned_at.is_not(None),
            CustomerRollup.first_churned_at < CustomerRollup.retention_deadline,
            CustomerRollup.first_churned_at < before,
        )
        row = self.connection.execute(
            select(func.sum(case((churned, 0), else_=1)), func.count()).where(
                CustomerRollup.first_day >= first_from, CustomerRollup.first_day < first_until
            )
        ).one()
        return self._tally(*row)

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
        in_time = case((Ticket.response_seconds <= within.total_seconds(), 1), else_=0)
        row = self.connection.execute(
            select(func.sum(in_time), func.count()).where(
                Ticket.at >= opened_from, Ticket.at < opened_until, Ticket.at <= as_of - within
            )
        ).one()
        return self._tally(*row)

    @_remembered
    def downtime(self, start: datetime, end: datetime) -> timedelta:
        """Merged downtime inside [start, end); an open outage lasts until `end`."""
        # Outages overlapping one period are a handful of rows, unlike events: merging the
        # clipped intervals here is simpler and as fast as doing it in portable SQL.
        intervals = self.connection.execute(
            select(Downtime.at, Downtime.until)
            .where(Downtime.at < end, or_(Downtime.until.is_(None), Downtime.until > start))
            .order_by(Downtime.at)
        ).all()
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
        return self.connection.scalar(
            select(Measurement.value)
            .where(Measurement.kpi == kpi, Measurement.at >= start, Measurement.at < end)
            .order_by(Measurement.at.desc(), Measurement.id.desc())
            .limit(1)
        )

    @_remembered
    def open_tickets(self, before: datetime) -> int:
        """Tickets opened before `before` without a first response by then."""
        unanswered = or_(Ticket.first_response_at.is_(None), Ticket.first_response_at >= before)
        count = self.connection.scalar(select(func.count()).where(Ticket.at < before, unanswered))
        return int(count or 0)

    @_remembered
    def open_downtime_since(self, before: datetime) -> datetime | None:
        """The start of the earliest outage begun before `before` and not over by then."""
        return self.connection.scalar(
            select(func.min(Downtime.at)).where(
                Downtime.at < before, or_(Downtime.until.is_(None), Downtime.until > before)
            )
        )

    @_remembered
    def last_event(self, feed: Feed, before: datetime) -> datetime | None:
        """The time of the latest event of a feed before `before`."""
        table: Any = _FEED_TABLES[feed]
        if feed is Feed.TICKETS:
            return self.connection.scalar(select(func.max(table.at)).where(table.at < before))
        # Two index look-ups rather than a scan: walk the `day` index backwards to the latest
        # day with an event before `before` (a day's local date is at most a day off its
        # instant's UTC date, so the day bound is safe), then take that day's latest time.
        bound = (before + timedelta(days=1)).date()
        day = self.connection.scalar(
            select(table.day)
            .where(table.day <= bound, table.at < before)
            .order_by(table.day.desc())
            .limit(1)
        )
        if day is None:
            return None
        return self.connection.scalar(
            select(func.max(table.at)).where(table.day == day, table.at < before)
        )

    @_remembered
    def last_measurement_at(self, kpi: str, before: datetime) -> datetime | None:
        """The time of the latest manual measurement of a KPI taken before `before`."""
        return self.connection.scalar(
            select(func.max(Measurement.at)).where(Measurement.kpi == kpi, Measurement.at < before)
        )


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
