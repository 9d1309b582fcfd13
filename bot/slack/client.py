"""The one Slack Web API client, the poster to response_urls, and Slack's error codes as
exception types.

`SlackClient` raises a `SlackCallError` subclass for the codes kpibot meets, so callers
catch `NotInChannel` or `MessageNotFound` rather than comparing `error.response["error"]`
strings, and no call site needs wrapping. The types stay `SlackApiError`s, so slack_sdk's
and Bolt's own handling of failed calls keeps working.
"""

from __future__ import annotations

import http.client
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings

# Slack asks clients to finish within a few seconds; a slow call should fail, not hang a worker.
TIMEOUT_SECONDS = 15
RETRIES = 2
# A response_url answers at once or not at all; a thread must not wait 30 s (the library's
# default) for one that hangs.
RESPONSE_URL_TIMEOUT_SECONDS = 5

log = logging.getLogger("kpibot.slack")


class SlackCallError(SlackApiError):
    """A Web API call answered `ok: false`; `code` is Slack's error code."""

    def __init__(self, method: str, code: str, response: SlackResponse) -> None:
        super().__init__(f"Slack {method} failed: {code}", response)  # type: ignore[no-untyped-call]
        self.method = method
        self.code = code


class NotInChannel(SlackCallError):
    """The bot is not a member of the channel (or cannot see it): it must be invited."""


class ChannelArchived(SlackCallError):
    """The channel is archived: nothing can be posted there."""


class MessageNotFound(SlackCallError):
    """The message to update or delete is gone."""


class CannotEdit(SlackCallError):
    """Slack refuses to edit the message (not the bot's own, or too old to edit)."""


class InvalidMessage(SlackCallError):
    """The message was refused for its content: too long, or blocks Slack will not take."""


class RateLimited(SlackCallError):
    """Slack still refused the call for its rate limit after the retries."""


class NotAuthorized(SlackCallError):
    """The token is wrong, revoked, or its account deactivated: nothing will work."""


_TYPES: dict[str, type[SlackCallError]] = {
    "not_in_channel": NotInChannel,
    "channel_not_found": NotInChannel,
    "is_archived": ChannelArchived,
    "message_not_found": MessageNotFound,
    "cant_update_message": CannotEdit,
    "edit_window_closed": CannotEdit,
    "msg_too_long": InvalidMessage,
    "invalid_blocks": InvalidMessage,
    "ratelimited": RateLimited,
    "invalid_auth": NotAuthorized,
    "token_revoked": NotAuthorized,
    "account_inactive": NotAuthorized,
}


def typed(error: SlackApiError) -> SlackCallError:
    """Map a slack_sdk error to the exception type of its Slack error code."""
    if isinstance(error, SlackCallError):
        return error
    response = error.response
    code = str(response.get("error", "unknown_error"))
    method = str(response.api_url).rstrip("/").rsplit("/", 1)[-1]
    return _TYPES.get(code, SlackCallError)(method, code, response)


class SlackClient(WebClient):
    """slack_sdk's client, raising kpibot's exception type for each Slack error code."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        """Call a Web API method; a failed call raises its `SlackCallError` type."""
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            raise typed(error) from error


def _client(settings: Settings, retry_handlers: list[RetryHandler]) -> SlackClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return SlackClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers,
    )


def build_web_client(settings: Settings) -> SlackClient:
    """Build the process's Web API client: the configured base URL and retry handlers."""
    return _client(
        settings,
        [
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )


# The longest Retry-After the outbox's client waits for in-process; a longer wait goes back
# to the outbox (the item is postponed), so no sender sleeps on a claim.
OUTBOX_WAIT_SECONDS = 5


def retry_after(error: SlackApiError) -> float | None:
    """The seconds a rate-limited answer asks to wait (its Retry-After), if it says."""
    headers = getattr(error.response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(first))
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetryHandler(RetryHandler):
    """Retry a call Slack refused for its rate limit (HTTP 429) after waiting what its
    Retry-After says, when that is at most `longest_wait` seconds.

    A 429 means Slack did not act on the call, so repeating it cannot post twice.
    """

    def __init__(self, max_retry_count: int, longest_wait: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.longest_wait = longest_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _header_seconds(response)
        return wait is not None and wait <= self.longest_wait

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = _header_seconds(response) if response is not None else None
        state.next_attempt_requested = True
        time.sleep(wait or 0.0)
        state.increment_current_attempt()


def _header_seconds(response: HttpResponse) -> float | None:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return None
    return None


def build_outbox_client(settings: Settings) -> SlackClient:
    """Build the Web API client of the outbox's sender: it repeats only calls Slack refused
    for its rate limit, and only for a short Retry-After.

    Unlike `build_web_client`'s, it never repeats a call after a dropped connection, a
    timeout or a 5xx: Slack may have posted the message, and `chat.postMessage` has no
    idempotency key, so the sender looks for it before posting again.
    """
    return _client(
        settings, [ShortRateLimitRetryHandler(RETRIES, longest_wait=OUTBOX_WAIT_SECONDS)]
    )


class ResponseUrls:
    """Posts answers to the response_url of a slash command or button, and to no other URL.

    A response_url comes in the request body; only one under Slack's hooks URL
    (`KPIBOT_SLACK_HOOKS_URL`) is followed, so that no request can make kpibot send a
    request anywhere else.
    """

    def __init__(self, hooks_url: str) -> None:
        self._hooks = urlsplit(hooks_url)

    def allows(self, url: object) -> bool:
        """Whether a URL from a request is Slack's, to be posted to."""
        if not isinstance(url, str) or not url.isprintable() or " " in url:
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        hooks = self._hooks
        return (
            parts.scheme == hooks.scheme
            and parts.netloc.lower() == hooks.netloc.lower()
            and parts.path.startswith(hooks.path)
        )

    def post(self, url: object, payload: dict[str, Any]) -> bool:
        """Post a payload to a response_url if it is Slack's; return whether Slack took it."""
        if not url:
            return False  # none given: an App Home button, an event
        if not self.allows(url):
            log.warning("a response_url outside KPIBOT_SLACK_HOOKS_URL was not followed")
            return False
        assert isinstance(url, str)  # allows() checked it
        webhook = WebhookClient(
            url,
            timeout=RESPONSE_URL_TIMEOUT_SECONDS,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        )
        try:
            response = webhook.send_dict(payload)
        except (OSError, http.client.HTTPException) as error:
            log.warning("posting to a response_url failed: %s", type(error).__name__)
            return False
        if response.status_code != 200:
            log.warning("a response_url answered %s: %.200s", response.status_code, response.body)
            return False
        return True
