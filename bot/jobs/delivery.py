"""Delivery through the outbox: every scheduled post reaches Slack exactly once.

`enqueue_post` writes a report (its top message, the messages continuing in its thread and
its charts) into the outbox in the caller's transaction. A `Deliverer` sends what is due,
one item at a time under a claim (`storage.outbox`), with a Web API client that repeats only
rate-limited calls (`build_outbox_client`). Slack's `chat.postMessage` has no idempotency
key, so:

- every message carries metadata naming its outbox key (`kpibot_outbox`); after an
  ambiguous failure (a timeout, a dropped connection, a 5xx, a sender killed mid-call) the
  next attempt first looks for it, in the channel's recent history or in its thread, and
  records the message it finds instead of posting again. A chart (a file shared into the
  thread, which carries no metadata) is looked for in the thread by its file name, unique
  within a report, and its title;
- a rate-limited call (HTTP 429) is repeated in-process after a short Retry-After, else the
  item is put back until the time Retry-After names;
- any other failure leaves the item failed with its error, retried with exponential backoff
  (30 s doubling to at most an hour) and abandoned after `MAX_ATTEMPTS` (about a day) or at
  once when Slack refused the message itself (`invalid_blocks`, `msg_too_long`…); it is
  reported once to `KPIBOT_CHANNEL_ADMIN`, through the outbox too: at its first failure
  that a person must fix (`not_in_channel`, `channel_not_found`, `is_archived`, a revoked
  token…), or when its `AMBIGUOUS_REPORT_AFTER`th attempt fails ambiguously, or when
  abandoned;
- a chart that fails leaves the report as it is, adds a note to its thread (itself an
  outbox item, so posted once) and is retried like any item.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy import Connection

from bot.runtime import Runtime
from bot.settings import SLACK_CHANNEL_ID
from bot.slack.blocks.delivery import chart_failed_note, delivery_failure_message
from bot.slack.blocks.message import Message
from bot.slack.client import SlackClient, build_outbox_client, retry_after
from bot.slack.failures import FailureKind, classify
from storage import outbox
from storage.db import Database, DatabaseError
from storage.outbox import Claim, ItemKind, NewItem

log = logging.getLogger("kpibot.delivery")

# Slack message metadata on every post: how a sender recognises its own message.
METADATA_EVENT = "kpibot_outbox"
# A sender's claim on an item: far longer than one delivery (a look-up of a few pages, one
# post or upload, a rate-limit wait of at most 5 s, each call at most 15 s), so a live
# sender never loses its item, and short enough that a killed one's is taken over soon.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: the 30th attempt comes about a day after the
# first, by when the post is stale and a person has been told.
MAX_ATTEMPTS = 30
AMBIGUOUS_REPORT_AFTER = 3
# Rate-limited without a Retry-After (Slack always sends one): wait a minute.
DEFAULT_RETRY_AFTER = timedelta(seconds=60)
# The look-up reads messages from a little before the item was written (clocks differ).
LOOKBACK_MARGIN = timedelta(minutes=10)
LOOKUP_PAGE = 200
LOOKUP_PAGES = 20
MAX_PER_ROUND = 500
POLL_SECONDS = 5.0
ADMIN_JOB = "delivery-failure"
# Longest key a caller may give: the thread's items add a suffix (`:thread-12`, `:file-3:note`).
MAX_KEY_CHARS = 260
MAX_LABEL_CHARS = 40
_MESSAGE_FIELDS = frozenset({"text", "blocks", "unfurl_links", "unfurl_media"})
# Slack's answers to an update of a message that is gone or may no longer be edited: a new
# post takes its place.
UNEDITABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
# Slack takes about one message per second per channel; posting faster draws 429s.
PACE_SECONDS = 1.0


def thread_key(key: str, number: int) -> str:
    """The outbox key of a report's `number`th message continuing in its thread (from 1)."""
    return f"{key}:thread-{number}"


def file_key(key: str, number: int) -> str:
    """The outbox key of a report's `number`th file (from 1)."""
    return f"{key}:file-{number}"


