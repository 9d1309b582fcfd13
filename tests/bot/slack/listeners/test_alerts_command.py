"""`/kpi alerts` as Slack sends it: open alerts worst first, and the KPIs missing data."""

# ruff: noqa: RUF001 (full-width and Japanese text is what these tests are about)

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.slack.grammar import Alerts, Grammar, UsageError
from bot.slack.problems import Problem
from bot.slack.services import Services
from kpi_engine.alerts import AlertMemory
from kpi_engine.catalog import load_catalog
from kpi_engine.levels import Level
from storage import alerts
from tests.bot.conftest import SlackAppServer
from tests.bot.slack.listeners.test_commands import ephemeral

GRAMMAR = Grammar(load_catalog())
OPENED = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["alerts", "ALERTS", "アラート", " ａｌｅｒｔｓ "])
def test_alerts_parses_in_japanese_and_english(text: str) -> None:
    assert GRAMMAR.parse(text) == Alerts()


def test_alerts_followed_by_more_words_names_them() -> None:
    assert GRAMMAR.parse("alerts now") == UsageError(problem=Problem.EXTRA_WORDS, word="now")


def test_kpi_alerts_lists_open_alerts_worst_first_in_the_ack(
    services: Services, app: SlackAppServer
) -> None:
    body = ephemeral(app.command("alerts"))
    assert "未解決のアラートはありません" in str(body)
    with services.database.write() as connection:
        alerts.ensure_states(connection, ["nps", "mrr"])
        for kpi, level in (("mrr", Level.ORANGE), ("nps", Level.RED)):
            memory = AlertMemory(level=level, episode=1, opened_at=OPENED, level_since=OPENED)
            alerts.save_state(connection, kpi, memory, message_key=None)
        alerts.acknowledge(connection, kpi="mrr", episode=1, by="U0ACK", at=OPENED)
    text = str(ephemeral(app.command("alerts")))
    assert text.index("ネットプロモータースコア") < text.index("月次経常収益")
    assert "緊急（2026-11-20 09:00から）" in text
    assert "確認済み" in text
