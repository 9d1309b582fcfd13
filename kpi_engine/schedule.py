"""When the reports run: standard crontab schedules, and what to do about a missed run.

A schedule is written as in crontab(5): five fields, `minute hour day-of-month month
day-of-week`, each `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a list of those;
months and days of the week may also be named (`jan`, `mon`). Day of week 0 and 7 are both
Sunday, as in cron. Every field is expanded here into the explicit values it allows, and days
of the week into their names, so no scheduler library's own numbering (APScheduler counts 0
as Monday) ever meets a user's number.

Cron runs a job when *either* day field matches if both are restricted; most libraries
(APScheduler among them) require both. Rather than run on other days than the user meant, a
schedule that restricts both is refused.

The catch-up decision: a period's report is due at the first run of its schedule after the
period ends. A scheduler that starts after that moment posts it late if no more than the
grace window has passed, and otherwise records it as skipped: a stale report is never sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpi_engine.reports import ReportKind, ReportPeriod, last_ended


class CrontabProblem(StrEnum):
    """Why a schedule is not a crontab expression kpibot can run."""

    FIELD_COUNT = "field_count"  # params: expression, count
    BOTH_DAYS = "both_days"  # params: expression
    NOT_A_NUMBER = "not_a_number"  # params: field, value, low, high, name (an example or None)
    OUT_OF_RANGE = "out_of_range"  # params: field, value, low, high
    TOO_MANY_ITEMS = "too_many_items"  # params: field, most
    BAD_STEP = "bad_step"  # params: field, value
    ZERO_STEP = "zero_step"  # params: field
    BACKWARDS = "backwards"  # params: field, span, low, high


class CrontabField(StrEnum):
    """One of a schedule's five fields."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day_of_month"
    MONTH = "month"
    WEEKDAY = "day_of_week"


class CrontabError(ValueError):
    """A schedule is not a crontab expression kpibot can run: `problem` says why, `params`
    hold what its message names (whoever shows it words it)."""

    def __init__(self, problem: CrontabProblem, **params: object) -> None:
        super().__init__(f"{problem}: {params}")
        self.problem = problem
        self.params = params


DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class _Field:
    name: CrontabField
    low: int
    high: int
    names: dict[str, int]


_MINUTE = _Field(CrontabField.MINUTE, 0, 59, {})
_HOUR = _Field(CrontabField.HOUR, 0, 23, {})
_DAY = _Field(CrontabField.DAY, 1, 31, {})
_MONTH = _Field(
    CrontabField.MONTH, 1, 12, {name: number for number, name in enumerate(MONTH_NAMES, 1)}
)
# 7 is Sunday as well as 0; folded to 0 after expansion.
_WEEKDAY = _Field(
    CrontabField.WEEKDAY, 0, 7, {name: number for number, name in enumerate(DAY_NAMES)}
)
# A list of at most this many items per field: more is no schedule, only a long string.
_MAX_ITEMS = 60


@dataclass(frozen=True)
class Crontab:
    """A parsed crontab schedule: the values each field allows (None: every value)."""

    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...] | None
    months: tuple[int, ...] | None
    weekdays: tuple[str, ...] | None  # names, Sunday first: ("mon",) for `1`

    def trigger_fields(self) -> dict[str, str]:
        """The fields as a cron trigger takes them (values comma-separated, weekdays named)."""

        def joined(values: Iterable[object] | None) -> str:
            return "*" if values is None else ",".join(str(value) for value in values)

        return {
            "minute": joined(self.minutes),
            "hour": joined(self.hours),
            "day": joined(self.days),
            "month": joined(self.months),
            "day_of_week": joined(self.weekdays),
        }


