"""The Bolt app: built once per process, with the services injected into every request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext

from bot.settings import Settings
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.listeners import (
    SERVICES,
    VERIFIED,
    actions,
    alert_buttons,
    commands,
    errors,
    events,
)
from bot.slack.services import Services

log = logging.getLogger("kpibot.slack")
# Bolt's own messages. It reads SLACK_BOT_TOKEN from the environment by itself and then warns
# that the client we pass wins, which is what we want: that one warning is dropped.
bolt_log = logging.getLogger("kpibot.slack.bolt")


class _ClientWins(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class _NoRequestBodies(logging.Filter):
    """Keep request bodies out of the log: anyone's text, of any size.

    Bolt quotes a request whole where its signature is wrong (`bot.http.server` refuses those before
    Bolt sees them, but a timestamp can turn five minutes old in between), where no listener
    matches it, and where a middleware leaves it unanswered; its debug lines quote answers.
    Those messages keep their first words and lose the rest.
    """

    QUOTING = (
        "Invalid request signature detected",
        "Unhandled request",
        "A global middleware",
        "Responding with",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for opening in self.QUOTING:
            if message.startswith(opening):
                record.msg, record.args = f"{opening} (details not logged)", None
                break
        return True


bolt_log.addFilter(_ClientWins())
bolt_log.addFilter(_NoRequestBodies())


class MissingCredentials(Exception):
    """Slack credentials needed to run the app are not set: `missing` names their variables,
    the message says so in the settings' locale."""

    def __init__(self, missing: list[str], locale: str) -> None:
        names = t(locale, Text.LIST_AND).join(missing)
        super().__init__(t(locale, Text.SLACK_CREDENTIALS_MISSING, names=names))
        self.missing = missing


def require_credentials(settings: Settings, *, socket_mode: bool = False) -> None:
    """Stop unless the Slack credentials the app needs are set."""
    needed = {
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
    }
    if socket_mode:
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    missing = [name for name, value in needed.items() if value is None]
    if missing:
        raise MissingCredentials(missing, settings.locale)


def _inject(services: Services) -> Callable[[BoltContext, Callable[[], None]], None]:
    def inject_services(context: BoltContext, next: Callable[[], None]) -> None:
        # Bolt runs app middleware after its own, request verification included.
        context[SERVICES] = services
        context[VERIFIED] = True
        next()

    return inject_services


def build_app(settings: Settings, *, services: Services) -> App:
    """Build the Bolt app with every listener, for HTTP or Socket Mode."""
    secret = settings.slack_signing_secret
    app = App(
        # Named, or Bolt names it after the caller's file through `inspect.stack()`, which
        # walks every frame and module of the process: tens of milliseconds per build.
        name="kpibot",
        client=services.client,
        signing_secret=secret.get_secret_value() if secret else "",
        # No auth.test at start (Bolt calls it lazily, on the first request, through the
        # configured client), so building the app never needs the network.
        token_verification_enabled=False,
        # Ack first, then run the rest: Slack wants its answer within 3 seconds.
        process_before_response=False,
        # Bolt runs the listeners (the acks) here; the slow work after an ack goes to
        # `services.followups`, so an ack never waits behind it. One thread per request
        # thread of the web server.
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.web_threads, thread_name_prefix="kpibot-ack"
        ),
        logger=bolt_log,
    )
    app.use(_inject(services))
    for listeners in (commands, actions, alert_buttons, events, errors):
        listeners.register(app)
    return app
