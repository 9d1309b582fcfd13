"""Why a `/kpi` text could not be understood: found by the grammar, explained by the answer
(`bot.slack.blocks.kpi.usage_message`), which loads this module without the grammar's models."""

from __future__ import annotations

from enum import StrEnum

# The longest `/kpi` text parsed; a longer one is a `Problem.TOO_LONG`.
MAX_TEXT = 3000


class Problem(StrEnum):
    """Why a command could not be understood."""

    TOO_LONG = "too_long"
    RECORD_USAGE = "record_usage"  # `record` without a KPI and a value
    BAD_VALUE = "bad_value"  # the value is not a number
    BAD_DATE = "bad_date"  # the date is not a real YYYY-MM-DD date
    BAD_LEVEL = "bad_level"  # `status` followed by something that is not a level
    EXTRA_WORDS = "extra_words"  # `help`/`status LEVEL` followed by more words
    NOTE_KIND = "note_kind"  # `note` without `market` or `strategy`
    NOTE_EMPTY = "note_empty"  # `note market` without text
    BAD_MONTH = "bad_month"  # `notes` followed by something that is not YYYY-MM
    ACTION_USAGE = "action_usage"  # `action` without `add` or `done`, or `add` without a KPI
    ACTION_EMPTY = "action_empty"  # `action add KPI` without text
    BAD_OWNER = "bad_owner"  # an owner that is not a Slack user mention
    BAD_ACTION_ID = "bad_action_id"  # `action done` without a number
