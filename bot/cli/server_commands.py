"""`kpibot serve` and `kpibot socket`: the Slack app over HTTP under gunicorn, or over
Socket Mode."""

from __future__ import annotations

import argparse
import errno
import socket
import sys

from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from bot.slack.copy import t
from bot.slack.copy.keys import Text


def refuse_taken_address(host: str, port: int, locale: str) -> None:
    """Fail at once, in one line, when host:port cannot be listened on (another server has
    it, say); gunicorn would retry for seconds and end with a traceback of its own."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise CliError(
            t(locale, Text.CLI_BAD_HOST, host=host, reason=error.strerror), EXIT_USAGE
        ) from None
    family, kind, protocol, _name, address = found[0]
    with socket.socket(family, kind, protocol) as probe:
        # As gunicorn binds: an address left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            key = (
                Text.CLI_PORT_IN_USE if error.errno == errno.EADDRINUSE else Text.CLI_CANNOT_LISTEN
            )
            raise CliError(
                t(locale, key, host=host, port=port, reason=error.strerror), EXIT_USAGE
            ) from None


def serve(args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot serve`: the Slack app, health check and ingestion API under gunicorn."""
    from bot.http.server import create_web_app, run_server, server_options
    from bot.slack.app import MissingCredentials, require_credentials

    settings = runtime.settings
    locale = settings.locale
    try:
        require_credentials(settings)
    except MissingCredentials as error:
        raise CliError(t(locale, Text.CLI_NO_SLACK, error=error), EXIT_USAGE) from None
    port = args.port if args.port is not None else settings.port
    refuse_taken_address(args.host, port, locale)
    # Fail here, once, on a bad catalog or database (and migrate it) rather than in every
    # worker; each worker builds its own runtime, with its own connections, after the fork.
    runtime.catalog  # noqa: B018 - loaded for its errors
    runtime.database  # noqa: B018 - opened for its errors and its migrations
    runtime.close()
    print(
        "kpibot: " + t(locale, Text.CLI_SERVING, url=f"http://{args.host}:{port}/slack/events"),
        file=sys.stderr,
    )
    run_server(
        lambda: create_web_app(Runtime(settings).services),
        server_options(
            settings, host=args.host, port=port, verbose=args.verbose, scheduler=args.scheduler
        ),
    )
    return 0


def socket_mode(_args: argparse.Namespace, runtime: Runtime) -> int:
    """`kpibot socket`: the same Slack app over Socket Mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import MissingCredentials, build_app, require_credentials
    from bot.slack.followups import close_all

    settings = runtime.settings
    try:
        require_credentials(settings, socket_mode=True)
    except MissingCredentials as error:
        raise CliError(t(settings.locale, Text.CLI_NO_SLACK, error=error), EXIT_USAGE) from None
    assert settings.slack_app_token is not None  # checked just above
    app = build_app(settings, services=runtime.services)
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        # Work still queued after acks is answered as busy rather than left pending.
        close_all()
    return 0
