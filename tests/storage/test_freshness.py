"""Stale data: the latest event of each KPI's feeds, read from the database, against its cycle."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.freshness import ALLOWED_AGE, freshness
from kpi_engine.source import Feed
from storage.db import Database
from storage.source import SqlKpiSource
from tests.kpi_engine.events import (
    CATALOG,
    TOKYO,
    clear,
    cost,
    examples,
    measurement,
    payment,
    store,
    survey,
    ticket,
)

AS_OF = datetime(2026, 11, 23, tzinfo=TOKYO)


def stamp(moment: datetime) -> str:
    return moment.isoformat()


def stale_ids(database: Database, as_of: datetime = AS_OF) -> set[str]:
    with database.read() as connection:
        return {f.kpi.id for f in freshness(CATALOG, SqlKpiSource(connection), as_of) if f.stale}


def test_the_latest_event_before_a_moment_is_read_per_feed(database: Database) -> None:
    store(
        database,
        payment("p1", "2026-11-20T10:00:00+09:00", 1000),
        payment("p2", "2026-11-22T23:59:59+09:00", 1000),
        payment("p3", "2026-11-23T00:00:00+09:00", 1000),  # at the moment: not before it
        ticket("t1", "2026-11-21T08:00:00+09:00"),
    )
    with database.read() as connection:
        source = SqlKpiSource(connection)
        assert source.last_event(Feed.PAYMENTS, AS_OF) == datetime.fromisoformat(
            "2026-11-22T23:59:59+09:00"
        )
        assert source.last_event(Feed.TICKETS, AS_OF) == datetime.fromisoformat(
            "2026-11-21T08:00:00+09:00"
        )
        assert source.last_event(Feed.SURVEYS, AS_OF) is None


def test_without_any_data_every_kpi_but_uptime_is_stale(database: Database) -> None:
    assert stale_ids(database) == {kpi.id for kpi in CATALOG.kpis} - {"uptime"}


def test_a_kpi_of_several_feeds_is_stale_when_one_of_them_is(database: Database) -> None:
    store(database, payment("p1", "2026-11-22T12:00:00+09:00", 1000))
    stale = stale_ids(database)
    assert "mrr" not in stale  # daily: payments a half day old
    assert "gross_margin" in stale  # also needs costs, of which there are none
    store(database, cost("c1", "2026-11-01T12:00:00+09:00", 100, "variable"))
    assert "gross_margin" not in stale_ids(database)  # monthly: 22 days is within 32


def test_a_measured_kpi_is_stale_by_its_own_measurements(database: Database) -> None:
    # brand_search_rank is monthly: 32 days allowed, and exactly 32 days is still fresh.
    store(database, measurement("m1", "2026-10-21T23:59:59+09:00", "brand_search_rank", 3))
    assert "brand_search_rank" in stale_ids(database)
    store(database, measurement("m2", "2026-10-22T00:00:00+09:00", "brand_search_rank", 3))
    assert "brand_search_rank" not in stale_ids(database)
    assert "market_share" in stale_ids(database)  # another KPI's measurement does not count


@examples
@given(age=st.timedeltas(min_value=timedelta(days=7), max_value=timedelta(days=33)))
def test_survey_data_is_stale_exactly_when_older_than_each_kpis_cycle_allows(
    database: Database, age: timedelta
) -> None:
    clear(database)
    store(database, survey("s1", stamp(AS_OF - age), nps=9, csat=5, ai_adoption=True))
    stale = stale_ids(database)
    # csat is weekly (8 days allowed); nps and the AI adoption rate monthly (32 days).
    assert ("csat" in stale) == (age > ALLOWED_AGE[CATALOG.get("csat").update_frequency])
    assert ("nps" in stale) == (age > timedelta(days=32))
    assert ("ai_adoption_rate" in stale) == (age > timedelta(days=32))


@examples
@given(
    offset=st.sampled_from(
        [-timedelta(seconds=1), -timedelta(microseconds=1), timedelta(0), timedelta(seconds=1)]
    )
)
def test_the_boundary_of_a_daily_kpi_is_two_days_to_the_second(
    database: Database, offset: timedelta
) -> None:
    clear(database)
    store(database, ticket("t1", stamp(AS_OF - timedelta(days=2) + offset)))
    # Older than two days (a negative offset) is stale; two days or less is fresh.
    assert ("support_response_24h" in stale_ids(database)) == (offset < timedelta(0))
