"""`kpibot demo`: rebuild a SQLite database of the reference company and show it."""

from __future__ import annotations

import argparse
import itertools
import shlex
import textwrap
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pydantic import SecretStr
from tqdm import tqdm

from bot.cli.alert_commands import sent_kind_label
from bot.cli.main import DEFAULT_DEMO_DB, DEMO_FIRST_DAY
from bot.cli.state_commands import end_of_day
from bot.errors import EXIT_USAGE, CliError
from bot.jobs.alerts import AlertSweep, Sent
from bot.jobs.reports import compose_report, report_as_text
from bot.runtime import Runtime
from bot.slack.blocks.plain import plain_text
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.services import Services
from kpi_engine.catalog import ValueRule
from kpi_engine.formulas import measured_kpis
from kpi_engine.reports import NoteKind, ReportKind, ReportPeriod, last_ended
from storage.db import Database, is_demo_file, mark_as_demo, sqlite_file
from storage.demo.rows import demo_import_rows, demo_types, write_demo_csv
from storage.imports.ingest import import_rows
from storage.measurements import DEMO_AUTHOR, Author
from storage.notes import add_note
from storage.schema import EventType

# Notes the demo company wrote in the month its monthly digest covers, so the digest shows
# what notes look like.
DEMO_NOTES = (
    (NoteKind.MARKET, 3, "競合A社が個人向けAI講座を20%値下げ。法人向けは据え置き。"),
    (NoteKind.MARKET, 12, "業界レポートによると、生成AI活用の社内研修需要が拡大。"),
    (NoteKind.STRATEGY, 20, "法人向けチームプランを来期に試験導入し、CACの低下を狙う。"),
)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _refuse_to_replace(path: Path, configured_url: str, locale: str) -> None:
    # The demo deletes its file first: make sure that is never someone's real data.
    if path.resolve() == Path("kpibot.db").resolve():
        raise CliError(t(locale, Text.CLI_DEMO_KPIBOT_DB), EXIT_USAGE)
    configured_file = sqlite_file(configured_url)
    if configured_file is not None and configured_file.resolve() == path.resolve():
        raise CliError(t(locale, Text.CLI_DEMO_CONFIGURED_DB, path=path), EXIT_USAGE)
    if path.exists() and not is_demo_file(path):
        raise CliError(t(locale, Text.CLI_DEMO_NOT_DEMO_DB, path=path), EXIT_USAGE)


def _refuse_reports_dir(path: Path, locale: str) -> None:
    if path.exists() and not path.is_dir():
        raise CliError(t(locale, Text.CLI_DEMO_REPORTS_NOT_FOLDER, path=path), EXIT_USAGE)


