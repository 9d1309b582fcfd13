"""The alert buttons and their modals: ids, a value that survives the round trip and refuses
anything else, and Block Kit Slack accepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import ActionsBlock

from bot.slack.blocks.alert_buttons import (
    AlertRef,
    ModalContext,
    alert_buttons,
    record_action_modal,
    snooze_modal,
)
from bot.slack.blocks.message import Message
from tests.bot.slack.blocks.slack_checks import check_message, check_modal


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_buttons_carry_their_ids_and_the_alerts_value(locale: str) -> None:
    block = alert_buttons("nps", 3, locale)
    assert isinstance(block, ActionsBlock)
    payload = block.to_dict()
    assert [e["action_id"] for e in payload["elements"]] == [
        "alert_acknowledge",
        "alert_snooze",
        "alert_record_action",
        "alert_details",
    ]
    assert {e["value"] for e in payload["elements"]} == {"v1|nps|3"}
    assert payload["block_id"] == "alert_buttons.nps.3"
    labels = [e["text"]["text"] for e in payload["elements"]]
    expected = {
        "ja": ["確認しました", "スヌーズ", "アクションを記録", "詳細"],
        "en": ["Acknowledge", "Snooze", "Record action", "Details"],
    }
    assert labels == expected[locale]
    check_message(Message(text="alert", blocks=[block]))


def test_a_builder_refuses_what_no_button_could_carry() -> None:
    with pytest.raises(ValueError, match="not an alert"):
        alert_buttons("NPS|1", 3, "ja")
    with pytest.raises(ValueError, match="not an alert"):
        alert_buttons("nps", 0, "ja")


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        "",
        "v1|nps",
        "v1|nps|0",
        "v1|nps|-1",
        "v1|nps|1234567890",
        "v2|nps|3",
        "v1|NPS|3",
        "v1|nps|3|x",
        "v1|nps|3\n",
        "v1|../etc|3",
        "v1|nps|\uff13",  # a full-width 3
        "v1|" + "a" * 200 + "|1",
    ],
)
def test_a_hostile_value_is_not_an_alert(value: object) -> None:
    assert AlertRef.parse(value) is None


@given(
    kpi=st.from_regex(r"[a-z][a-z0-9_]{0,99}", fullmatch=True),
    episode=st.integers(min_value=1, max_value=999_999_999),
)
def test_every_value_a_button_carries_reads_back_as_its_alert(kpi: str, episode: int) -> None:
    ref = AlertRef(kpi, episode)
    assert AlertRef.parse(ref.value) == ref
    where = ModalContext(ref, "C0ALERTS")
    assert ModalContext.parse(where.value) == where


@pytest.mark.parametrize("value", ["v1|nps|3", "v1|nps|3|", "v1|nps|3|c0lower", "x|C0ALERTS"])
def test_a_modal_context_needs_an_alert_and_a_channel(value: str) -> None:
    assert ModalContext.parse(value) is None


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_modals_pass_the_schema_and_remember_their_alert(locale: str) -> None:
    where = ModalContext(AlertRef("nps", 3), "C0ALERTS")
    snooze = check_modal(snooze_modal(where, "NPS", locale).to_dict())
    assert snooze["callback_id"] == "alert_snooze_modal"
    assert snooze["private_metadata"] == "v1|nps|3|C0ALERTS"
    options = snooze["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == ["1d", "1w", "next_period"]
    action = check_modal(record_action_modal(where, "NPS", locale).to_dict())
    assert [b["block_id"] for b in action["blocks"][1:]] == [
        "action_text",
        "action_owner",
        "action_due",
    ]
    assert [b["element"]["type"] for b in action["blocks"][1:]] == [
        "plain_text_input",
        "users_select",
        "datepicker",
    ]
