"""`/kpi health` as Slack sends it: the scheduled reports' state, answered in the ack."""

# ruff: noqa: RUF001 (full-width and Japanese text is what these tests are about)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings
from bot.slack.grammar import Grammar, Health, UsageError
from bot.slack.problems import Problem
from bot.slack.services import Services
from kpi_engine.catalog import load_catalog
from storage.scheduling import claim_lease
from tests.bot.conftest import SlackAppServer
from tests.bot.slack.listeners.test_commands import ephemeral

GRAMMAR = Grammar(load_catalog())


@pytest.mark.parametrize("text", ["health", "HEALTH", "ヘルス", "配信状況", " ｈｅａｌｔｈ "])
def test_health_parses_in_japanese_and_english(text: str) -> None:
    assert GRAMMAR.parse(text) == Health()


def test_health_followed_by_more_words_names_them() -> None:
    assert GRAMMAR.parse("health now please") == UsageError(
        problem=Problem.EXTRA_WORDS, word="now please"
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"channel_team": "C0TEAM"})


def test_kpi_health_shows_each_job_and_the_scheduler_in_the_ack(
    services: Services, app: SlackAppServer
) -> None:
    with services.database.write() as connection:
        claim_lease(
            connection,
            holder="clock-1:77",
            # The services' clock reads 2026-11-23 15:00 in Tokyo: a heartbeat 30 s before.
            now=datetime(2026, 11, 23, 5, 59, 30, tzinfo=UTC),
            expires_after=timedelta(seconds=30),
        )
    body = ephemeral(app.command("health"))
    text = str(body)
    assert "週次レポート" in text
    assert "`C0TEAM`" in text
    # The services' clock is Monday 2026-11-23 15:00: the next Monday 09:00 comes next.
    assert "次回: 2026-11-30 (月) 09:00" in text
    assert "KPIBOT_CHANNEL_STAKEHOLDERS" in text
    assert "`clock-1:77`" in text
    assert body["text"] == "スケジュール配信の状況（2026-11-23 15:00 時点）"
