"""Who changed the manual measurements, and when: an append-only history, and deletion.

Every value entered, replaced or deleted, whether by `kpibot record`, `/kpi record`, an
import or the ingestion API, adds one row to `measurement_changes` in the same transaction
as the change itself. The rows are never updated or deleted (the database refuses to); the
author of a measurement's current value is its latest change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from storage.data_version import mark_data_changed
from storage.schema import Measurement, MeasurementChange, column_processor, driver_marks

# The author of the rows that existed before the history began (migration 0003).
UNKNOWN_AUTHOR = "unknown"
API_AUTHOR = "api"
DEMO_AUTHOR = "demo"


def command_line_author(os_user: str) -> str:
    """The author of a change made from the command line by an operating-system user."""
    return f"cli:{os_user}"


@dataclass(frozen=True)
class Author:
    """Who makes a change and when: a Slack user id, `cli:<os user>`, `api` or `demo`."""

    by: str
    at: datetime


class ChangeKind(StrEnum):
    """What a change did to a measurement."""

    ENTERED = "entered"  # a first value
    REPLACED = "replaced"  # another value for the same KPI and instant
    DELETED = "deleted"


@dataclass(frozen=True)
class Change:
    """One row of the history."""

    measurement_id: str
    kpi: str
    at: datetime
    value: float | None
    previous: float | None
    entered_by: str
    entered_at: datetime

    @property
    def kind(self) -> ChangeKind:
        """What the change did."""
        if self.value is None:
            return ChangeKind.DELETED
        return ChangeKind.ENTERED if self.previous is None else ChangeKind.REPLACED


class ChangeLog:
    """The changes one import makes to the measurements, collected as driver-level rows and
    written to the history when the import is stored (`write`)."""

    def __init__(self, connection: Connection, columns: Sequence[str]) -> None:
        self.connection = connection
        self.id, self.kpi, self.at, self.value = (
            columns.index(name) for name in ("id", "kpi", "at", "value")
        )
        self.rows: list[tuple[Any, ...]] = []

    def entered(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Note measurement rows the import inserted."""
        self.rows.extend(self._change(row, row[self.value], None) for row in rows)

    def replaced(self, rows: Sequence[tuple[Any, ...]], old: Sequence[tuple[Any, ...]]) -> None:
        """Note measurement rows the import overwrote, with what they held before."""
        for new, before in zip(rows, old, strict=True):
            if (new[self.kpi], new[self.at]) == (before[self.kpi], before[self.at]):
                self.rows.append(self._change(new, new[self.value], before[self.value]))
            else:
                # The same id now names another KPI or instant: the old value is gone from
                # where it was, and the new one is a first value where it now is.
                self.rows.append(self._change(before, None, before[self.value]))
                self.rows.append(self._change(new, new[self.value], None))

    def _change(self, row: tuple[Any, ...], value: Any, previous: Any) -> tuple[Any, ...]:
        return (row[self.id], row[self.kpi], row[self.at], value, previous)

    def write(self, author: Author) -> None:
        """Add the noted changes to the history, by `author`."""
        if not self.rows:
            return
        table: Any = MeasurementChange.__table__
        dialect = self.connection.dialect
        names = ("measurement_id", "kpi", "at", "value", "previous", "entered_by", "entered_at")
        stamp = column_processor(table.c.entered_at, dialect)
        (entered_at,) = stamp([author.at]) if stamp is not None else [author.at]
        self.connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(driver_marks(dialect, len(names)))})",
            [(*row, author.by, entered_at) for row in self.rows],
        )
        self.rows.clear()


def delete_measurements(
    connection: Connection, *, kpi: str, day: date, author: Author
) -> list[Change]:
    """Delete every measurement of a KPI on a local day, inside the caller's transaction, and
    record each deletion in the history. Returns the deletions, earliest first."""
    gone = connection.execute(
        select(Measurement.id, Measurement.at, Measurement.value)
        .where(Measurement.kpi == kpi, Measurement.day == day)
        .order_by(Measurement.at, Measurement.id)
    ).all()
    if not gone:
        return []
    connection.execute(delete(Measurement).where(Measurement.id.in_([row.id for row in gone])))
    changes = [Change(row.id, kpi, row.at, None, row.value, author.by, author.at) for row in gone]
    connection.execute(
        insert(MeasurementChange),
        [
            {
                "measurement_id": change.measurement_id,
                "kpi": change.kpi,
                "at": change.at,
                "value": None,
                "previous": change.previous,
                "entered_by": change.entered_by,
                "entered_at": change.entered_at,
            }
            for change in changes
        ],
    )
    mark_data_changed(connection)
    return changes


def changes_of(connection: Connection, kpi: str, *, limit: int) -> list[Change]:
    """The latest `limit` changes to a KPI's measurements, oldest first."""
    rows = connection.execute(
        select(
            MeasurementChange.measurement_id,
            MeasurementChange.kpi,
            MeasurementChange.at,
            MeasurementChange.value,
            MeasurementChange.previous,
            MeasurementChange.entered_by,
            MeasurementChange.entered_at,
        )
        .where(MeasurementChange.kpi == kpi)
        .order_by(MeasurementChange.id.desc())
        .limit(limit)
    ).all()
    return [Change(*row) for row in reversed(rows)]
