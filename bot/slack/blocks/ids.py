"""Action and block ids shared by the builders and the listeners that handle them."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """The `action_id` of interactive elements; listeners match on these."""

    SHOW_KPI = "kpi_show"  # a button whose value is a KPI id
    # The alert message's buttons; their value is an `AlertRef` (bot.slack.blocks.alert_buttons)
    ALERT_ACKNOWLEDGE = "alert_acknowledge"
    ALERT_SNOOZE = "alert_snooze"
    ALERT_RECORD_ACTION = "alert_record_action"
    ALERT_DETAILS = "alert_details"
    # The inputs of the alert modals
    SNOOZE_REASON = "snooze_reason"
    SNOOZE_LENGTH = "snooze_length"
    ACTION_TEXT = "action_text"
    ACTION_OWNER = "action_owner"
    ACTION_DUE = "action_due"


class CallbackId(StrEnum):
    """The `callback_id` of modals; view-submission listeners match on these."""

    ALERT_SNOOZE = "alert_snooze_modal"
    ALERT_RECORD_ACTION = "alert_record_action_modal"


class BlockId(StrEnum):
    """The `block_id` prefixes of blocks; rows append `.` and the KPI id to stay unique."""

    SUGGESTION = "kpi_suggestion"
    HOME_KPI = "home_kpi"
    ALERT_BUTTONS = "alert_buttons"
    SNOOZE_REASON = "snooze_reason"
    SNOOZE_LENGTH = "snooze_length"
    ACTION_TEXT = "action_text"
    ACTION_OWNER = "action_owner"
    ACTION_DUE = "action_due"


def block_ids(prefix: BlockId, keys: list[str]) -> list[str]:
    """Return one block id per key, `prefix.key`, made unique by a counter when keys repeat."""
    # Slack rejects a message or view with two equal block ids; a list may name a KPI twice.
    seen: dict[str, int] = {}
    ids = []
    for key in keys:
        base = f"{prefix}.{key}"[:200]
        count = seen.get(base, 0)
        seen[base] = count + 1
        ids.append(base if count == 0 else f"{base}.{count}")
    return ids
