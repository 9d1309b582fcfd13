"""Each KPI's alert state and the alerts' audit log.

One row per KPI in `alert_states` holds what the decision (`kpi_engine.alerts`) reads and
writes, plus who acknowledged or snoozed the alert and the outbox key of its living message.
A sweep locks a KPI's row (`lock_state`, `FOR UPDATE` on PostgreSQL; SQLite's single writer
does the same), decides, and writes the new state, its outbox items and its audit row in the
same transaction, so two schedulers never announce one change twice.

Writers take the caller's connection and never commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, select, update

from kpi_engine.alerts import AlertMemory, Runs
from kpi_engine.levels import Level
from storage.schema import AlertAudit, AlertState, upsert

_states: Any = AlertState.__table__
_audit: Any = AlertAudit.__table__

MAX_ACTOR_CHARS = 200
MAX_ACTION_CHARS = 40
MAX_REASON_CHARS = 500


@dataclass(frozen=True)
class StoredAlert:
    """A KPI's alert state as stored: the decision's memory and who did what to it."""

    kpi: str
    memory: AlertMemory
    acknowledged_by: str | None = None
    snoozed_by: str | None = None
    snooze_reason: str | None = None
    message_key: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: datetime
    kpi: str
    episode: int | None
    actor: str
    action: str
    detail: dict[str, Any]


def _stored(row: Any) -> StoredAlert:
    runs = Runs.from_dict(json.loads(row.runs)) if row.runs else Runs()
    return StoredAlert(
        kpi=row.kpi,
        memory=AlertMemory(
            level=Level(row.level),
            episode=row.episode,
            runs=runs,
            opened_at=row.opened_at,
            level_since=row.level_since,
            rule=row.rule,
            acknowledged_at=row.acknowledged_at,
            snoozed_until=row.snoozed_until,
            last_reminded_at=row.last_reminded_at,
            evaluated_at=row.evaluated_at,
        ),
        acknowledged_by=row.acknowledged_by,
        snoozed_by=row.snoozed_by,
        snooze_reason=row.snooze_reason,
        message_key=row.message_key,
    )


def ensure_states(connection: Connection, kpis: Iterable[str]) -> None:
    """Give every KPI named a state row (green, no episode yet) unless it has one."""
    rows = [
        {"kpi": kpi, "level": Level.GREEN.value, "pending_count": 0, "episode": 0} for kpi in kpis
    ]
    if rows:
        connection.execute(upsert(connection, _states).values(rows).on_conflict_do_nothing())


def lock_state(connection: Connection, kpi: str) -> StoredAlert:
    """Read a KPI's state and hold it for this transaction (its row must exist)."""
    row = connection.execute(
        select(_states).where(_states.c.kpi == kpi).with_for_update()
    ).one_or_none()
    if row is None:
        raise LookupError(f"no alert state for {kpi!r}: call ensure_states first")
    return _stored(row)


def list_states(connection: Connection) -> list[StoredAlert]:
    """Every KPI's alert state, by KPI id."""
    return [_stored(row) for row in connection.execute(select(_states).order_by(_states.c.kpi))]


def save_state(
    connection: Connection, kpi: str, memory: AlertMemory, *, message_key: str | None
) -> None:
    """Write the decision's new state for a KPI (who acknowledged or snoozed is cleared with
    the moment it refers to)."""
    pending_level, pending_count = memory.pending()
    values: dict[str, Any] = {
        "level": memory.level.value,
        "pending_level": pending_level.value if pending_level else None,
        "pending_count": pending_count,
        "episode": memory.episode,
        "opened_at": memory.opened_at,
        "level_since": memory.level_since,
        "rule": memory.rule,
        "acknowledged_at": memory.acknowledged_at,
        "snoozed_until": memory.snoozed_until,
        "last_reminded_at": memory.last_reminded_at,
        "evaluated_at": memory.evaluated_at,
        "runs": json.dumps(memory.runs.as_dict(), sort_keys=True),
        "message_key": message_key,
    }
    if memory.acknowledged_at is None:
        values["acknowledged_by"] = None
    if memory.snoozed_until is None:
        values["snoozed_by"] = None
        values["snooze_reason"] = None
    connection.execute(update(_states).where(_states.c.kpi == kpi).values(values))


