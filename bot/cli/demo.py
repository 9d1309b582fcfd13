"""`kpibot demo`: rebuild a SQLite database of the reference company and show it."""

from __future__ import annotations

import argparse
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from tqdm import tqdm

from bot.cli.state_commands import end_of_day
from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from bot.slack.blocks.plain import plain_text
from bot.slack.services import Services
from kpi_engine.formulas import measured_kpis
from storage.db import is_demo_file, mark_as_demo, sqlite_file
from storage.demo.rows import demo_import_rows, demo_types, write_demo_csv
from storage.imports.ingest import import_rows
from storage.measurements import DEMO_AUTHOR, Author

DEFAULT_DEMO_DB = "kpibot-demo.db"


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _refuse_to_replace(path: Path, configured_url: str) -> None:
    # The demo deletes its file first: make sure that is never someone's real data.
    if path.resolve() == Path("kpibot.db").resolve():
        raise CliError("kpibot demo never touches kpibot.db; choose another --db", EXIT_USAGE)
    configured_file = sqlite_file(configured_url)
    if configured_file is not None and configured_file.resolve() == path.resolve():
        raise CliError(
            f"{path} is the configured database (KPIBOT_DATABASE_URL); "
            "kpibot demo never replaces it: choose another --db",
            EXIT_USAGE,
        )
    if path.exists() and not is_demo_file(path):
        raise CliError(
            f"{path} exists and is not a kpibot demo database; "
            "choose another --db or remove it yourself",
            EXIT_USAGE,
        )


def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Rebuild the demo database, optionally write import files, and print a summary."""
    settings = runtime.settings
    zone = settings.zone
    today = args.today or datetime.now(zone).date()
    path = Path(args.db)
    _refuse_to_replace(path, settings.database_url.get_secret_value())
    _remove_database(path)
    # The demo's own runtime: the demo database, and the clock at the end of its last day
    # (its answers say "end of" that day).
    moment = end_of_day(today, zone)
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
        print(
            f"Building {path} with demo data from 2025-01-01 to {today} ({zone.key}), "
            f"scale {args.scale:g}"
        )
        total = 0
        for event_type in demo_types():
            rows = demo_import_rows(event_type, today=today, tz=zone, scale=args.scale)
            with tqdm(rows, desc=event_type.value, unit=" rows", disable=None, leave=False) as bar:
                result = import_rows(database, bar, author=author, known_kpis=known_kpis)
            if not result.stored:
                raise SystemExit(
                    f"demo data for {event_type} did not validate: {result.problems[:3]}"
                )
            total += result.inserted
            print(f"  {event_type.value:<12} {result.inserted:>10,} rows")
        print(f"  {'total':<12} {total:>10,} rows")
        if args.write_csv:
            written = write_demo_csv(Path(args.write_csv), today=today, tz=zone, scale=args.scale)
            for event_type, (file, count) in written.items():
                print(f"wrote {file} ({count:,} {event_type.value} rows)")
        # The answers end with `/kpi status`: every KPI's level, the demo's status table.
        _print_slack_answers(demo.services)
    finally:
        demo.close()
    return 0


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
        print(
            f"What Slack shows for /kpi {text}:"
            if services.locale == "en"
            else f"Slack で /kpi {text} と打つと:"
        )
        print(textwrap.indent(plain_text(message), "  "))
