"""The report jobs the settings describe, their APScheduler triggers, and their health.

Every trigger carries the configured time zone explicitly: a bare `CronTrigger` would run in
the host's zone, and a server in UTC would post the weekly summary at 09:00 UTC (18:00 in
Tokyo). The schedule is the one truth for both the scheduler and what `kpibot jobs` and
`/kpi health` show: next runs come from the same triggers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from bot.settings import Settings
from kpi_engine.reports import ReportKind, ReportPeriod
from kpi_engine.schedule import CatchUp, Crontab, periods_to_catch_up
from storage.db import Database
from storage.outbox import count_by_status
from storage.scheduling import Lease, Outcome, last_outcomes, read_lease, recorded_periods

log = logging.getLogger("kpibot.scheduler")


@dataclass(frozen=True)
class ReportJob:
    """One scheduled report: what, where, when, and how late it may still be posted."""

    kind: ReportKind
    channel: str
    crontab: Crontab
    grace: timedelta
    zone: ZoneInfo

    @property
    def id(self) -> str:
        """The job's name in the scheduler and the outbox's `job` column: the report kind."""
        return self.kind.value

    def trigger(self) -> CronTrigger:
        """The APScheduler trigger, in the configured zone (never the host's)."""
        return CronTrigger(**self.crontab.trigger_fields(), timezone=self.zone)

    def next_run(self, moment: datetime) -> datetime | None:
        """The first run at or after `moment`, in the configured zone."""
        fire: datetime | None = self.trigger().get_next_fire_time(None, moment)
        return fire

    def due_at(self, period: ReportPeriod) -> datetime:
        """When a period's report is due: the first run at or after the period's end."""
        fire = self.next_run(period.ends_at(self.zone))
        # `0 9 31 2 *` (31 February) can be written and never fires: then nothing is due.
        return fire if fire is not None else datetime.max.replace(tzinfo=self.zone)


def latest_recorded(kind: ReportKind, keys: Iterable[str]) -> ReportPeriod | None:
    """The latest of the periods the outbox records for a job (`recorded_periods`)."""
    recorded = []
    for key in keys:
        try:
            recorded.append(ReportPeriod.from_key(kind, key))
        except ValueError:
            log.warning("outbox period %r is not a %s period; ignored", key[:40], kind)
    return max(recorded, key=lambda period: period.span.start, default=None)


def overdue_period(
    job: ReportJob, latest: ReportPeriod | None, now: datetime
) -> tuple[ReportPeriod, datetime] | None:
    """The oldest period whose report is past its run (and the minute a run may take) and
    still not recorded in the outbox, with its due moment: no scheduler runs, or its runs
    fail."""
    plan = periods_to_catch_up(
        job.kind, latest_recorded=latest, now=now, zone=job.zone, due_at=job.due_at, grace=job.grace
    )
    for period, due, decision in plan:
        if decision is not CatchUp.ON_TIME:
            return period, due
    return None


def report_jobs(settings: Settings) -> list[ReportJob]:
    """The reports that have a channel, each with its schedule and grace window."""
    jobs = []
    for kind in ReportKind:
        channel = settings.report_channel(kind)
        if channel is not None:
            jobs.append(
                ReportJob(
                    kind=kind,
                    channel=channel,
                    crontab=settings.report_schedule(kind),
                    grace=settings.report_grace(kind),
                    zone=settings.zone,
                )
            )
    return jobs


CHANNEL_VARIABLES = {
    ReportKind.WEEKLY: "KPIBOT_CHANNEL_TEAM",
    ReportKind.MONTHLY: "KPIBOT_CHANNEL_STAKEHOLDERS",
    ReportKind.QUARTERLY: "KPIBOT_CHANNEL_LEADERSHIP",
}


def unscheduled_reports(settings: Settings) -> list[ReportKind]:
    """The reports without a channel, which are not scheduled."""
    return [kind for kind in ReportKind if settings.report_channel(kind) is None]


# The states of an item still on its way (or stuck on it).
UNSENT_STATUSES = ("pending", "sending", "failed", "abandoned")


@dataclass(frozen=True)
class JobHealth:
    """One report's schedule and its latest outcome."""

    kind: ReportKind
    channel: str | None  # None: not scheduled
    schedule: str  # the crontab expression
    next_run: datetime | None
    last: Outcome | None
    unsent: dict[str, int] = field(default_factory=dict)  # the job's items not yet sent
    # A period past its run and not in the outbox, and when it was due.
    overdue: tuple[str, datetime] | None = None


@dataclass(frozen=True)
class SchedulerHealth:
    """What `kpibot jobs` and `/kpi health` show: each job, the outbox, the leader."""

    now: datetime
    jobs: list[JobHealth]
    outbox: dict[str, int]  # items per status
    leader: Lease | None


def gather_health(settings: Settings, database: Database, now: datetime) -> SchedulerHealth:
    """Read the schedule's state at `now` on one snapshot."""
    zone = settings.zone
    with database.read() as connection:
        outcomes = last_outcomes(connection, [kind.value for kind in ReportKind])
        counts = {status.value: n for status, n in count_by_status(connection).items()}
        unsent: dict[ReportKind, dict[str, int]] = {
            kind: {
                status.value: n
                for status, n in count_by_status(connection, job=kind.value).items()
                if n and status.value in UNSENT_STATUSES
            }
            for kind in ReportKind
        }
        leader = read_lease(connection)
        recorded = {
            kind: recorded_periods(connection, job=kind.value, channel=channel)
            for kind in ReportKind
            if (channel := settings.report_channel(kind)) is not None
        }
    jobs = []
    for kind in ReportKind:
        crontab = settings.report_schedule(kind)
        channel = settings.report_channel(kind)
        job = ReportJob(kind, channel or "", crontab, settings.report_grace(kind), zone)
        overdue = None
        if channel is not None:
            found = overdue_period(job, latest_recorded(kind, recorded[kind]), now)
            overdue = None if found is None else (found[0].key, found[1])
        jobs.append(
            JobHealth(
                kind=kind,
                channel=channel,
                schedule=crontab.expression,
                next_run=job.next_run(now) if channel else None,
                last=outcomes.get(kind.value),
                unsent=unsent[kind],
                overdue=overdue,
            )
        )
    return SchedulerHealth(now=now.astimezone(zone), jobs=jobs, outbox=counts, leader=leader)
