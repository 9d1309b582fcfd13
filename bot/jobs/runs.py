"""A report job's run: decide which periods are due, compose them, and queue them once.

The decision (on time, late, skipped) is `kpi_engine.schedule`'s; the periods already
recorded come from the outbox, whose unique key (`report:{kind}:{period}:{channel}`) makes a
second run for the same period, by this scheduler or any other, write nothing. A report is
composed before its write transaction (evaluating and drawing charts takes seconds, which
the writer lock should not wait for) and queued in one transaction that first checks this
process still leads: the outbox's own (`outbox.transaction`), which on PostgreSQL does not
wait behind an import holding kpibot's writer lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from bot.jobs.delivery import ADMIN_JOB, enqueue_post, record_skipped_post
from bot.jobs.reports import ComposedReport, compose_report
from bot.runtime import Runtime
from bot.schedule import ReportJob, latest_recorded
from bot.slack.blocks.delivery import skipped_report_message
from kpi_engine.reports import ReportKind, ReportPeriod
from kpi_engine.schedule import CatchUp, periods_to_catch_up
from storage import outbox
from storage.scheduling import count_copies, recorded_periods, report_key

log = logging.getLogger("kpibot.scheduler")

# A check, in the run's write transaction, that this process may still write: the
# scheduler's leadership fence, or nothing for an operator's command.
Fence = Callable[[Connection, datetime], bool]


def _always(_connection: Connection, _now: datetime) -> bool:
    return True


@dataclass(frozen=True)
class Queued:
    """What queuing one report did: `queued` False when its key was there already (or the
    fence refused); `key` is the top message's outbox key."""

    kind: ReportKind
    period: ReportPeriod
    channel: str
    key: str
    queued: bool
    late: bool = False
    report: ComposedReport | None = None


def queue_report(
    runtime: Runtime,
    kind: ReportKind,
    period: ReportPeriod,
    channel: str,
    *,
    now: datetime,
    late: bool = False,
    copy: bool = False,
    post_skipped: bool = False,
    fence: Fence = _always,
) -> Queued:
    """Compose a period's report and queue it for a channel, unless it is queued already.

    `copy` queues a new copy under `{key}:copy-{n}` even when the report was posted.
    `post_skipped` (an operator's post) queues a period the scheduler recorded as skipped,
    past its grace window: that record says the report was never posted, so posting it now
    is its first post, not a second one.
    """
    key = report_key(kind.value, period.key, channel)
    if not copy:
        with runtime.database.read() as connection:
            found = outbox.find(connection, key)
        if found is not None and not (post_skipped and found.status is outbox.Status.SKIPPED):
            return Queued(kind, period, channel, key, queued=False, late=late)
    report = compose_report(runtime, kind, period, late=late)
    messages = [message.as_payload() for message in report.messages]
    files = [(chart.filename, chart.title, chart.png) for chart in report.charts]
    with outbox.transaction(runtime.database) as connection:
        if not fence(connection, now):
            log.warning("%s %s not queued: this scheduler no longer leads", kind, period.key)
            return Queued(kind, period, channel, key, queued=False, late=late)
        if copy:
            key = f"{key}:copy-{count_copies(connection, key=key) + 1}"
        elif post_skipped:
            outbox.release_skipped(connection, key)
        queued = enqueue_post(
            connection,
            key=key,
            job=kind.value,
            period=period.key,
            channel=channel,
            messages=messages,
            files=files,
            now=now,
            late=late,
        )
    return Queued(kind, period, channel, key, queued=queued, late=late, report=report)


@dataclass(frozen=True)
class RunOutcome:
    """One period a run decided about, and what came of it."""

    period: ReportPeriod
    decision: CatchUp
    written: bool  # queued (or recorded as skipped) by this run


def run_job(
    runtime: Runtime, job: ReportJob, now: datetime, *, fence: Fence = _always
) -> list[RunOutcome]:
    """Run one report job at `now`: every period due since the latest one recorded is
    queued (late past its run) or, older than the grace window, recorded as skipped.

    A skipped period is also told to `KPIBOT_CHANNEL_ADMIN` (if set) when the job had run
    before: a scheduler was down over it. A new installation's first check says nothing of
    the period that ended before it was set up.
    """
    with runtime.database.read() as connection:
        keys = recorded_periods(connection, job=job.id, channel=job.channel)
    latest = latest_recorded(job.kind, keys)
    plan = periods_to_catch_up(
        job.kind,
        latest_recorded=latest,
        now=now,
        zone=job.zone,
        due_at=job.due_at,
        grace=job.grace,
    )
    outcomes = []
    for period, due, decision in plan:
        if decision is CatchUp.SKIPPED:
            written = _skip(runtime, job, period, due, now, fence, tell_admin=latest is not None)
        else:
            late = decision is CatchUp.LATE
            written = queue_report(
                runtime, job.kind, period, job.channel, now=now, late=late, fence=fence
            ).queued
        if written:
            log.info("%s %s for %s: %s", job.kind, period.key, job.channel, decision)
        outcomes.append(RunOutcome(period, decision, written))
    return outcomes


def _skip(
    runtime: Runtime,
    job: ReportJob,
    period: ReportPeriod,
    due: datetime,
    now: datetime,
    fence: Fence,
    *,
    tell_admin: bool,
) -> bool:
    hours = job.grace.total_seconds() / 3600
    reason = (
        f"due at {due.astimezone(job.zone):%Y-%m-%d %H:%M %Z}, no scheduler ran within its "
        f"{hours:g} h grace window"
    )
    key = report_key(job.id, period.key, job.channel)
    settings = runtime.settings
    with outbox.transaction(runtime.database) as connection:
        if not fence(connection, now):
            return False
        recorded = record_skipped_post(
            connection,
            key=key,
            job=job.id,
            period=period.key,
            channel=job.channel,
            now=now,
            reason=reason,
        )
        if recorded and tell_admin and settings.channel_admin is not None:
            # Written with the record, so the admin hears of each skip once, and always.
            message = skipped_report_message(
                job=job.id,
                period=period.key,
                channel=job.channel,
                due=due,
                grace=job.grace,
                last_day=period.span.last_day,
                zone=job.zone,
                locale=settings.locale,
            )
            outbox.insert_if_absent(
                connection,
                outbox.NewItem(
                    key=f"{ADMIN_JOB}:skipped:{key}",
                    job=ADMIN_JOB,
                    period=period.key,
                    channel=settings.channel_admin,
                    kind=outbox.ItemKind.MESSAGE,
                    payload=message.as_payload(),
                ),
                now=now,
            )
        return recorded
