"""The rollups an import keeps up to date: customers, daily facts, completion months and
monthly payers."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from storage.db import Database
from storage.imports.ingest import import_rows
from storage.imports.prepare import BATCH
from storage.imports.readers import RawRow
from storage.rollups import rebuild_local_days, rebuild_rollups
from storage.schema import CompletionMonth, CustomerRollup, DailyFact, MonthlyPayers
from tests.authors import TEST_AUTHOR

TOKYO = ZoneInfo("Asia/Tokyo")


def store(database: Database, *rows: dict[str, Any]) -> None:
    result = import_rows(
        database, [RawRow(line, row) for line, row in enumerate(rows, start=2)], author=TEST_AUTHOR
    )
    assert result.stored, [str(problem) for problem in result.problems]


def enrollment(key: str, at: str, customer: str, channel: str = "ads") -> dict[str, Any]:
    return {"type": "enrollment", "id": key, "at": at, "customer": customer, "channel": channel}


def event(kind: str, key: str, at: str, customer: str) -> dict[str, Any]:
    return {"type": kind, "id": key, "at": at, "customer": customer}


def payment(
    key: str, at: str, customer: str, amount: int, recurring: bool = True
) -> dict[str, Any]:
    return {
        "type": "payment",
        "id": key,
        "at": at,
        "customer": customer,
        "amount": amount,
        "recurring": recurring,
    }


def facts(database: Database, fact: str) -> dict[date, tuple[float, int]]:
    """A fact's (total, count) per local day."""
    with database.read() as connection:
        rows = connection.execute(
            select(DailyFact.day, DailyFact.total, DailyFact.count).where(DailyFact.fact == fact)
        ).all()
    return {day: (total, count) for day, total, count in rows}


def customers(database: Database) -> dict[str, CustomerRollup]:
    with database.sessions() as session:
        return {row.customer: row for row in session.scalars(select(CustomerRollup))}


def completion_months(database: Database) -> dict[tuple[date, date], int]:
    """Customers per (first day, UTC month of first completion)."""
    with database.read() as connection:
        rows = connection.execute(select(CompletionMonth)).all()
    return {(row.first_day, row.completed_month): row.customers for row in rows}


def payers(database: Database) -> dict[date, int]:
    with database.read() as connection:
        rows = connection.execute(select(MonthlyPayers.month, MonthlyPayers.payers)).all()
    return {month: count for month, count in rows}


def tokyo(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TOKYO).astimezone(UTC)


def test_a_customer_is_first_enrolled_then_completes_and_churns_after_it(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e2", "2026-09-10 09:00", "c1", "referral"),
        enrollment("e1", "2026-08-31 10:00", "c1", "ADS"),
        event("completion", "k0", "2026-08-01", "c1"),
        event("completion", "k2", "2026-11-01", "c1"),
        event("completion", "k1", "2026-10-01", "c1"),
        event("churn", "x1", "2027-01-15 12:00", "c1"),
    )
    (rollup,) = customers(database).values()
    assert rollup.customer == "c1"
    assert rollup.first_enrolled_at == tokyo(2026, 8, 31, 10)
    assert rollup.first_day == date(2026, 8, 31)
    assert rollup.first_channel == "ads"
    assert rollup.first_completed_at == tokyo(2026, 10, 1)
    assert rollup.first_churned_at == tokyo(2027, 1, 15, 12)
    assert rollup.retention_deadline == tokyo(2027, 2, 28, 10)


def test_a_completion_imported_later_reaches_the_customer(database: Database) -> None:
    store(database, enrollment("e1", "2026-09-01", "c1"))
    assert customers(database)["c1"].first_completed_at is None
    store(database, event("completion", "k1", "2026-10-01 12:00", "c1"))
    assert customers(database)["c1"].first_completed_at == tokyo(2026, 10, 1, 12)


def test_completion_months_count_first_completions_by_first_day_and_utc_month(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e1", "2026-09-01 10:00", "c1"),
        enrollment("e2", "2026-09-01 11:00", "c2"),
        enrollment("e3", "2026-09-02", "c3"),
        enrollment("e4", "2026-09-03", "c4"),
        event("completion", "k1", "2026-11-01 08:59", "c1"),  # 23:59 on October 31 in UTC
        event("completion", "k2", "2026-11-01 09:00", "c2"),  # November's first second in UTC
        event("completion", "k3", "2026-12-05", "c2"),  # not c2's first
        event("completion", "k4", "2026-08-01", "c3"),  # before c3 enrolled: none
    )
    assert completion_months(database) == {
        (date(2026, 9, 1), date(2026, 10, 1)): 1,
        (date(2026, 9, 1), date(2026, 11, 1)): 1,
    }


def test_completions_and_enrollments_imported_later_move_the_completion_months(
    database: Database,
) -> None:
    store(
        database,
        enrollment("e1", "2026-09-01", "c1"),
        enrollment("e2", "2026-09-01", "c2"),
        event("completion", "k1", "2026-12-01 12:00", "c1"),
    )
    assert completion_months(database) == {(date(2026, 9, 1), date(2026, 12, 1)): 1}

    # Completions alone, of customers the import does not enroll.
    store(database, event("completion", "k0", "2026-10-15", "c1"))
    store(database, event("completion", "k2", "2026-10-20", "c2"))
    assert completion_months(database) == {(date(2026, 9, 1), date(2026, 10, 1)): 2}

    # An earlier first enrollment takes c2's completion month to its new first day.
    store(database, enrollment("e0", "2026-08-20", "c2"))
    assert completion_months(database) == {
        (date(2026, 8, 20), date(2026, 10, 1)): 1,
        (date(2026, 9, 1), date(2026, 10, 1)): 1,
    }


def test_an_earlier_enrollment_imported_later_moves_the_customers_first_day(
    database: Database,
) -> None:
    store(database, enrollment("e1", "2026-09-10", "c1", "ads"))
    assert facts(database, "new_customers") == {date(2026, 9, 10): (1, 1)}

    store(database, enrollment("e0", "2026-09-01", "c1", "referral"))

    assert customers(database)["c1"].first_day == date(2026, 9, 1)
    assert facts(database, "new_customers") == {date(2026, 9, 1): (1, 1)}
    assert facts(database, "new_referrals") == {date(2026, 9, 1): (1, 1)}
    assert facts(database, "enrollments") == {
        date(2026, 9, 1): (1, 1),
        date(2026, 9, 10): (1, 1),
    }


def test_a_customer_counts_as_new_once_however_often_they_enroll(database: Database) -> None:
    store(
        database,
        enrollment("e1", "2026-09-01 10:00", "c1"),
        enrollment("e2", "2026-09-01 11:00", "c1"),
        enrollment("e3", "2026-09-01 12:00", "c2", "referral"),
        enrollment("e4", "2026-09-02", "c2"),
    )
    assert facts(database, "new_customers") == {date(2026, 9, 1): (2, 2)}
    assert facts(database, "new_referrals") == {date(2026, 9, 1): (1, 1)}
    assert facts(database, "enrollments") == {
        date(2026, 9, 1): (3, 3),
        date(2026, 9, 2): (1, 1),
    }


def test_an_enrollment_given_to_another_customer_moves_the_rollup(database: Database) -> None:
    store(database, enrollment("e1", "2026-09-01", "c1"))
    store(database, enrollment("e1", "2026-09-01", "c2"))
    assert list(customers(database)) == ["c2"]
    assert facts(database, "new_customers") == {date(2026, 9, 1): (1, 1)}


def test_a_changed_amount_changes_the_days_revenue(database: Database) -> None:
    store(database, payment("p1", "2026-10-15", "c1", 1000), payment("p2", "2026-10-15", "c2", 1))
    store(database, payment("p1", "2026-10-15", "c1", 2500))
    assert facts(database, "revenue") == {date(2026, 10, 15): (2501, 2)}


def test_a_payment_moved_to_another_day_takes_its_revenue_and_payer_month_along(
    database: Database,
) -> None:
    store(
        database,
        payment("p1", "2026-10-31 23:00", "c1", 1000),
        payment("p2", "2026-10-15", "c2", 500),
    )
    assert facts(database, "revenue") == {
        date(2026, 10, 15): (500, 1),
        date(2026, 10, 31): (1000, 1),
    }
    assert payers(database) == {date(2026, 10, 1): 2}

    store(database, payment("p1", "2026-11-01 00:30", "c1", 1000))

    assert facts(database, "revenue") == {
        date(2026, 10, 15): (500, 1),
        date(2026, 11, 1): (1000, 1),
    }
    assert payers(database) == {date(2026, 10, 1): 1, date(2026, 11, 1): 1}


def test_recurring_revenue_counts_only_recurring_payments(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-10-01", "c1", 29_800, recurring=False),
        payment("p2", "2026-10-01", "c1", 4_380),
        payment("p3", "2026-10-01", "c2", 4_380),
    )
    assert facts(database, "revenue") == {date(2026, 10, 1): (38_560, 3)}
    assert facts(database, "revenue_recurring") == {date(2026, 10, 1): (8_760, 2)}


def test_monthly_payers_counts_each_paying_customer_once_a_month(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-10-01", "c1", 1),
        payment("p2", "2026-10-20", "c1", 1),
        payment("p3", "2026-10-31 23:59", "c2", 1),
        payment("p4", "2026-12-01", "c1", 1),
    )
    assert payers(database) == {date(2026, 10, 1): 2, date(2026, 12, 1): 1}


def test_costs_are_summed_per_category(database: Database) -> None:
    def cost(key: str, amount: int, category: str) -> dict[str, Any]:
        return {
            "type": "cost",
            "id": key,
            "at": "2026-10-01",
            "amount": amount,
            "category": category,
        }

    store(
        database,
        cost("o1", 10_000, "marketing"),
        cost("o2", 5_000, "marketing"),
        cost("o3", 700, "variable"),
        cost("o4", 90_000, "fixed"),
    )
    day = date(2026, 10, 1)
    assert facts(database, "cost_marketing") == {day: (15_000, 2)}
    assert facts(database, "cost_variable") == {day: (700, 1)}
    assert facts(database, "cost_fixed") == {day: (90_000, 1)}


