"""The reports of the KPI document's rhythm and the periods they cover.

The weekly team summary covers the ISO week just ended, the monthly stakeholder digest the
calendar month just ended, the quarterly review the calendar quarter just ended; all in
local days of the configured time zone. A report's period has a stable key (`2026-W47`,
`2026-11`, `2026-Q4`) by which the outbox knows whether it was already sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpi_engine.periods import PeriodKind, Span, previous, span_containing


class ReportKind(StrEnum):
    """One of the document's reports."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def period_kind(self) -> PeriodKind:
        """The calendar period one report covers."""
        return _PERIOD_KINDS[self]


_PERIOD_KINDS = {
    ReportKind.WEEKLY: PeriodKind.WEEK,
    ReportKind.MONTHLY: PeriodKind.MONTH,
    ReportKind.QUARTERLY: PeriodKind.QUARTER,
}
_KEYS = {
    ReportKind.WEEKLY: re.compile(r"(?P<year>\d{4})-W(?P<number>\d{2})"),
    ReportKind.MONTHLY: re.compile(r"(?P<year>\d{4})-(?P<number>\d{2})"),
    ReportKind.QUARTERLY: re.compile(r"(?P<year>\d{4})-Q(?P<number>[1-4])"),
}


@dataclass(frozen=True)
class ReportPeriod:
    """The local days one report covers."""

    kind: ReportKind
    span: Span

    def __post_init__(self) -> None:
        if span_containing(self.kind.period_kind, self.span.start) != self.span:
            raise ValueError(f"{self.span} is not one {self.kind.period_kind} period")

    @property
    def key(self) -> str:
        """`2026-W47` (ISO year and week), `2026-11`, or `2026-Q4`."""
        start = self.span.start
        match self.kind:
            case ReportKind.WEEKLY:
                year, week, _ = start.isocalendar()
                return f"{year}-W{week:02d}"
            case ReportKind.MONTHLY:
                return f"{start.year}-{start.month:02d}"
            case ReportKind.QUARTERLY:
                return f"{start.year}-Q{(start.month - 1) // 3 + 1}"

    @classmethod
    def from_key(cls, kind: ReportKind, key: str) -> ReportPeriod:
        """The period a key names; ValueError for a key that names none."""
        match = _KEYS[kind].fullmatch(key)
        if match is None:
            raise ValueError(f"{key!r} is not a {kind} report's period")
        year, number = int(match["year"]), int(match["number"])
        match kind:
            case ReportKind.WEEKLY:
                first = date.fromisocalendar(year, number, 1)  # ValueError past the last week
            case ReportKind.MONTHLY:
                first = date(year, number, 1)
            case ReportKind.QUARTERLY:
                first = date(year, (number - 1) * 3 + 1, 1)
        return cls(kind, span_containing(kind.period_kind, first))

    def before(self) -> ReportPeriod:
        """The period of the same report just before this one."""
        return ReportPeriod(self.kind, previous(self.kind.period_kind, self.span))

    def after(self) -> ReportPeriod:
        """The period of the same report just after this one."""
        return ReportPeriod(self.kind, span_containing(self.kind.period_kind, self.span.end))

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """The instant the period ends: local midnight after its last day."""
        return datetime.combine(self.span.end, datetime.min.time(), tzinfo=zone)


def last_ended(kind: ReportKind, moment: datetime, zone: ZoneInfo) -> ReportPeriod:
    """The latest period of a report that has ended at `moment` (an aware instant): at
    Monday 00:00 local, the week that ended then; a second before, the week before it."""
    today = moment.astimezone(zone).date()
    current = span_containing(kind.period_kind, today)
    return ReportPeriod(kind, previous(kind.period_kind, current))
