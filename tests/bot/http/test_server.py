"""`kpibot serve` as deployed (gunicorn in a subprocess), `kpibot socket`, and `/healthz`."""

# ruff: noqa: RUF001 (full-width and Japanese text is what these tests are about)

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from bot.settings import SettingsError, load_settings
from bot.slack.services import Services
from storage.db import Database, create_db_engine
from tests.bot.conftest import (
    API_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    Kpibot,
    SlackAppServer,
)
from tests.bot.mock_web_api import MockWebApi

KPIBOT = Path(sys.executable).with_name("kpibot")
ROOT = Path(__file__).parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def kpibot_environment(**variables: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KPIBOT_", "SLACK_")) and name not in ("DATABASE_URL", "PORT")
    }
    environment.update(variables)
    return environment


@pytest.fixture
def served(tmp_path: Path, demo_url: str, slack_api: MockWebApi) -> Iterator[SlackAppServer]:
    """`kpibot serve` on a free loopback port, on a copy of the demo data."""
    port = free_port()
    environment = kpibot_environment(
        KPIBOT_DATABASE_URL=demo_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api.api_url,
        KPIBOT_SLACK_HOOKS_URL=slack_api.url + "response/",
        KPIBOT_API_TOKEN=API_TOKEN,
        KPIBOT_WEB_WORKERS="1",
        KPIBOT_WEB_THREADS="4",
        PORT=str(port),
        HOME=str(tmp_path / "home"),  # where gunicorn would put a shared control socket
    )
    environment.pop("XDG_RUNTIME_DIR", None)
    process = subprocess.Popen(
        [str(KPIBOT), "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = SlackAppServer(f"http://127.0.0.1:{port}", slack_api)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"kpibot serve exited: {process.stdout.read() if process.stdout else ''}"
                )
            try:
                if server.request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("kpibot serve did not answer /healthz within 60 s")
            time.sleep(0.05)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_kpibot_serve_answers_a_signed_kpi_nps_under_gunicorn(
    served: SlackAppServer, slack_api: MockWebApi
) -> None:
    answer = served.command("nps")
    assert answer.status == 200, answer.raw
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "ネットプロモータースコア（NPS）" in body["text"]
    assert 0 < len(body["blocks"]) <= 50
    assert slack_api.called("auth.test")  # Bolt's own check, answered by the mock


def test_kpibot_serve_leaves_no_control_socket_for_another_server_to_share(
    served: SlackAppServer, tmp_path: Path
) -> None:
    assert served.request("GET", "/healthz").status == 200
    assert not (tmp_path / "home" / ".gunicorn").exists()


def test_kpibot_serve_runs_the_work_after_the_ack_and_the_other_routes(
    served: SlackAppServer, slack_api: MockWebApi
) -> None:
    assert served.command("nps chart").status == 200
    slack_api.wait_for("files.completeUploadExternal", timeout=30)
    assert served.request("GET", "/healthz").json == {"status": "ok"}
    ingest = served.request(
        "POST",
        "/api/v1/events",
        '{"type": "release", "id": "rel-api", "at": "2026-11-23", "title": "API"}\n',
        {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {API_TOKEN}"},
    )
    assert ingest.json == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert served.command("nps", secret="wrong").status == 401


@pytest.mark.parametrize(
    ("command", "given", "named"),
    [
        ("serve", {}, "SLACK_BOT_TOKEN と SLACK_SIGNING_SECRET"),
        ("serve", {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET"),
        (
            "socket",
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "SLACK_APP_TOKEN",
        ),
    ],
)
def test_without_slack_credentials_both_servers_stop_at_once_saying_what_to_set(
    kpibot: Kpibot, tmp_path: Path, command: str, given: dict[str, str], named: str
) -> None:
    finished = kpibot(command, cwd=tmp_path, environment=given)
    assert finished.returncode == 2
    assert named in finished.stderr
    assert "Connect to Slack" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "kpibot.db").exists()


def test_missing_slack_credentials_are_named_in_japanese_and_in_english(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    japanese = kpibot("serve", cwd=tmp_path)
    english = kpibot("serve", cwd=tmp_path, environment={"KPIBOT_LOCALE": "en"})

    assert japanese.stderr == (
        "kpibot: Slack アプリを起動できません: SLACK_BOT_TOKEN と SLACK_SIGNING_SECRET "
        "を設定してください（Slack アプリの設定画面にあります。README.md の「Connect to Slack」"
        "を参照）\n"
    )
    assert english.stderr == (
        "kpibot: cannot start the Slack app: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
        '(from your Slack app\'s settings; see "Connect to Slack" in README.md)\n'
    )


def test_healthz_is_503_when_the_database_does_not_answer(
    unreachable_services: Services, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = start_app(unreachable_services)
    answer = app.request("GET", "/healthz")
    assert answer.status == 503
    assert answer.json == {"status": "unavailable", "reason": "データベースが応答しません"}
    english = app.request("GET", "/healthz", headers={"Accept-Language": "en"})
    assert english.json == {"status": "unavailable", "reason": "the database does not answer"}


# Errors no route answers itself: JSON in the language of Accept-Language, else KPIBOT_LOCALE.

ENGLISH = {"Accept-Language": "en-GB,ja;q=0.5"}


def test_a_url_kpibot_does_not_serve_is_a_json_404_in_either_language(app: SlackAppServer) -> None:
    japanese = app.request("GET", "/api/v2/events")
    english = app.request("GET", "/api/v2/events", headers=ENGLISH)

    assert (japanese.status, japanese.json) == (404, {"error": "この URL には何もありません"})
    assert (english.status, english.json) == (404, {"error": "there is nothing at this URL"})


@pytest.mark.parametrize(
    ("method", "path", "japanese", "english", "allow"),
    [
        (
            "GET",
            "/api/v1/events",
            "この URL が受け付けるのは POST だけです",
            "this URL takes POST only",
            "OPTIONS, POST",
        ),
        (
            "POST",
            "/healthz",
            "この URL が受け付けるのは GET だけです",
            "this URL takes GET only",
            "GET, HEAD, OPTIONS",
        ),
    ],
)
def test_a_method_a_url_does_not_take_is_a_json_405_naming_the_ones_it_does(
    app: SlackAppServer, method: str, path: str, japanese: str, english: str, allow: str
) -> None:
    in_japanese = app.request(method, path)
    in_english = app.request(method, path, headers=ENGLISH)

    assert (in_japanese.status, in_japanese.json) == (405, {"error": japanese})
    assert (in_english.status, in_english.json) == (405, {"error": english})
    assert in_japanese.headers["Allow"] == in_english.headers["Allow"] == allow


def test_an_unforeseen_failure_of_the_api_is_a_json_500_with_the_logs_reference(
    services: Services,
    start_app: Callable[[Services], SlackAppServer],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A database file no one migrated: its failure is no database error kpibot knows.
    engine = create_db_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    unmigrated = Database(engine=engine, zone=services.database.zone, sessions=sessionmaker(engine))
    app = start_app(replace(services, database=unmigrated))
    row = '{"type": "release", "id": "r-1", "at": "2026-11-01", "title": "x"}\n'
    headers = {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {API_TOKEN}"}

    try:
        with caplog.at_level(logging.ERROR, logger="kpibot.web"):
            japanese = app.request("POST", "/api/v1/events", row, headers)
            english = app.request("POST", "/api/v1/events", row, {**headers, **ENGLISH})
    finally:
        engine.dispose()

    assert (japanese.status, japanese.json["error"]) == (500, "サーバー内部のエラーです")
    assert (english.status, english.json["error"]) == (500, "internal error")
    references = [answer.json["reference"] for answer in (japanese, english)]
    assert [set(answer.json) for answer in (japanese, english)] == [{"error", "reference"}] * 2
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert all(reference in logged for reference in references)


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ja", "このリクエストには答えられません（HTTP 400）"),
        ("en", "this request cannot be answered (HTTP 400)"),
    ],
)
def test_a_body_cut_short_of_its_length_is_a_json_400_in_either_language(
    app: SlackAppServer, language: str, error: str
) -> None:
    host, port = app.url.removeprefix("http://").split(":")
    head = (
        "POST /api/v1/events HTTP/1.1\r\nHost: kpibot\r\n"
        "Content-Type: application/x-ndjson\r\n"
        f"Authorization: Bearer {API_TOKEN}\r\nAccept-Language: {language}\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode() + b'{"type": "release", ')
        connection.shutdown(socket.SHUT_WR)  # the client is gone before the rest of its body
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk

    status_line, _, body = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body.split(b"\r\n\r\n", 1)[1]) == {"error": error}


def test_slacks_route_answers_its_errors_in_english_whatever_the_language_asked(
    app: SlackAppServer,
) -> None:
    answer = app.request("GET", "/slack/events", headers={"Accept-Language": "ja"})

    assert (answer.status, answer.json) == (405, {"error": "this URL takes POST only"})
    assert answer.headers["Allow"] == "OPTIONS, POST"


def test_the_manifest_asks_for_what_the_app_uses_and_nothing_more() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    (command,) = features["slash_commands"]
    assert command["command"] == "/kpi"
    assert command["url"] == "https://YOUR-HOST/slack/events"
    assert command["usage_hint"] and command["description"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "files:write",
        # Delivery's look-up of its own posts after a lost answer (README, "Delivery").
        "channels:history",
        "groups:history",
        # The alert buttons' membership check (conversations.members).
        "channels:read",
        "groups:read",
    }
    # Escaped text: a mention in `/kpi action add` arrives as <@U…>, an id kpibot can store.
    assert command["should_escape"] is True
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://YOUR-HOST/slack/events",
    }
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert len(manifest["display_information"]["description"]) <= 140


def test_the_readme_walks_through_connecting_in_under_ten_steps() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Connect to Slack", 1)[1].split("\n## ", 1)[0]
    steps = [line for line in section.splitlines() if line[:1].isdigit() and ". " in line[:4]]
    assert 0 < len(steps) < 10
    assert "manifest.yml" in section and "kpibot socket" in section
    assert "web: kpibot serve" in (ROOT / "Procfile").read_text(encoding="utf-8")


def test_the_server_settings_read_their_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env there
    monkeypatch.setenv("KPIBOT_ADMINS", " U012AB3CD, W045EF6GH ,")
    monkeypatch.setenv("KPIBOT_API_TOKEN", "t0ken")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    settings = load_settings()
    assert settings.admins == ["U012AB3CD", "W045EF6GH"]
    assert settings.api_token is not None and settings.api_token.get_secret_value() == "t0ken"
    assert "t0ken" not in repr(settings)
    assert (settings.port, settings.slack_api_url) == (8080, "http://127.0.0.1:9999/api/")
    assert settings.api_max_bytes == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KPIBOT_ADMINS", "alice,U012AB3CD"),
        ("PORT", "http"),
        ("SLACK_API_URL", "slack.com/api"),
        ("KPIBOT_API_MAX_BYTES", "0"),
    ],
)
def test_a_bad_server_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"{variable}: ")
