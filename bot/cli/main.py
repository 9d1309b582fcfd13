"""The `kpibot` command line: parsing and dispatch; each command lives in its own module."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date
from types import FrameType
from typing import TYPE_CHECKING

from bot.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliError,
    Terminated,
    new_reference,
)
from bot.settings import SettingsError
from storage.db import DatabaseError
from storage.schema import EventType

if TYPE_CHECKING:
    # Imported when a command runs: `kpibot --help` need not load the Slack app.
    from bot.runtime import Runtime

Handler = Callable[[argparse.Namespace, "Runtime"], int]
log = logging.getLogger("kpibot")
# `kpibot history --limit`: enough for any real history, small enough to print.
MAX_HISTORY = 10_000


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_HISTORY:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number from 1 to {MAX_HISTORY:,}"
        )
    return int(text)


def _item_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an outbox item id (1, 2, …)")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every kpibot command."""
    from bot.cli import alert_commands, data_commands, demo, scheduler_commands, state_commands

    parser = argparse.ArgumentParser(
        prog="kpibot", description="KPI management for a small company, in Slack."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="manage the database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations").set_defaults(
        handler=data_commands.db_upgrade
    )
    db_commands.add_parser(
        "rebuild-rollups",
        help="recompute the daily facts, customers and monthly payers from the events (repair)",
    ).set_defaults(handler=data_commands.db_rebuild_rollups)
    set_timezone = db_commands.add_parser(
        "set-timezone",
        help="convert the stored local days and rollups to another time zone (one transaction)",
    )
    set_timezone.add_argument("zone", metavar="ZONE", help="an IANA time zone, e.g. Asia/Tokyo")
    set_timezone.set_defaults(handler=data_commands.db_set_timezone)

    ingest = commands.add_parser(
        "ingest", help="import CSV, TSV, JSON or JSON Lines files of events (idempotent by id)"
    )
    ingest.add_argument(
        "files", nargs="+", metavar="FILE", help="CSV, TSV, JSON (an array) or JSON Lines files"
    )
    ingest.add_argument(
        "--type",
        dest="event_type",
        choices=[kind.value for kind in EventType],
        help="the record type of rows without a `type` column",
    )
    ingest.add_argument(
        "--skip-invalid",
        action="store_true",
        help="store the valid rows and write the rejected ones to FILE.rejected.jsonl",
    )
    ingest.add_argument(
        "--map",
        dest="mapping",
        metavar="MAPPING.yaml",
        help="a column mapping for another tool's export (renames, type, drops, skips)",
    )
    ingest.add_argument(
        "--encoding",
        choices=["utf-8", "cp932", "shift_jis"],
        help="read the files in this encoding (default: detected, UTF-8 or CP932)",
    )
    ingest.set_defaults(handler=data_commands.ingest)

    record = commands.add_parser(
        "record",
        help="store a manual measurement of a KPI, or delete a wrong one",
        description=(
            "Store a manual measurement (kpibot record KPI VALUE [--at WHEN]) or delete the "
            "KPI's measurements on one day (kpibot record KPI --delete --at DATE). Every change "
            "is kept in the history that kpibot history KPI lists."
        ),
    )
    record.add_argument("kpi", metavar="KPI", help="e.g. brand_search_rank")
    record.add_argument("value", metavar="VALUE", nargs="?", help="the measured value")
    record.add_argument(
        "--at",
        help="when it was measured (ISO 8601 date or time; default now); with --delete, the day",
    )
    record.add_argument(
        "--delete", action="store_true", help="delete the KPI's measurements on the --at day"
    )
    record.set_defaults(handler=data_commands.record)

    history = commands.add_parser(
        "history", help="the changes to a KPI's manual measurements: what, when, who"
    )
    history.add_argument("kpi", metavar="KPI", help="e.g. brand_search_rank")
    history.add_argument(
        "--limit", type=_count, default=50, help="the latest N changes (default 50)"
    )
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.set_defaults(handler=data_commands.history)

    for name, summary in (
        ("show", "one KPI's value, target and level"),
        ("status", "every KPI's level, grouped by tier"),
    ):
        report = commands.add_parser(name, help=summary)
        if name == "show":
            report.add_argument(
                "kpi", metavar="KPI", help="id, name or alias (e.g. nps, 顧客満足度)"
            )
        report.add_argument("--at", type=_iso_date, help="as of the end of this day (default: now)")
        report.add_argument("--json", action="store_true", help="machine-readable output")
        report.set_defaults(
            handler=state_commands.show if name == "show" else state_commands.status
        )

    demo_parser = commands.add_parser(
        "demo", help="build a demo database of the reference company and show it"
    )
    demo_parser.add_argument(
        "--db",
        default=demo.DEFAULT_DEMO_DB,
        help=f"SQLite file to rebuild ({demo.DEFAULT_DEMO_DB})",
    )
    demo_parser.add_argument("--write-csv", metavar="DIR", help="also write import files here")
    demo_parser.add_argument(
        "--scale", type=_positive, default=1.0, help="multiply the data volume (benchmarks)"
    )
    demo_parser.add_argument(
        "--today", type=_iso_date, help="the last day of data (default: today)"
    )
    demo_parser.add_argument(
        "--reports",
        metavar="DIR",
        default=demo.DEFAULT_REPORTS_DIR,
        help=f"folder for the three reports as text and their charts ({demo.DEFAULT_REPORTS_DIR})",
    )
    demo_parser.set_defaults(handler=demo.run)

    commands.add_parser(
        "scheduler",
        help="run the scheduled reports and deliver the outbox (the Procfile's clock process)",
    ).set_defaults(handler=scheduler_commands.scheduler)
    report = commands.add_parser(
        "report", help="print the report of the period just ended, or post it to its channel"
    )
    report.add_argument(
        "kind",
        choices=["weekly", "monthly", "quarterly"],
        metavar="KIND",
        help="weekly, monthly or quarterly",
    )
    report.add_argument(
        "--at", type=_iso_date, help="the period just ended at the end of this day (default: now)"
    )
    report.add_argument(
        "--post", action="store_true", help="post it through the outbox (once per period)"
    )
    report.add_argument(
        "--force", action="store_true", help="with --post: post a new copy even if posted"
    )
    report.set_defaults(handler=scheduler_commands.report)
    commands.add_parser(
        "jobs", help="the scheduled reports: next runs (local time), last outcomes, the leader"
    ).set_defaults(handler=scheduler_commands.jobs)
    outbox = commands.add_parser(
        "outbox", help="what the outbox holds for Slack (newest first), or retry a failed item"
    )
    outbox.add_argument("--failed", action="store_true", help="only the failed items")
    outbox.add_argument(
        "--retry", type=_item_id, metavar="ID", help="queue a failed item again (ids as listed)"
    )
    outbox.set_defaults(handler=scheduler_commands.outbox_command)

    alerts = commands.add_parser("alerts", help="the alerts: evaluate now, or their history")
    alert_commands_parser = alerts.add_subparsers(
        dest="alerts_command", required=True, metavar="ACTION"
    )
    check = alert_commands_parser.add_parser(
        "check", help="evaluate every KPI now and print what changes and what is sent"
    )
    check.add_argument("--dry-run", action="store_true", help="store and send nothing, only print")
    check.set_defaults(handler=alert_commands.check)
    alert_history = alert_commands_parser.add_parser(
        "history", help="the alerts' audit log, newest first"
    )
    alert_history.add_argument("kpi", metavar="KPI", nargs="?", help="only this KPI")
    alert_history.add_argument(
        "--limit", type=_count, default=50, help="the latest N lines (default 50)"
    )
    alert_history.set_defaults(handler=alert_commands.history)

    serve = commands.add_parser(
        "serve", help="run the Slack app over HTTP (gunicorn) on $PORT, with the ingestion API"
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default: $PORT or 3000)")
    serve.add_argument(
        "--scheduler",
        action="store_true",
        help="also run the scheduled reports (one scheduler process per server, not per worker)",
    )
    serve.set_defaults(handler=run_serve)
    socket = commands.add_parser(
        "socket", help="run the Slack app over Socket Mode (no public URL; needs SLACK_APP_TOKEN)"
    )
    socket.set_defaults(handler=run_socket)
    return parser


