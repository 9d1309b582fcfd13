"""Rollups kept up to date at import, so period aggregates never scan the whole history.

After an import writes its rows, `refresh` rebuilds, inside the same transaction, the
`daily_facts` of the days it touched, the `customers` rows of the customers it touched
(and the new-customer facts and `completion_months` of their old and new first days) and
`monthly_payers`.
`rebuild_rollups` recomputes all of them from the events, as a repair. `part_of_day` counts
a daily fact over the rows of a day so far, by the same definition as its rollup rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)

from kpi_engine.retention import retention_deadline
from kpi_engine.source import Fact, Tally
from storage.data_version import mark_data_changed
from storage.schema import (
    EVENT_MODELS,
    Churn,
    Completion,
    CompletionMonth,
    Cost,
    CustomerRollup,
    DailyFact,
    Enrollment,
    EventType,
    MonthlyPayers,
    Payment,
    Refund,
    Survey,
    UtcMonthStart,
    driver_insert,
    upsert,
)


@dataclass
class Touched:
    """What an import changed, so only those rollups are rebuilt."""

    days: dict[EventType, tuple[date, date]] = field(default_factory=dict)
    # Customers whose enrollments changed: their whole rollup row is rebuilt.
    customers: set[str] = field(default_factory=set)
    # Customers whose completions, or churns, changed: only that date is looked up again.
    completions: set[str] = field(default_factory=set)
    churns: set[str] = field(default_factory=set)

    def add_day(self, event_type: EventType, day: date) -> None:
        """Widen the touched day range of a type to include a day."""
        low, high = self.days.get(event_type, (day, day))
        self.days[event_type] = (min(low, day), max(high, day))

    def take_settled(self, batch: Touched) -> Touched:
        """Take out what the batches after this one will probably not touch again; add this
        batch's touches to what stays.

        Imports usually come in time order, so the days before the month a batch starts in
        are settled, and so are the customers this batch no longer touches. Rebuilding
        them while the import goes on is safe: whatever a later batch touches again is
        pending again and rebuilt after it.
        """
        settled = Touched()
        starts = [low for low, _ in batch.days.values()]
        if starts:
            cut = min(starts).replace(day=1)
            for event_type, (low, high) in list(self.days.items()):
                if low >= cut:
                    continue
                settled.days[event_type] = (low, min(high, cut - timedelta(days=1)))
                if high >= cut:
                    self.days[event_type] = (cut, high)
                else:
                    del self.days[event_type]
        # What stays pending of a customer set is what this batch touched again.
        settled.customers, self.customers = self.customers - batch.customers, batch.customers
        settled.completions, self.completions = (
            self.completions - batch.completions,
            batch.completions,
        )
        settled.churns, self.churns = self.churns - batch.churns, batch.churns
        for event_type, (low, high) in batch.days.items():
            self.add_day(event_type, low)
            self.add_day(event_type, high)
        return settled


def _one(value: Any) -> Any:
    return literal(value) if isinstance(value, int) else value


@dataclass(frozen=True)
class _DailyFact:
    """How a fact's daily total and count come from the rows of one table: sums over the
    rows of a day, those matching `where` if it is given (a day none match has no row)."""

    fact: Fact
    total: Any
    count: Any = 1
    where: Any = None

    def sums(self) -> list[Any]:
        """The aggregate columns of this fact: total, count and, filtered, how many match."""
        if self.where is None:
            return [func.sum(_one(self.total)), func.sum(_one(self.count))]
        return [
            func.sum(case((self.where, _one(self.total)))),
            func.sum(case((self.where, _one(self.count)))),
            func.count(case((self.where, literal(1)))),
        ]


def _daily_facts(event_type: EventType) -> list[_DailyFact]:
    """The facts fed by an event type."""
    flag = case((Survey.ai_adoption.is_(True), 1), else_=0)
    net = case((Survey.nps >= 9, 1), (Survey.nps <= 6, -1), else_=0)
    return {
        EventType.PAYMENT: [
            _DailyFact(Fact.REVENUE, Payment.amount),
            _DailyFact(Fact.REVENUE_RECURRING, Payment.amount, where=Payment.recurring),
        ],
        EventType.REFUND: [_DailyFact(Fact.REFUNDS, Refund.amount)],
        EventType.COST: [
            _DailyFact(Fact.COST_MARKETING, Cost.amount, where=Cost.category == "marketing"),
            _DailyFact(Fact.COST_VARIABLE, Cost.amount, where=Cost.category == "variable"),
            _DailyFact(Fact.COST_FIXED, Cost.amount, where=Cost.category == "fixed"),
        ],
        EventType.ENROLLMENT: [_DailyFact(Fact.ENROLLMENTS, 1)],
        EventType.COMPLETION: [_DailyFact(Fact.COMPLETIONS, 1)],
        EventType.CHURN: [_DailyFact(Fact.CHURNS, 1)],
        EventType.SURVEY: [
            _DailyFact(Fact.NPS, net, where=Survey.nps.is_not(None)),
            _DailyFact(Fact.CSAT, Survey.csat, where=Survey.csat.is_not(None)),
            _DailyFact(Fact.AI_ADOPTION, flag, where=Survey.ai_adoption.is_not(None)),
        ],
        EventType.RELEASE: [_DailyFact(Fact.RELEASES, 1)],
    }.get(event_type, [])


def _new_customer_facts() -> list[_DailyFact]:
    referral = case((CustomerRollup.first_channel == "referral", 1), else_=0)
    return [
        _DailyFact(Fact.NEW_CUSTOMERS, 1),
        _DailyFact(Fact.NEW_REFERRALS, referral, referral),
    ]


@cache  # expressions are immutable: built once, and SQLAlchemy's statement cache then hits
def _definition(fact: Fact) -> tuple[_DailyFact, Any, Any]:
    """A fact's definition, with the local-day and time columns of the rows it sums."""
    for event_type in EventType:
        model: Any = EVENT_MODELS[event_type.value]
        for daily in _daily_facts(event_type):
            if daily.fact is fact:
                return daily, model.day, model.at
    for daily in _new_customer_facts():
        if daily.fact is fact:
            return daily, CustomerRollup.first_day, CustomerRollup.first_enrolled_at
    raise ValueError(f"no rollup defines the fact {fact}")