def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Rebuild the demo database, optionally write import files, print a summary and the
    commands to try next."""
    settings = runtime.settings
    zone, locale = settings.zone, settings.locale
    present = runtime.clock()
    now = present.astimezone(zone).date()
    today = args.today or now
    # Measurements are never in the future, so neither is the demo's last day.
    if today > now:
        raise CliError(t(locale, Text.CLI_DEMO_IN_FUTURE, day=today, today=now), EXIT_USAGE)
    if today < DEMO_FIRST_DAY:
        raise CliError(
            t(locale, Text.CLI_DEMO_TOO_EARLY, day=today, first=DEMO_FIRST_DAY), EXIT_USAGE
        )
    path = Path(args.db or DEFAULT_DEMO_DB)
    _refuse_to_replace(path, settings.database_url.get_secret_value(), locale)
    reports_dir = Path(args.reports)
    _refuse_reports_dir(reports_dir, locale)
    _remove_database(path)
    # The demo's own runtime: the demo database, and the clock at the end of its last day
    # (its answers say "end of" that day), or at the present when that day is today: its data
    # stops there, and an answer or an alert as of later today would speak of the future.
    moment = min(end_of_day(today, zone), present)
    demo = Runtime(
        settings.model_copy(update={"database_url": SecretStr(f"sqlite:///{path}")}),
        clock=lambda: moment,
    )
    try:
        database = demo.database
        with database.write() as connection:
            mark_as_demo(connection)
        known_kpis = measured_kpis(runtime.catalog)
        # Entered now, whatever day the demo answers as of.
        author = Author(by=DEMO_AUTHOR, at=runtime.clock().astimezone(UTC))
        building = t(
            locale,
            Text.CLI_DEMO_BUILDING,
            path=path,
            first=DEMO_FIRST_DAY,
            today=today,
            zone=zone.key,
            scale=f"{args.scale:g}",
        )
        print(building)
        total = 0
        # On today itself, the data stops at the present: a measurement later today would be
        # in the future, which an import refuses.
        loaded = load_demo_data(
            database,
            today=today,
            scale=args.scale,
            author=author,
            known_kpis=known_kpis,
            until=present,
            locale=locale,
        )
        for event_type, inserted in loaded:
            total += inserted
            rows = t(locale, Text.CLI_DEMO_ROWS, count=f"{inserted:>10,}")
            print(f"  {event_type.value:<12} {rows}")
        rows = t(locale, Text.CLI_DEMO_ROWS, count=f"{total:>10,}")
        print(f"  {t(locale, Text.CLI_DEMO_TOTAL):<12} {rows}")
        if args.write_csv:
            written = write_demo_csv(
                Path(args.write_csv), today=today, tz=zone, scale=args.scale, until=present
            )
            for event_type, (file, count) in written.items():
                print(
                    t(
                        locale,
                        Text.CLI_DEMO_WROTE_CSV,
                        file=file,
                        count=f"{count:,}",
                        kind=event_type.value,
                    )
                )
        month = last_ended(ReportKind.MONTHLY, moment, zone)
        with database.write() as connection:
            for kind, day, text in DEMO_NOTES:
                at = datetime.combine(month.span.start.replace(day=day), time(10), zone)
                add_note(connection, kind=kind, text=text, author=DEMO_AUTHOR, at=at)
        # The answers end with `/kpi status`: every KPI's level, the demo's status table.
        _print_slack_answers(demo.services)
        _print_alerts(demo, moment)
        _write_reports(demo, reports_dir, moment)
    finally:
        demo.close()
    print()
    print(t(locale, Text.CLI_DEMO_NEXT))
    for line in next_commands(path, today):
        print(f"  {line}")
    return 0


def load_demo_data(
    database: Database,
    *,
    today: date,
    scale: float,
    author: Author,
    known_kpis: Mapping[str, ValueRule],
    locale: str,
    until: datetime | None = None,
) -> Iterator[tuple[EventType, int]]:
    """Import the demo company's rows up to `today`, one type after the other, yielding how
    many of each were inserted (with a progress bar on a terminal, counting rows in
    `locale`). A type the company has no rows of yet on `today` (surveys before the first
    customer, say) is simply empty."""
    for event_type in demo_types():
        rows = iter(
            demo_import_rows(event_type, today=today, tz=database.zone, scale=scale, until=until)
        )
        first = next(rows, None)
        if first is None:
            yield event_type, 0
            continue
        every = itertools.chain([first], rows)
        unit = t(locale, Text.CLI_DEMO_ROWS_UNIT)
        with tqdm(every, desc=event_type.value, unit=unit, disable=None, leave=False) as bar:
            result = import_rows(database, bar, author=author, known_kpis=known_kpis)
        if not result.stored:
            # The generator's bug, not the user's: the generic handler gives it a reference.
            raise RuntimeError(
                f"demo data for {event_type} did not validate: {result.problems[:3]}"
            )
        yield event_type, result.inserted


def next_commands(path: Path, today: date) -> list[str]:
    """The commands to try on the demo database, as a user types them."""
    db = f"kpibot --db {shlex.quote(str(path))}"
    return [
        f"{db} show mrr",
        f"{db} show nps --json",
        f"{db} status --level red",
        f"{db} report weekly --at {today}",
        f"{db} alerts check --dry-run",
    ]


def _print_slack_answers(services: Services) -> None:
    """Show `/kpi nps` and `/kpi status` as a Slack user would read them."""
    user_id, channel_id = "U0DEMO", "C0DEMO"
    for text in ("nps", "status"):
        reply = services.reply(text, user_id=user_id, channel_id=channel_id)
        # In Slack a pending note comes first; what follows the ack replaces it.
        message = (
            services.follow_up_message(reply.follow_up, user_id=user_id, channel_id=channel_id)
            if reply.follow_up is not None
            else reply.message
        )
        if message is None:
            continue
        print()
        print(t(services.locale, Text.CLI_DEMO_SLACK_SAYS, text=text))
        print(textwrap.indent(plain_text(message), "  "))


# Two sweeps this far apart, ending at the demo's moment: a level must hold for two.
ALERT_STEP = timedelta(minutes=15)
# Where the demo's alerts go when the settings name no channel: stand-in ids, for display.
DEMO_ALERTS_CHANNEL = "C0ALERTS"
DEMO_LEADERSHIP_CHANNEL = "C0LEADERSHIP"


def _print_alerts(demo: Runtime, moment: datetime) -> None:
    """Sweep the demo's alerts twice, 15 minutes apart (a level must hold for two
    evaluations), and print the messages each channel would get."""
    settings = demo.settings
    updates: dict[str, object] = {}
    if settings.alerts_channel is None:
        updates["channel_alerts"] = DEMO_ALERTS_CHANNEL
    if settings.channel_leadership is None:
        updates["channel_leadership"] = DEMO_LEADERSHIP_CHANNEL
    sweeping = Runtime(settings.model_copy(update=updates), clock=demo.clock)
    try:
        sweep = AlertSweep(sweeping)
        sent = [
            item
            for at in (moment - ALERT_STEP, moment)
            for outcome in sweep.run(at)
            for item in outcome.queued
        ]
    finally:
        sweeping.close()
    by_channel: dict[str, list[Sent]] = {}
    for item in sent:
        by_channel.setdefault(item.channel, []).append(item)
    print()
    print(t(settings.locale, Text.CLI_DEMO_ALERTS))
    if not sent:
        print(f"  {t(settings.locale, Text.CLI_DEMO_NO_ALERTS)}")
    for channel, items in by_channel.items():
        print(f"  #{channel} ({len(items)}):")
        for item in items:
            shown = plain_text(item.message) if item.message is not None else item.text
            kind = sent_kind_label(item.kind, settings.locale)
            print(textwrap.indent(f"[{kind}] {shown}", "    "))
            print()


def _write_reports(demo: Runtime, folder: Path, moment: datetime) -> None:
    """Write the last ended week's, month's and quarter's reports as text, charts as PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    zone = demo.settings.zone
    written: list[str] = []
    for kind in ReportKind:
        period: ReportPeriod = last_ended(kind, moment, zone)
        report = compose_report(demo, kind, period)
        text_file = folder / f"{kind}-{period.key}.txt"
        text_file.write_text(report_as_text(report), encoding="utf-8")
        written.append(text_file.name)
        for chart in report.charts:
            (folder / chart.filename).write_bytes(chart.png)
            written.append(chart.filename)
    print()
    print(t(demo.settings.locale, Text.CLI_DEMO_REPORTS, folder=folder.resolve()))
    for name in written:
        print(f"  {name}")
