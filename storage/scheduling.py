"""The scheduler's records: which process leads (the lease), and what the outbox says of each
report job (the periods recorded, its last outcome).

Which scheduler process is active is decided on PostgreSQL by an advisory lock (taken here,
held by `bot.jobs.leadership`); the lease row then only names the leader. On SQLite
there is no such lock, and the lease row itself decides: a process holds it while its
heartbeat is younger than the expiry, and only the holder may take it over before that.
Every writer here takes the caller's connection and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, text, update

from storage.schema import OutboxItem, SchedulerLease

# The one schedule kpibot runs; a name, so that one database could hold others later.
REPORTS_LEASE = "reports"
# PostgreSQL's leader lock: any constant will do, as long as every kpibot process uses the
# same one (and not the writer lock's); the second key is the schema, as for the writer lock.
_PG_LEADER_LOCK = 0x6B706963
_SERVER_KEEPALIVES = (
    ("tcp_keepalives_idle", 10),
    ("tcp_keepalives_interval", 5),
    ("tcp_keepalives_count", 3),
)


def try_leader_lock(session: Connection) -> bool:
    """On a PostgreSQL session of its own (autocommit), try to take the leader's advisory
    lock, held until it is released or the session ends; return whether it was taken."""
    # A leader whose host vanishes (no FIN, no RST) would keep the lock until the server
    # noticed: these make the server probe an idle session after 10 s and drop it after
    # three unanswered probes, freeing the lock within about 25 s.
    for setting, value in _SERVER_KEEPALIVES:
        session.exec_driver_sql(f"SET {setting} = {value}")
    locked = session.scalar(
        text("SELECT pg_try_advisory_lock(:key, hashtext(coalesce(current_schema(), '')))"),
        {"key": _PG_LEADER_LOCK},
    )
    return bool(locked)


def leader_session_alive(session: Connection) -> None:
    """Round-trip on the leader's session; raises the driver's error when it is gone."""
    session.execute(text("SELECT 1"))


def unlock_leader(session: Connection) -> None:
    """Release the leader's advisory lock held by this session."""
    session.execute(text("SELECT pg_advisory_unlock_all()"))


@dataclass(frozen=True)
class Lease:
    """Who holds a lease, since when, and their last heartbeat."""

    name: str
    holder: str
    since: datetime
    heartbeat_at: datetime


def read_lease(connection: Connection, name: str = REPORTS_LEASE) -> Lease | None:
    """The lease's row, if anyone has held it."""
    row = connection.execute(
        select(
            SchedulerLease.name,
            SchedulerLease.holder,
            SchedulerLease.since,
            SchedulerLease.heartbeat_at,
        ).where(SchedulerLease.name == name)
    ).one_or_none()
    return None if row is None else Lease(*row)


def claim_lease(
    connection: Connection,
    *,
    holder: str,
    now: datetime,
    expires_after: timedelta,
    name: str = REPORTS_LEASE,
) -> bool:
    """Take or renew the lease unless another holder's heartbeat is younger than
    `expires_after`; return whether `holder` holds it now.

    Call it in a write transaction: on SQLite the write lock makes the read and the write
    one step, so two processes never both see the lease free.
    """
    current = read_lease(connection, name)
    if current is None:
        connection.execute(
            insert(SchedulerLease).values(name=name, holder=holder, since=now, heartbeat_at=now)
        )
        return True
    if current.holder == holder:
        connection.execute(
            update(SchedulerLease).where(SchedulerLease.name == name).values(heartbeat_at=now)
        )
        return True
    if now - current.heartbeat_at < expires_after:
        return False
    connection.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name)
        .values(holder=holder, since=now, heartbeat_at=now)
    )
    return True


def holds_lease(
    connection: Connection,
    *,
    holder: str,
    now: datetime,
    expires_after: timedelta,
    name: str = REPORTS_LEASE,
) -> bool:
    """Whether `holder` holds the lease with a heartbeat younger than `expires_after`."""
    current = read_lease(connection, name)
    return (
        current is not None
        and current.holder == holder
        and now - current.heartbeat_at < expires_after
    )


def record_leader(
    connection: Connection, *, holder: str, now: datetime, name: str = REPORTS_LEASE
) -> None:
    """Name `holder` as the leader (PostgreSQL: it holds the advisory lock), with a heartbeat."""
    current = read_lease(connection, name)
    if current is None:
        connection.execute(
            insert(SchedulerLease).values(name=name, holder=holder, since=now, heartbeat_at=now)
        )
        return
    since = current.since if current.holder == holder else now
    connection.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name)
        .values(holder=holder, since=since, heartbeat_at=now)
    )


def release_lease(connection: Connection, *, holder: str, name: str = REPORTS_LEASE) -> None:
    """Give the lease up, if `holder` holds it, so that a waiting process takes over at once."""
    connection.execute(
        delete(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
    )


def report_key(kind: str, period: str, channel: str) -> str:
    """The outbox key of a report's top message: `report:{kind}:{period}:{channel}`."""
    return f"report:{kind}:{period}:{channel}"


def recorded_periods(connection: Connection, *, job: str, channel: str) -> list[str]:
    """The periods of a report job with a top message in the outbox for a channel, in any
    state (queued, sent, failed or skipped), forced copies aside."""
    rows = connection.execute(
        select(OutboxItem.period, OutboxItem.key)
        .where(
            OutboxItem.job == job,
            OutboxItem.channel == channel,
            OutboxItem.parent_key.is_(None),
        )
        .distinct()
    )
    return sorted({period for period, key in rows if key == report_key(job, period, channel)})


def count_copies(connection: Connection, *, key: str) -> int:
    """How many forced copies (`{key}:copy-{n}`) of a report's top message the outbox holds;
    their thread items and files are not counted."""
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":copy-%"
    found = connection.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(OutboxItem.key.like(pattern, escape="\\"), OutboxItem.parent_key.is_(None))
    )
    return int(found or 0)


@dataclass(frozen=True)
class Outcome:
    """The latest top message of a job in the outbox: its period, state and times."""

    job: str
    key: str
    period: str
    channel: str
    status: str
    late: bool
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def last_outcomes(connection: Connection, jobs: Sequence[str]) -> dict[str, Outcome]:
    """Each job's latest top message (by creation), if it has any."""
    latest = (
        select(OutboxItem.job, func.max(OutboxItem.id).label("id"))
        .where(OutboxItem.job.in_(list(jobs)), OutboxItem.parent_key.is_(None))
        .group_by(OutboxItem.job)
        .subquery()
    )
    rows = connection.execute(
        select(
            OutboxItem.job,
            OutboxItem.key,
            OutboxItem.period,
            OutboxItem.channel,
            OutboxItem.status,
            OutboxItem.late,
            OutboxItem.attempts,
            OutboxItem.last_error,
            OutboxItem.created_at,
            OutboxItem.sent_at,
        ).join(latest, OutboxItem.id == latest.c.id)
    )
    return {row.job: Outcome(**row._asdict()) for row in rows}


def item_key_and_status(connection: Connection, item_id: int) -> tuple[str, str] | None:
    """An outbox item's key and status by its id, if it exists (for operators, who name
    items by the ids `kpibot outbox` lists)."""
    row = connection.execute(
        select(OutboxItem.key, OutboxItem.status).where(OutboxItem.id == item_id)
    ).one_or_none()
    return None if row is None else (row.key, row.status)
