"""A sender killed with SIGKILL, a real process, after writing its posts to the outbox: one
killed before delivering anything, one killed while Slack was taking its post. After the
restart each post is in Slack once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import IO

import pytest

from bot.jobs.delivery import LEASE, Deliverer, Outcome
from bot.runtime import Runtime
from storage import outbox
from storage.outbox import Status
from tests.bot.conftest import BOT_TOKEN, make_settings
from tests.bot.mock_web_api import MockWebApi

TEAM = "C0TEAM"
FIRST = f"report:weekly:2026-W48:{TEAM}"
SECOND = f"report:monthly:2026-11:{TEAM}"

# The sender: writes its posts and commits, says so, then delivers once told to go.
SENDER = """
import sys
from datetime import UTC, datetime
from bot.jobs.delivery import Deliverer, enqueue_post
from bot.runtime import Runtime

runtime = Runtime.from_environment()
with runtime.database.write() as connection:
    for key in sys.argv[1:]:
        enqueue_post(
            connection, key=key, job="weekly", period="2026-W48", channel="C0TEAM",
            messages=[{"text": key}], files=[], now=datetime.now(UTC),
        )
print("enqueued", flush=True)
if sys.stdin.readline().strip() == "go":
    Deliverer.from_runtime(runtime).deliver_due()
    print("delivered", flush=True)
"""


def start_sender(url: str, slack_api: MockWebApi, *keys: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "KPIBOT_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack_api.api_url,
    }
    return subprocess.Popen(
        [sys.executable, "-c", SENDER, *keys],
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(stream: IO[str] | None) -> str:
    assert stream is not None
    return stream.readline().strip()


def wait_for_status(runtime: Runtime, key: str, status: Status, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with runtime.database.read() as connection:
            found = outbox.find(connection, key)
        if found is not None and found.status is status:
            return
        time.sleep(0.02)
    raise AssertionError(f"{key} never became {status}")


def killed(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(10) == -signal.SIGKILL


@pytest.fixture
def runtime(migrated_url: str, slack_api: MockWebApi) -> Runtime:
    return Runtime(make_settings(migrated_url, slack_api))


def test_a_sender_killed_after_writing_and_before_delivering_posts_once_after_restart(
    migrated_url: str, slack_api: MockWebApi, runtime: Runtime
) -> None:
    sender = start_sender(migrated_url, slack_api, FIRST)
    try:
        assert read_line(sender.stdout) == "enqueued"
        killed(sender)
        assert slack_api.called("chat.postMessage") == []
        restarted = Deliverer.from_runtime(runtime)
        delivered = restarted.deliver_due(datetime.now(UTC))
        assert [(d.key, d.outcome) for d in delivered] == [(FIRST, Outcome.SENT)]
        assert restarted.deliver_due(datetime.now(UTC) + LEASE) == []
        assert len(slack_api.posted(TEAM, FIRST)) == 1
    finally:
        sender.kill()
        runtime.close()


def test_a_sender_killed_while_slack_took_its_post_is_taken_over_without_a_second_post(
    migrated_url: str, slack_api: MockWebApi, runtime: Runtime
) -> None:
    # Slack takes a second to answer: long enough to kill the sender mid-call.
    slack_api.delay("chat.postMessage", 1.0)
    sender = start_sender(migrated_url, slack_api, FIRST, SECOND)
    try:
        assert read_line(sender.stdout) == "enqueued"
        assert sender.stdin is not None
        sender.stdin.write("go\n")
        sender.stdin.flush()
        wait_for_status(runtime, FIRST, Status.SENDING)
        time.sleep(0.3)  # the post is on its way
        killed(sender)
        # Slack still takes the post its sender will never hear about.
        slack_api.wait_for("chat.postMessage")
        slack_api.delays.clear()
        restarted = Deliverer.from_runtime(runtime)
        # The post it never started goes at once; the one it was sending waits for its lease.
        delivered = restarted.deliver_due(datetime.now(UTC))
        assert [(d.key, d.outcome) for d in delivered] == [(SECOND, Outcome.SENT)]
        delivered = restarted.deliver_due(datetime.now(UTC) + LEASE)
        assert [(d.key, d.outcome) for d in delivered] == [(FIRST, Outcome.FOUND)]
        assert len(slack_api.posted(TEAM, FIRST)) == 1
        assert len(slack_api.posted(TEAM, SECOND)) == 1
    finally:
        sender.kill()
        runtime.close()