def run_serve(args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot serve`: the Slack app, health check and ingestion API under gunicorn."""
    from bot.http.server import create_web_app, run_server, server_options
    from bot.runtime import Runtime
    from bot.slack.app import MissingCredentials, require_credentials

    settings = runtime.settings
    try:
        require_credentials(settings)
    except MissingCredentials as error:
        raise CliError(f"cannot start the Slack app: {error}", EXIT_USAGE) from None
    # Fail here, once, on a bad catalog or database (and migrate it) rather than in every
    # worker; each worker builds its own runtime, with its own connections, after the fork.
    runtime.catalog  # noqa: B018 - loaded for its errors
    runtime.database  # noqa: B018 - opened for its errors and its migrations
    runtime.close()
    port = args.port if args.port is not None else settings.port
    print(f"kpibot: serving Slack on http://{args.host}:{port}/slack/events", file=sys.stderr)
    run_server(
        lambda: create_web_app(Runtime(settings).services),
        server_options(
            settings, host=args.host, port=port, verbose=args.verbose, scheduler=args.scheduler
        ),
    )
    return 0


def run_socket(_args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot socket`: the same Slack app over Socket Mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import MissingCredentials, build_app, require_credentials
    from bot.slack.followups import close_all

    settings = runtime.settings
    try:
        require_credentials(settings, socket_mode=True)
    except MissingCredentials as error:
        raise CliError(f"cannot start the Slack app: {error}", EXIT_USAGE) from None
    assert settings.slack_app_token is not None  # checked just above
    app = build_app(settings, services=runtime.services)
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        # Work still queued after acks is answered as busy rather than left pending.
        close_all()
    return 0


def _terminate(_signal: int, _frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None, runtime: Runtime | None = None) -> int:
    """Run a kpibot command; return its exit code.

    The process's runtime is built here from the environment, once, unless one is given
    (as tests do, to run commands in-process on settings of their own).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # psycopg warns when a statement interrupted by Ctrl-C or SIGTERM cannot be cleaned up;
    # the rollback after it is what counts, and the user gets one line saying so.
    if not args.verbose:
        logging.getLogger("psycopg").setLevel(logging.ERROR)
    # SIGTERM's default ends the process on the spot; unwinding instead rolls back what is
    # open and stops an import's worker process.
    signal.signal(signal.SIGTERM, _terminate)
    handler: Handler = args.handler
    built = runtime is None
    try:
        if runtime is None:
            from bot.runtime import Runtime

            runtime = Runtime.from_environment()
        return handler(args, runtime)
    except SettingsError as error:
        print(f"kpibot: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as error:
        print(f"kpibot: {error}", file=sys.stderr)
        return error.code
    except DatabaseError as error:
        print(f"kpibot: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`kpibot status | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("kpibot: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("kpibot: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as error:
        # A bug, or a failure nobody foresaw: one line to the user, the details in the log
        # for whoever runs it again with -v (the text of some errors quotes imported rows).
        reference = new_reference()
        log.info("unexpected error (reference %s)", reference, exc_info=error)
        print(
            f"kpibot: unexpected error {type(error).__name__} (reference {reference}); "
            "run it again with -v for the details",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        if built and runtime is not None:
            runtime.close()


if __name__ == "__main__":
    sys.exit(main())
