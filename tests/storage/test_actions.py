"""Improvement actions: added, closed once, listed by due day, read as of an instant, tallied."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kpi_engine.reports import ActionTally
from storage.actions import (
    MAX_ACTION_LENGTH,
    actions_open_at,
    add_action,
    close_action,
    get_action,
    open_actions,
    tally_actions,
)
from storage.db import Database

AT = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def add(
    database: Database,
    text: str,
    due: date | None,
    at: datetime = AT,
    kpi: str = "nps",
    owner: str | None = "U0OWNER",
) -> int:
    with database.write() as connection:
        return add_action(
            connection, kpi=kpi, text=text, owner=owner, due=due, created_by="U0MAKER", at=at
        ).id


def close(database: Database, action_id: int, at: datetime) -> bool:
    with database.write() as connection:
        return close_action(connection, action_id=action_id, by="U0CLOSER", at=at)


def test_an_action_is_stored_trimmed_with_its_owner_due_day_and_author(database: Database) -> None:
    action_id = add(database, "  <!channel> & call churned customers\n  ", date(2026, 11, 9))
    with database.read() as connection:
        action = get_action(connection, action_id)
    assert action is not None
    assert (action.text, action.owner, action.due, action.status, action.created_by) == (
        "<!channel> & call churned customers",
        "U0OWNER",
        date(2026, 11, 9),
        "open",
        "U0MAKER",
    )
    assert action.created_at == AT
    assert action.episode is None


@pytest.mark.parametrize(
    ("text", "owner", "problem"),
    [
        ("   ", None, "needs text"),
        ("x" * (MAX_ACTION_LENGTH + 1), None, "at most 500 characters, not 501"),
        ("ok", "@taro", "Slack user id"),
        ("ok", "<@U0OWNER>", "Slack user id"),
    ],
)
def test_a_bad_action_is_refused_and_nothing_is_stored(
    database: Database, text: str, owner: str | None, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem), database.write() as connection:
        add_action(
            connection, kpi="nps", text=text, owner=owner, due=None, created_by="U0MAKER", at=AT
        )
    with database.read() as connection:
        assert open_actions(connection) == []


def test_an_action_is_closed_once_and_keeps_who_closed_it(database: Database) -> None:
    action_id = add(database, "call", date(2026, 11, 9))
    later = datetime(2026, 11, 3, tzinfo=UTC)
    assert close(database, action_id, later) is True
    assert close(database, action_id, datetime(2026, 11, 4, tzinfo=UTC)) is False
    assert close(database, 999, later) is False
    with database.read() as connection:
        action = get_action(connection, action_id)
        assert open_actions(connection) == []
    assert action is not None
    assert (action.status, action.done_by, action.done_at) == ("done", "U0CLOSER", later)


def test_open_actions_come_by_due_day_then_number_those_without_a_day_last(
    database: Database,
) -> None:
    late = add(database, "late", date(2026, 12, 1))
    undated = add(database, "whenever", None)
    soon = add(database, "soon", date(2026, 11, 5))
    also_soon = add(database, "also soon", date(2026, 11, 5))
    closed = add(database, "closed", date(2026, 11, 1))
    close(database, closed, AT)
    with database.read() as connection:
        assert [a.id for a in open_actions(connection)] == [soon, also_soon, late, undated]


def test_actions_open_at_an_instant_ignore_later_ones_and_count_later_closures_as_open(
    database: Database,
) -> None:
    end = datetime(2026, 11, 8, 15, 0, tzinfo=UTC)  # Monday 2026-11-09 00:00 Tokyo
    open_then = add(database, "open then", date(2026, 11, 10))
    closed_after = add(database, "closed after the end", date(2026, 11, 4))
    close(database, closed_after, end)
    closed_before = add(database, "closed before the end", date(2026, 11, 4))
    close(database, closed_before, datetime(2026, 11, 8, 14, 59, tzinfo=UTC))
    add(database, "created at the end", date(2026, 11, 10), at=end)
    add(database, "no due day", None)
    with database.read() as connection:
        shown = actions_open_at(connection, end)
    assert [(a.id, a.title, a.due) for a in shown] == [
        (closed_after, "closed after the end", date(2026, 11, 4)),
        (open_then, "open then", date(2026, 11, 10)),
    ]
    assert shown[0].owner == "U0OWNER"


def test_a_month_tally_counts_actions_opened_and_closed_in_it_per_kpi(database: Database) -> None:
    start, end = datetime(2026, 10, 31, 15, tzinfo=UTC), datetime(2026, 11, 30, 15, tzinfo=UTC)
    october = add(database, "october", None, at=datetime(2026, 10, 31, 14, 59, tzinfo=UTC))
    close(database, october, datetime(2026, 11, 10, tzinfo=UTC))  # closed in November
    first = add(database, "first", None, at=start)
    add(database, "second", None, at=datetime(2026, 11, 20, tzinfo=UTC))
    close(database, first, datetime(2026, 11, 30, 14, 59, tzinfo=UTC))
    december = add(database, "revenue", None, at=datetime(2026, 11, 2, tzinfo=UTC), kpi="revenue")
    close(database, december, end)  # closed in December
    add(database, "december", None, at=end)
    with database.read() as connection:
        assert tally_actions(connection, start, end) == [
            ActionTally("nps", opened=2, closed=2),
            ActionTally("revenue", opened=1, closed=0),
        ]