def part_of_day(connection: Connection, fact: Fact, day: date, before: datetime) -> Tally:
    """Sum a fact over the rows of one local day timed before an instant.

    The same sums as the day's `daily_facts` row, over the rows so far: that row is for
    whole days, this is for the day in progress at an as-of moment inside it.
    """
    total, count, *_ = connection.execute(
        _part_of_day_statement(fact), {"day": day, "before": before}
    ).one()
    return Tally(float(total or 0), int(count or 0))


@cache  # built once per fact: building a select costs more than running this one
def _part_of_day_statement(fact: Fact) -> Select[Any]:
    daily, day_column, at_column = _definition(fact)
    return select(*daily.sums()).where(
        day_column == bindparam("day"), at_column < bindparam("before")
    )


def _rebuild_facts(
    connection: Connection,
    facts: list[_DailyFact],
    day_column: Any,
    low: date,
    high: date,
) -> None:
    """Recompute some facts over a range of days, reading the table once for all."""
    if not facts:
        return
    connection.execute(
        delete(DailyFact).where(
            DailyFact.fact.in_([daily.fact for daily in facts]), DailyFact.day.between(low, high)
        )
    )
    query = (
        select(day_column, *(column for daily in facts for column in daily.sums()))
        .where(day_column.between(low, high))
        .group_by(day_column)
    )
    rows: list[dict[str, Any]] = []
    for day, *sums in connection.execute(query):
        values = iter(sums)
        for daily in facts:
            total, count = next(values), next(values)
            if daily.where is not None and not next(values):  # no row matched that day
                continue
            rows.append(
                {"fact": daily.fact.value, "day": day, "total": float(total), "count": int(count)}
            )
    if rows:
        connection.execute(insert(DailyFact), rows)


