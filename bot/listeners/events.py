"""Events: the App Home is published whenever a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.listeners import services_of
from bot.slack_client import slack_errors


def publish_home(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Publish the dashboard to the Home tab of the user who opened it."""
    if event.get("tab", "home") != "home":
        return  # the Messages tab fires the same event
    user_id = str(event.get("user") or "")
    view = services_of(context).home(user_id)
    with slack_errors():
        client.views_publish(user_id=user_id, view=view)


def register(app: App) -> None:
    """Register the event handlers."""
    app.event("app_home_opened")(publish_home)
