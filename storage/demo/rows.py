"""The demo data as rows: what an import reads, and the CSV files a person could import."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.demo.company import DEMO_SEED, DEMO_START
from storage.demo.customers import build_world
from storage.demo.draws import rng
from storage.demo.events import MONTHLY, Value
from storage.imports.readers import RawRow
from storage.imports.records import fields_of
from storage.schema import EventType


def demo_types() -> list[EventType]:
    """List the event types in load order: enrollments first, since the others refer to them."""
    return list(MONTHLY)


def demo_rows(
    event_type: EventType,
    *,
    today: date,
    tz: ZoneInfo,
    scale: float = 1.0,
    seed: int = DEMO_SEED,
    until: datetime | None = None,
) -> Iterator[dict[str, str]]:
    """Yield the demo import rows of one type from DEMO_START through `today`, in time order;
    with `until` (the present moment, when `today` is today), none timed at or after it."""
    if today < DEMO_START:
        return
    world = build_world(today.replace(day=1), tz, scale, seed)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=tz)
    if until is not None:
        end = min(end, until)
    names = [name for name in fields_of(event_type) if name != "at"]
    make = MONTHLY[event_type]
    for month in world.months:
        for at, values in make(world, month, rng(seed, event_type, month)):
            if at >= end:
                return  # events come sorted and the last month is today's
            cells = _cells(values, end, open_ended=event_type == EventType.TICKET)
            if cells is not None:
                row = {"id": cells[0], "at": at.isoformat()}
                row.update(zip(names[1:], cells[1:], strict=True))
                yield row


def demo_import_rows(
    event_type: EventType,
    *,
    today: date,
    tz: ZoneInfo,
    scale: float = 1.0,
    until: datetime | None = None,
) -> Iterator[RawRow]:
    """The demo rows of one type as an import reads them: typed, numbered as file lines."""
    rows = demo_rows(event_type, today=today, tz=tz, scale=scale, until=until)
    for line, cells in enumerate(rows, start=2):
        yield RawRow(line, {"type": event_type.value, **cells})


def _cells(values: tuple[Value, ...], end: datetime, *, open_ended: bool) -> list[str] | None:
    """Format an event's values; a time after `end` is still unknown.

    An open-ended event (a ticket not answered yet) leaves such a time empty; any other is left
    out whole (an outage still going on).
    """
    cells: list[str] = []
    for value in values:
        if isinstance(value, str):
            cells.append(value)
        elif value < end:
            cells.append(value.isoformat())
        elif open_ended:
            cells.append("")
        else:
            return None
    return cells


def write_demo_csv(
    directory: Path,
    *,
    today: date,
    tz: ZoneInfo,
    scale: float = 1.0,
    until: datetime | None = None,
) -> dict[EventType, tuple[Path, int]]:
    """Write one `<type>.csv` per event type, with a leading `type` column; count the rows."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[EventType, tuple[Path, int]] = {}
    for event_type in demo_types():
        path = directory / f"{event_type.value}.csv"
        names = fields_of(event_type)
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["type", *names])
            for row in demo_rows(event_type, today=today, tz=tz, scale=scale, until=until):
                writer.writerow([event_type.value, *(row[name] for name in names)])
                count += 1
        written[event_type] = (path, count)
    return written
