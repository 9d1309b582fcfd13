"""Buttons: a KPI's detail, from "did you mean" or the App Home.

Each acks at once and answers from the follow-up pool. A button in a message (the
ephemeral "did you mean") answers through the message's `response_url`, replacing it. A
button in the App Home has no message to answer in and opening a modal for a read-only
answer is heavy, so the answer arrives as a DM from the app (its Messages tab), where it
stays for later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.blocks.ids import ActionId
from bot.slack.blocks.kpi import busy_message
from bot.slack.blocks.message import Message
from bot.slack.listeners import services_of
from bot.slack.listeners.errors import after_ack, send_to_user


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _asker(body: dict[str, Any]) -> tuple[str, str | None]:
    """Who pressed the button, and in which channel (None in the App Home)."""
    channel_id = None if _from_home(body) else (body.get("channel") or {}).get("id")
    return str((body.get("user") or {}).get("id") or ""), channel_id


def _answer_after_ack(
    ack: Ack, body: dict[str, Any], context: BoltContext, answer: Callable[[], Message]
) -> None:
    """Ack at once, then build the answer and send it from the follow-up pool."""
    ack()
    services = services_of(context)

    def send(message: Message) -> None:
        send_to_user(message, body=body, services=services, replace_original=True)

    if not after_ack(context, body, lambda: send(answer())):
        services.followups.note(lambda: send(busy_message(services.locale)))


def show_kpi(ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """A KPI button: the KPI's detail for the user who pressed it."""
    services = services_of(context)
    user_id, channel_id = _asker(body)

    def answer() -> Message:
        kpi = services.catalog.get(str(action.get("value") or ""))
        return services.detail(kpi, user_id=user_id, channel_id=channel_id)

    _answer_after_ack(ack, body, context, answer)


def register(app: App) -> None:
    """Register the button handlers (matched on the action id, in any block)."""
    app.action(ActionId.SHOW_KPI.value)(show_kpi)
