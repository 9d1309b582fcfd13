"""What a failed Web API call means for whoever must not do it twice.

Slack's `chat.postMessage` has no idempotency key. A caller that may repeat nothing blindly
needs to know, for each failure, whether Slack may have acted on the call anyway, whether
waiting helps, and whether a person must act first: `classify` says which of these a failure
is, with a short reason to record (a Slack error code, an HTTP status, an exception's type:
never a request or response body).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.client import typed


class FailureKind(StrEnum):
    """What a failed call means for repeating it."""

    RATE_LIMITED = "rate_limited"  # Slack did not act: repeat after Retry-After
    MAYBE_DONE = "maybe_done"  # Slack may have acted: look before repeating
    NEEDS_PERSON = "needs_person"  # nothing works until someone acts (invite, token, scope)
    REFUSED = "refused"  # the call's content is refused: repeating it can never help
    OTHER = "other"  # Slack answered no, for a reason kpibot does not know


@dataclass(frozen=True)
class Failure:
    """A failed call's kind, and the reason to record."""

    kind: FailureKind
    reason: str


# Slack's answers that mean it may have acted on the call before failing.
_MAYBE_DONE_CODES = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Answers about the message itself: sending it again can never succeed.
_REFUSED_CODES = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "metadata_must_be_sent_from_app",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
    }
)
# Answers a person can act on (see the admin message's hints): retried with backoff.
_OPERATOR_CODES = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)


def classify(error: BaseException) -> Failure:
    """Say what a failed Web API call (its exception) means for repeating it."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        code = typed(error).code
        if status == 429 or code == "ratelimited":
            return Failure(FailureKind.RATE_LIMITED, "ratelimited")
        if status >= 500:
            return Failure(FailureKind.MAYBE_DONE, f"HTTP {status}")
        if code in _MAYBE_DONE_CODES:
            return Failure(FailureKind.MAYBE_DONE, code)
        if code in _REFUSED_CODES:
            return Failure(FailureKind.REFUSED, code)
        if code in _OPERATOR_CODES:
            return Failure(FailureKind.NEEDS_PERSON, code)
        return Failure(FailureKind.OTHER, code[:100])
    if isinstance(error, SlackRequestError):
        # slack_sdk's own refusal, or files_upload_v2's upload step answering other than
        # 200: nothing was shared.
        return Failure(FailureKind.OTHER, f"request failed ({type(error).__name__})")
    if isinstance(error, TimeoutError):
        return Failure(FailureKind.MAYBE_DONE, "timeout")
    if isinstance(error, OSError | http.client.HTTPException):
        return Failure(FailureKind.MAYBE_DONE, f"connection lost ({type(error).__name__})")
    # Anything else is a bug somewhere: whether the call went out is unknown.
    return Failure(FailureKind.MAYBE_DONE, f"unexpected {type(error).__name__}")
