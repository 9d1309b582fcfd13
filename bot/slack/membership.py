"""Who is in a channel, from `conversations.members`, remembered for a few minutes.

The alert buttons may be pressed only by members of the alert's channel. Asking Slack on
every press would cost a paged Web API call per click; a membership that changed a few
minutes ago is close enough for deciding who may acknowledge an alert. A channel Slack will
not list (not found, the app not in it, any error) has no members here: the check fails
closed, and the failure is not remembered, so the next press asks again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.slack.client import SlackClient

log = logging.getLogger(__name__)

MEMBERS_TTL_SECONDS = 300.0
PAGE_SIZE = 1000
MAX_PAGES = 100  # 100,000 members: more than any channel kpibot posts alerts to


class ChannelMembers:
    """A cache of channel memberships, shared by every request thread."""

    def __init__(
        self,
        client: SlackClient,
        *,
        ttl: float = MEMBERS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, frozenset[str]]] = {}

    def is_member(self, channel: str, user: str) -> bool:
        """Whether the user is in the channel (as Slack said within the last few minutes)."""
        if not channel or not user:
            return False
        return user in self.members(channel)

    def members(self, channel: str) -> frozenset[str]:
        """The channel's members, from the cache when fresh."""
        now = self._clock()
        with self._lock:
            cached = self._known.get(channel)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        members = self._fetch(channel)
        if members is None:
            return frozenset()  # refused now, asked again on the next press
        with self._lock:
            self._known[channel] = (now, members)
        return members

    def _fetch(self, channel: str) -> frozenset[str] | None:
        users: set[str] = set()
        cursor = ""
        try:
            for _ in range(MAX_PAGES):
                page = self._client.conversations_members(
                    channel=channel, limit=PAGE_SIZE, cursor=cursor or None
                )
                users.update(str(user) for user in page.get("members") or [])
                cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning(
                "could not list the members of %s: %s", channel, error.response.get("error")
            )
            return frozenset()
        return frozenset(users)
