"""Settings problems in words, in the reader's language, for the command line.

`load_settings` reports each bad setting as a `SettingCode` and its parameters
(`bot.settings`); this module words them. Values are quoted as import problems quote
them, cut short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.database_problems import database_problem_message
from bot.import_problems import shown
from bot.settings import SettingCode, SettingProblem, SettingsError
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import plain_number

# Examples that hold `<` and `>`, which the copy's templates never do.
MENTION_EXAMPLES = {"group": "<!subteam^S012AB3CD>", "user": "<@U012AB3CD>"}

_TEXTS = {
    SettingCode.UNKNOWN_ZONE: Text.PROBLEM_UNKNOWN_ZONE,
    SettingCode.NO_SUCH_FILE: Text.SETTING_NO_SUCH_FILE,
    SettingCode.NO_SUCH_FOLDER: Text.SETTING_NO_SUCH_FOLDER,
    SettingCode.NOT_USER_IDS: Text.SETTING_NOT_USER_IDS,
    SettingCode.BAD_SCHEDULE: Text.SETTING_BAD_SCHEDULE,
    SettingCode.NOT_A_MENTION: Text.SETTING_NOT_A_MENTION,
    SettingCode.NOT_ALERT_LEVELS: Text.SETTING_NOT_ALERT_LEVELS,
    SettingCode.NOT_A_CHANNEL: Text.SETTING_NOT_A_CHANNEL,
    SettingCode.NOT_AN_HTTP_URL: Text.SETTING_NOT_AN_HTTP_URL,
    SettingCode.NOT_ONE_OF: Text.SETTING_NOT_ONE_OF,
    SettingCode.MORE_THAN: Text.SETTING_MORE_THAN,
    SettingCode.AT_LEAST: Text.SETTING_AT_LEAST,
    SettingCode.LESS_THAN: Text.SETTING_LESS_THAN,
    SettingCode.AT_MOST: Text.SETTING_AT_MOST,
    SettingCode.NOT_A_NUMBER: Text.SETTING_NOT_A_NUMBER,
    SettingCode.NOT_A_WHOLE_NUMBER: Text.SETTING_NOT_A_WHOLE_NUMBER,
    SettingCode.INVALID: Text.PROBLEM_INVALID,
}


def _words(name: str, value: Any, locale: str) -> str:
    if name == "value":
        return shown(value, locale)
    if name in ("values", "expected"):
        return t(locale, Text.SEPARATOR).join(shown(item, locale) for item in value)
    if name == "limit":
        return plain_number(float(value))
    return str(value)


def setting_problem_message(problem: SettingProblem, locale: str) -> str:
    """What is wrong with one setting, after the name of its variable: `PORT: …`."""
    params: Mapping[str, Any] = problem.params
    if problem.code is SettingCode.DATABASE_URL:
        message = database_problem_message(params["problem"], params, locale)
    else:
        words = {name: _words(name, value, locale) for name, value in params.items()}
        if problem.code is SettingCode.NOT_A_MENTION:
            words.update(MENTION_EXAMPLES)
        message = t(locale, _TEXTS[problem.code], **words)
    return f"{problem.name}: {message}"


def settings_error_text(error: SettingsError, locale: str) -> str:
    """Every bad setting in words, one line."""
    separator = t(locale, Text.PROBLEM_SEPARATOR)
    return separator.join(setting_problem_message(problem, locale) for problem in error.problems)