def _first_since(model: Any, customer: Any, enrolled: Any) -> Any:
    """Correlated subquery: a customer's first completion (or churn) since enrolling."""
    return (
        select(func.min(model.at))
        .where(model.customer == customer, model.at >= enrolled)
        .scalar_subquery()
    )


# The customers a refresh works on, in a temporary table: the statements below then
# take them by a subquery, however many there are, instead of as thousands of parameters.
_CUSTOMERS = Table(
    "kpibot_refresh_customers",
    MetaData(),
    Column("customer", String(200), primary_key=True),
    prefixes=["TEMPORARY"],
    # One B-tree, the key's, rather than a table and an index on it to fill.
    sqlite_with_rowid=False,
)
_IN_REFRESH = select(_CUSTOMERS.c.customer)


@contextmanager
def _customers_in_refresh(connection: Connection, customers: set[str]) -> Iterator[None]:
    """Hold some customers in the refresh table while the block runs.

    Should the block fail, the import's transaction rolls back, and these rows with it.
    """
    _CUSTOMERS.create(connection, checkfirst=True)
    connection.exec_driver_sql(
        driver_insert(_CUSTOMERS, connection.dialect),
        [(customer,) for customer in sorted(customers)],
    )
    yield
    connection.execute(delete(_CUSTOMERS))


def _rebuild_customers(connection: Connection) -> tuple[date, date] | None:
    """Recompute the customers rollup of the customers in refresh; return the first days
    it moved."""
    earliest = select(Enrollment).alias("earliest")
    first_id = (
        select(earliest.c.id)
        .where(earliest.c.customer == Enrollment.customer)
        .order_by(earliest.c.at, earliest.c.id)
        .limit(1)
        .scalar_subquery()
    )
    completed = _first_since(Completion, Enrollment.customer, Enrollment.at)
    churned = _first_since(Churn, Enrollment.customer, Enrollment.at)
    in_refresh = CustomerRollup.customer.in_(_IN_REFRESH)
    first_days = select(func.min(CustomerRollup.first_day), func.max(CustomerRollup.first_day))
    before = connection.execute(first_days.where(in_refresh)).one()
    connection.execute(delete(CustomerRollup).where(in_refresh))
    connection.execute(
        insert(CustomerRollup).from_select(
            [
                "customer",
                "first_enrolled_at",
                "first_day",
                "first_channel",
                "first_completed_at",
                "first_churned_at",
                "retention_deadline",
            ],
            select(
                Enrollment.customer,
                Enrollment.at,
                Enrollment.day,
                Enrollment.channel,
                completed,
                churned,
                Enrollment.retention_deadline,
            ).where(Enrollment.customer.in_(_IN_REFRESH), Enrollment.id == first_id),
        )
    )
    after = connection.execute(first_days.where(in_refresh)).one()
    moved = [day for day in (*before, *after) if day is not None]
    return (min(moved), max(moved)) if moved else None


def _refresh_first(connection: Connection, model: Any, column: Any) -> None:
    """Look up again the first completion (or churn) of the customers in refresh."""
    first = _first_since(model, CustomerRollup.customer, CustomerRollup.first_enrolled_at)
    connection.execute(
        update(CustomerRollup)
        .where(CustomerRollup.customer.in_(_IN_REFRESH))
        .values({column: first})
    )


def _completion_months_of(customers: Any) -> Select[date, date, int]:
    """Completion months (first day, month, customers) counted over the customers matching
    a condition."""
    month = UtcMonthStart(CustomerRollup.first_completed_at)
    return (
        select(CustomerRollup.first_day, month, func.count())
        .where(customers, CustomerRollup.first_completed_at.is_not(None))
        .group_by(CustomerRollup.first_day, month)
    )


