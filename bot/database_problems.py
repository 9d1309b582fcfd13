"""Database problems in words, in the reader's language, for the command line and the HTTP
endpoints.

Storage reports a failure of the database as a `DatabaseProblem` and its parameters
(`storage.db`); this module words it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.slack.copy import t
from bot.slack.copy.keys import Text
from storage.db import DatabaseError, DatabaseProblem

_TEXTS = {
    DatabaseProblem.BAD_SCHEME: Text.DB_BAD_SCHEME,
    DatabaseProblem.UNREADABLE_URL: Text.DB_UNREADABLE_URL,
    DatabaseProblem.MISSING: Text.DB_MISSING,
    DatabaseProblem.NO_FOLDER: Text.DB_NO_FOLDER,
    DatabaseProblem.UNAVAILABLE: Text.DB_UNAVAILABLE,
    DatabaseProblem.BUSY: Text.DB_BUSY,
    DatabaseProblem.FULL: Text.DB_FULL,
    DatabaseProblem.CORRUPT: Text.DB_CORRUPT,
    DatabaseProblem.ZONE_DIFFERS: Text.DB_ZONE_DIFFERS,
    DatabaseProblem.ZONE_UNRECORDED: Text.DB_ZONE_UNRECORDED,
    DatabaseProblem.ZONE_CONVERTED: Text.DB_ZONE_CONVERTED,
}


def database_problem_message(
    problem: DatabaseProblem, params: Mapping[str, Any], locale: str
) -> str:
    """A database problem in words, one line."""
    if problem is DatabaseProblem.BAD_SCHEME and params.get("scheme"):
        return t(locale, Text.DB_BAD_SCHEME_NAMED, **params)
    return t(locale, _TEXTS[problem], **params)


def database_error_text(error: DatabaseError, locale: str) -> str:
    """Why the database cannot be used, in words, one line."""
    return database_problem_message(error.problem, error.params, locale)
