"""The outbox on SQLite and PostgreSQL: insert-if-absent under concurrency, claims with a
lease, threads kept in order, and the marks a sender leaves."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from storage import outbox
from storage.db import Database
from storage.outbox import ItemKind, NewItem, Status

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
KEY = "report:weekly:2026-W48:C0TEAM"


def item(
    key: str = KEY, *, parent: str | None = None, kind: ItemKind = ItemKind.MESSAGE
) -> NewItem:
    payload = {"text": key} if kind is ItemKind.MESSAGE else {"filename": key, "title": key}
    return NewItem(
        key=key,
        job="weekly",
        period="2026-W48",
        channel="C0TEAM",
        kind=kind,
        payload=payload,
        content=b"\x89PNG" if kind is ItemKind.FILE else None,
        parent_key=parent,
    )


def report(*children: tuple[str, ItemKind]) -> list[NewItem]:
    return [item(), *(item(f"{KEY}:{name}", parent=KEY, kind=kind) for name, kind in children)]


def claim(database: Database, now: datetime = NOW) -> outbox.Claim | None:
    with outbox.transaction(database) as connection:
        return outbox.claim_next(connection, now=now, lease=LEASE)


def sent(database: Database, claimed: outbox.Claim | None, ts: str) -> None:
    assert claimed is not None
    with outbox.transaction(database) as connection:
        assert outbox.mark_sent(connection, claimed.entry.id, ts=ts, now=NOW)


def enqueued(database: Database, items: list[NewItem], now: datetime = NOW) -> bool:
    with outbox.transaction(database) as connection:
        return outbox.enqueue(connection, items, now=now)


def test_a_key_is_written_once_and_the_second_writer_is_told(database: Database) -> None:
    assert enqueued(database, report(("more-1", ItemKind.MESSAGE)))
    assert not enqueued(database, report(("more-1", ItemKind.MESSAGE), ("extra", ItemKind.FILE)))
    with database.read() as connection:
        keys = [entry.key for entry in outbox.list_items(connection)]
    assert keys == [f"{KEY}:more-1", KEY]


def test_two_transactions_writing_one_key_leave_one_row_and_both_know(database: Database) -> None:
    first_wrote = threading.Event()
    second: list[bool] = []

    def second_writer() -> None:
        first_wrote.wait(5)
        with outbox.transaction(database) as connection:
            second.append(outbox.enqueue(connection, [item()], now=NOW))

    thread = threading.Thread(target=second_writer)
    thread.start()
    with outbox.transaction(database) as connection:
        first = outbox.enqueue(connection, [item()], now=NOW)
        first_wrote.set()
        # The second writer is waiting now: SQLite's write lock, or PostgreSQL's unique index.
        thread.join(0.3)
        assert thread.is_alive()
    thread.join(5)
    assert (first, second) == (True, [False])
    with database.read() as connection:
        assert outbox.count_by_status(connection)[Status.PENDING] == 1


def test_a_thread_follows_its_parent_in_order_with_the_parents_ts(database: Database) -> None:
    enqueued(
        database,
        report(("more-1", ItemKind.MESSAGE), ("more-2", ItemKind.MESSAGE), ("c1", ItemKind.FILE)),
    )
    top = claim(database)
    assert top is not None and top.entry.key == KEY and top.thread_ts is None
    assert claim(database) is None  # the rest waits for the top message
    sent(database, top, "1700000000.000100")
    order = []
    for _ in range(3):
        claimed = claim(database)
        assert claimed is not None
        assert claim(database) is None  # one at a time: each waits for the one before
        assert claimed.thread_ts == "1700000000.000100"
        order.append(claimed.entry.key)
        sent(database, claimed, f"1700000001.00000{len(order)}")
    assert order == [f"{KEY}:more-1", f"{KEY}:more-2", f"{KEY}:c1"]
    assert claimed.content == b"\x89PNG" and claimed.payload == {
        "filename": order[-1],
        "title": order[-1],
    }


def test_a_failed_chart_holds_back_neither_the_next_chart_nor_a_later_message(
    database: Database,
) -> None:
    enqueued(database, report(("c1", ItemKind.FILE), ("c2", ItemKind.FILE)))
    sent(database, claim(database), "1.1")
    chart = claim(database)
    assert chart is not None and chart.entry.key == f"{KEY}:c1"
    with outbox.transaction(database) as connection:
        assert outbox.mark_failed(
            connection,
            chart.entry.id,
            attempt=chart.attempt,
            error="internal_error",
            retry_at=NOW + timedelta(minutes=1),
            may_have_posted=True,
        )
        outbox.enqueue(connection, [item(f"{KEY}:c1:note", parent=KEY)], now=NOW)
    keys = []
    while (claimed := claim(database)) is not None:
        keys.append(claimed.entry.key)
        sent(database, claimed, "1.2")
    assert keys == [f"{KEY}:c2", f"{KEY}:c1:note"]
    retried = claim(database, NOW + timedelta(minutes=1))
    assert retried is not None and retried.entry.key == f"{KEY}:c1"
    assert retried.look_first and retried.attempt == 2


def test_a_failed_message_holds_back_the_rest_of_its_thread(database: Database) -> None:
    enqueued(database, report(("more-1", ItemKind.MESSAGE), ("c1", ItemKind.FILE)))
    sent(database, claim(database), "1.1")
    more = claim(database)
    assert more is not None
    with outbox.transaction(database) as connection:
        outbox.mark_failed(
            connection,
            more.entry.id,
            attempt=more.attempt,
            error="timeout",
            retry_at=NOW + timedelta(seconds=30),
            may_have_posted=True,
        )
    assert claim(database) is None


def test_a_lapsed_claim_is_taken_over_and_looks_before_posting(database: Database) -> None:
    enqueued(database, [item()])
    first = claim(database)
    assert first is not None and not first.look_first
    assert claim(database, NOW + LEASE - timedelta(seconds=1)) is None
    second = claim(database, NOW + LEASE)
    assert second is not None and second.look_first and second.attempt == 2
    # The first sender's late outcome no longer counts; the takeover's does.
    with outbox.transaction(database) as connection:
        assert not outbox.mark_failed(
            connection,
            first.entry.id,
            attempt=first.attempt,
            error="timeout",
            retry_at=NOW,
            may_have_posted=True,
        )
    sent(database, second, "1.1")
    with database.read() as connection:
        entry = outbox.find(connection, KEY)
    assert entry is not None and entry.status is Status.SENT and entry.ts == "1.1"


def test_a_postponed_item_waits_without_counting_an_attempt(database: Database) -> None:
    enqueued(database, [item()])
    claimed = claim(database)
    assert claimed is not None
    with outbox.transaction(database) as connection:
        assert outbox.postpone(
            connection,
            claimed.entry.id,
            attempt=claimed.attempt,
            until=NOW + timedelta(seconds=30),
            reason="ratelimited",
            may_have_posted=False,
        )
    assert claim(database, NOW + timedelta(seconds=29)) is None
    again = claim(database, NOW + timedelta(seconds=30))
    assert again is not None and again.attempt == 1 and not again.look_first


def test_an_abandoned_item_waits_for_an_operator(database: Database) -> None:
    enqueued(database, [item()])
    claimed = claim(database)
    assert claimed is not None
    with outbox.transaction(database) as connection:
        outbox.mark_failed(
            connection,
            claimed.entry.id,
            attempt=1,
            error="channel_not_found",
            retry_at=None,
            may_have_posted=False,
        )
        assert outbox.mark_failure_reported(connection, claimed.entry.id)
        assert not outbox.mark_failure_reported(connection, claimed.entry.id)
    assert claim(database, NOW + timedelta(days=30)) is None
    with outbox.transaction(database) as connection:
        assert outbox.retry(connection, claimed.entry.id, now=NOW + timedelta(days=1))
        entry = outbox.find(connection, KEY)
    assert entry is not None and entry.last_error == "channel_not_found"
    assert not entry.failure_reported
    assert claim(database, NOW + timedelta(days=1)) is not None


def test_listing_filters_by_job_period_and_status(database: Database) -> None:
    enqueued(database, [item()])
    monthly = NewItem(
        key="report:monthly:2026-11:C0STAKE",
        job="monthly",
        period="2026-11",
        channel="C0STAKE",
        kind=ItemKind.MESSAGE,
        payload={"text": "m"},
    )
    with outbox.transaction(database) as connection:
        assert outbox.record_skipped(connection, monthly, now=NOW, reason="older than 72 h")
        assert not outbox.record_skipped(connection, monthly, now=NOW, reason="again")
    with database.read() as connection:
        assert [e.key for e in outbox.list_items(connection, job="monthly")] == [monthly.key]
        assert [e.key for e in outbox.list_items(connection, period="2026-W48")] == [KEY]
        skipped = outbox.list_items(connection, statuses=[Status.SKIPPED])
        assert [(e.key, e.last_error) for e in skipped] == [(monthly.key, "older than 72 h")]
        assert outbox.count_by_status(connection, job="weekly")[Status.PENDING] == 1
        assert outbox.next_due_at(connection) == NOW


def test_the_next_due_time_counts_only_items_that_can_go_next(database: Database) -> None:
    enqueued(database, report(("more-1", ItemKind.MESSAGE)))
    top = claim(database)
    assert top is not None
    with outbox.transaction(database) as connection:
        outbox.mark_failed(
            connection,
            top.entry.id,
            attempt=top.attempt,
            error="timeout",
            retry_at=NOW + timedelta(seconds=30),
            may_have_posted=True,
        )
    with database.read() as connection:
        # The continuation was written at NOW but waits for its parent, due in 30 s.
        assert outbox.next_due_at(connection) == NOW + timedelta(seconds=30)
    again = claim(database, NOW + timedelta(seconds=30))
    with database.read() as connection:
        assert outbox.next_due_at(connection) == NOW + timedelta(seconds=30) + LEASE
    sent(database, again, "1.1")
    with database.read() as connection:
        assert outbox.next_due_at(connection) == NOW


def test_a_sender_passes_by_a_row_another_is_claiming(database: Database) -> None:
    if database.engine.dialect.name == "sqlite":
        pytest.skip("on SQLite the write lock admits one claim at a time")
    enqueued(database, [item(), item("report:monthly:2026-11:C0TEAM")])
    with outbox.transaction(database) as connection:
        held = outbox.claim_next(connection, now=NOW, lease=LEASE)
        # Not committed: the row is locked (FOR UPDATE), and another sender passes it by
        # at once (SKIP LOCKED) rather than waiting or claiming it twice.
        other = claim(database)
        assert held is not None and other is not None
        assert {held.entry.key, other.entry.key} == {KEY, "report:monthly:2026-11:C0TEAM"}


def test_an_item_not_yet_sent_can_be_skipped_and_its_thread_waits_with_it(
    database: Database,
) -> None:
    enqueued(database, report(("more-1", ItemKind.MESSAGE)))
    with outbox.transaction(database) as connection:
        top = outbox.find(connection, KEY)
        assert top is not None
        assert outbox.mark_skipped(connection, top.id, reason="an operator cancelled it")
        assert not outbox.mark_skipped(connection, top.id, reason="again")
    assert claim(database, NOW + timedelta(days=1)) is None
    with database.read() as connection:
        skipped = outbox.find(connection, KEY)
    assert skipped is not None and skipped.status is Status.SKIPPED
    assert skipped.last_error == "an operator cancelled it"
