"""Bolt listeners grouped by Slack surface; each module has `register(app)`."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.services import Services

SERVICES = "services"
# Set by the app's own middleware, which Bolt runs only after a request's signature was
# verified (or for Socket Mode, whose connection is authenticated): the error handler
# answers only requests that carry it.
VERIFIED = "kpibot_verified"


def services_of(context: BoltContext | dict[str, Any]) -> Services:
    """The services the middleware put into a request's context."""
    services = context.get(SERVICES)
    if not isinstance(services, Services):
        raise RuntimeError("kpibot services are missing from the Bolt context")
    return services
