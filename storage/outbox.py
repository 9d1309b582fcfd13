"""The outbox: every scheduled post, written in the transaction that decides to send it, and
what became of it.

An item is a message, or a file for a message's thread, under a unique key. A sender claims
due items one at a time (`claim_next`), delivers them outside any transaction, and records
what Slack answered (`mark_sent`, `mark_failed`, `postpone`). A claim holds for a lease
(`claimed_until`): a sender killed mid-delivery leaves its item `sending`, and once the
lease has passed another sender takes it over, looking first for the message it may have
posted (`may_have_posted`).

An item with a parent (a thread continuation, a chart, a note about a failed chart) is due
only once its parent is sent, and goes into the parent's thread. Its siblings keep their
order: a message waits for every earlier message of its thread, a file for every earlier
message and for earlier files still on their first way out (a chart that failed does not
hold back the next one, nor the note saying it failed).

Writers take the caller's connection and never commit. Claims need a transaction in which
two senders cannot claim the same row: `transaction(database)` opens one (SQLite's write
lock; on PostgreSQL a plain transaction, in which `claim_next` locks the row it takes with
`FOR UPDATE SKIP LOCKED`, so senders never wait for each other or behind an import).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from storage.db import Database, typed_errors
from storage.schema import OutboxItem, upsert


class Status(StrEnum):
    """Where an outbox item is on its way to Slack."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # retried after `not_before`
    ABANDONED = "abandoned"  # failed for good: retried only by an operator
    SKIPPED = "skipped"  # never to be sent


class ItemKind(StrEnum):
    """What an outbox item delivers."""

    MESSAGE = "message"
    FILE = "file"
    # A new version of its parent message (`chat.update` on the parent's ts): a living
    # alert message. Updates of one message go out in order, each after the one before.
    UPDATE = "update"


# An earlier message of the thread in one of these states holds back the later ones.
_UNSENT = (Status.PENDING, Status.SENDING, Status.FAILED)
_ON_FIRST_WAY = (Status.PENDING, Status.SENDING)
# Longest error text kept: Slack's codes are short, an exception's text may not be.
ERROR_CHARS = 500


@dataclass(frozen=True)
class NewItem:
    """An item to write: `payload` is the message's arguments, or a file's name and title."""

    key: str
    job: str
    period: str
    channel: str
    kind: ItemKind
    payload: dict[str, Any]
    content: bytes | None = None
    parent_key: str | None = None
    late: bool = False


@dataclass(frozen=True)
class Entry:
    """An outbox item as stored (without a file's bytes, which only a claim loads)."""

    id: int
    key: str
    parent_key: str | None
    job: str
    period: str
    kind: ItemKind
    channel: str
    status: Status
    attempts: int
    not_before: datetime
    claimed_until: datetime | None
    may_have_posted: bool
    last_error: str | None
    failure_reported: bool
    late: bool
    ts: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Claim:
    """An item a sender has claimed: everything it needs to deliver it.

    `attempt` is the claim's number (the item's attempts counted with this one): the marks
    take it, so a sender whose lease ran out cannot overwrite a newer sender's outcome.
    `look_first` says an earlier attempt may have reached Slack; `thread_ts` is the parent's
    ts for an item in a thread.
    """

    entry: Entry
    payload: dict[str, Any]
    content: bytes | None
    attempt: int
    look_first: bool
    thread_ts: str | None


_table: Any = OutboxItem.__table__
_LISTED = [column for column in _table.columns if column.name not in ("payload", "content")]


