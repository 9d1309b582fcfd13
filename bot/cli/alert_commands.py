"""`kpibot alerts check` and `kpibot alerts history`: the alert sweep run by hand, and the
audit log."""

from __future__ import annotations

import argparse
import json

from bot.cli.state_commands import find_kpi
from bot.jobs.alerts import AlertSweep
from bot.runtime import Runtime
from bot.slack.copy import level_label, t
from bot.slack.copy.keys import Text
from storage import alerts as stored_alerts


def check(args: argparse.Namespace, runtime: Runtime) -> int:
    """Evaluate every KPI now and print what changes and what would be sent; without
    --dry-run the changes are stored and their messages queued for the scheduler."""
    locale = runtime.settings.locale
    outcomes = AlertSweep(runtime).run(runtime.clock(), dry_run=args.dry_run)
    changed = [outcome for outcome in outcomes if outcome.events or outcome.queued]
    for outcome in changed:
        events = ", ".join(event.value for event in outcome.events) or "-"
        print(
            f"{outcome.kpi}: {level_label(outcome.before, locale)} → "
            f"{level_label(outcome.after, locale)} [{events}]"
        )
        for sent in outcome.queued:
            first_line = sent.text.splitlines()[0] if sent.text else ""
            print(f"  → {sent.channel} {sent.kind}: {first_line}")
    if not changed:
        print(t(locale, Text.ALERTS_CHECK_NOTHING, count=len(outcomes)))
    queued = sum(len(outcome.queued) for outcome in outcomes)
    if args.dry_run:
        print(t(locale, Text.ALERTS_CHECK_DRY_RUN))
    elif queued:
        print(t(locale, Text.ALERTS_CHECK_QUEUED, count=queued))
    return 0


def history(args: argparse.Namespace, runtime: Runtime) -> int:
    """Print the audit log, newest first, of one KPI when given."""
    kpi = find_kpi(runtime.catalog, args.kpi, runtime.settings.locale).id if args.kpi else None
    zone = runtime.settings.zone
    with runtime.database.read() as connection:
        entries = stored_alerts.history(connection, kpi=kpi, limit=args.limit)
    if not entries:
        print(t(runtime.settings.locale, Text.ALERTS_HISTORY_NONE))
    for entry in entries:
        episode = f"#{entry.episode}" if entry.episode is not None else "-"
        detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
        print(
            f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M} {entry.kpi} {episode} "
            f"{entry.actor} {entry.action} {detail}"
        )
    return 0
