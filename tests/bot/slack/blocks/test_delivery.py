"""The outbox's own messages: the chart note and the admin report, valid Block Kit in both
locales, with user text escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.slack.blocks.delivery import (
    chart_failed_note,
    delivery_failure_message,
    skipped_report_message,
)
from tests.bot.slack.blocks.slack_checks import JAPANESE, check_message

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_chart_note_escapes_its_title(locale: str) -> None:
    payload = check_message(chart_failed_note("<!channel> & co", locale))
    assert "&lt;!channel&gt; &amp; co" in payload["text"]
    assert bool(JAPANESE.search(payload["text"])) is (locale == "ja")


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_not_in_channel_names_the_channel_to_invite_kpibot_to(locale: str) -> None:
    message = delivery_failure_message(
        job="weekly",
        period="2026-W48",
        channel="C0TEAM",
        error="not_in_channel",
        retry_at=datetime(2026, 11, 30, 0, 1, tzinfo=UTC),
        item_id=7,
        zone=TOKYO,
        locale=locale,
    )
    payload = check_message(message)
    assert payload["text"].count("<#C0TEAM>") == 2
    assert "`/invite @kpibot`" in payload["text"]
    assert "2026-11-30 09:01 JST" in payload["text"]
    assert bool(JAPANESE.search(payload["text"])) is (locale == "ja")


def test_an_abandoned_post_says_how_to_retry_it_and_escapes_the_error() -> None:
    message = delivery_failure_message(
        job="weekly",
        period="2026-W48",
        channel="C0TEAM",
        error="unexpected <Boom> & `x`" + "!" * 300,
        retry_at=None,
        item_id=12,
        zone=TOKYO,
        locale="en",
    )
    payload = check_message(message)
    assert "`kpibot outbox --retry 12`" in payload["text"]
    assert "&lt;Boom&gt; &amp; 'x'" in payload["text"]
    assert "!" * 120 not in payload["text"]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_skipped_period_says_when_it_was_due_and_how_to_post_it_anyway(locale: str) -> None:
    message = skipped_report_message(
        job="weekly",
        period="2026-W47",
        channel="C0TEAM",
        due=datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
        grace=timedelta(hours=24),
        last_day=date(2026, 11, 22),
        zone=TOKYO,
        locale=locale,
    )
    payload = check_message(message)
    assert "<#C0TEAM>" in payload["text"]
    assert "`weekly` `2026-W47`" in payload["text"]
    assert "2026-11-23 09:00 JST" in payload["text"]
    assert "24" in payload["text"]
    # The command that posts it (`kpibot report --post` posts a skipped period).
    assert "`kpibot report weekly --at 2026-11-22 --post`" in payload["text"]
    assert bool(JAPANESE.search(payload["text"])) is (locale == "ja")
