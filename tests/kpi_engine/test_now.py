"""Now is now: as of an instant inside a local day, only the events timed before it count.

Whole days are read from the rollups and the day in progress from its events up to the
as-of instant, half-open: an event exactly at the instant is not counted yet (as of a
midnight, an event at that midnight belongs to the next day). The usual moment here is
Monday 2026-11-23 13:27:00 in Tokyo, compared with the end of that day (`--at 2026-11-23`);
times are Tokyo local times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine.dashboard import dashboard
from kpi_engine.evaluate import evaluate_all
from kpi_engine.formulas import tally_before
from kpi_engine.levels import Level
from kpi_engine.source import Fact, KpiSource, Tally
from storage.db import Database
from storage.snapshot import board_at
from storage.source import SqlKpiSource
from tests.kpi_engine.events import (
    CATALOG,
    TOKYO,
    Row,
    churn,
    clear,
    cost,
    enrollment,
    evaluated,
    examples,
    measurement,
    payment,
    release,
    store,
    survey,
)

NOW = datetime(2026, 11, 23, 13, 27, tzinfo=TOKYO)
END_OF_DAY = datetime(2026, 11, 24, tzinfo=TOKYO)
BEFORE = "2026-11-23 13:26:59"
EXACTLY = "2026-11-23 13:27:00"
AFTER = "2026-11-23 13:27:01"

# kpi, rows, value as of 13:27, value at the end of the day
CASES: list[tuple[str, list[Row], float, float]] = [
    (
        "mrr",
        [
            payment("p-earlier", "2026-11-20 10:00", 50000),
            payment("p-midnight", "2026-11-23 00:00", 1000),
            payment("p-before", BEFORE, 200),
            payment("p-exactly", EXACTLY, 30),
            payment("p-after", AFTER, 4),
        ],
        51200,
        51234,
    ),
    (
        "new_customers",
        [
            enrollment("e-x", "2026-11-05 10:00", "x"),
            enrollment("e-a", BEFORE, "a", channel="referral"),
            enrollment("e-b", AFTER, "b", channel="referral"),
        ],
        2,
        3,
    ),
    (
        "referral_rate",
        [
            enrollment("e-x", "2026-11-05 10:00", "x"),
            enrollment("e-a", BEFORE, "a", channel="referral"),
            enrollment("e-b", AFTER, "b", channel="referral"),
        ],
        1 / 2 * 100,
        2 / 3 * 100,
    ),
    (
        "nps",
        [
            survey("n-earlier", "2026-11-05 10:00", nps=10),
            survey("n-before", BEFORE, nps=0),
            survey("n-after", AFTER, nps=0),
        ],
        (1 - 1) / 2 * 100,
        (1 - 2) / 3 * 100,
    ),
    (
        "csat",  # the week so far is Monday the 23rd
        [
            survey("c-before", BEFORE, csat=5),
            survey("c-exactly", EXACTLY, csat=1),
            survey("c-sunday", "2026-11-22 23:59", csat=1),
        ],
        5,
        3,
    ),
    (
        "ai_adoption_rate",
        [
            survey("a-earlier", "2026-11-05 10:00", ai_adoption=True),
            survey("a-before", BEFORE, ai_adoption=False),
            survey("a-after", AFTER, ai_adoption=True),
        ],
        1 / 2 * 100,
        2 / 3 * 100,
    ),
    (
        "content_updates",
        [release("r-earlier", "2026-11-10 10:00"), release("r-after", AFTER)],
        1,
        2,
    ),
    (
        "gross_margin",
        [
            payment("p-earlier", "2026-11-10 10:00", 1000),
            cost("v-after", AFTER, 500, "variable"),
        ],
        100,
        50,
    ),
    (
        "cac",
        [
            enrollment("e-x", "2026-11-05 10:00", "x"),
            cost("m-earlier", "2026-11-05 10:00", 1000, "marketing"),
            cost("m-after", AFTER, 1000, "marketing"),
        ],
        1000,
        2000,
    ),
    (
        "brand_search_rank",  # the latest measurement taken before the instant
        [
            measurement("b-before", BEFORE, "brand_search_rank", 5),
            measurement("b-after", AFTER, "brand_search_rank", 2),
        ],
        5,
        2,
    ),
]


@pytest.mark.parametrize(
    ("kpi", "rows", "now", "end_of_day"), CASES, ids=[case[0] for case in CASES]
)
def test_a_kpi_as_of_an_instant_counts_only_the_events_timed_before_it(
    database: Database, kpi: str, rows: list[Row], now: float, end_of_day: float
) -> None:
    store(database, *rows)

    assert evaluated(database, kpi, NOW).current.value == pytest.approx(now)
    assert evaluated(database, kpi, END_OF_DAY).current.value == pytest.approx(end_of_day)


def test_growth_compares_with_a_year_earlier_up_to_the_same_local_time(
    database: Database,
) -> None:
    store(
        database,
        payment("last-year-before", "2025-11-23 13:26:59", 1000),
        payment("last-year-after", "2025-11-23 13:27:01", 1000),
        payment("now-before", BEFORE, 1500),
    )

    # 13:27: 1500 against last year's 1000 up to 13:27; the end of the day: against 2000.
    assert evaluated(database, "revenue_growth_yoy", NOW).current.value == pytest.approx(50)
    assert evaluated(database, "revenue_growth_yoy", END_OF_DAY).current.value == pytest.approx(-25)


def test_a_flow_total_whose_first_event_is_later_today_has_no_data_yet(
    database: Database,
) -> None:
    store(database, payment("first-ever", "2026-12-01 13:27:01", 1000))

    # The month starts today, but its data begins only at 13:27:01: no data, not a red 0.
    state = evaluated(database, "mrr", datetime(2026, 12, 1, 13, 27, tzinfo=TOKYO))
    assert state.current.value is None
    assert state.current.level is Level.NO_DATA
    later = evaluated(database, "mrr", datetime(2026, 12, 1, 13, 28, tzinfo=TOKYO))
    assert later.current.value == 1000


def test_the_dashboard_counts_today_up_to_the_moment(database: Database) -> None:
    store(
        database,
        payment("p-midnight", "2026-11-23 00:00", 1000),
        payment("p-before", BEFORE, 200),
        payment("p-after", AFTER, 4),
        enrollment("e-old", "2026-11-22 10:00", "old"),
        enrollment("e-old-again", "2026-11-23 10:00", "old"),
        enrollment("e-a", BEFORE, "a"),
        enrollment("e-b", AFTER, "b"),
        enrollment("e-c", AFTER, "c"),
        churn("x-old", AFTER, "old"),
    )

    now, _ = board_at(database, CATALOG, NOW, TOKYO)
    end, _ = board_at(database, CATALOG, END_OF_DAY, TOKYO)

    assert (now.revenue_today, now.payments_today) == (1200, 2)
    assert (end.revenue_today, end.payments_today) == (1204, 3)
    assert (now.enrollments_today, now.new_customers_today) == (2, 1)
    assert (end.enrollments_today, end.new_customers_today) == (4, 3)
    assert now.active_students == 2  # old and a; nobody churned yet
    assert end.active_students == 3  # old, a, b and c, less old's churn


class _Recording:
    """A source that notes the questions asked of it, passing them on to another."""

    def __init__(self, source: KpiSource) -> None:
        self.source = source
        self.asked: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        answer = getattr(self.source, name)

        def ask(*args: Any) -> Any:
            self.asked.append((name, args))
            return answer(*args)

        return ask


def _questions(database: Database, as_of: datetime) -> list[tuple[str, tuple[Any, ...]]]:
    with database.read() as connection:
        recording = _Recording(SqlKpiSource(connection))
        source: KpiSource = recording  # type: ignore[assignment]
        evaluate_all(CATALOG, source, as_of, TOKYO)
        dashboard(CATALOG, source, as_of, TOKYO)
    return recording.asked


def test_as_of_a_midnight_only_the_rollups_of_whole_days_are_read(database: Database) -> None:
    store(database, payment("p1", "2026-11-23 23:59", 1000), payment("p2", AFTER, 1000))

    assert not [name for name, _ in _questions(database, END_OF_DAY) if name == "part_of_day"]
    assert [name for name, _ in _questions(database, NOW) if name == "part_of_day"]


def test_payer_months_are_only_asked_for_months_over_before_the_as_of_moment(
    database: Database,
) -> None:
    # monthly_payers holds whole months: the month in progress must never be read from it.
    store(database, payment("p1", "2026-11-01 13:27:01", 1000, customer="later-today"))

    asked = _questions(database, datetime(2026, 11, 1, 13, 27, tzinfo=TOKYO))
    ends = [args[1] for name, args in asked if name == "payer_months"]
    assert ends
    assert max(ends) <= date(2026, 11, 1)


# ---------------------------------------------------------------- against the events themselves

DAY_BEFORE = datetime(2026, 11, 22, tzinfo=TOKYO)
SECONDS = st.integers(min_value=0, max_value=2 * 86400 - 1)  # over the 22nd and the 23rd


def _recomputed(fact: Fact, events: list[tuple[str, int, int, bool]], as_of: int) -> Tally:
    """A fact over the generated events timed before `as_of`, from the events alone.

    Events are (customer, second, value, flag): a payment of `value` yen, recurring if
    `flag`; an enrollment, by referral if `flag`; a survey answering nps `value`.
    """
    known = [event for event in events if event[1] < as_of]
    if fact in (Fact.REVENUE, Fact.REVENUE_RECURRING):
        paid = [value for _, _, value, flag in known if flag or fact is Fact.REVENUE]
        return Tally(sum(paid), len(paid))
    if fact is Fact.NPS:
        net = [1 if value >= 9 else -1 if value <= 6 else 0 for _, _, value, _ in known]
        return Tally(sum(net), len(net))
    # New customers: each customer's earliest enrollment (ties by id, as the rollup does),
    # if it is known yet.
    first: dict[str, tuple[int, int, bool]] = {}
    for index, (customer, second, _, flag) in enumerate(events):
        first[customer] = min(first.get(customer, (second, index, flag)), (second, index, flag))
    new = [flag for second, _, flag in first.values() if second < as_of]
    if fact is Fact.NEW_REFERRALS:
        return Tally(sum(new), sum(new))
    return Tally(len(new), len(new))


def _rows(kind: str, events: list[tuple[str, int, int, bool]]) -> list[Row]:
    rows = []
    for index, (customer, second, value, flag) in enumerate(events):
        when = (DAY_BEFORE + timedelta(seconds=second)).isoformat()
        key = f"{kind}{index:03d}"  # zero-padded: id order is generation order
        if kind == "payment":
            rows.append(payment(key, when, value, customer=customer, recurring=flag))
        elif kind == "enrollment":
            rows.append(enrollment(key, when, customer, "referral" if flag else "ad"))
        else:
            rows.append(survey(key, when, nps=value))
    return rows


FACTS = {
    "payment": [Fact.REVENUE, Fact.REVENUE_RECURRING],
    "enrollment": [Fact.NEW_CUSTOMERS, Fact.NEW_REFERRALS],
    "survey": [Fact.NPS],
}


@examples
@given(
    kind=st.sampled_from(sorted(FACTS)),
    # Inside the 23rd, or one of its midnights (where only whole days are read).
    as_of=st.one_of(st.integers(min_value=86401, max_value=2 * 86400 - 1), st.just(86400)),
    data=st.data(),
)
def test_figures_as_of_an_instant_are_the_events_before_it(
    database: Database, kind: str, as_of: int, data: st.DataObject
) -> None:
    # Often an event right at the instant or a second or two off it, on either day.
    near = st.integers(min_value=as_of - 2, max_value=min(as_of + 2, 2 * 86400 - 1))
    near = st.one_of(st.just(min(as_of, 2 * 86400 - 1)), near)
    events = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(["c1", "c2", "c3"]),
                st.one_of(near, SECONDS),
                st.integers(0, 10),
                st.booleans(),
            ),
            max_size=8,
        )
    )
    clear(database)
    if events:
        store(database, *_rows(kind, events))
    moment = DAY_BEFORE + timedelta(seconds=as_of)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        for fact in FACTS[kind]:
            read = tally_before(source, fact, DAY_BEFORE.date(), moment, TOKYO)
            assert read == _recomputed(fact, events, as_of), fact
