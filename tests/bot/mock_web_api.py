"""A stand-in for Slack's Web API on 127.0.0.1 that records every call and answers ok.

Point `SLACK_API_URL` (or a `WebClient`'s `base_url`) at `api_url`, and a slash command's
`response_url` at `response_url()`. `fail(method, code)` makes a method answer
`{"ok": false, "error": code}`, as Slack does for `not_in_channel`; `delay(method, s)`
makes it answer only after some seconds, as a slow Slack would.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "U0KPIBOT"
FILE_ID = "F0CHART1"


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
        self._lock = threading.Condition()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
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

    def fail(self, method: str, code: str) -> None:
        """Make a Web API method answer `ok: false` with this error code (`response/`: make
        every response_url answer 404 with it, as an expired one does)."""
        self.failures[method] = code

    def delay(self, method: str, seconds: float) -> None:
        """Make a Web API method (or path prefix) answer only after some seconds."""
        self.delays[method] = seconds

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
        path = request.path.lstrip("/")
        body = _parse(raw, request.headers.get("Content-Type") or "")
        call = Call(path, {key.lower(): value for key, value in request.headers.items()}, body, raw)
        for prefix, seconds in list(self.delays.items()):
            if call.method.startswith(prefix):
                time.sleep(seconds)
        status, answer = self._answer(call)
        # Recorded before it is answered: once a caller has its answer, a test sees the call.
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
        payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        request.send_response(status)
        content_type = "text/plain" if isinstance(answer, bytes) else "application/json"
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _answer(self, call: Call) -> tuple[int, dict[str, Any] | bytes]:
        if call.path.startswith("response/") and "response/" in self.failures:
            return 404, self.failures["response/"].encode()  # as Slack for an expired URL
        if call.path.startswith(("response/", "upload/")):
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
                return 200, {
                    "ok": True,
                    "upload_url": f"{self.url}upload/{FILE_ID}",
                    "file_id": FILE_ID,
                }
            case "files.completeUploadExternal":
                return 200, {"ok": True, "files": [{"id": FILE_ID, "title": "chart"}]}
            case "chat.postMessage":
                return 200, {
                    "ok": True,
                    "channel": call.body.get("channel"),
                    "ts": "1700000000.000100",
                    "message": {"text": call.body.get("text")},
                }
            case "views.publish":
                return 200, {"ok": True, "view": {"id": "V0HOME", "type": "home"}}
            case _:
                return 200, {"ok": True}


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
