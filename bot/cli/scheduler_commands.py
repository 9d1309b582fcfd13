"""`kpibot jobs` and `kpibot outbox`: what the schedule will do, and what the outbox did."""

from __future__ import annotations

import argparse

from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from bot.schedule import gather_health
from bot.slack.blocks.health import health_message, moment_text, status_text
from bot.slack.blocks.plain import plain_text
from bot.slack.copy import t
from bot.slack.copy.keys import Text
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
                raise CliError(
                    f"no outbox item #{args.retry} (kpibot outbox lists them)", EXIT_USAGE
                )
            key, status = found
            if not outbox.retry(connection, args.retry, now=runtime.clock()):
                raise CliError(
                    f"outbox item #{args.retry} is {status}, not failed: only a failed item "
                    "can be retried",
                    EXIT_USAGE,
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
