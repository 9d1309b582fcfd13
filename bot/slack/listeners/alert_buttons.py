"""The alert message's buttons and the modals they open: thin listeners over `AlertPresses`.

Each button acks at once. Acknowledge and Details answer the presser alone (ephemeral,
through the press's `response_url`), from the follow-up pool. Snooze and Record action open
their modal right after the ack, while the press's `trigger_id` is valid (3 s). A modal's
submission is acked with its input errors, or empty (the modal closes) and the result is
shown to the submitter as an ephemeral message in the alert's channel.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.alert_presses import Accepted, AlertPresses, Refusal
from bot.slack.blocks.alert_buttons import ModalContext, record_action_modal, snooze_modal
from bot.slack.blocks.ids import ActionId, BlockId, CallbackId
from bot.slack.blocks.limits import escape
from bot.slack.blocks.message import Message
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.listeners import services_of
from bot.slack.listeners.errors import after_ack, send_to_user

log = logging.getLogger(__name__)


def _presser(body: dict[str, Any]) -> tuple[str, str]:
    """Who pressed, and in which channel the alert is."""
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    return user, channel


def acknowledge_pressed(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    """Acknowledge: record who and when, once; tell the presser."""
    ack()
    services = services_of(context)
    user, channel = _presser(body)
    value = action.get("value")

    def work() -> None:
        presses = AlertPresses(services)
        checked = presses.check("acknowledge", value, user=user, channel=channel)
        if isinstance(checked, Refusal):
            message = checked.message
        else:
            message = presses.acknowledge(checked, user=user, channel=channel)
        send_to_user(message, body=body, services=services)

    after_ack(context, body, work)


def details_pressed(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    """Details: the KPI's `/kpi` answer, for the presser alone."""
    ack()
    services = services_of(context)
    user, channel = _presser(body)
    value = action.get("value")

    def work() -> None:
        presses = AlertPresses(services)
        checked = presses.check("details", value, user=user, channel=channel)
        message: Message
        if isinstance(checked, Refusal):
            message = checked.message
        else:
            presses.opened("details", checked, user=user, channel=channel)
            message = services.detail(checked.kpi, user_id=user, channel_id=channel)
        send_to_user(message, body=body, services=services)

    after_ack(context, body, work)


def _open_modal(
    action_name: str, ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    user, channel = _presser(body)
    presses = AlertPresses(services)
    checked = presses.check(action_name, action.get("value"), user=user, channel=channel)
    if isinstance(checked, Refusal):
        send_to_user(checked.message, body=body, services=services)
        return
    presses.opened(action_name, checked, user=user, channel=channel)
    where = ModalContext(checked.ref, channel)
    name = escape(checked.kpi.name.in_locale(services.locale))
    build = snooze_modal if action_name == "snooze" else record_action_modal
    services.client.views_open(
        trigger_id=str(body.get("trigger_id") or ""), view=build(where, name, services.locale)
    )


def snooze_pressed(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    """Snooze: open the modal asking how long and why."""
    _open_modal("snooze", ack, action, body, context)


def record_action_pressed(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    """Record action: open the modal asking what, who and by when."""
    _open_modal("record_action", ack, action, body, context)


def _submitted(
    action_name: str, first_input: BlockId, ack: Ack, body: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    user = str((body.get("user") or {}).get("id") or "")
    presses = AlertPresses(services)
    where = ModalContext.parse(view.get("private_metadata"))
    value = None if where is None else where.ref.value
    checked = presses.check(
        action_name, value, user=user, channel="" if where is None else where.channel
    )
    if where is None or not isinstance(checked, Accepted):
        text = (
            checked.message.text
            if isinstance(checked, Refusal)
            else t(services.locale, Text.PRESS_INVALID)
        )
        ack(response_action="errors", errors={first_input.value: text})
        return
    values = (view.get("state") or {}).get("values") or {}
    view_id = str(view.get("id") or "")[:40]
    result: dict[str, str] | Message | None
    if action_name == "snooze":
        result = presses.submit_snooze(where, view_id, values, user=user)
    else:
        result = presses.submit_action(where, view_id, values, user=user)
    if isinstance(result, dict):
        ack(response_action="errors", errors=result)
        return
    ack()
    if result is not None:
        services.client.chat_postEphemeral(channel=where.channel, user=user, **result.as_payload())


def snooze_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The snooze modal's submission."""
    _submitted("snooze", BlockId.SNOOZE_LENGTH, ack, body, context)


def record_action_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The record-action modal's submission."""
    _submitted("record_action", BlockId.ACTION_TEXT, ack, body, context)


def register(app: App) -> None:
    """Register the alert buttons and their modals."""
    app.action(ActionId.ALERT_ACKNOWLEDGE.value)(acknowledge_pressed)
    app.action(ActionId.ALERT_DETAILS.value)(details_pressed)
    app.action(ActionId.ALERT_SNOOZE.value)(snooze_pressed)
    app.action(ActionId.ALERT_RECORD_ACTION.value)(record_action_pressed)
    app.view(CallbackId.ALERT_SNOOZE.value)(snooze_submitted)
    app.view(CallbackId.ALERT_RECORD_ACTION.value)(record_action_submitted)
