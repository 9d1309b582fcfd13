"""The Slack app end to end: signed HTTP requests to the app on a loopback port.

The engine runs on a real demo database (built once per session, copied for each test so
that writes stay in their test); the Web API and every `response_url` point at
`MockWebApi`; and any socket to a non-loopback address fails the test.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import yaml
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import BaseWSGIServer, make_server

from bot.cli.main import main
from bot.http.server import create_web_app
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.services import Services
from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import Database, create_db_engine, open_database
from storage.demo.rows import demo_import_rows, demo_types
from storage.imports.ingest import import_rows
from tests.authors import TEST_AUTHOR
from tests.bot.mock_web_api import MockWebApi
from tests.conftest import copy_sqlite_file

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=TOKYO)
DEMO_SCALE = 0.3
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
API_TOKEN = "test-api-token"
ADMIN = "U0ADMIN"
MEMBER = "U0MEMBER"
CHANNEL = "C0GENERAL"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "", None})


def _is_loopback(address: object) -> bool:
    if isinstance(address, str | bytes):
        return True  # a Unix socket path: local by definition
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0].decode() if isinstance(address[0], bytes) else address[0]
    return host in LOOPBACK_HOSTS or str(host).startswith("127.")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection, or name look-up, that would leave this machine."""
    original_connect = socket.socket.connect
    original_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            raise AssertionError(f"a test tried to reach the network: {address!r}")
        original_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK_HOSTS and not str(name).startswith("127."):
            raise AssertionError(f"a test tried to look up a network name: {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def build_demo_database(path: Path, *, scale: float, today: date = TODAY) -> int:
    """Fill a SQLite file with the demo company's data; return the number of events."""
    database = open_database(f"sqlite:///{path}", TOKYO)
    known = measured_kpis(load_catalog())
    total = 0
    try:
        for event_type in demo_types():
            rows = demo_import_rows(event_type, today=today, tz=TOKYO, scale=scale)
            total += import_rows(database, rows, known_kpis=known, author=TEST_AUTHOR).inserted
    finally:
        database.engine.dispose()
    return total


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database at scale 0.3, built once per session; tests use copies."""
    path = tmp_path_factory.mktemp("demo") / "kpibot-demo.db"
    build_demo_database(path, scale=DEMO_SCALE)
    return path


@pytest.fixture
def demo_url(demo_file: Path, tmp_path: Path) -> str:
    """A SQLite URL of this test's own copy of the demo database."""
    return copy_sqlite_file(demo_file, tmp_path / "kpibot.db")


@pytest.fixture(scope="session")
def _mock_server() -> Iterator[MockWebApi]:
    mock = MockWebApi().start()
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def slack_api(_mock_server: MockWebApi) -> MockWebApi:
    """The mock Web API, with no calls recorded and no failures switched on."""
    _mock_server.reset()
    return _mock_server


def make_settings(database_url: str, slack_api: MockWebApi, **overrides: Any) -> Settings:
    """Settings for a test: the mock Web API, one admin, the API on."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack_api.api_url,
        "slack_hooks_url": slack_api.url + "response/",
        "admins": [ADMIN],
        "api_token": API_TOKEN,
        "api_max_bytes": 64 * 1024,
        # No pacing unless a test asks for it: the mock answers at once, and most tests post
        # a few messages to one channel.
        "slack_pace_seconds": 0.0,
    }
    values.update(overrides)
    return Settings.model_validate(values)


def make_services(settings: Settings) -> Services:
    """The services of a runtime of these settings, with the clock fixed at NOW."""
    return Runtime(settings, clock=lambda: NOW).services


@pytest.fixture
def settings(demo_url: str, slack_api: MockWebApi) -> Settings:
    return make_settings(demo_url, slack_api)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    made = make_services(settings)
    try:
        yield made
    finally:
        made.followups.close()  # no work of this test may outlive it
        made.database.engine.dispose()


@pytest.fixture
def unreachable_services(services: Services) -> Iterator[Services]:
    """The same services on a PostgreSQL server that refuses every connection."""
    # Port 1 on loopback: nothing listens there, so every connection is refused.
    engine = create_db_engine("postgresql+psycopg://kpibot@127.0.0.1:1/kpibot?connect_timeout=2")
    try:
        yield replace(
            services, database=Database(engine=engine, zone=TOKYO, sessions=sessionmaker(engine))
        )
    finally:
        engine.dispose()


def restricted_catalog(directory: Path, kpi_ids: set[str], *, channel: str, user: str) -> Path:
    """A copy of the shipped catalog (a file, as KPIBOT_CATALOG names) in which some KPIs are
    restricted to one channel and one user."""
    shipped = resources.files("kpi_engine").joinpath("catalog.yaml").read_text("utf-8")
    raw = yaml.safe_load(shipped)
    for kpi in raw["kpis"]:
        if kpi["id"] in kpi_ids:
            kpi["restricted"] = {"channels": [channel], "users": [user]}
    custom = directory / "catalog.yaml"
    custom.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return custom


@dataclass
class Answer:
    """An HTTP response: status, headers and body (parsed when it is JSON)."""

    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")


def sign(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack sends with a request body: timestamp and v0 signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


class SlackAppServer:
    """The web app on a loopback port, and helpers to send it what Slack would."""

    def __init__(self, url: str, slack_api: MockWebApi) -> None:
        self.url = url
        self.slack_api = slack_api

    def connect(self, timeout: float = 30) -> http.client.HTTPConnection:
        """A new HTTP connection to the app, for requests `request` cannot make."""
        host, port = self.url.removeprefix("http://").split(":")
        return http.client.HTTPConnection(host, int(port), timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        connection = self.connect()
        try:
            data = body.encode() if isinstance(body, str) else body
            connection.request(method, path, body=data, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def post_signed(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> Answer:
        headers = {"Content-Type": content_type, **sign(body, secret=secret, timestamp=timestamp)}
        return self.request("POST", "/slack/events", body, headers)

    def command_body(
        self, text: str, *, user: str = MEMBER, channel: str = CHANNEL, response_url: str = ""
    ) -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": "T0TEST",
                "team_domain": "kpibot-test",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": "someone",
                "command": "/kpi",
                "text": text,
                "api_app_id": "A0KPIBOT",
                "response_url": response_url or self.slack_api.response_url(),
                "trigger_id": f"1.{uuid.uuid4().hex}",
            }
        )

    def command(
        self,
        text: str,
        *,
        user: str = MEMBER,
        channel: str = CHANNEL,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        response_url: str = "",
    ) -> Answer:
        """Send `/kpi text` as Slack does, signed (with a fresh response_url unless given)."""
        body = self.command_body(text, user=user, channel=channel, response_url=response_url)
        return self.post_signed(
            body, "application/x-www-form-urlencoded", secret=secret, timestamp=timestamp
        )

    def action(self, payload: dict[str, Any]) -> Answer:
        """Send an interactivity payload (a button press), signed."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post_signed(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any]) -> Answer:
        """Send an Events API callback, signed."""
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": "T0TEST",
                "api_app_id": "A0KPIBOT",
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
                "event_time": int(time.time()),
            }
        )
        return self.post_signed(body, "application/json")