def _rebuild_completion_months(connection: Connection, low: date, high: date) -> None:
    """Recompute the completion months of the first days [low, high]."""
    connection.execute(delete(CompletionMonth).where(CompletionMonth.first_day.between(low, high)))
    connection.execute(
        insert(CompletionMonth).from_select(
            ["first_day", "completed_month", "customers"],
            _completion_months_of(CustomerRollup.first_day.between(low, high)),
        )
    )


_REFRESH_COMPLETION_MONTHS = _completion_months_of(CustomerRollup.customer.in_(_IN_REFRESH))


def _refresh_completion_months(connection: Connection) -> Counter[tuple[date, date]]:
    """How many of the customers in refresh count in each completion month."""
    return Counter(
        {
            (day, month): customers
            for day, month, customers in connection.execute(_REFRESH_COMPLETION_MONTHS)
        }
    )


def _move_completion_months(
    connection: Connection, before: Counter[tuple[date, date]], after: Counter[tuple[date, date]]
) -> None:
    """Move the customers in refresh from the completion months they counted in `before` to
    those of `after`.

    Their first days stay: only they move, so adding the difference costs what they are,
    where recomputing their first days would count every customer first enrolled then.
    """
    change = after.copy()
    change.subtract(before)
    moves = [
        {"first_day": day, "completed_month": month, "customers": customers}
        for (day, month), customers in change.items()
        if customers
    ]
    if not moves:
        return
    added = upsert(connection, CompletionMonth)
    connection.execute(
        added.on_conflict_do_update(
            index_elements=["first_day", "completed_month"],
            set_={"customers": CompletionMonth.customers + added.excluded.customers},
        ),
        moves,
    )
    connection.execute(delete(CompletionMonth).where(CompletionMonth.customers == 0))


def _month_starts(low: date, high: date) -> Iterator[date]:
    month = low.replace(day=1)
    while month <= high:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _rebuild_monthly_payers(connection: Connection, low: date, high: date) -> None:
    for month in _month_starts(low, high):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        connection.execute(delete(MonthlyPayers).where(MonthlyPayers.month == month))
        payers = connection.scalar(
            select(func.count(func.distinct(Payment.customer))).where(
                Payment.day >= month, Payment.day < following
            )
        )
        if payers:
            connection.execute(insert(MonthlyPayers).values(month=month, payers=payers))


def refresh(connection: Connection, touched: Touched) -> None:
    """Rebuild every rollup an import's changes can have moved."""
    for event_type, (low, high) in touched.days.items():
        model = EVENT_MODELS[event_type.value]
        _rebuild_facts(connection, _daily_facts(event_type), model.day, low, high)  # type: ignore[attr-defined]
        if event_type is EventType.PAYMENT:
            _rebuild_monthly_payers(connection, low, high)
    # A rebuilt customer's row has both dates already.
    if touched.completions - touched.customers:
        with _customers_in_refresh(connection, touched.completions - touched.customers):
            before = _refresh_completion_months(connection)
            _refresh_first(connection, Completion, CustomerRollup.first_completed_at)
            _move_completion_months(connection, before, _refresh_completion_months(connection))
    if touched.churns - touched.customers:
        with _customers_in_refresh(connection, touched.churns - touched.customers):
            _refresh_first(connection, Churn, CustomerRollup.first_churned_at)
    if touched.customers:
        with _customers_in_refresh(connection, touched.customers):
            moved = _rebuild_customers(connection)
        if moved is not None:
            low, high = moved
            _rebuild_facts(connection, _new_customer_facts(), CustomerRollup.first_day, low, high)
            _rebuild_completion_months(connection, low, high)


