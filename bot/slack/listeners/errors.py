"""The one place errors become answers: the `@app.error` handler and the follow-up pool's.

A user never sees a stack trace. A known error gets a short ephemeral answer (the bot is
not in the channel: invite it; the database is busy, full, damaged or out of reach, never
where it is); anything else is logged with a short reference id and the user gets an
apology carrying the same id, so a report can be matched with the log.

An answer is only ever sent for a request whose signature was verified: the error handler
also runs for errors raised while Bolt was still checking a request, and then the body is
anyone's, so it must not make kpibot message a user it names or follow a URL it holds.

The work after an ack runs in `Services.followups` (`after_ack`), which routes its errors
through the same code, and answers "busy" when it cannot start in time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.errors import new_reference
from bot.slack.blocks.kpi import (
    busy_message,
    database_message,
    error_message,
    invite_bot_message,
    unknown_kpi_message,
)
from bot.slack.blocks.limits import escape
from bot.slack.blocks.message import Message, fallback, modal, section
from bot.slack.client import NotInChannel
from bot.slack.copy import DEFAULT_LOCALE, t
from bot.slack.copy.keys import Text
from bot.slack.listeners import SERVICES, VERIFIED, services_of
from bot.slack.services import Services
from kpi_engine.catalog import UnknownKpi
from storage.db import DatabaseError, TimeZoneMismatch

log = logging.getLogger("kpibot.slack")


def message_for(error: BaseException, context: BoltContext | dict[str, Any]) -> Message:
    """The answer to an error, logging it with a reference id when it is unexpected."""
    services = context.get(SERVICES)
    locale = services.locale if isinstance(services, Services) else DEFAULT_LOCALE
    if isinstance(error, NotInChannel):
        log.info("not in channel: %s", error)
        return invite_bot_message(locale)
    if isinstance(error, TimeZoneMismatch):
        log.warning("database problem: %s", error)
        return _time_zone_message(error, locale)
    if isinstance(error, DatabaseError):
        log.warning("database problem: %s", error)
        return database_message(error.problem, locale)
    if isinstance(error, UnknownKpi) and isinstance(services, Services):
        # A button for a KPI that a changed catalog no longer has.
        suggestions = [services.catalog.get(kpi_id) for kpi_id in error.suggestions]
        return unknown_kpi_message(error.query, suggestions, locale)
    reference = new_reference()
    log.error("unexpected error (reference %s)", reference, exc_info=error)
    return error_message(reference, locale)


def _time_zone_message(error: TimeZoneMismatch, locale: str) -> Message:
    """The answer when the database's days are in another zone than this process's: no
    figures, rather than figures for the wrong days."""
    text = t(
        locale,
        Text.DATABASE_TIME_ZONE,
        stored=escape(error.stored or "?"),
        configured=escape(error.configured),
    )
    return Message(text=fallback(text), blocks=[section(text)])


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id") or (body.get("event") or {}).get("user")


def send_to_user(
    message: Message, *, body: dict[str, Any], services: Services, replace_original: bool = False
) -> None:
    """Show a message to the user a request came from: through its response_url, else in
    the app's DM (an App Home has no response_url; a response_url may have expired)."""
    payload = {
        **message.as_payload(),
        "response_type": "ephemeral",
        "replace_original": replace_original,
    }
    if services.responses.post(body.get("response_url"), payload):
        return
    user_id = _user_id(body)
    if not user_id:
        raise RuntimeError("a request with neither a usable response_url nor a user")
    services.client.chat_postMessage(channel=user_id, **message.as_payload())


def deliver(
    message: Message,
    *,
    body: dict[str, Any],
    services: Services,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Show an answer to the user by the best way left: the ack, the response_url, or a DM."""
    if response is not None and body.get("command"):
        # The slash command was not acked yet: the answer can be the ack itself.
        return _json_ack({**message.as_payload(), "response_type": "ephemeral"})
    if response is not None and body.get("type") == "view_submission":
        # A form was submitted: the answer shows in the modal itself.
        return _json_ack(_in_modal(message, body, services.locale))
    try:
        send_to_user(message, body=body, services=services)
    except Exception:
        log.exception("could not tell the user about an error")
    return None


def _json_ack(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload, ensure_ascii=False),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def _in_modal(message: Message, body: dict[str, Any], locale: str) -> dict[str, Any]:
    """The ack of a view submission that shows a message: under the form's first input,
    or, for a form without inputs, as the modal itself."""
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    inputs = [
        block.get("block_id")
        for block in (blocks if isinstance(blocks, list) else [])
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id")
    ]
    if inputs:
        return {"response_action": "errors", "errors": {inputs[0]: message.text}}
    return {"response_action": "update", "view": modal(message, t(locale, Text.CLOSE)).to_dict()}


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Bolt's global error handler: answer the user, never with a stack trace.

    An error before the request was verified is only logged (by type: its text may quote
    the request), and the request is refused.
    """
    if not context.get(VERIFIED):
        log.warning("refused a request that failed before verification: %s", type(error).__name__)
        return BoltResponse(status=401, body={"error": "invalid request"})
    message = message_for(error, context)
    return deliver(message, body=body, services=services_of(context), response=response)


def after_ack(
    context: BoltContext,
    body: dict[str, Any],
    work: Callable[[], None],
    *,
    busy_note: bool = True,
) -> bool:
    """Run work after the ack in the follow-up pool; False when the pool is full.

    Its errors are answered like the others; should it not start in time, it is dropped
    and (with `busy_note`) the user is told kpibot is busy instead.
    """
    services = services_of(context)

    def tell(message: Message) -> None:
        deliver(message, body=body, services=services, response=None)

    def run() -> None:
        try:
            work()
        except Exception as error:
            tell(message_for(error, context))

    def too_late() -> None:
        log.warning("follow-up work did not start in time")
        if busy_note:
            tell(busy_message(services.locale))

    return services.followups.submit(run, when_late=too_late)


def register(app: App) -> None:
    """Install the error handler."""
    app.error(handle_error)