def note_key(key: str) -> str:
    """The outbox key of the note saying the item under `key` (a chart) failed."""
    return f"{key}:note"


def outbox_metadata(key: str) -> dict[str, Any]:
    """The Slack message metadata naming an outbox key."""
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key}}


def _checked_message(message: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(message) - _MESSAGE_FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)} (allowed: text, blocks)")
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: a message needs a non-empty `text` fallback")
    return message


def _checked_labels(key: str, job: str, period: str, channel: str) -> None:
    if not key or len(key) > MAX_KEY_CHARS or not key.isprintable():
        raise ValueError(f"an outbox key must be 1 to {MAX_KEY_CHARS} printable characters")
    for name, label in (("job", job), ("period", period)):
        if not label or len(label) > MAX_LABEL_CHARS or not label.isprintable():
            raise ValueError(f"{name} must be 1 to {MAX_LABEL_CHARS} printable characters")
    if not SLACK_CHANNEL_ID.match(channel):
        raise ValueError(f"not a Slack channel id: {channel[:40]!r}")


def enqueue_post(
    connection: Connection,
    *,
    key: str,
    job: str,
    period: str,
    channel: str,
    messages: list[dict[str, Any]],
    files: list[tuple[str, str, bytes]],
    now: datetime,
    late: bool = False,
) -> bool:
    """Write a post to the outbox in the caller's transaction; return False, writing
    nothing, when `key` is there already.

    `messages[0]` is the top message (`Message.as_payload()`: text and blocks); the others
    continue in its thread, in order, followed by `files` as (file name, title, bytes),
    uploaded into the thread in order. File names must differ within a post: a chart is
    recognised in the thread by its name.
    """
    _checked_labels(key, job, period, channel)
    if not messages:
        raise ValueError("a post needs at least one message")
    names = [name for name, _title, _content in files]
    if len(set(names)) != len(names) or not all(name.strip() for name in names):
        raise ValueError("the files of a post need distinct, non-empty names")
    for name, title, content in files:
        if not isinstance(title, str) or not isinstance(content, bytes) or not content:
            raise ValueError(f"file {name[:40]!r}: needs a title and some bytes")

    def new(item_key: str, kind: ItemKind, payload: dict[str, Any], **extra: Any) -> NewItem:
        return NewItem(
            key=item_key,
            job=job,
            period=period,
            channel=channel,
            kind=kind,
            payload=payload,
            late=late,
            **extra,
        )

    items = [new(key, ItemKind.MESSAGE, _checked_message(messages[0], "messages[0]"))]
    for number, message in enumerate(messages[1:], start=1):
        payload = _checked_message(message, f"messages[{number}]")
        items.append(new(thread_key(key, number), ItemKind.MESSAGE, payload, parent_key=key))
    for number, (name, title, content) in enumerate(files, start=1):
        items.append(
            new(
                file_key(key, number),
                ItemKind.FILE,
                {"filename": name, "title": title},
                content=content,
                parent_key=key,
            )
        )
    return outbox.enqueue(connection, items, now=now)


def enqueue_update(
    connection: Connection,
    *,
    key: str,
    job: str,
    parent_key: str,
    message: Message,
    now: datetime,
) -> bool:
    """Write a new version of the message under `parent_key` (`chat.update` on its ts once
    it is sent) in the caller's transaction; return False, writing nothing, when `key` is
    there already. Updates of one message go out in the order they were written; if the
    message is gone or can no longer be edited, a new post replaces it
    (`storage.outbox.replace_message`)."""
    parent = outbox.find(connection, parent_key)
    if parent is None or parent.kind is not ItemKind.MESSAGE or parent.parent_key is not None:
        raise ValueError(f"no top-level message under {parent_key[:80]!r} to update")
    _checked_labels(key, job, parent.period, parent.channel)
    item = NewItem(
        key=key,
        job=job,
        period=parent.period,
        channel=parent.channel,
        kind=ItemKind.UPDATE,
        payload=_checked_message(message.as_payload(), "update"),
        parent_key=parent_key,
    )
    return outbox.insert_if_absent(connection, item, now=now)


