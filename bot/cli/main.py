"""The `kpibot` command line: parsing and dispatch; each command lives in its own module.

Started for every command, so it stays light: the parser is built from the copy and the
standard library, and a command's module (with the database, Slack or charts it needs) is
imported only when that command runs. `kpibot --help` lists every command without
building the others' options; `kpibot show --help` builds only `show`'s.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from bot.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliError,
    Terminated,
    new_reference,
)
from bot.slack.copy import DEFAULT_LOCALE, LOCALES, t
from bot.slack.copy.keys import Text

if TYPE_CHECKING:
    from bot.runtime import Runtime

Handler = Callable[[argparse.Namespace, "Runtime"], int]
log = logging.getLogger("kpibot")
# `kpibot history --limit`: enough for any real history, small enough to print.
MAX_HISTORY = 10_000
# Where `kpibot demo` builds its database unless --db says otherwise.
DEFAULT_DEMO_DB = "kpibot-demo.db"
DEFAULT_REPORTS_DIR = "kpibot-demo-reports"
# The first day the demo company has data.
DEMO_FIRST_DAY = date(2025, 1, 1)
LEVEL_CHOICES = ("red", "orange", "yellow", "green")


def command_line_locale(environ: dict[str, str] | None = None) -> str:
    """The language of the help and of what is printed before the settings are read:
    KPIBOT_LOCALE from the environment, else from `.env`, as the settings read it; `ja`
    when unset or not a known locale (the settings then say what is wrong with it)."""
    environ = dict(os.environ) if environ is None else environ
    value = environ.get("KPIBOT_LOCALE")
    if value is None and os.path.isfile(".env"):
        from dotenv import dotenv_values

        value = dotenv_values(".env").get("KPIBOT_LOCALE")
    value = (value or "").strip()
    return value if value in LOCALES else DEFAULT_LOCALE


def _iso_date(text: str, locale: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t(locale, Text.CLI_NOT_A_DATE, text=repr(text))) from None


def _positive(text: str, locale: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(t(locale, Text.CLI_NOT_POSITIVE, text=repr(text)))
    return value


def _count(text: str, locale: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_HISTORY:
        raise argparse.ArgumentTypeError(
            t(locale, Text.CLI_NOT_A_COUNT, text=repr(text), most=f"{MAX_HISTORY:,}")
        )
    return int(text)


def _item_id(text: str, locale: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise argparse.ArgumentTypeError(t(locale, Text.CLI_NOT_AN_ITEM_ID, text=repr(text[:40])))
    return int(text)


def _port(text: str, locale: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(t(locale, Text.CLI_NOT_A_PORT, text=repr(text[:40])))
    return int(text)


@dataclass(frozen=True)
class Command:
    """One `kpibot` command: its one-line summary, its example, how its options are added,
    and whether it may create the database it opens (commands that only read never do)."""

    summary: Text
    example: Text
    add_options: Callable[[argparse.ArgumentParser, str], None]
    creates_database: bool = True


def _handler(parser: argparse.ArgumentParser, target: str) -> None:
    """Name the function that runs a command, as `module:function`, imported when it runs."""
    parser.set_defaults(handler=target)


def _action(actions: Any, name: str, summary: Text, locale: str) -> argparse.ArgumentParser:
    """An action of a command (`kpibot alerts check`), taking -v and --db after it too."""
    parser: argparse.ArgumentParser = actions.add_parser(
        name,
        help=t(locale, summary),
        parents=[_common_options(locale, t(locale, Text.CLI_OPT_DB), top=False)],
    )
    return parser


def _db_options(parser: argparse.ArgumentParser, locale: str) -> None:
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    _handler(
        _action(actions, "upgrade", Text.CLI_DB_UPGRADE, locale),
        "bot.cli.data_commands:db_upgrade",
    )
    _handler(
        _action(actions, "rebuild-rollups", Text.CLI_DB_REBUILD, locale),
        "bot.cli.data_commands:db_rebuild_rollups",
    )
    set_timezone = _action(actions, "set-timezone", Text.CLI_DB_SET_TIMEZONE, locale)
    set_timezone.add_argument("zone", metavar="ZONE", help=t(locale, Text.CLI_ARG_ZONE))
    _handler(set_timezone, "bot.cli.data_commands:db_set_timezone")


def _ingest_options(parser: argparse.ArgumentParser, locale: str) -> None:
    # The record types come from the schema, loaded only when `ingest` is the command.
    from storage.schema import EventType

    parser.add_argument("files", nargs="+", metavar="FILE", help=t(locale, Text.CLI_ARG_FILES))
    parser.add_argument(
        "--type",
        dest="event_type",
        choices=[kind.value for kind in EventType],
        help=t(locale, Text.CLI_ARG_TYPE),
    )
    parser.add_argument(
        "--skip-invalid", action="store_true", help=t(locale, Text.CLI_ARG_SKIP_INVALID)
    )
    parser.add_argument(
        "--map", dest="mapping", metavar="MAPPING.yaml", help=t(locale, Text.CLI_ARG_MAP)
    )
    parser.add_argument(
        "--encoding",
        choices=["utf-8", "cp932", "shift_jis"],
        help=t(locale, Text.CLI_ARG_ENCODING),
    )
    _handler(parser, "bot.cli.data_commands:ingest")


def _record_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("kpi", metavar="KPI", help=t(locale, Text.CLI_ARG_RECORDED_KPI))
    parser.add_argument("value", metavar="VALUE", nargs="?", help=t(locale, Text.CLI_ARG_VALUE))
    parser.add_argument("--at", help=t(locale, Text.CLI_ARG_RECORD_AT))
    parser.add_argument("--delete", action="store_true", help=t(locale, Text.CLI_ARG_DELETE))
    _handler(parser, "bot.cli.data_commands:record")


def _limit_option(parser: argparse.ArgumentParser, locale: str) -> None:
    """--limit: how many of the newest entries a history lists."""
    parser.add_argument(
        "--limit",
        type=lambda text: _count(text, locale),
        default=50,
        help=t(locale, Text.CLI_ARG_LIMIT),
    )


def _history_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("kpi", metavar="KPI", help=t(locale, Text.CLI_ARG_RECORDED_KPI))
    _limit_option(parser, locale)
    parser.add_argument("--json", action="store_true", help=t(locale, Text.CLI_ARG_JSON))
    _handler(parser, "bot.cli.data_commands:history")


def _as_of_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument(
        "--at", type=lambda text: _iso_date(text, locale), help=t(locale, Text.CLI_ARG_AT)
    )
    parser.add_argument("--json", action="store_true", help=t(locale, Text.CLI_ARG_JSON))


def _show_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("kpi", metavar="KPI", help=t(locale, Text.CLI_ARG_KPI))
    _as_of_options(parser, locale)
    _handler(parser, "bot.cli.state_commands:show")


def _status_options(parser: argparse.ArgumentParser, locale: str) -> None:
    _as_of_options(parser, locale)
    parser.add_argument("--level", choices=LEVEL_CHOICES, help=t(locale, Text.CLI_ARG_LEVEL))
    _handler(parser, "bot.cli.state_commands:status")


def _demo_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("--write-csv", metavar="DIR", help=t(locale, Text.CLI_ARG_WRITE_CSV))
    parser.add_argument(
        "--scale",
        type=lambda text: _positive(text, locale),
        default=1.0,
        help=t(locale, Text.CLI_ARG_SCALE),
    )
    parser.add_argument(
        "--today",
        type=lambda text: _iso_date(text, locale),
        help=t(locale, Text.CLI_ARG_TODAY, first=DEMO_FIRST_DAY),
    )
    parser.add_argument(
        "--reports",
        metavar="DIR",
        default=DEFAULT_REPORTS_DIR,
        help=t(locale, Text.CLI_ARG_REPORTS, default=DEFAULT_REPORTS_DIR),
    )
    _handler(parser, "bot.cli.demo:run")


def _scheduler_options(parser: argparse.ArgumentParser, _locale: str) -> None:
    _handler(parser, "bot.cli.scheduler_commands:scheduler")


def _report_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument(
        "kind",
        choices=["weekly", "monthly", "quarterly"],
        metavar="KIND",
        help="weekly, monthly, quarterly",
    )
    parser.add_argument(
        "--at", type=lambda text: _iso_date(text, locale), help=t(locale, Text.CLI_ARG_REPORT_AT)
    )
    parser.add_argument("--post", action="store_true", help=t(locale, Text.CLI_ARG_POST))
    parser.add_argument("--force", action="store_true", help=t(locale, Text.CLI_ARG_FORCE))
    _handler(parser, "bot.cli.scheduler_commands:report")


def _jobs_options(parser: argparse.ArgumentParser, _locale: str) -> None:
    _handler(parser, "bot.cli.scheduler_commands:jobs")


def _outbox_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("--failed", action="store_true", help=t(locale, Text.CLI_ARG_FAILED))
    parser.add_argument(
        "--retry",
        type=lambda text: _item_id(text, locale),
        metavar="ID",
        help=t(locale, Text.CLI_ARG_RETRY),
    )
    _handler(parser, "bot.cli.scheduler_commands:outbox_command")


def _alerts_options(parser: argparse.ArgumentParser, locale: str) -> None:
    actions = parser.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    check = _action(actions, "check", Text.CLI_ALERTS_CHECK, locale)
    check.add_argument("--dry-run", action="store_true", help=t(locale, Text.CLI_ARG_DRY_RUN))
    _handler(check, "bot.cli.alert_commands:check")
    history = _action(actions, "history", Text.CLI_ALERTS_HISTORY, locale)
    history.add_argument("kpi", metavar="KPI", nargs="?", help=t(locale, Text.CLI_ARG_ONLY_KPI))
    _limit_option(history, locale)
    _handler(history, "bot.cli.alert_commands:history")


def _serve_options(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("--host", default="0.0.0.0", help=t(locale, Text.CLI_ARG_HOST))
    parser.add_argument(
        "--port", type=lambda text: _port(text, locale), help=t(locale, Text.CLI_ARG_PORT)
    )
    parser.add_argument(
        "--scheduler", action="store_true", help=t(locale, Text.CLI_ARG_WITH_SCHEDULER)
    )
    _handler(parser, "bot.cli.server_commands:serve")


def _socket_options(parser: argparse.ArgumentParser, _locale: str) -> None:
    _handler(parser, "bot.cli.server_commands:socket_mode")


COMMANDS: dict[str, Command] = {
    "demo": Command(Text.CLI_DEMO, Text.CLI_DEMO_EXAMPLE, _demo_options),
    "show": Command(Text.CLI_SHOW, Text.CLI_SHOW_EXAMPLE, _show_options, creates_database=False),
    "status": Command(
        Text.CLI_STATUS, Text.CLI_STATUS_EXAMPLE, _status_options, creates_database=False
    ),
    "ingest": Command(Text.CLI_INGEST, Text.CLI_INGEST_EXAMPLE, _ingest_options),
    "record": Command(Text.CLI_RECORD, Text.CLI_RECORD_EXAMPLE, _record_options),
    "history": Command(
        Text.CLI_HISTORY, Text.CLI_HISTORY_EXAMPLE, _history_options, creates_database=False
    ),
    "report": Command(
        Text.CLI_REPORT, Text.CLI_REPORT_EXAMPLE, _report_options, creates_database=False
    ),
    "alerts": Command(
        Text.CLI_ALERTS, Text.CLI_ALERTS_EXAMPLE, _alerts_options, creates_database=False
    ),
    "jobs": Command(Text.CLI_JOBS, Text.CLI_JOBS_EXAMPLE, _jobs_options, creates_database=False),
    "outbox": Command(
        Text.CLI_OUTBOX, Text.CLI_OUTBOX_EXAMPLE, _outbox_options, creates_database=False
    ),
    "db": Command(Text.CLI_DB, Text.CLI_DB_EXAMPLE, _db_options),
    "scheduler": Command(Text.CLI_SCHEDULER, Text.CLI_SCHEDULER_EXAMPLE, _scheduler_options),
    "serve": Command(Text.CLI_SERVE, Text.CLI_SERVE_EXAMPLE, _serve_options),
    "socket": Command(Text.CLI_SOCKET, Text.CLI_SOCKET_EXAMPLE, _socket_options),
}


class _Version(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("kpibot")
        except PackageNotFoundError:
            installed = t(command_line_locale(), Text.CLI_VERSION_UNKNOWN)
        print(f"kpibot {installed}")
        parser.exit()


# argparse's own error messages, as it formats them in English, each with the copy that says
# it in the locale; a message not listed here (none that kpibot's options can cause) stays
# as argparse wrote it.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], Text], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"argument (?P<argument>.+?): (?P<problem>.*)", Text.CLI_ARGPARSE_ARGUMENT),
        (
            r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
            Text.CLI_ARGPARSE_INVALID_CHOICE,
        ),
        (r"the following arguments are required: (?P<names>.*)", Text.CLI_ARGPARSE_REQUIRED),
        (r"unrecognized arguments: (?P<words>.*)", Text.CLI_ARGPARSE_UNRECOGNIZED),
        (r"expected one argument", Text.CLI_ARGPARSE_EXPECTED_ONE),
        (r"expected at least one argument", Text.CLI_ARGPARSE_EXPECTED_SOME),
        (r"ignored explicit argument (?P<value>.*)", Text.CLI_ARGPARSE_IGNORED_VALUE),
        (
            r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)",
            Text.CLI_ARGPARSE_AMBIGUOUS,
        ),
    )
)


def argparse_message(message: str, locale: str) -> str:
    """An argparse error message in `locale` (an argument's problem translated in turn)."""
    for pattern, key in _ARGPARSE_MESSAGES:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        fields = found.groupdict()
        if "problem" in fields:
            fields["problem"] = argparse_message(fields["problem"], locale)
        return t(locale, key, **fields)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help, descriptions and epilogs as written, with `usage:` in `locale`."""

    def __init__(self, prog: str, *, locale: str) -> None:
        super().__init__(prog)
        self.locale = locale

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = t(self.locale, Text.CLI_USAGE_PREFIX)
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser in `locale`, its subcommands' too: its help's headings, the -h
    line, `usage:` and its usage errors."""

    def __init__(self, *args: Any, locale: str = DEFAULT_LOCALE, **kwargs: Any) -> None:
        kwargs["formatter_class"] = partial(_Formatter, locale=locale)
        super().__init__(*args, **kwargs)
        self.locale = locale
        # argparse names these in English as it builds the parser; they are this parser's.
        self._positionals.title = t(locale, Text.CLI_POSITIONALS)
        self._optionals.title = t(locale, Text.CLI_OPTIONS)
        for action in self._actions:
            if "--help" in action.option_strings:
                action.help = t(locale, Text.CLI_OPT_HELP)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", lambda **options: _Parser(locale=self.locale, **options))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        problem = argparse_message(message, self.locale)
        self.exit(
            EXIT_USAGE, f"{self.prog}: {t(self.locale, Text.CLI_USAGE_ERROR, problem=problem)}\n"
        )


def _common_options(locale: str, db_help: str, *, top: bool) -> argparse.ArgumentParser:
    """-v and --db, accepted before the command and after it (a value given after it wins)."""
    options = argparse.ArgumentParser(add_help=False)
    # After the command, an option left out must not reset what was given before it.
    default: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    options.add_argument(
        "-v", "--verbose", action="store_true", help=t(locale, Text.CLI_OPT_VERBOSE), **default
    )
    options.add_argument("--db", metavar="PATH_OR_URL", help=db_help, **default)
    return options


def build_parser(
    locale: str = DEFAULT_LOCALE, detailed: Collection[str] | None = None
) -> argparse.ArgumentParser:
    """Build the argument parser: every command listed, and the options of those in
    `detailed` (of every command when None)."""
    db_help = t(locale, Text.CLI_OPT_DB)
    parser = _Parser(
        prog="kpibot",
        locale=locale,
        description=t(locale, Text.CLI_DESCRIPTION),
        epilog=t(locale, Text.CLI_EPILOG),
        parents=[_common_options(locale, db_help, top=True)],
    )
    parser.add_argument("--version", action=_Version, nargs=0, help=t(locale, Text.CLI_OPT_VERSION))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        own_db = name == "demo"
        where = Text.CLI_DATABASE_DEMO if own_db else Text.CLI_DATABASE_USED
        sub = commands.add_parser(
            name,
            help=t(locale, command.summary),
            description=t(locale, command.summary),
            epilog=t(locale, Text.CLI_EXAMPLES, examples=t(locale, command.example))
            + "\n\n"
            + t(locale, where, default=DEFAULT_DEMO_DB),
            parents=[
                _common_options(
                    locale,
                    t(locale, Text.CLI_OPT_DEMO_DB, default=DEFAULT_DEMO_DB) if own_db else db_help,
                    top=False,
                )
            ],
        )
        if detailed is None or name in detailed:
            command.add_options(sub, locale)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names: its first word that is neither an option nor --db's value."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _terminate(_signal: int, _frame: FrameType | None) -> None:
    raise Terminated


def _database_option(value: str) -> str:
    """--db as a database URL: a URL as given, anything else a SQLite file's path."""
    return value if "://" in value else f"sqlite:///{value}"


def main(
    argv: Sequence[str] | None = None,
    runtime: Runtime | None = None,
    *,
    own_process: bool = False,
) -> int:
    """Run a kpibot command; return its exit code.

    The process's runtime is built here from the environment, once, unless one is given
    (as tests do, to run commands in-process on settings of their own). `own_process`: the
    command is all this process does (the `kpibot` script), so what its imports create is
    kept out of the garbage collector's way.
    """
    if own_process:
        # Importing SQLAlchemy, pydantic, the schema and the catalog creates some hundred
        # thousand objects that live until the process ends; the cyclic collector would scan
        # them over and over while they are made, and once more at exit. It is paused while
        # the command's modules load, then told to leave those objects alone (`gc.freeze`),
        # and runs as usual for the command's own work, however long it runs.
        gc.disable()
    argv = list(sys.argv[1:] if argv is None else argv)
    locale = command_line_locale()
    named = _command_in(argv)
    parser = build_parser(locale, detailed={named} if named in COMMANDS else ())
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
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
    command = COMMANDS[args.command]
    built = runtime is None
    try:
        from bot.settings import SettingsError
        from storage.db import DatabaseError

        try:
            if runtime is None:
                from bot.runtime import Runtime

                # The demo's --db is the file it rebuilds, not the database it is configured with.
                database = None if args.command == "demo" or args.db is None else args.db
                runtime = Runtime.from_environment(
                    database=None if database is None else _database_option(database),
                    create_database=command.creates_database,
                )
            else:
                runtime.create_database = command.creates_database
            module, function = args.handler.split(":")
            handler: Handler = getattr(importlib.import_module(module), function)
            if own_process:
                gc.freeze()
                gc.enable()
            return handler(args, runtime)
        except SettingsError as error:
            # The words are loaded only when there is something to say.
            from bot.settings_problems import settings_error_text

            problems = settings_error_text(error, locale)
            print(f"kpibot: {t(locale, Text.CLI_SETTINGS_ERROR, error=problems)}", file=sys.stderr)
            return EXIT_USAGE
        except CliError as error:
            print(f"kpibot: {error}", file=sys.stderr)
            return error.code
        except DatabaseError as error:
            from bot.database_problems import database_error_text

            print(f"kpibot: {database_error_text(error, locale)}", file=sys.stderr)
            return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`kpibot status | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"kpibot: {t(locale, Text.CLI_INTERRUPTED)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print(f"kpibot: {t(locale, Text.CLI_TERMINATED)}", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as error:
        # A bug, or a failure nobody foresaw: one line to the user, the details in the log
        # for whoever runs it again with -v (the text of some errors quotes imported rows).
        reference = new_reference()
        log.info("unexpected error (reference %s)", reference, exc_info=error)
        print(
            "kpibot: "
            + t(locale, Text.CLI_UNEXPECTED, error=type(error).__name__, reference=reference),
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        if built and runtime is not None:
            runtime.close()


def run() -> None:
    """The `kpibot` script: run the command its arguments name, and exit with its code."""
    sys.exit(main(own_process=True))


if __name__ == "__main__":
    run()