def mark_evaluated(connection: Connection, kpis: Sequence[str], at: datetime) -> None:
    """Record that the KPIs named were evaluated at `at` and their state stayed as it was."""
    if kpis:
        connection.execute(
            update(_states).where(_states.c.kpi.in_(kpis)).values(evaluated_at=_aware(at))
        )


def _checked_actor(actor: str) -> str:
    if not actor.strip() or len(actor) > MAX_ACTOR_CHARS or not actor.isprintable():
        raise ValueError(f"an actor is 1 to {MAX_ACTOR_CHARS} printable characters")
    return actor


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("an alert's moments must be aware")
    return at.astimezone(UTC)


def audit(
    connection: Connection,
    *,
    at: datetime,
    kpi: str,
    episode: int | None,
    actor: str,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Write one line of the audit log: `actor` (a Slack user id, or `scheduler`) did
    `action` on the KPI's alert `episode` at `at`; `detail` must be JSON-serialisable."""
    if not action or len(action) > MAX_ACTION_CHARS or not action.isprintable():
        raise ValueError(f"an audited action is 1 to {MAX_ACTION_CHARS} printable characters")
    connection.execute(
        _audit.insert().values(
            at=_aware(at),
            kpi=kpi,
            episode=episode,
            actor=_checked_actor(actor),
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )
    )


def history(
    connection: Connection, *, kpi: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The newest audit lines first, of one KPI when given, at most `limit`."""
    query = select(_audit)
    if kpi is not None:
        query = query.where(_audit.c.kpi == kpi)
    rows = connection.execute(query.order_by(_audit.c.id.desc()).limit(limit))
    return [
        AuditEntry(
            row.id, row.at, row.kpi, row.episode, row.actor, row.action, json.loads(row.detail)
        )
        for row in rows
    ]


def _open_episode(kpi: str, episode: int) -> Any:
    return and_(
        _states.c.kpi == kpi, _states.c.episode == episode, _states.c.level != Level.GREEN.value
    )


def acknowledge(connection: Connection, *, kpi: str, episode: int, by: str, at: datetime) -> bool:
    """Record that `by` acknowledged the KPI's open alert `episode` (which stops its
    reminders); return False when that episode is not open or was acknowledged already."""
    result = connection.execute(
        update(_states)
        .where(_open_episode(kpi, episode), _states.c.acknowledged_at.is_(None))
        .values(acknowledged_by=_checked_actor(by), acknowledged_at=_aware(at))
    )
    return bool(result.rowcount == 1)


def snooze(
    connection: Connection,
    *,
    kpi: str,
    episode: int,
    by: str,
    until: datetime,
    reason: str,
    at: datetime,
) -> bool:
    """Snooze the KPI's open alert `episode` until `until` (after `at`); return False when
    that episode is not open."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        raise ValueError(f"a snooze needs a reason of at most {MAX_REASON_CHARS} characters")
    if _aware(until) <= _aware(at):
        raise ValueError("a snooze must end after it starts")
    result = connection.execute(
        update(_states)
        .where(_open_episode(kpi, episode))
        .values(snoozed_by=_checked_actor(by), snoozed_until=_aware(until), snooze_reason=reason)
    )
    return bool(result.rowcount == 1)


def open_alerts(connection: Connection) -> Sequence[StoredAlert]:
    """The KPIs with an open episode, worst first, then longest open first."""
    opened = [alert for alert in list_states(connection) if alert.memory.open]
    return sorted(
        opened,
        key=lambda alert: (
            -alert.memory.level.severity,
            alert.memory.level_since or datetime.max.replace(tzinfo=UTC),
            alert.kpi,
        ),
    )
