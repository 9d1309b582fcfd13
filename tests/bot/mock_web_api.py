"""A stand-in for Slack's Web API on 127.0.0.1 that records every call and answers ok.

Point `SLACK_API_URL` (or a `WebClient`'s `base_url`) at `api_url`, and a slash command's
`response_url` at `response_url()`. `fail(method, code)` makes a method answer
`{"ok": false, "error": code}`, as Slack does for `not_in_channel`; `delay(method, s)`
makes it answer only after some seconds, as a slow Slack would, and `hold(method)` until the
test calls `release()` (`wait_held(n)` waits until n calls are held).

It keeps the messages it accepted, per channel, as Slack does: `chat.postMessage` and
`files_upload_v2`'s three steps (`files.getUploadURLExternal`, the upload URL,
`files.completeUploadExternal`, which shares the file as a message, in a thread if asked)
add messages that `conversations.history` (top-level messages, newest first, with their
metadata when `include_all_metadata` is set) and `conversations.replies` (a thread, oldest
first) answer with; `chat.update` edits a kept message (`message_not_found` when it was
deleted with `delete_message`). `pace(seconds)` makes it enforce Slack's rate of one message
per channel per `seconds`: a post or edit sooner than that after the channel's last one is
answered 429 with Retry-After and counted in `rate_limited`.
`fail_next(method, Failure(...))` makes the next calls fail one way each: an `ok: false`
code, HTTP 429 with Retry-After, HTTP 500 (having accepted the call or not), or a dropped
connection after the call was accepted and before it is answered.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "U0KPIBOT"
BOT_ID = "B0KPIBOT"
FILE_ID = "F0CHART1"
# A held call is answered after this long even if never released: a failing test cannot hang.
HOLD_LIMIT_SECONDS = 30.0
# Calls that add a message to a channel, and so may be accepted before failing.
_POSTING = ("chat.postMessage", "files.completeUploadExternal")
# Calls that `pace` spaces per channel.
_PACED = ("chat.postMessage", "chat.update", "files.completeUploadExternal")


@dataclass(frozen=True)
class Failure:
    """One way for a call to fail.

    `code`: answer HTTP `status` with `{"ok": false, "error": code}` (429 adds Retry-After:
    `retry_after`); without a code, a `status` other than 200 answers a plain-text body as
    Slack's front ends do. `accept`: do what the call asks first (post the message), as a
    Slack that fails after the fact does. `drop`: accept the call, then close the connection
    without answering.
    """

    code: str | None = None
    status: int = 200
    retry_after: int | None = None
    accept: bool = False
    drop: bool = False


# Let the call through: `fail_next(method, PASS, failure)` fails the second call.
PASS = Failure()
RATE_LIMITED = Failure(code="ratelimited", status=429, retry_after=0)
SERVER_ERROR = Failure(status=500)
ACCEPTED_THEN_SERVER_ERROR = Failure(status=500, accept=True)
ACCEPTED_THEN_DROPPED = Failure(drop=True)


@dataclass(frozen=True)
class Call:
    """One request the mock received: `path` without the leading slash, and its body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""

    @property
    def method(self) -> str:
        """The Web API method (`chat.postMessage`), or the path for other requests."""
        return self.path.removeprefix("api/")