def test_completions_churns_and_releases_are_counted_per_day(database: Database) -> None:
    store(
        database,
        event("completion", "k1", "2026-10-01", "c1"),
        event("completion", "k2", "2026-10-01", "c2"),
        event("churn", "x1", "2026-10-02", "c1"),
        {"type": "release", "id": "r1", "at": "2026-10-03", "title": "v1"},
    )
    assert facts(database, "completions") == {date(2026, 10, 1): (2, 2)}
    assert facts(database, "churns") == {date(2026, 10, 2): (1, 1)}
    assert facts(database, "releases") == {date(2026, 10, 3): (1, 1)}


def test_each_survey_answer_feeds_only_its_own_fact(database: Database) -> None:
    def survey(key: str, **answers: Any) -> dict[str, Any]:
        return {**event("survey", key, "2026-10-01", "c1"), **answers}

    store(database, survey("s1", nps=10), survey("s2", csat=3), survey("s3", ai_adoption="no"))
    day = date(2026, 10, 1)
    assert facts(database, "nps") == {day: (1, 1)}
    assert facts(database, "csat") == {day: (3, 1)}
    assert facts(database, "ai_adoption") == {day: (0, 1)}


def rollup_tables(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, Any] = {
        "facts": DailyFact.__table__,
        "customers": CustomerRollup.__table__,
        "completions": CompletionMonth.__table__,
        "payers": MonthlyPayers.__table__,
    }
    with database.read() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(select(table)))
            for name, table in tables.items()
        }


def generated_events(seed: int, count: int) -> list[dict[str, Any]]:
    """Events of every customer-related type over a year, in a seeded random order."""
    chooser = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n in range(count):
        day = date(2026, 1, 1) + timedelta(days=chooser.randrange(330))
        at = f"{day.isoformat()} {chooser.randrange(24):02d}:{chooser.randrange(60):02d}"
        customer = f"c{chooser.randrange(count // 4 + 1)}"
        kind = chooser.choice(["enrollment", "completion", "churn", "payment", "payment"])
        if kind == "payment":
            rows.append(payment(f"p{n}", at, customer, chooser.randrange(1, 9000)))
        elif kind == "enrollment":
            rows.append(enrollment(f"e{n}", at, customer, chooser.choice(["ads", "referral"])))
        else:
            rows.append(event(kind, f"{kind[:2]}{n}", at, customer))
    return rows


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=10**6))
def test_after_any_imports_the_rollups_equal_a_full_recompute(
    database: Database, seed: int
) -> None:
    events = generated_events(seed, BATCH + 700)
    chooser = random.Random(seed)
    for start in range(0, len(events), 2_000):
        # Some rows again, some of them changed, so updates move rollups too.
        again = [dict(row) for row in chooser.sample(events[:start], min(start, 50))]
        for row in again[::2]:
            row["at"] = f"2026-12-{chooser.randrange(1, 28):02d} 12:00"
        store(database, *again, *events[start : start + 2_000])
    kept = rollup_tables(database)
    with database.write() as connection:
        rebuild_local_days(connection, database.zone)
    assert rollup_tables(database) == kept


def test_rebuilding_the_rollups_gives_what_the_imports_kept_up(database: Database) -> None:
    events = generated_events(7, 1_500)
    for start in range(0, len(events), 500):
        store(database, *events[start : start + 500])
    kept = rollup_tables(database)

    with database.write() as connection:
        rebuilt = rebuild_rollups(connection)

    assert rollup_tables(database) == kept
    assert [(table.table, table.rows, table.differed) for table in rebuilt] == [
        ("daily_facts", len(kept["facts"]), 0),
        ("customers", len(kept["customers"]), 0),
        ("completion_months", len(kept["completions"]), 0),
        ("monthly_payers", len(kept["payers"]), 0),
    ]


def test_rebuilding_the_rollups_repairs_damaged_ones(database: Database) -> None:
    store(
        database,
        enrollment("e1", "2026-09-01", "c1", "referral"),
        event("completion", "k1", "2026-10-01", "c1"),
        payment("p1", "2026-10-02", "c1", 4380),
    )
    kept = rollup_tables(database)
    with database.write() as connection:
        connection.execute(update(CustomerRollup).values(first_completed_at=None))
        connection.execute(delete(CompletionMonth))
        connection.execute(delete(DailyFact).where(DailyFact.fact == "new_customers"))
        connection.execute(insert(MonthlyPayers).values(month=date(2026, 12, 1), payers=9))

    with database.write() as connection:
        rebuilt = rebuild_rollups(connection)

    assert rollup_tables(database) == kept
    assert {table.table: table.differed for table in rebuilt} == {
        "daily_facts": 1,
        "customers": 1,
        "completion_months": 1,
        "monthly_payers": 1,
    }