def serve_in_thread(app: Any) -> tuple[BaseWSGIServer, threading.Thread]:
    """Serve a WSGI app on a free loopback port from a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Polled every 10 ms rather than serve_forever's 0.5 s: shutdown() waits for a poll.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def start_app(slack_api: MockWebApi) -> Iterator[Callable[[Services], SlackAppServer]]:
    """Start the web app of some services; every server started is stopped at the end."""
    started: list[tuple[BaseWSGIServer, Services]] = []

    def start(services: Services) -> SlackAppServer:
        server, _ = serve_in_thread(create_web_app(services))
        started.append((server, services))
        return SlackAppServer(f"http://127.0.0.1:{server.server_port}", slack_api)

    yield start
    for server, services in started:
        server.shutdown()
        server.server_close()
        services.followups.close()  # no work of this test may outlive it


@pytest.fixture
def app(services: Services, start_app: Callable[[Services], SlackAppServer]) -> SlackAppServer:
    """The web app on the demo data, as a signed-request client."""
    return start_app(services)


@dataclass(frozen=True)
class Finished:
    """What a command left behind: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Kpibot:
    """Runs a command through `bot.cli.main.main` in a directory, on the settings its
    environment gives (the console script's path, minus the interpreter start-up)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(
        self,
        *args: str,
        cwd: Path,
        database: str | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> Finished:
        self._monkeypatch.chdir(cwd)
        with self._monkeypatch.context() as scoped:
            if database is not None:
                scoped.setenv("KPIBOT_DATABASE_URL", database)
            for name, value in (environment or {}).items():
                scoped.setenv(name, value)
            self._capsys.readouterr()
            # main() makes SIGTERM unwind the command; the test process keeps its own.
            previous = signal.getsignal(signal.SIGTERM)
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 1
            finally:
                signal.signal(signal.SIGTERM, previous)
            printed = self._capsys.readouterr()
        return Finished(code, printed.out, printed.err)


@pytest.fixture
def kpibot(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Kpibot:
    """Run `kpibot` commands in-process."""
    return Kpibot(capsys, monkeypatch)