class MockWebApi:
    """The mock server; start it with `start()`, stop it with `stop()`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, str] = {}
        self.delays: dict[str, float] = {}
        self.holds: dict[str, threading.Event] = {}
        self._held = 0
        self.next_failures: dict[str, deque[Failure]] = defaultdict(deque)
        # Accepted messages per channel, oldest first; uploads between their steps.
        self.channels: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.uploads: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Condition()
        self.pace_seconds: float | None = None
        self._last_paced: dict[str, float] = {}
        self.rate_limited = 0
        # Each channel's members, as conversations.members lists them (a page at a time).
        self.members: dict[str, list[str]] = {}
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                mock._handle(self)

            def do_GET(self) -> None:
                mock._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The server's root URL, ending with a slash."""
        return f"http://127.0.0.1:{self.server.server_port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL to give a WebClient."""
        return self.url + "api/"

    def response_url(self) -> str:
        """A fresh response_url for one slash command or action."""
        return f"{self.url}response/{uuid.uuid4().hex}"

    def start(self) -> MockWebApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        """Forget the calls and failure switches of earlier tests."""
        with self._lock:
            self.calls.clear()
            self.failures.clear()
            self.delays.clear()
            self._release_all()
            self.next_failures.clear()
            self.channels.clear()
            self.uploads.clear()
            self.pace_seconds = None
            self._last_paced.clear()
            self.rate_limited = 0
            self.members.clear()

    def set_members(self, channel: str, users: list[str]) -> None:
        """The members conversations.members answers for a channel (unknown channels fail)."""
        with self._lock:
            self.members[channel] = list(users)

    def _members(self, call: Call) -> dict[str, Any]:
        channel = str(call.body.get("channel") or "")
        with self._lock:
            members = self.members.get(channel)
        if members is None:
            return {"ok": False, "error": "channel_not_found"}
        start = int(call.body.get("cursor") or 0)
        limit = int(call.body.get("limit") or 100)
        more = start + limit < len(members)
        return {
            "ok": True,
            "members": members[start : start + limit],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def pace(self, seconds: float) -> None:
        """Answer 429 (Retry-After: 1) to a post or edit in a channel sooner than `seconds`
        after the channel's last accepted one."""
        with self._lock:
            self.pace_seconds = seconds

    def delete_message(self, channel: str, ts: str) -> None:
        """Delete a kept message, as a person deleting it in Slack would."""
        with self._lock:
            self.channels[channel] = [m for m in self.channels[channel] if m["ts"] != ts]

    def fail(self, method: str, code: str) -> None:
        """Make a Web API method answer `ok: false` with this error code (`response/`: make
        every response_url answer 404 with it, as an expired one does)."""
        self.failures[method] = code

    def fail_next(self, method: str, *failures: Failure) -> None:
        """Make the next calls to a Web API method fail, one failure per call, in order."""
        with self._lock:
            self.next_failures[method].extend(failures)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The messages accepted in a channel (thread replies included), oldest first."""
        with self._lock:
            return [dict(message) for message in self.channels[channel]]

    def posted(self, channel: str, key: str) -> list[dict[str, Any]]:
        """The accepted messages of a channel whose metadata names this outbox key."""
        return [
            message
            for message in self.messages(channel)
            if (message.get("metadata") or {}).get("event_payload", {}).get("key") == key
        ]

    def delay(self, method: str, seconds: float) -> None:
        """Make a Web API method (or path prefix) answer only after some seconds."""
        self.delays[method] = seconds

    def hold(self, method: str) -> None:
        """Make a Web API method (or path prefix) answer only once `release()` is called."""
        with self._lock:
            self.holds[method] = threading.Event()

    def release(self) -> None:
        """Answer every held call, and hold no more."""
        with self._lock:
            self._release_all()

    def _release_all(self) -> None:
        for gate in self.holds.values():
            gate.set()
        self.holds.clear()

    def wait_held(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` calls are being held."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._held < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out: {self._held} calls held, not {count}")
                self._lock.wait(left)

    def _wait_if_held(self, call: Call) -> None:
        with self._lock:
            gates = [gate for prefix, gate in self.holds.items() if call.method.startswith(prefix)]
            if not gates:
                return
            self._held += 1
            self._lock.notify_all()
        try:
            gates[0].wait(HOLD_LIMIT_SECONDS)
        finally:
            with self._lock:
                self._held -= 1

    def called(self, method: str) -> list[Call]:
        """The calls to a method (`chat.postMessage`) or path prefix (`response/`)."""
        with self._lock:
            return [call for call in self.calls if call.method.startswith(method)]

    def wait_for(
        self, predicate: Callable[[list[Call]], bool] | str, timeout: float = 10.0
    ) -> list[Call]:
        """Wait until the recorded calls satisfy a predicate (or include a method)."""
        check = _has_method(predicate) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        with self._lock:
            while not check(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [call.method for call in self.calls]
                    raise AssertionError(f"timed out waiting; calls so far: {seen}")
                self._lock.wait(left)
            return list(self.calls)

    def wait_for_response(self, response_url: str, timeout: float = 10.0) -> Call:
        """Wait for the first request to one `response_url` (from `response_url()`)."""
        path = response_url.removeprefix(self.url)
        calls = self.wait_for(lambda calls: any(call.path == path for call in calls), timeout)
        return next(call for call in calls if call.path == path)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        split = urlsplit(request.path)
        path = split.path.lstrip("/")
        body = _parse(raw, request.headers.get("Content-Type") or "")
        if split.query:  # a GET method's arguments (conversations.history)
            body = {**dict(parse_qsl(split.query, keep_blank_values=True)), **body}
        call = Call(path, {key.lower(): value for key, value in request.headers.items()}, body, raw)
        self._wait_if_held(call)
        for prefix, seconds in list(self.delays.items()):
            if call.method.startswith(prefix):
                time.sleep(seconds)
        with self._lock:
            queued = self.next_failures.get(call.method)
            failure = queued.popleft() if queued else None
        if failure == PASS:
            failure = None
        if failure is None and self._too_soon(call):
            failure = Failure(code="ratelimited", status=429, retry_after=1)
        headers: dict[str, str] = {}
        if failure is None or failure.accept or failure.drop:
            status, answer = self._answer(call)
        if failure is not None and not failure.drop:
            status, answer, headers = _failed(failure)
        # Recorded before it is answered: once a caller has its answer, a test sees the call.
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
        if failure is not None and failure.drop:
            request.close_connection = True
            return  # accepted, never answered: the client sees the connection close
        payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        request.send_response(status)
        content_type = "text/plain" if isinstance(answer, bytes) else "application/json"
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

    def _too_soon(self, call: Call) -> bool:
        if call.method not in _PACED:
            return False
        channel = str(call.body.get("channel") or call.body.get("channel_id") or "")
        with self._lock:
            if self.pace_seconds is None:
                return False
            now = time.monotonic()
            last = self._last_paced.get(channel)
            if last is not None and now - last < self.pace_seconds:
                self.rate_limited += 1
                return True
            self._last_paced[channel] = now
            return False

    def _update(self, call: Call) -> dict[str, Any]:
        channel, ts = str(call.body.get("channel")), str(call.body.get("ts"))
        with self._lock:
            for message in self.channels.get(channel, []):
                if message["ts"] == ts:
                    for name in ("text", "blocks", "metadata"):
                        if name in call.body:
                            message[name] = call.body[name]
                    message["edited"] = message.get("edited", 0) + 1
                    return {"ok": True, "channel": channel, "ts": ts}
        return {"ok": False, "error": "message_not_found"}

    def add_message(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """Add a message to a channel as someone else's post would; return it with its ts."""
        return self._post(channel, message)

    def _post(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """Add a message to a channel as Slack does, with a fresh ts; return it."""
        with self._lock:
            number = next(self._counter)
            stored = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                **message,
                "ts": f"{int(time.time())}.{number % 1_000_000:06d}",
            }
            self.channels[channel].append(stored)
            return dict(stored)

    def _history(self, call: Call) -> dict[str, Any]:
        channel = str(call.body.get("channel", ""))
        oldest = float(call.body.get("oldest") or 0)
        with_metadata = call.body.get("include_all_metadata") in ("1", "true", "True")
        with self._lock:
            stored = list(self.channels.get(channel, []))
        if call.method == "conversations.replies":
            parent = str(call.body.get("ts", ""))
            found = [m for m in stored if m["ts"] == parent or m.get("thread_ts") == parent]
            if not any(m["ts"] == parent for m in found):
                return {"ok": False, "error": "thread_not_found"}
        else:
            top = [m for m in stored if m.get("thread_ts") in (None, m["ts"])]
            found = list(reversed(top))  # newest first, as Slack answers
        found = [m for m in found if float(m["ts"]) >= oldest]
        # Pages of `limit` messages, the cursor being the index of the next page's first.
        start = int(call.body.get("cursor") or 0)
        limit = int(call.body.get("limit") or 100)
        page = found[start : start + limit]
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _answer(self, call: Call) -> tuple[int, dict[str, Any] | bytes]:
        if call.path.startswith("response/") and "response/" in self.failures:
            return 404, self.failures["response/"].encode()  # as Slack for an expired URL
        if call.path.startswith("upload/"):
            with self._lock:
                upload = self.uploads.get(call.path.removeprefix("upload/"))
                if upload is not None:
                    upload["content"] = call.raw
            return 200, b"ok"
        if call.path.startswith("response/"):
            return 200, b"ok"
        method = call.method
        if method in self.failures:
            return 200, {"ok": False, "error": self.failures[method]}
        match method:
            case "auth.test":
                return 200, {
                    "ok": True,
                    "url": "https://kpibot-test.slack.com/",
                    "team": "kpibot test",
                    "user": "kpibot",
                    "team_id": "T0TEST",
                    "user_id": BOT_USER_ID,
                    "bot_id": "B0KPIBOT",
                    "is_enterprise_install": False,
                }
            case "files.getUploadURLExternal":
                with self._lock:
                    number = next(self._counter)
                    file_id = FILE_ID if number == 1 else f"{FILE_ID}{number}"
                    self.uploads[file_id] = {"name": call.body.get("filename"), "content": b""}
                return 200, {
                    "ok": True,
                    "upload_url": f"{self.url}upload/{file_id}",
                    "file_id": file_id,
                }
            case "files.completeUploadExternal":
                return 200, self._complete_upload(call)
            case "chat.postMessage":
                channel = str(call.body.get("channel"))
                fields = ("text", "blocks", "metadata", "thread_ts")
                message = self._post(channel, {k: call.body[k] for k in fields if k in call.body})
                return 200, {
                    "ok": True,
                    "channel": channel,
                    "ts": message["ts"],
                    "message": {"text": call.body.get("text")},
                }
            case "chat.update":
                return 200, self._update(call)
            case "conversations.history" | "conversations.replies":
                return 200, self._history(call)
            case "conversations.members":
                return 200, self._members(call)
            case "views.open":
                return 200, {"ok": True, "view": {"id": "V0MODAL", "type": "modal"}}
            case "views.publish":
                return 200, {"ok": True, "view": {"id": "V0HOME", "type": "home"}}
            case _:
                return 200, {"ok": True}

    def _complete_upload(self, call: Call) -> dict[str, Any]:
        listed = call.body.get("files") or "[]"
        requested = json.loads(listed) if isinstance(listed, str) else listed
        with self._lock:
            files = [
                {
                    "id": item["id"],
                    "title": item.get("title"),
                    "name": self.uploads.get(item["id"], {}).get("name"),
                    "size": len(self.uploads.get(item["id"], {}).get("content", b"")),
                }
                for item in requested
            ]
        channel = call.body.get("channel_id")
        if channel:
            shared: dict[str, Any] = {"text": "", "files": files, "upload": True}
            if call.body.get("thread_ts"):
                shared["thread_ts"] = call.body["thread_ts"]
            self._post(str(channel), shared)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}


def _failed(failure: Failure) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
    headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
    if failure.code is None:
        return failure.status, b"upstream connect error", headers
    return failure.status, {"ok": False, "error": failure.code}, headers


def _has_method(method: str) -> Callable[[list[Call]], bool]:
    def check(calls: list[Call]) -> bool:
        return any(call.method.startswith(method) for call in calls)

    return check


def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return {}
