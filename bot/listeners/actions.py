"""Buttons: a KPI's detail (from "did you mean" or the App Home) and the status list.

A button in a message (the ephemeral "did you mean") answers through the message's
`response_url`, replacing it. A button in the App Home has no message to answer in and
opening a modal for a read-only answer is heavy, so the answer arrives as a DM from the
app (its Messages tab), where it stays for later.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.ids import ActionId
from bot.blocks.message import Message
from bot.grammar import LEVEL_WORDS
from bot.listeners import services_of
from bot.slack_client import slack_errors


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _asker(body: dict[str, Any]) -> tuple[str, str | None]:
    """Who pressed the button, and in which channel (None in the App Home)."""
    channel_id = None if _from_home(body) else (body.get("channel") or {}).get("id")
    return body["user"]["id"], channel_id


def _send(message: Message, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    if _from_home(body) or not respond.response_url:
        with slack_errors():
            client.chat_postMessage(channel=body["user"]["id"], **message.as_payload())
    else:
        respond(**message.as_payload(), response_type="ephemeral", replace_original=True)


def show_kpi(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """A KPI button: the KPI's detail for the user who pressed it."""
    ack()
    services = services_of(context)
    kpi = services.catalog.get(str(action.get("value") or ""))
    user_id, channel_id = _asker(body)
    message = services.detail(kpi, user_id=user_id, channel_id=channel_id)
    _send(message, body, client, respond)


def show_status(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """The status button: every KPI the user may see, at a level when the value names one."""
    ack()
    services = services_of(context)
    user_id, channel_id = _asker(body)
    level = LEVEL_WORDS.get(str(action.get("value") or "").casefold())
    _send(services.status(level, user_id=user_id, channel_id=channel_id), body, client, respond)


def register(app: App) -> None:
    """Register the button handlers (matched on the action id, in any block)."""
    app.action(ActionId.SHOW_KPI.value)(show_kpi)
    app.action(ActionId.SHOW_STATUS.value)(show_status)
