"""`kpibot scheduler`, `report`, `jobs` and `outbox`: the schedule run, a report on demand,
what the schedule will do, and what the outbox did."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from bot.cli.state_commands import as_of_moment
from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from bot.schedule import CHANNEL_VARIABLES, gather_health
from bot.slack.blocks.health import health_message, job_name, moment_text, status_text
from bot.slack.blocks.plain import plain_text
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.reports import ReportKind, last_ended
from storage import outbox
from storage.scheduling import item_key_and_status

# `kpibot outbox` lists at most this many items (newest first).
OUTBOX_LIST_LIMIT = 200


def jobs(_args: argparse.Namespace, runtime: Runtime) -> int:
    """Print each report job's schedule, next run (local time), last outcome, and the leader."""
    settings = runtime.settings
    health = gather_health(settings, runtime.database, runtime.clock())
    print(plain_text(health_message(health, settings.locale)))
    return 0


def outbox_command(args: argparse.Namespace, runtime: Runtime) -> int:
    """List the outbox (its failed items with --failed), or queue a failed item again."""
    settings = runtime.settings
    locale, zone = settings.locale, settings.zone
    if args.retry is not None:
        with runtime.database.write() as connection:
            found = item_key_and_status(connection, args.retry)
            if found is None:
                raise CliError(t(locale, Text.CLI_OUTBOX_NO_ITEM, id=args.retry), EXIT_USAGE)
            key, status = found
            if not outbox.retry(connection, args.retry, now=runtime.clock()):
                state = status_text(status, locale).replace("`", "")
                raise CliError(
                    t(locale, Text.CLI_OUTBOX_NOT_FAILED, id=args.retry, status=state), EXIT_USAGE
                )
        print(t(locale, Text.OUTBOX_RETRIED, id=args.retry, item=key))
        return 0
    statuses = (outbox.Status.FAILED, outbox.Status.ABANDONED) if args.failed else ()
    with runtime.database.read() as connection:
        items = outbox.list_items(connection, statuses=statuses, limit=OUTBOX_LIST_LIMIT)
    if not items:
        print(t(locale, Text.OUTBOX_FAILED_EMPTY if args.failed else Text.OUTBOX_EMPTY))
        return 0
    lines = [t(locale, Text.OUTBOX_TITLE, count=len(items), zone=zone.key)]
    for entry in items:
        sent = (
            moment_text(entry.sent_at.astimezone(zone), locale)
            if entry.sent_at
            else t(locale, Text.OUTBOX_NOT_SENT)
        )
        lines.append(
            t(
                locale,
                Text.OUTBOX_LINE,
                id=entry.id,
                status=status_text(entry.status.value, locale).replace("`", ""),
                item=entry.key,
                created=moment_text(entry.created_at.astimezone(zone), locale),
                sent=sent,
                attempts=entry.attempts,
            )
        )
        if entry.last_error:
            lines.append(f"    {entry.last_error[:500]}")
    print("\n".join(lines))
    return 0


def scheduler(_args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot scheduler`: run the report jobs (when this process leads) until SIGTERM."""
    from bot.jobs.scheduler import ReportScheduler

    runtime.database  # noqa: B018 - opened (and migrated) for its errors, before leading
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    # A clean stop: the run in progress finishes, the lead is handed over at once.
    signal.signal(signal.SIGTERM, _stop)
    process = ReportScheduler(runtime)
    settings = runtime.settings
    started = t(
        settings.locale,
        Text.CLI_SCHEDULER_STARTED,
        holder=process.leadership.holder,
        count=len(process.jobs),
        zone=settings.timezone,
    )
    print(f"kpibot: {started}", file=sys.stderr)
    process.run(stop)
    print(f"kpibot: {t(settings.locale, Text.CLI_SCHEDULER_STOPPED)}", file=sys.stderr)
    return 0


def report(args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot report KIND`: print the report of the period just ended, or post it."""
    from bot.jobs.delivery import Deliverer
    from bot.jobs.reports import compose_report, report_as_text
    from bot.jobs.runs import queue_report

    settings = runtime.settings
    locale = settings.locale
    kind = ReportKind(args.kind)
    if args.force and not args.post:
        raise CliError(t(locale, Text.CLI_REPORT_FORCE_WITHOUT_POST), EXIT_USAGE)
    if args.at is not None and args.at > runtime.clock().date():
        raise CliError(t(locale, Text.CLI_REPORT_IN_FUTURE, day=args.at), EXIT_USAGE)
    period = last_ended(kind, as_of_moment(runtime, args.at), settings.zone)
    if not args.post:
        print(report_as_text(compose_report(runtime, kind, period)), end="")
        return 0
    channel = settings.report_channel(kind)
    if channel is None:
        unset = t(
            locale,
            Text.CLI_REPORT_NO_CHANNEL,
            report=job_name(kind, locale),
            variable=CHANNEL_VARIABLES[kind],
        )
        raise CliError(unset, EXIT_USAGE)
    # A manual post is never refused for the period's age: the grace window is the
    # scheduler's, for runs nobody asked for.
    # A period the scheduler skipped was never posted: --post posts it.
    queued = queue_report(
        runtime, kind, period, channel, now=runtime.clock(), copy=args.force, post_skipped=True
    )
    said = {"report": job_name(kind, locale), "period": period.key, "channel": channel}
    if not queued.queued:
        with runtime.database.read() as connection:
            entry = outbox.find(connection, queued.key)
        status = entry.status.value if entry is not None else "?"
        state = status_text(status, locale).replace("`", "")
        print(t(locale, Text.REPORT_ALREADY_QUEUED, **said, status=state))
        return 0
    # Delivered here and now, so the operator sees the outcome; a running scheduler may
    # deliver it first, which is the same outcome.
    Deliverer.from_runtime(runtime).deliver_due()
    with runtime.database.read() as connection:
        entry = outbox.find(connection, queued.key)
    delivered = entry.status if entry is not None else None
    if delivered is outbox.Status.SENT:
        print(t(locale, Text.REPORT_POSTED, **said, item=queued.key))
        return 0
    if delivered in (outbox.Status.PENDING, outbox.Status.SENDING):
        print(t(locale, Text.REPORT_QUEUED, **said, item=queued.key))
        return 0
    problem = (
        entry.last_error
        if entry is not None and entry.last_error
        else t(locale, Text.CLI_REPORT_NOT_DELIVERED)
    )
    raise CliError(
        t(locale, Text.CLI_REPORT_NOT_POSTED, **said, item=queued.key, problem=problem[:300])
    )
