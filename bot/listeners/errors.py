"""The one place errors become answers: the `@app.error` handler and its lazy twin.

A user never sees a stack trace. A known error gets a short ephemeral answer (the bot is
not in the channel: invite it); anything else is logged with a short reference id and
the user gets an apology carrying the same id, so a report can be matched with the log.

Bolt runs lazy listeners outside its error handling (it only logs what they raise), so
they are wrapped in `answer_errors`, which routes their errors through the same code.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.kpi import error_message, invite_bot_message, unknown_kpi_message
from bot.blocks.message import Message
from bot.i18n import DEFAULT_LOCALE
from bot.listeners import SERVICES
from bot.services import Services
from bot.slack_client import NotInChannel, slack_errors
from kpi_engine.catalog import UnknownKpi

log = logging.getLogger("kpibot.slack")

REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A short id that ties a user's error message to the log line."""
    return uuid.uuid4().hex[:REFERENCE_LENGTH]


def message_for(error: BaseException, context: BoltContext | dict[str, Any]) -> Message:
    """The answer to an error, logging it with a reference id when it is unexpected."""
    services = context.get(SERVICES)
    locale = services.locale if isinstance(services, Services) else DEFAULT_LOCALE
    if isinstance(error, NotInChannel):
        log.info("not in channel: %s", error)
        return invite_bot_message(locale)
    if isinstance(error, UnknownKpi) and isinstance(services, Services):
        # A button for a KPI that a changed catalog no longer has.
        suggestions = [services.catalog.get(kpi_id) for kpi_id in error.suggestions]
        return unknown_kpi_message(error.query, suggestions, locale)
    reference = new_reference()
    log.error("unexpected error (reference %s)", reference, exc_info=error)
    return error_message(reference, locale)


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id") or (body.get("event") or {}).get("user")


def deliver(
    message: Message,
    *,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Show an answer to the user by the best way left: the ack, respond, or a DM."""
    payload = {**message.as_payload(), "response_type": "ephemeral"}
    if response is not None and body.get("command"):
        # The slash command was not acked yet: the answer can be the ack itself.
        return BoltResponse(
            status=200,
            body=json.dumps(payload, ensure_ascii=False),
            headers={"content-type": "application/json;charset=utf-8"},
        )
    if respond is not None and respond.response_url:
        respond(**payload, replace_original=False)
        return None
    user_id = _user_id(body)
    if client is not None and user_id:
        # The App Home has no response_url: tell the user in the app's DM.
        try:
            with slack_errors():
                client.chat_postMessage(channel=user_id, **message.as_payload())
        except Exception:
            log.exception("could not tell user %s about an error", user_id)
    return None


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Bolt's global error handler: answer the user, never with a stack trace."""
    message = message_for(error, context)
    return deliver(message, body=body, respond=respond, client=client, response=response)


ListenerFunction = Callable[..., None]


def answer_errors(function: ListenerFunction) -> ListenerFunction:
    """Wrap a lazy listener so that its errors are answered like the others.

    The listener must take `body`, `context`, `client` and `respond` arguments.
    """

    @wraps(function)
    def wrapper(**kwargs: Any) -> None:
        try:
            function(**kwargs)
        except Exception as error:
            message = message_for(error, kwargs["context"])
            deliver(
                message,
                body=kwargs["body"],
                respond=kwargs["respond"],
                client=kwargs["client"],
                response=None,
            )

    return wrapper


def register(app: App) -> None:
    """Install the error handler."""
    app.error(handle_error)