def record_skipped_post(
    connection: Connection,
    *,
    key: str,
    job: str,
    period: str,
    channel: str,
    now: datetime,
    reason: str,
) -> bool:
    """Record in the caller's transaction that the post under `key` is never to be sent (a
    period past its grace window, say), unless `key` is there already; return whether it
    was recorded. `kpibot outbox` lists it as skipped, with the reason."""
    _checked_labels(key, job, period, channel)
    item = NewItem(
        key=key, job=job, period=period, channel=channel, kind=ItemKind.MESSAGE, payload={}
    )
    return outbox.record_skipped(connection, item, now=now, reason=reason)


class Outcome(StrEnum):
    """What one delivery attempt came to."""

    SENT = "sent"
    REPLACED = "replaced"  # an update of a message that was gone: posted anew instead
    FOUND = "found"  # an earlier attempt had posted it: recorded, not posted again
    POSTPONED = "postponed"  # rate-limited: back in the outbox until Retry-After
    RETRYING = "retrying"  # failed: retried after a backoff
    ABANDONED = "abandoned"  # failed for good: an operator's to retry
    LOST_CLAIM = "lost_claim"  # another sender took the item over meanwhile


@dataclass(frozen=True)
class Delivered:
    """One item's attempt: its key, the outcome, and the error if it failed."""

    key: str
    outcome: Outcome
    error: str | None = None


@dataclass
class _Attempt:
    """What one attempt knows: whether Slack may hold the item, and whether the call that
    failed was the post itself (else the look-up before it)."""

    may_have_posted: bool
    posting: bool = False


@dataclass(frozen=True)
class _Identity:
    user_id: str | None
    bot_id: str | None


class LookupIncomplete(Exception):
    """The channel had more messages since the item was written than a look-up reads."""