def _entry(row: Any) -> Entry:
    return Entry(
        id=row.id,
        key=row.key,
        parent_key=row.parent_key,
        job=row.job,
        period=row.period,
        kind=ItemKind(row.kind),
        channel=row.channel,
        status=Status(row.status),
        attempts=row.attempts,
        not_before=row.not_before,
        claimed_until=row.claimed_until,
        may_have_posted=row.may_have_posted,
        last_error=row.last_error,
        failure_reported=row.failure_reported,
        late=row.late,
        ts=row.ts,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


@contextmanager
def transaction(database: Database) -> Iterator[Connection]:
    """Open a transaction in which outbox items can be claimed and marked.

    SQLite: the write transaction (one writer at a time). PostgreSQL: a plain transaction
    without kpibot's writer lock, which serialises imports and the rollups they rebuild and
    has nothing to do with the outbox: a report is not held back behind a long import.
    """
    if database.engine.dialect.name == "sqlite":
        with database.write() as connection:
            yield connection
        return
    with (
        typed_errors(database.engine.url),
        database.engine.connect() as connection,
        connection.begin(),
    ):
        yield connection


def _values(item: NewItem, *, now: datetime, status: Status = Status.PENDING) -> dict[str, Any]:
    return {
        "key": item.key,
        "parent_key": item.parent_key,
        "job": item.job,
        "period": item.period,
        "kind": item.kind.value,
        "channel": item.channel,
        "payload": json.dumps(item.payload, ensure_ascii=False, separators=(",", ":")),
        "content": item.content,
        "status": status.value,
        "attempts": 0,
        "not_before": now,
        "claimed_until": None,
        "may_have_posted": False,
        "last_error": None,
        "failure_reported": False,
        "late": item.late,
        "ts": None,
        "created_at": now,
        "sent_at": None,
    }


def insert_if_absent(
    connection: Connection, item: NewItem, *, now: datetime, status: Status = Status.PENDING
) -> bool:
    """Write one item unless its key exists; return whether it was written.

    Safe under concurrency on both backends: of two transactions writing the same key, the
    second waits for the first (PostgreSQL's unique index; SQLite's single writer) and is
    told False once the first commits, or writes the item if the first rolls back.
    """
    values = _values(item, now=now, status=status)
    statement = (
        upsert(connection, _table)
        .values(values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(_table.c.id)
    )
    return connection.execute(statement).scalar_one_or_none() is not None


def enqueue(connection: Connection, items: Sequence[NewItem], *, now: datetime) -> bool:
    """Write a group of items whose first item decides: all of them if its key is new, else
    none; return whether they were written.

    The others (its thread continuations and files) have keys made from the first's, so
    they are new whenever it is.
    """
    if not items:
        raise ValueError("nothing to enqueue")
    first, *others = items
    if not insert_if_absent(connection, first, now=now):
        return False
    if others:
        connection.execute(_table.insert(), [_values(item, now=now) for item in others])
    return True


def record_skipped(connection: Connection, item: NewItem, *, now: datetime, reason: str) -> bool:
    """Record an item that is never to be sent (a period past its grace window), unless its
    key exists; return whether it was recorded."""
    if not insert_if_absent(connection, item, now=now, status=Status.SKIPPED):
        return False
    connection.execute(
        update(_table).where(_table.c.key == item.key).values(last_error=reason[:ERROR_CHARS])
    )
    return True


def release_skipped(connection: Connection, key: str) -> bool:
    """Delete the record that the post under `key` was skipped (`record_skipped`: no items
    of its own), so an operator's post can take its key; return whether there was one.

    A skipped item with thread items or files (a post an operator cancelled) stays.
    """
    children = aliased(_table)
    result = connection.execute(
        _table.delete().where(
            _table.c.key == key,
            _table.c.status == Status.SKIPPED,
            ~exists().where(children.c.parent_key == _table.c.key),
        )
    )
    return bool(result.rowcount == 1)


def _ready() -> Any:
    """Items whose parent is sent (or that have none) and that no sibling holds back."""
    item = _table.c
    parent = aliased(_table)
    sibling = aliased(_table)
    parent_sent = or_(
        item.parent_key.is_(None),
        exists().where(parent.c.key == item.parent_key, parent.c.status == Status.SENT),
    )
    held_back = exists().where(
        sibling.c.parent_key == item.parent_key,
        sibling.c.id < item.id,
        or_(
            and_(sibling.c.kind == ItemKind.MESSAGE, sibling.c.status.in_(_UNSENT)),
            and_(item.kind == ItemKind.FILE, sibling.c.status.in_(_ON_FIRST_WAY)),
            and_(
                item.kind == ItemKind.UPDATE,
                sibling.c.kind == ItemKind.UPDATE,
                sibling.c.status.in_(_UNSENT),
            ),
        ),
    )
    return and_(parent_sent, ~held_back)


def _due(now: datetime) -> Any:
    item = _table.c
    waiting_or_lapsed = or_(
        and_(item.status.in_([Status.PENDING, Status.FAILED]), item.not_before <= now),
        and_(item.status == Status.SENDING, item.claimed_until <= now),
    )
    return and_(waiting_or_lapsed, _ready())


def claim_next(connection: Connection, *, now: datetime, lease: timedelta) -> Claim | None:
    """Claim the oldest due item for `lease`, or return None when nothing is due.

    Run it in `transaction(database)` and commit before delivering: the claim is what keeps
    other senders off the item while this one talks to Slack.
    """
    query = (
        select(_table)
        .where(_due(now))
        .order_by(_table.c.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=_table)
    )
    row = connection.execute(query).one_or_none()
    if row is None:
        return None
    attempt = row.attempts + 1
    connection.execute(
        update(_table)
        .where(_table.c.id == row.id)
        .values(
            status=Status.SENDING,
            attempts=attempt,
            claimed_until=now + lease,
            may_have_posted=True,
        )
    )
    thread_ts = None
    if row.parent_key is not None:
        thread_ts = connection.scalar(select(_table.c.ts).where(_table.c.key == row.parent_key))
    return Claim(
        entry=_entry(row),
        payload=json.loads(row.payload),
        content=row.content,
        attempt=attempt,
        look_first=bool(row.may_have_posted),
        thread_ts=thread_ts,
    )


def mark_sent(connection: Connection, item_id: int, *, ts: str, now: datetime) -> bool:
    """Record that an item reached Slack as `ts` (a message's ts, a file's id); return False
    if it was recorded as sent already.

    Whichever sender's claim it is: once Slack holds the message, that is the truth to keep.
    """
    result = connection.execute(
        update(_table)
        .where(_table.c.id == item_id, _table.c.status != Status.SENT)
        .values(
            status=Status.SENT,
            ts=ts,
            sent_at=now,
            claimed_until=None,
            may_have_posted=False,
            last_error=None,
        )
    )
    return bool(result.rowcount == 1)


def _ours(item_id: int, attempt: int) -> Any:
    return and_(
        _table.c.id == item_id,
        _table.c.status == Status.SENDING,
        _table.c.attempts == attempt,
    )


def mark_failed(
    connection: Connection,
    item_id: int,
    *,
    attempt: int,
    error: str,
    retry_at: datetime | None,
    may_have_posted: bool,
) -> bool:
    """Record a failed attempt: retried at `retry_at`, or abandoned when it is None; return
    False if the claim was no longer this attempt's (its lease ran out and another sender
    took the item over)."""
    result = connection.execute(
        update(_table)
        .where(_ours(item_id, attempt))
        .values(
            status=Status.FAILED if retry_at is not None else Status.ABANDONED,
            not_before=retry_at if retry_at is not None else _table.c.not_before,
            claimed_until=None,
            may_have_posted=may_have_posted,
            last_error=error[:ERROR_CHARS],
        )
    )
    return bool(result.rowcount == 1)


def postpone(
    connection: Connection,
    item_id: int,
    *,
    attempt: int,
    until: datetime,
    reason: str,
    may_have_posted: bool,
) -> bool:
    """Put a claimed item back as pending until `until` (Slack's rate limit asked to wait),
    not counting the attempt as a failure; return False if the claim was no longer ours."""
    result = connection.execute(
        update(_table)
        .where(_ours(item_id, attempt))
        .values(
            status=Status.PENDING,
            attempts=attempt - 1,
            not_before=until,
            claimed_until=None,
            may_have_posted=may_have_posted,
            last_error=reason[:ERROR_CHARS],
        )
    )
    return bool(result.rowcount == 1)


def mark_failure_reported(connection: Connection, item_id: int) -> bool:
    """Record that an item's failure was reported; return False if it was already."""
    result = connection.execute(
        update(_table)
        .where(_table.c.id == item_id, _table.c.failure_reported.is_(False))
        .values(failure_reported=True)
    )
    return bool(result.rowcount == 1)


def mark_skipped(connection: Connection, item_id: int, *, reason: str) -> bool:
    """Make an item that is not sent and not being sent never to be sent (its thread
    items wait for ever with it); return whether it was such an item."""
    result = connection.execute(
        update(_table)
        .where(
            _table.c.id == item_id,
            _table.c.status.in_([Status.PENDING, Status.FAILED, Status.ABANDONED]),
        )
        .values(status=Status.SKIPPED, last_error=reason[:ERROR_CHARS])
    )
    return bool(result.rowcount == 1)


def retry(connection: Connection, item_id: int, *, now: datetime) -> bool:
    """Make a failed or abandoned item due now (an operator's retry); return whether it was
    one. Its failure is reported again if it fails again."""
    result = connection.execute(
        update(_table)
        .where(
            _table.c.id == item_id,
            _table.c.status.in_([Status.FAILED, Status.ABANDONED]),
        )
        .values(status=Status.FAILED, not_before=now, failure_reported=False)
    )
    return bool(result.rowcount == 1)


REPLACEMENT_SUFFIX = ":replacement"
# A message replaced more often than this is left as it is (each replacement lengthens the key).
MAX_REPLACEMENTS = 8


def replacement_key(key: str) -> str:
    """The key of the message that replaces the one under `key` once that is gone."""
    return f"{key}{REPLACEMENT_SUFFIX}"


def current_key(connection: Connection, key: str) -> str:
    """The key of the message that now stands for the one under `key`: itself, or the
    latest of its replacements."""
    for _ in range(MAX_REPLACEMENTS):
        following = replacement_key(key)
        if connection.scalar(select(_table.c.id).where(_table.c.key == following)) is None:
            return key
        key = following
    return key


def replace_message(
    connection: Connection, claim: Claim, *, now: datetime, reason: str
) -> str | None:
    """Replace the message an update could not edit (deleted, or no longer editable) by a
    new post of the update's content, and make the parent's unsent thread items and
    updates follow the new message; close the update as skipped. Return the new message's
    key, or None when the claim was no longer ours or replacements ran out."""
    entry = claim.entry
    if entry.kind is not ItemKind.UPDATE or entry.parent_key is None:
        raise ValueError("only an update's message is replaced")
    old = entry.parent_key
    if old.count(REPLACEMENT_SUFFIX) >= MAX_REPLACEMENTS:
        return None
    closed = connection.execute(
        update(_table)
        .where(_ours(entry.id, claim.attempt))
        .values(status=Status.SKIPPED, claimed_until=None, last_error=reason[:ERROR_CHARS])
    )
    if closed.rowcount != 1:
        return None
    new = replacement_key(old)
    insert_if_absent(
        connection,
        NewItem(
            key=new,
            job=entry.job,
            period=entry.period,
            channel=entry.channel,
            kind=ItemKind.MESSAGE,
            payload=claim.payload,
            late=entry.late,
        ),
        now=now,
    )
    connection.execute(
        update(_table)
        .where(_table.c.parent_key == old, _table.c.status.in_(_UNSENT), _table.c.id != entry.id)
        .values(parent_key=new)
    )
    return new


def find(connection: Connection, key: str) -> Entry | None:
    """The item stored under `key`, if any."""
    row = connection.execute(select(*_LISTED).where(_table.c.key == key)).one_or_none()
    return None if row is None else _entry(row)


def list_items(
    connection: Connection,
    *,
    job: str | None = None,
    period: str | None = None,
    statuses: Sequence[Status] = (),
    limit: int = 100,
) -> list[Entry]:
    """The newest items first, of one job, period and statuses when given, at most `limit`."""
    query = select(*_LISTED)
    if job is not None:
        query = query.where(_table.c.job == job)
    if period is not None:
        query = query.where(_table.c.period == period)
    if statuses:
        query = query.where(_table.c.status.in_([status.value for status in statuses]))
    rows = connection.execute(query.order_by(_table.c.id.desc()).limit(limit))
    return [_entry(row) for row in rows]


def count_by_status(connection: Connection, *, job: str | None = None) -> dict[Status, int]:
    """How many items are in each status (of one job when given); absent statuses are 0."""
    query = select(_table.c.status, func.count()).group_by(_table.c.status)
    if job is not None:
        query = query.where(_table.c.job == job)
    counts = {status: 0 for status in Status}
    for status, count in connection.execute(query):
        counts[Status(status)] = count
    return counts


def next_due_at(connection: Connection) -> datetime | None:
    """When the earliest item that can go next (pending, failed, or a claim lapsing, with
    its parent sent and no sibling before it) becomes due; None when there is none."""
    item = _table.c
    waiting = select(func.min(item.not_before)).where(
        item.status.in_([Status.PENDING, Status.FAILED]), _ready()
    )
    lapsing = select(func.min(item.claimed_until)).where(item.status == Status.SENDING, _ready())
    moments = [connection.scalar(waiting), connection.scalar(lapsing)]
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None
