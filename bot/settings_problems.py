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
from kpi_engine.schedule import CrontabField, CrontabProblem

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


_CRONTAB_FIELDS = {
    CrontabField.MINUTE: Text.CRON_MINUTE,
    CrontabField.HOUR: Text.CRON_HOUR,
    CrontabField.DAY: Text.CRON_DAY,
    CrontabField.MONTH: Text.CRON_MONTH,
    CrontabField.WEEKDAY: Text.CRON_WEEKDAY,
}
_CRONTAB_TEXTS = {
    CrontabProblem.FIELD_COUNT: Text.CRON_FIELD_COUNT,
    CrontabProblem.BOTH_DAYS: Text.CRON_BOTH_DAYS,
    CrontabProblem.NOT_A_NUMBER: Text.CRON_NOT_A_NUMBER,
    CrontabProblem.OUT_OF_RANGE: Text.CRON_OUT_OF_RANGE,
    CrontabProblem.TOO_MANY_ITEMS: Text.CRON_TOO_MANY_ITEMS,
    CrontabProblem.BAD_STEP: Text.CRON_BAD_STEP,
    CrontabProblem.ZERO_STEP: Text.CRON_ZERO_STEP,
    CrontabProblem.BACKWARDS: Text.CRON_BACKWARDS,
}


def crontab_problem_message(problem: CrontabProblem, params: Mapping[str, Any], locale: str) -> str:
    """Why a schedule is not a crontab expression kpibot can run, in words."""
    words = dict(params)
    for name in ("expression", "value", "span"):
        if isinstance(words.get(name), str):  # as written; a number out of range is not
            words[name] = shown(words[name], locale)
    if "field" in words:
        words["field"] = t(locale, _CRONTAB_FIELDS[params["field"]])
    key = _CRONTAB_TEXTS[problem]
    if problem is CrontabProblem.NOT_A_NUMBER and params.get("name"):
        key = Text.CRON_NOT_A_NUMBER_NAMED
    elif problem is CrontabProblem.OUT_OF_RANGE and params["field"] == CrontabField.WEEKDAY:
        key = Text.CRON_OUT_OF_RANGE_WEEKDAY
    return t(locale, key, **words)


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
    elif problem.code is SettingCode.BAD_SCHEDULE:
        detail = crontab_problem_message(params["problem"], params, locale)
        message = t(locale, Text.SETTING_BAD_SCHEDULE, detail=detail)
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