def parse_crontab(expression: str) -> Crontab:
    """Parse a five-field crontab expression; CrontabError says what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise CrontabError(CrontabProblem.FIELD_COUNT, expression=expression, count=len(fields))
    minute, hour, day, month, weekday = fields
    days = _expand(day, _DAY)
    weekdays = _expand(weekday, _WEEKDAY)
    if days is not None and weekdays is not None:
        # Cron would run on either; kpibot will not guess.
        raise CrontabError(CrontabProblem.BOTH_DAYS, expression=expression)
    named = None
    if weekdays is not None:
        named = tuple(DAY_NAMES[number] for number in sorted({n % 7 for n in weekdays}))
    return Crontab(
        expression=" ".join(fields),
        minutes=_expand(minute, _MINUTE) or tuple(range(60)),
        hours=_expand(hour, _HOUR) or tuple(range(24)),
        days=days,
        months=_expand(month, _MONTH),
        weekdays=named,
    )


def _value(text: str, field: _Field) -> int:
    number = field.names.get(text.lower())
    if number is None:
        if not (text.isascii() and text.isdigit() and len(text) <= 2):
            raise CrontabError(
                CrontabProblem.NOT_A_NUMBER,
                field=field.name,
                value=text,
                low=field.low,
                high=field.high,
                name=next(iter(field.names), None),
            )
        number = int(text)
    if not field.low <= number <= field.high:
        raise CrontabError(
            CrontabProblem.OUT_OF_RANGE,
            field=field.name,
            value=number,
            low=field.low,
            high=field.high,
        )
    return number


def _expand(text: str, field: _Field) -> tuple[int, ...] | None:
    """The sorted values a field allows, or None for `*` (every value)."""
    if text == "*":
        return None
    items = text.split(",")
    if len(items) > _MAX_ITEMS:
        raise CrontabError(CrontabProblem.TOO_MANY_ITEMS, field=field.name, most=_MAX_ITEMS)
    values: set[int] = set()
    for item in items:
        span, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not (step_text.isascii() and step_text.isdigit() and 1 <= len(step_text) <= 2):
                raise CrontabError(CrontabProblem.BAD_STEP, field=field.name, value=step_text)
            step = int(step_text)
            if step == 0:
                raise CrontabError(CrontabProblem.ZERO_STEP, field=field.name)
        if span == "*":
            low, high = field.low, field.high
        elif "-" in span:
            first, _, last = span.partition("-")
            low, high = _value(first, field), _value(last, field)
            if low > high:
                raise CrontabError(
                    CrontabProblem.BACKWARDS, field=field.name, span=span, low=low, high=high
                )
        else:
            low = high = _value(span, field)
            if slash:  # `5/15`: from 5 to the end, every 15
                high = field.high
        values.update(range(low, high + 1, step))
    return tuple(sorted(values))


class CatchUp(StrEnum):
    """What a scheduler does about one period's report at a given moment."""

    NOT_DUE = "not_due"  # its run has not come yet
    ON_TIME = "on_time"  # its run is now (within the scheduler's tolerance)
    LATE = "late"  # its run was missed, within the grace window: post it, marked late
    SKIPPED = "skipped"  # missed for longer than the grace window: record it, never post


# A run this close after its due moment is the run itself, not a late one: the scheduler's
# own wake-up and a start at 09:00:05 are on time.
ON_TIME_TOLERANCE = timedelta(minutes=1)


def catch_up_decision(due_at: datetime, now: datetime, grace: timedelta) -> CatchUp:
    """Decide about a report due at `due_at`, at `now` (aware instants): on time within the
    tolerance, late while no more than `grace` has passed (exactly `grace` is still late),
    skipped after."""
    age = now - due_at
    if age < timedelta(0):
        return CatchUp.NOT_DUE
    if age <= ON_TIME_TOLERANCE:
        return CatchUp.ON_TIME
    if age <= grace:
        return CatchUp.LATE
    return CatchUp.SKIPPED


# How many periods back a scheduler looks for missed reports: a weekly scheduler down for a
# quarter records the weeks it missed, not every week since the last report years ago.
MAX_CATCH_UP = 13


def periods_to_catch_up(
    kind: ReportKind,
    *,
    latest_recorded: ReportPeriod | None,
    now: datetime,
    zone: ZoneInfo,
    due_at: Callable[[ReportPeriod], datetime],
    grace: timedelta,
) -> list[tuple[ReportPeriod, datetime, CatchUp]]:
    """The periods after the latest one recorded (sent, queued or skipped) whose reports
    are due by `now`, oldest first, each with its due moment and what to do about it.

    With nothing recorded yet (a new installation), only the period just ended is
    considered: a scheduler never reaches back to before it was set up.
    """
    period = last_ended(kind, now, zone)
    found: list[ReportPeriod] = []
    while len(found) < MAX_CATCH_UP and (
        latest_recorded is None or period.span.start > latest_recorded.span.start
    ):
        found.append(period)
        if latest_recorded is None:
            break
        period = period.before()
    decisions: list[tuple[ReportPeriod, datetime, CatchUp]] = []
    for candidate in reversed(found):
        due = due_at(candidate)
        decision = catch_up_decision(due, now, grace)
        if decision is not CatchUp.NOT_DUE:
            decisions.append((candidate, due, decision))
    return decisions
