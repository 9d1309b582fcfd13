"""Events: the App Home is published whenever a user opens it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.listeners import services_of
from bot.slack.listeners.errors import after_ack

log = logging.getLogger("kpibot.slack")


def publish_home(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """Publish the dashboard to the Home tab of the user who opened it (after the ack)."""
    if event.get("tab", "home") != "home":
        return  # the Messages tab fires the same event
    services = services_of(context)
    user_id = str(event.get("user") or "")

    def publish() -> None:
        view = services.home(user_id)
        services.client.views_publish(user_id=user_id, view=view)

    # No note when busy: a DM each time a user opens the tab would be noise.
    if not after_ack(context, body, publish, busy_note=False):
        # The tab keeps what it showed last; the next visit publishes it again.
        log.warning("too busy to publish the Home tab of %s", user_id)


def register(app: App) -> None:
    """Register the event handlers."""
    app.event("app_home_opened")(publish_home)
