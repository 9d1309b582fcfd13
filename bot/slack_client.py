"""The one Slack Web API client, and Slack's error codes as exception types.

Callers catch `NotInChannel` rather than comparing `error.response["error"]` strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

# Slack asks clients to finish within a few seconds; a slow call should fail, not hang a worker.
TIMEOUT_SECONDS = 15
RETRIES = 2


class SlackCallError(Exception):
    """A Web API call answered `ok: false`; `code` is Slack's error code."""

    def __init__(self, method: str, code: str) -> None:
        super().__init__(f"Slack {method} failed: {code}")
        self.method = method
        self.code = code


class NotInChannel(SlackCallError):
    """The bot is not a member of the channel (or cannot see it): it must be invited."""


class RateLimited(SlackCallError):
    """Slack still refused the call for its rate limit after the retries."""


_TYPES: dict[str, type[SlackCallError]] = {
    "not_in_channel": NotInChannel,
    "channel_not_found": NotInChannel,
    "ratelimited": RateLimited,
}


def typed(error: SlackApiError) -> SlackCallError:
    """Map a slack_sdk error to the exception type of its Slack error code."""
    code = str(error.response.get("error", "unknown_error"))
    method = str(error.response.api_url).rstrip("/").rsplit("/", 1)[-1]
    return _TYPES.get(code, SlackCallError)(method, code)


@contextmanager
def slack_errors() -> Iterator[None]:
    """Re-raise Slack API errors inside the block as `SlackCallError` subclasses."""
    try:
        yield
    except SlackApiError as error:
        raise typed(error) from error


def build_web_client(settings: Settings) -> WebClient:
    """Build the process's Web API client: the configured base URL and retry handlers."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )
