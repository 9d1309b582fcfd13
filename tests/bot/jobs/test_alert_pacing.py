"""Thirty alerts at once reach one channel in order, each once, without a 429, when the
deliverer paces its posts as Slack does (here scaled down: Slack's one message per second
becomes one per 50 ms, on both sides)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.jobs.delivery import Deliverer, enqueue_post
from bot.runtime import Runtime
from bot.slack.blocks.message import Message, fallback, section
from tests.bot.conftest import make_settings
from tests.bot.mock_web_api import MockWebApi

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
ALERTS = "C0ALERTS"
MOCK_PACE = 0.05


@pytest.fixture
def runtime(migrated_url: str, slack_api: MockWebApi) -> Iterator[Runtime]:
    made = Runtime(make_settings(migrated_url, slack_api), clock=lambda: NOW)
    try:
        yield made
    finally:
        made.close()


def queue(runtime: Runtime, count: int = 30) -> list[str]:
    keys = [f"alert:kpi{n:02d}:1:post:20261130T000000" for n in range(count)]
    with runtime.database.write() as connection:
        for key in keys:
            message = Message(text=fallback(key), blocks=[section(key)])
            enqueue_post(
                connection,
                key=key,
                job="alerts",
                period="2026-11-30",
                channel=ALERTS,
                messages=[message.as_payload()],
                files=[],
                now=NOW,
            )
    return keys


def test_thirty_alerts_are_delivered_paced_in_order_each_once_without_a_429(
    runtime: Runtime, slack_api: MockWebApi
) -> None:
    keys = queue(runtime)
    slack_api.pace(MOCK_PACE)
    deliverer = Deliverer.from_runtime(runtime)
    deliverer.pace = MOCK_PACE
    delivered = deliverer.deliver_due(NOW)
    assert [item.key for item in delivered] == keys
    assert slack_api.rate_limited == 0
    posted = [m["metadata"]["event_payload"]["key"] for m in slack_api.messages(ALERTS)]
    assert posted == keys


def test_without_pacing_the_same_burst_draws_429s(runtime: Runtime, slack_api: MockWebApi) -> None:
    # Two are enough to show it (each 429 costs the client a second's in-process wait); the
    # mock asks a whole second between posts, so a loaded machine cannot space them by luck.
    queue(runtime, 2)
    slack_api.pace(1.0)
    deliverer = Deliverer.from_runtime(runtime)
    deliverer.pace = 0.0
    deliverer.deliver_due(NOW)
    assert slack_api.rate_limited > 0
