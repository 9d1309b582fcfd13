"""The Bolt app: built once per process, with the services injected into every request."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.listeners import SERVICES, actions, commands, errors, events
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("kpibot.slack")
# Bolt's own messages. It reads SLACK_BOT_TOKEN from the environment by itself and then warns
# that the client we pass wins, which is what we want: that one warning is dropped.
bolt_log = logging.getLogger("kpibot.slack.bolt")


class _ClientWins(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


bolt_log.addFilter(_ClientWins())


class MissingCredentials(Exception):
    """Slack credentials needed to run the app are not set; the message names them."""


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
        raise MissingCredentials(
            f"set {' and '.join(missing)} (from your Slack app's settings; "
            'see "Connect to Slack" in README.md)'
        )


def _inject(services: Services) -> Callable[[BoltContext, Callable[[], None]], None]:
    def inject_services(context: BoltContext, next: Callable[[], None]) -> None:
        context[SERVICES] = services
        next()

    return inject_services


def build_app(settings: Settings, *, services: Services) -> App:
    """Build the Bolt app with every listener, for HTTP or Socket Mode."""
    secret = settings.slack_signing_secret
    app = App(
        client=services.client,
        signing_secret=secret.get_secret_value() if secret else "",
        # No auth.test at start (Bolt calls it lazily, on the first request, through the
        # configured client), so building the app never needs the network.
        token_verification_enabled=False,
        # Ack first, then run the rest: Slack wants its answer within 3 seconds.
        process_before_response=False,
        logger=bolt_log,
    )
    app.use(_inject(services))
    for listeners in (commands, actions, events, errors):
        listeners.register(app)
    return app