ROLLUP_TABLES: dict[str, Any] = {
    "daily_facts": DailyFact.__table__,
    "customers": CustomerRollup.__table__,
    "completion_months": CompletionMonth.__table__,
    "monthly_payers": MonthlyPayers.__table__,
}


def _rebuild_all(connection: Connection, touched: Touched) -> None:
    """Empty every rollup and compute it again: over the days given, and every customer."""
    for table in ROLLUP_TABLES.values():
        connection.execute(delete(table))
    touched.customers = set(connection.scalars(select(Enrollment.customer).distinct()))
    refresh(connection, touched)


@dataclass(frozen=True)
class RebuiltRollup:
    """One rollup table after `rebuild_rollups`: the rows it holds, and how many of them
    were missing, different or superfluous before."""

    table: str
    rows: int
    differed: int


def _rollup_rows(connection: Connection, table: Any) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    key = [column.name for column in table.primary_key.columns]
    return {
        tuple(row._mapping[name] for name in key): tuple(row)
        for row in connection.execute(table.select())
    }


def rebuild_rollups(connection: Connection) -> list[RebuiltRollup]:
    """Recompute every rollup from the events, inside the caller's transaction.

    The repair for rollups that went wrong; an import keeps them right on its own.
    """
    before = {name: _rollup_rows(connection, table) for name, table in ROLLUP_TABLES.items()}
    touched = Touched()
    for name, model in EVENT_MODELS.items():
        day: Any = model.day  # type: ignore[attr-defined]
        low, high = connection.execute(select(func.min(day), func.max(day))).one()
        if low is not None:
            touched.add_day(EventType(name), low)
            touched.add_day(EventType(name), high)
    _rebuild_all(connection, touched)
    rebuilt = []
    for name, table in ROLLUP_TABLES.items():
        after = _rollup_rows(connection, table)
        old = before[name]
        differed = sum(1 for key in old.keys() | after.keys() if old.get(key) != after.get(key))
        rebuilt.append(RebuiltRollup(name, len(after), differed))
    mark_data_changed(connection)  # what the rollups answer may have changed
    return rebuilt


@dataclass(frozen=True)
class RecomputedDays:
    """What `rebuild_local_days` did: the events it recomputed, and how many of them it
    changed (their local day, or an enrollment's retention deadline)."""

    events: int
    changed: int


def rebuild_local_days(connection: Connection, zone: ZoneInfo) -> RecomputedDays:
    """Recompute every local `day` (and retention deadline) for a new time zone, then every
    rollup, inside the caller's transaction."""
    touched = Touched()
    events = changed = 0
    for name, model in EVENT_MODELS.items():
        table: Any = model.__table__
        enrollments = model is Enrollment
        columns = [table.c.id, table.c.at, table.c.day]
        if enrollments:
            columns.append(table.c.retention_deadline)
        values: dict[str, Any] = {"day": bindparam("new_day")}
        if enrollments:
            values["retention_deadline"] = bindparam("new_deadline")
        last = ""
        while True:
            rows = connection.execute(
                select(*columns).where(table.c.id > last).order_by(table.c.id).limit(5_000)
            ).all()
            if not rows:
                break
            updates: list[dict[str, Any]] = []
            for row in rows:
                item = {"key": row.id, "new_day": row.at.astimezone(zone).date()}
                touched.add_day(EventType(name), item["new_day"])
                same = item["new_day"] == row.day
                if enrollments:
                    item["new_deadline"] = retention_deadline(row.at, zone)
                    same = same and item["new_deadline"] == row.retention_deadline
                # Only the rows that move are written: most of a day stays on its day.
                if not same:
                    updates.append(item)
            if updates:
                connection.execute(
                    update(table).where(table.c.id == bindparam("key")).values(values), updates
                )
            events += len(rows)
            changed += len(updates)
            last = rows[-1].id
    _rebuild_all(connection, touched)
    mark_data_changed(connection)  # every local day may have moved
    return RecomputedDays(events=events, changed=changed)