class Deliverer:
    """Sends the outbox's due items to Slack, each exactly once."""

    def __init__(
        self,
        *,
        database: Database,
        client: SlackClient,
        admin_channel: str | None,
        locale: str,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        lease: timedelta = LEASE,
        pace: float = PACE_SECONDS,
    ) -> None:
        self.database = database
        # Calls that add or change a message in one channel are spaced `pace` seconds apart
        # (monotonic time of each channel's last such call), so that a burst of alerts
        # reaches Slack in order without a storm of 429s.
        self.pace = pace
        self._last_call: dict[str, float] = {}
        self.client = client
        self.admin_channel = admin_channel
        self.locale = locale
        self.zone = zone
        self.clock = clock
        self.lease = lease
        self._identity: _Identity | None = None

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> Deliverer:
        """Build the process's deliverer from its runtime, with the outbox's own client."""
        settings = runtime.settings
        return cls(
            database=runtime.database,
            client=build_outbox_client(settings),
            admin_channel=settings.channel_admin,
            locale=settings.locale,
            zone=settings.zone,
            clock=runtime.clock,
            pace=settings.slack_pace_seconds,
        )

    def deliver_due(self, now: datetime | None = None) -> list[Delivered]:
        """Deliver everything due at `now` (the clock's time if None), one item at a time,
        including the thread items that become due as their parent is sent; return what
        each attempt came to.

        A round ends early after half a lease (`run` starts the next); failures of the
        database come out as DatabaseError, and an item claimed when one happened is taken
        over once its lease has passed.
        """
        moment = (now or self.clock()).astimezone(UTC)
        started = time.monotonic()
        done: list[Delivered] = []
        # Claims are dated `moment`: a round that went on past half a lease would hand out
        # claims that lapse early, so it ends there and the next round starts afresh.
        while len(done) < MAX_PER_ROUND and time.monotonic() - started < self._half_lease:
            with outbox.transaction(self.database) as connection:
                claim = outbox.claim_next(connection, now=moment, lease=self.lease)
            if claim is None:
                break
            done.append(self._deliver(claim, moment))
        return done

    @property
    def _half_lease(self) -> float:
        return self.lease.total_seconds() / 2

    def run(self, stop: threading.Event, *, interval: float = POLL_SECONDS) -> None:
        """Deliver what is due every `interval` seconds until `stop` is set.

        A failed round (the database unreachable, say) is logged and the loop goes on.
        """
        while not stop.is_set():
            try:
                self.deliver_due()
            except DatabaseError as error:
                log.warning("delivery round failed: %s", error)
            except Exception:  # the loop must outlive any one round's bug
                log.exception("delivery round failed")
            stop.wait(interval)

    def _deliver(self, claim: Claim, now: datetime) -> Delivered:
        started = time.monotonic()
        attempt = _Attempt(may_have_posted=claim.look_first)
        try:
            # An update is idempotent: sending it again is harmless, no need to look first.
            if claim.look_first and claim.entry.kind is not ItemKind.UPDATE:
                found = self._find(claim)
                if found is not None:
                    return self._sent(claim, found, now, Outcome.FOUND)
                attempt.may_have_posted = False
                if time.monotonic() - started > self._half_lease:
                    # Posting now could outlast the claim, and a sender taking the item
                    # over might look before this post shows: give it back instead.
                    return self._give_back(claim, now, "look-up outlasted half the claim")
            attempt.posting = attempt.may_have_posted = True
            ts = self._send(claim)
        except SlackApiError as error:
            if claim.entry.kind is ItemKind.UPDATE and _error_code(error) in UNEDITABLE:
                return self._replace(claim, now, _error_code(error))
            return self._failed(claim, now, error, attempt)
        except Exception as error:  # every failure is recorded on the item, whatever it is
            return self._failed(claim, now, error, attempt)
        return self._sent(claim, ts, now, Outcome.SENT)

    def _give_back(self, claim: Claim, now: datetime, reason: str) -> Delivered:
        with outbox.transaction(self.database) as connection:
            ours = outbox.postpone(
                connection,
                claim.entry.id,
                attempt=claim.attempt,
                until=now + timedelta(seconds=1),
                reason=reason,
                may_have_posted=False,
            )
        log.info("outbox %s: given back (%s)", claim.entry.key, reason)
        return Delivered(claim.entry.key, Outcome.POSTPONED if ours else Outcome.LOST_CLAIM, reason)

    def _replace(self, claim: Claim, now: datetime, reason: str) -> Delivered:
        with outbox.transaction(self.database) as connection:
            new = outbox.replace_message(connection, claim, now=now, reason=reason)
        if new is None:
            return Delivered(claim.entry.key, Outcome.LOST_CLAIM, reason)
        log.info("outbox %s: message gone (%s), replaced by %s", claim.entry.key, reason, new)
        return Delivered(claim.entry.key, Outcome.REPLACED, reason)

    def _paced(self, channel: str) -> None:
        """Wait until `pace` seconds have passed since the last call to this channel ended."""
        last = self._last_call.get(channel)
        if last is not None:
            wait = last + self.pace - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _sent(self, claim: Claim, ts: str, now: datetime, outcome: Outcome) -> Delivered:
        with outbox.transaction(self.database) as connection:
            outbox.mark_sent(connection, claim.entry.id, ts=ts, now=now)
        log.info("outbox %s: %s (%s)", claim.entry.key, outcome.value, ts)
        return Delivered(claim.entry.key, outcome)

    # Slack ---------------------------------------------------------------------------

    def _send(self, claim: Claim) -> str:
        self._paced(claim.entry.channel)
        try:
            return self._call(claim)
        finally:
            # Counted from the answer, not the request: the next call then reaches Slack at
            # least `pace` after this one did, whatever the network's delays.
            self._last_call[claim.entry.channel] = time.monotonic()

    def _call(self, claim: Claim) -> str:
        entry = claim.entry
        if entry.kind is ItemKind.UPDATE:
            if claim.thread_ts is None:  # due only once its parent is sent: cannot happen
                raise ValueError(f"update {entry.key} has no message to edit")
            arguments = {
                name: claim.payload[name] for name in _MESSAGE_FIELDS if name in claim.payload
            }
            response = self.client.chat_update(
                channel=entry.channel,
                ts=claim.thread_ts,
                parse="none",
                link_names=False,
                metadata=outbox_metadata(entry.parent_key or entry.key),
                **arguments,
            )
            return str(response["ts"])
        if entry.kind is ItemKind.FILE:
            response = self.client.files_upload_v2(
                channel=entry.channel,
                thread_ts=claim.thread_ts,
                file=claim.content,
                filename=claim.payload["filename"],
                title=claim.payload["title"],
            )
            return str(response["file"]["id"])
        arguments = {name: claim.payload[name] for name in _MESSAGE_FIELDS if name in claim.payload}
        response = self.client.chat_postMessage(
            channel=entry.channel,
            thread_ts=claim.thread_ts,
            parse="none",
            link_names=False,
            metadata=outbox_metadata(entry.key),
            **arguments,
        )
        return str(response["ts"])

    def _who_am_i(self) -> _Identity:
        if self._identity is None:
            answer = self.client.auth_test()
            self._identity = _Identity(answer.get("user_id"), answer.get("bot_id"))
        return self._identity

    def _ours(self, message: dict[str, Any]) -> bool:
        me = self._who_am_i()
        return bool(
            (me.bot_id and message.get("bot_id") == me.bot_id)
            or (me.user_id and message.get("user") == me.user_id)
        )

    def _find(self, claim: Claim) -> str | None:
        """The ts (a file's id) of the item as Slack holds it, if an earlier attempt posted
        it; raise LookupIncomplete when the look-up could not read far enough back."""
        entry = claim.entry
        for message in self._recent(claim):
            if entry.kind is ItemKind.MESSAGE:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and payload.get("key") == entry.key
                    and self._ours(message)
                ):
                    return str(message["ts"])
                continue
            for file in message.get("files") or []:
                if (
                    file.get("name") == claim.payload["filename"]
                    and file.get("title") == claim.payload["title"]
                    and self._ours(message)
                ):
                    return str(file["id"])
        return None

    def _recent(self, claim: Claim) -> Iterator[dict[str, Any]]:
        """The messages posted since a little before the item was written: in its thread
        for a thread item, else the channel's top-level messages."""
        entry = claim.entry
        oldest = f"{(entry.created_at - LOOKBACK_MARGIN).timestamp():.6f}"
        cursor: str | None = None
        for _page in range(LOOKUP_PAGES):
            if claim.thread_ts is not None:
                answer = self.client.conversations_replies(
                    channel=entry.channel,
                    ts=claim.thread_ts,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=LOOKUP_PAGE,
                    cursor=cursor,
                )
            else:
                answer = self.client.conversations_history(
                    channel=entry.channel,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=LOOKUP_PAGE,
                    cursor=cursor,
                )
            yield from answer.get("messages") or []
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not answer.get("has_more") or cursor is None:
                return
        raise LookupIncomplete(
            f"more than {LOOKUP_PAGES * LOOKUP_PAGE} messages since the item was written"
        )

    # Failures ------------------------------------------------------------------------

    def _failed(
        self, claim: Claim, now: datetime, error: Exception, attempt: _Attempt
    ) -> Delivered:
        entry = claim.entry
        if isinstance(error, LookupIncomplete):
            failure, reason = FailureKind.OTHER, "history too long to look through"
        else:
            classified = classify(error)
            failure, reason = classified.kind, classified.reason
            if reason.startswith("unexpected "):
                log.error("outbox %s failed unexpectedly", entry.key, exc_info=error)
        if failure is FailureKind.MAYBE_DONE:
            # Slack may have acted on the post: the next attempt looks for it first.
            may_have_posted = attempt.may_have_posted
        elif attempt.posting:
            may_have_posted = False  # Slack answered the post: it did not take it
        else:
            may_have_posted = attempt.may_have_posted  # the look-up failed: still unknown
        if failure is FailureKind.RATE_LIMITED:
            wait = _rate_limit_wait(error)
            with outbox.transaction(self.database) as connection:
                ours = outbox.postpone(
                    connection,
                    entry.id,
                    attempt=claim.attempt,
                    until=now + wait,
                    reason=reason,
                    may_have_posted=may_have_posted,
                )
            log.info("outbox %s: rate-limited, postponed %ss", entry.key, wait.total_seconds())
            return Delivered(entry.key, Outcome.POSTPONED if ours else Outcome.LOST_CLAIM, reason)
        retry_at = _retry_at(failure, claim.attempt, now)
        with outbox.transaction(self.database) as connection:
            ours = outbox.mark_failed(
                connection,
                entry.id,
                attempt=claim.attempt,
                error=reason,
                retry_at=retry_at,
                may_have_posted=may_have_posted,
            )
            if not ours:
                return Delivered(entry.key, Outcome.LOST_CLAIM, reason)
            if entry.kind is ItemKind.FILE and entry.parent_key is not None:
                self._note_failed_chart(connection, claim, now)
            if self._must_report(claim, failure, retry_at):
                self._report(connection, claim, reason, retry_at, now)
        outcome = Outcome.RETRYING if retry_at is not None else Outcome.ABANDONED
        log.warning("outbox %s: %s (%s)", entry.key, outcome.value, reason)
        return Delivered(entry.key, outcome, reason)

    def _note_failed_chart(self, connection: Connection, claim: Claim, now: datetime) -> None:
        entry = claim.entry
        note = chart_failed_note(str(claim.payload.get("title", "")), self.locale)
        outbox.insert_if_absent(
            connection,
            NewItem(
                key=note_key(entry.key),
                job=entry.job,
                period=entry.period,
                channel=entry.channel,
                kind=ItemKind.MESSAGE,
                payload=note.as_payload(),
                parent_key=entry.parent_key,
                late=entry.late,
            ),
            now=now,
        )

    def _must_report(self, claim: Claim, failure: FailureKind, retry_at: datetime | None) -> bool:
        entry = claim.entry
        if self.admin_channel is None or entry.job == ADMIN_JOB or entry.failure_reported:
            return False
        if failure is FailureKind.MAYBE_DONE:
            return retry_at is None or claim.attempt >= AMBIGUOUS_REPORT_AFTER
        return True

    def _report(
        self,
        connection: Connection,
        claim: Claim,
        reason: str,
        retry_at: datetime | None,
        now: datetime,
    ) -> None:
        entry = claim.entry
        assert self.admin_channel is not None  # _must_report checked it
        message = delivery_failure_message(
            job=entry.job,
            period=entry.period,
            channel=entry.channel,
            error=reason,
            retry_at=retry_at,
            item_id=entry.id,
            zone=self.zone,
            locale=self.locale,
        )
        if outbox.mark_failure_reported(connection, entry.id):
            outbox.insert_if_absent(
                connection,
                NewItem(
                    key=f"{ADMIN_JOB}:{entry.id}:{claim.attempt}",
                    job=ADMIN_JOB,
                    period=entry.period[:MAX_LABEL_CHARS],
                    channel=self.admin_channel,
                    kind=ItemKind.MESSAGE,
                    payload=message.as_payload(),
                ),
                now=now,
            )


def _error_code(error: SlackApiError) -> str:
    response = getattr(error, "response", None)
    try:
        return str(response["error"]) if response is not None else ""
    except (KeyError, TypeError):
        return ""


def _rate_limit_wait(error: Exception) -> timedelta:
    seconds = retry_after(error) if isinstance(error, SlackApiError) else None
    if seconds is None:
        return DEFAULT_RETRY_AFTER
    # At least a second, so one round never claims the same item again at the same `now`.
    return max(timedelta(seconds=seconds), timedelta(seconds=1))


def _retry_at(failure: FailureKind, attempt: int, now: datetime) -> datetime | None:
    """When a failed item is tried again; None when it is abandoned."""
    if failure is FailureKind.REFUSED or attempt >= MAX_ATTEMPTS:
        return None
    backoff = min(FIRST_RETRY * (1 << min(attempt - 1, 20)), LONGEST_RETRY)
    return now + backoff
