"""The document's six-month retention window (6ヶ月継続率): when the window a customer's
first enrollment opens closes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from kpi_engine.periods import add_months

RETENTION_MONTHS = 6


def retention_deadline(enrolled: datetime, zone: ZoneInfo) -> datetime:
    """Return when the retention window a first enrollment opens closes (in UTC)."""
    return months_later(enrolled, RETENTION_MONTHS, zone)


def months_later(moment: datetime, months: int, zone: ZoneInfo) -> datetime:
    """Return the same local wall time a number of calendar months later (clamped to the
    month's end), in UTC."""
    local = moment.astimezone(zone)
    shifted = _months_after(local.date(), months)
    return datetime.combine(shifted, local.time(), tzinfo=zone).astimezone(UTC)


# An import computes a deadline per enrollment; its days repeat from row to row.
_months_after = lru_cache(maxsize=4096)(add_months)
