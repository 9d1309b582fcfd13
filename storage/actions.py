"""PDCA improvement actions: added from `/kpi action add` or an alert's *Record action*,
closed with `/kpi action done`, listed while open, and read by the weekly and monthly reports.

Writers take the caller's connection and never commit. An action is never deleted: closing
it records who closed it and when, so a report composed later for an earlier period still
sees what was open at that period's end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from kpi_engine.reports import ActionTally
from kpi_engine.reports import ImprovementAction as ReportAction
from storage.schema import ImprovementAction

# A sentence or two: what will be done, not a plan document.
MAX_ACTION_LENGTH = 500
MAX_ACTOR_LENGTH = 200
OPEN = "open"
DONE = "done"
# A Slack user id as Slack sends it in a verified request or a users_select value.
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


@dataclass(frozen=True)
class StoredAction:
    """An improvement action as stored."""

    id: int
    kpi: str
    episode: int | None
    text: str
    owner: str | None
    due: date | None
    status: str
    created_by: str
    created_at: datetime
    done_by: str | None
    done_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Whether the action is still to be done."""
        return self.status == OPEN

    def for_report(self) -> ReportAction | None:
        """The action as a report lists it; None when it has no due day."""
        if self.due is None:
            return None
        return ReportAction(self.kpi, self.text, self.due, self.owner or "", self.id)


def check_action(text: str, *, owner: str | None, created_by: str) -> str:
    """The action's text as stored (trimmed); ValueError saying what is wrong otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("an action needs text")
    if len(text) > MAX_ACTION_LENGTH:
        raise ValueError(
            f"an action is at most {MAX_ACTION_LENGTH:,} characters, not {len(text):,}"
        )
    if owner is not None and not SLACK_USER.fullmatch(owner):
        raise ValueError("an action's owner must be a Slack user id")
    if not created_by.strip() or len(created_by) > MAX_ACTOR_LENGTH:
        raise ValueError("an action needs who created it")
    return text


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("an action's time must be aware")
    return at.astimezone(UTC)


_COLUMNS = (
    ImprovementAction.id,
    ImprovementAction.kpi,
    ImprovementAction.episode,
    ImprovementAction.text,
    ImprovementAction.owner,
    ImprovementAction.due,
    ImprovementAction.status,
    ImprovementAction.created_by,
    ImprovementAction.created_at,
    ImprovementAction.done_by,
    ImprovementAction.done_at,
)


def add_action(
    connection: Connection,
    *,
    kpi: str,
    text: str,
    owner: str | None,
    due: date | None,
    created_by: str,
    at: datetime,
    episode: int | None = None,
) -> StoredAction:
    """Store an open action on a KPI (an id the caller checked against the catalog)."""
    stored = check_action(text, owner=owner, created_by=created_by)
    at = _aware(at)
    row = connection.execute(
        insert(ImprovementAction)
        .values(
            kpi=kpi,
            episode=episode,
            text=stored,
            owner=owner,
            due=due,
            status=OPEN,
            created_by=created_by,
            created_at=at,
        )
        .returning(*_COLUMNS)
    ).one()
    return StoredAction(*tuple(row))


def get_action(connection: Connection, action_id: int) -> StoredAction | None:
    """One action by its number, or None."""
    row = connection.execute(select(*_COLUMNS).where(ImprovementAction.id == action_id)).first()
    return None if row is None else StoredAction(*row)


def close_action(connection: Connection, *, action_id: int, by: str, at: datetime) -> bool:
    """Mark an open action done; False (and nothing changed) when it is not open. The
    condition on the status makes a double click or a retried request close it once."""
    if not by.strip() or len(by) > MAX_ACTOR_LENGTH:
        raise ValueError("closing an action needs who closed it")
    result = connection.execute(
        update(ImprovementAction)
        .where(ImprovementAction.id == action_id, ImprovementAction.status == OPEN)
        .values(status=DONE, done_by=by, done_at=_aware(at))
    )
    return result.rowcount == 1


def open_actions(connection: Connection) -> list[StoredAction]:
    """Every open action, by due day (those without one last), then by number."""
    rows = connection.execute(
        select(*_COLUMNS)
        .where(ImprovementAction.status == OPEN)
        .order_by(ImprovementAction.due.is_(None), ImprovementAction.due, ImprovementAction.id)
    ).all()
    return [StoredAction(*row) for row in rows]


def actions_open_at(connection: Connection, moment: datetime) -> list[ReportAction]:
    """The actions with a due day that were open at an instant: created before it and not
    closed before it. A report composed late sees what was open at its period's end."""
    moment = _aware(moment)
    rows = connection.execute(
        select(*_COLUMNS)
        .where(
            ImprovementAction.due.is_not(None),
            ImprovementAction.created_at < moment,
            or_(ImprovementAction.done_at.is_(None), ImprovementAction.done_at >= moment),
        )
        .order_by(ImprovementAction.due, ImprovementAction.id)
    ).all()
    return [action for row in rows if (action := StoredAction(*row).for_report()) is not None]


def tally_actions(connection: Connection, start: datetime, end: datetime) -> list[ActionTally]:
    """Per KPI, the actions opened and those closed in [start, end), by KPI id."""
    start, end = _aware(start), _aware(end)
    opened = dict(
        connection.execute(
            select(ImprovementAction.kpi, func.count())
            .where(ImprovementAction.created_at >= start, ImprovementAction.created_at < end)
            .group_by(ImprovementAction.kpi)
        ).all()
    )
    closed = dict(
        connection.execute(
            select(ImprovementAction.kpi, func.count())
            .where(
                and_(
                    ImprovementAction.done_at.is_not(None),
                    ImprovementAction.done_at >= start,
                    ImprovementAction.done_at < end,
                )
            )
            .group_by(ImprovementAction.kpi)
        ).all()
    )
    return [
        ActionTally(kpi, opened.get(kpi, 0), closed.get(kpi, 0))
        for kpi in sorted(opened.keys() | closed.keys())
    ]
