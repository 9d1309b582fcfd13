"""Alert messages: Slack's schema and limits, Japanese first, mentions only where meant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.blocks.alerts import (
    AlertView,
    OpenAlertLine,
    alert_message,
    alert_reply,
    alerts_list_message,
    leadership_message,
    mention_for,
    stale_message,
    threshold_text,
)
from bot.slack.blocks.message import Message
from kpi_engine.alerts import AlertEvent
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Level
from tests.bot.slack.blocks.slack_checks import (
    JAPANESE,
    TOKYO,
    Demo,
    all_text,
    check_message,
    edge_states,
    load_demo,
)

OPENED = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
LEADS = ["<!subteam^S0LEADS>", "<@U0BOSS>"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory)


def views(demo: Demo) -> dict[str, AlertView]:
    nps = demo.state("nps")
    nps = replace(nps, kpi=nps.kpi.model_copy(update={"owner": "U0OWNER"}))
    rule = next(rule for rule in demo.catalog.rules if rule.id == "nps_at_most_50")
    base = AlertView(state=nps, level=Level.RED, episode=3, opened_at=OPENED, level_since=OPENED)
    found = {
        "red with its rule": replace(base, rule=rule),
        "orange": replace(base, level=Level.ORANGE),
        "yellow": replace(base, level=Level.YELLOW),
        "resolved": replace(base, resolved=True),
        "acknowledged and snoozed": replace(
            base,
            acknowledged_by="U0ACK",
            acknowledged_at=OPENED + timedelta(hours=1),
            snoozed_by="U0SNOOZE",
            snoozed_until=OPENED + timedelta(days=1),
            snooze_reason="<!channel> & 会議待ち",
        ),
        "group owner": replace(
            base, state=replace(nps, kpi=nps.kpi.model_copy(update={"owner": "S0TEAM"}))
        ),
        "no owner": replace(base, state=demo.state("mrr")),
    }
    for name, state in edge_states(demo).items():
        found[f"edge {name}"] = replace(base, state=state)
    for state in demo.states:
        found[f"demo {state.kpi.id}"] = replace(base, state=state, level=Level.ORANGE)
    return found


def every_alert_message(demo: Demo, locale: str) -> dict[str, Message]:
    messages: dict[str, Message] = {}
    for name, view in views(demo).items():
        messages[f"living {name}"] = alert_message(view, TOKYO, locale)
        messages[f"leadership {name}"] = leadership_message(
            view, mentions=LEADS, zone=TOKYO, locale=locale
        )
        for event in AlertEvent:
            messages[f"reply {event} {name}"] = alert_reply(
                event, view, previous=Level.ORANGE, mentions=LEADS, hours=24, locale=locale
            )
    nps = demo.state("nps").kpi
    for last in (None, OPENED):
        fresh = Freshness(nps, OPENED + timedelta(days=40), last, timedelta(days=32))
        messages[f"stale {last}"] = stale_message(
            fresh, mentions=["<@U0OWNER>"], allowed_days=35, zone=TOKYO, locale=locale
        )
    cycle = [Level.RED, Level.ORANGE, Level.YELLOW]
    lines = [
        OpenAlertLine(state.kpi, cycle[i % 3], OPENED, i % 2 == 0, OPENED + timedelta(days=9))
        for i, state in enumerate(demo.states)
    ]
    stale = [Freshness(state.kpi, OPENED, None, timedelta(days=1)) for state in demo.states]
    messages["list"] = alerts_list_message(
        lines, stale, now=OPENED + timedelta(days=1), zone=TOKYO, locale=locale
    )
    messages["empty list"] = alerts_list_message([], [], now=OPENED, zone=TOKYO, locale=locale)
    return messages


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_alert_message_passes_the_schema_and_limits(demo: Demo, locale: str) -> None:
    for name, message in every_alert_message(demo, locale).items():
        payload = check_message(message)
        for block in payload["blocks"]:
            if block["type"] == "header":
                header = block["text"]["text"]
                assert "<@" not in header and "<!" not in header, f"{name}: mention in a header"
        if locale == "ja":
            assert JAPANESE.search(all_text(payload)), name


def test_mentions_come_only_from_valid_ids() -> None:
    assert mention_for("U0OWNER") == "<@U0OWNER>"
    assert mention_for("W0GRID") == "<@W0GRID>"
    assert mention_for("S0TEAM") == "<!subteam^S0TEAM>"
    for hostile in ("", "here", "<!channel>", "U0>", "u0lower", "C0CHANNEL", "U0 U1"):
        assert mention_for(hostile) is None


def test_the_red_message_says_the_documents_response_and_names_its_rule(demo: Demo) -> None:
    red = views(demo)["red with its rule"]
    payload = alert_message(red, TOKYO, "ja").as_payload()
    text = all_text(payload)
    assert "緊急対策会議・戦略見直し" in text
    assert "nps_at_most_50" in text and "50.0" in text
    assert payload["text"].startswith("<@U0OWNER> ")
    english = all_text(alert_message(red, TOKYO, "en").as_payload())
    assert "emergency meeting and strategy review" in english


def test_de_escalation_and_resolution_never_ping(demo: Demo) -> None:
    view = views(demo)["orange"]
    for event in (AlertEvent.DEESCALATE, AlertEvent.RESOLVE, AlertEvent.SNOOZE_ENDED):
        reply = alert_reply(event, view, previous=Level.RED, mentions=LEADS, hours=0, locale="ja")
        assert "<@" not in reply.text and "<!" not in reply.text


def test_a_snooze_reason_cannot_mention_anyone(demo: Demo) -> None:
    view = views(demo)["acknowledged and snoozed"]
    text = all_text(alert_message(view, TOKYO, "ja").as_payload())
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; 会議待ち" in text
    assert "<@U0ACK>" in text


def test_each_rule_threshold_is_worded(demo: Demo) -> None:
    kpis = {kpi.id: kpi for kpi in demo.catalog.kpis}
    words = {rule.id: threshold_text(rule, kpis[rule.kpi], "ja") for rule in demo.catalog.rules}
    assert words == {
        "revenue_below_80_percent": "達成率 80.0 % 未満",
        "nps_at_most_50": "50.0 pt 以下",
        "uptime_at_most_98": "98.0 % 以下",
        "support_48h_below_80": "80.0 % 未満",
    }


def test_an_escalation_reply_carries_the_mentions_it_is_given(demo: Demo) -> None:
    for level in (Level.ORANGE, Level.RED):
        view = replace(views(demo)["orange"], level=level)
        reply = alert_reply(
            AlertEvent.ESCALATE,
            view,
            previous=Level.YELLOW,
            mentions=["<@U0OWNER>"],
            hours=0,
            locale="ja",
        )
        assert reply.text.startswith("<@U0OWNER> ")
