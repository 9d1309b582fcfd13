"""A KPI catalog's problems in words, in the reader's language, for the command line.

The engine reports each problem as a `CatalogProblem` and its parameters at an entry of the
catalog, with its line and column in the file when known (`kpi_engine.catalog_problems`);
this module words them. Values are quoted as import problems quote them, cut short; entry
paths (`kpis[2].targets[0]`) and YAML's own words (`judge: line`) are written as in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from bot.import_problems import shown
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import CatalogProblem, EntryProblem, plain_number

_TEXTS = {
    CatalogProblem.UNREADABLE: Text.MAPPING_UNREADABLE,
    CatalogProblem.NOT_UTF8: Text.MAPPING_NOT_UTF8,
    CatalogProblem.NOT_YAML: Text.MAPPING_NOT_YAML,
    CatalogProblem.NOT_A_MAPPING: Text.MAPPING_NOT_A_MAPPING,
    CatalogProblem.UNKNOWN_KEY: Text.CATALOG_UNKNOWN_KEY,
    CatalogProblem.REQUIRED: Text.MAPPING_REQUIRED,
    CatalogProblem.NOT_TEXT: Text.MAPPING_NOT_TEXT,
    CatalogProblem.EMPTY: Text.MAPPING_EMPTY,
    CatalogProblem.NOT_A_LIST: Text.MAPPING_NOT_A_LIST,
    CatalogProblem.NOT_A_NUMBER: Text.SETTING_NOT_A_NUMBER,
    CatalogProblem.NOT_A_WHOLE_NUMBER: Text.SETTING_NOT_A_WHOLE_NUMBER,
    CatalogProblem.NOT_TRUE_OR_FALSE: Text.CATALOG_NOT_TRUE_OR_FALSE,
    CatalogProblem.NOT_A_DATE: Text.CATALOG_NOT_A_DATE,
    CatalogProblem.NOT_A_SETTING: Text.MAPPING_NOT_A_SCALAR,
    CatalogProblem.NOT_ONE_OF: Text.IMPORT_NOT_ONE_OF,
    CatalogProblem.AT_LEAST: Text.SETTING_AT_LEAST,
    CatalogProblem.AT_MOST: Text.SETTING_AT_MOST,
    CatalogProblem.NOT_AN_ID: Text.CATALOG_NOT_AN_ID,
    CatalogProblem.NOT_AN_OWNER: Text.CATALOG_NOT_AN_OWNER,
    CatalogProblem.INVALID: Text.PROBLEM_INVALID,
    CatalogProblem.END_BEFORE_START: Text.CATALOG_END_BEFORE_START,
    CatalogProblem.DUE_BEFORE_START: Text.CATALOG_DUE_BEFORE_START,
    CatalogProblem.GROWTH_NEEDS_HIGHER: Text.CATALOG_GROWTH_NEEDS_HIGHER,
    CatalogProblem.TARGET_OUT_OF_ORDER: Text.CATALOG_TARGET_OUT_OF_ORDER,
    CatalogProblem.NO_DUE_FOR_LINE: Text.CATALOG_NO_DUE_FOR_LINE,
    CatalogProblem.TOO_MANY_DAYS: Text.CATALOG_TOO_MANY_DAYS,
    CatalogProblem.NO_MEASURED_VALUE: Text.CATALOG_NO_MEASURED_VALUE,
    CatalogProblem.DUPLICATE_ID: Text.CATALOG_DUPLICATE_ID,
    CatalogProblem.PHASE_OVERLAP: Text.CATALOG_PHASE_OVERLAP,
    CatalogProblem.UNKNOWN_PHASE: Text.CATALOG_UNKNOWN_PHASE,
    CatalogProblem.NAME_TAKEN: Text.CATALOG_NAME_TAKEN,
    CatalogProblem.UNKNOWN_KPI: Text.CATALOG_UNKNOWN_KPI,
}
# Parameters written as they are: entry paths, the system's words, pydantic's.
_AS_WRITTEN = frozenset({"first", "previous", "other", "reason", "detail"})
# Parameters listing what a key takes: key names and choices, written as in the file.
_LISTS = frozenset({"known", "expected"})


def _words(name: str, value: Any, locale: str) -> str:
    if name in _LISTS:
        return t(locale, Text.SEPARATOR).join(str(item) for item in value)
    if name in _AS_WRITTEN or isinstance(value, Enum):
        return str(value.value if isinstance(value, Enum) else value)
    if isinstance(value, bool):
        return "true" if value else "false"  # as YAML writes it, not Python
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return plain_number(float(value))
    if value is None:
        return "null"
    return shown(value, locale)


def catalog_problem_text(problem: EntryProblem, locale: str) -> str:
    """One problem, after where it is: `8 行目 5 文字目、kpis[0].tier: …`."""
    words = {name: _words(name, value, locale) for name, value in problem.params.items()}
    key = _TEXTS[problem.code]
    if problem.code is CatalogProblem.NOT_A_MAPPING and not problem.path:
        key = Text.CATALOG_NOT_A_CATALOG
    message = t(locale, key, **words)
    where = [problem.where] if problem.where else []
    if problem.line is not None and problem.column is not None:
        where.insert(0, t(locale, Text.CATALOG_AT, line=problem.line, column=problem.column))
    elif problem.line is not None:
        where.insert(0, t(locale, Text.CATALOG_AT_LINE, line=problem.line))
    return f"{t(locale, Text.SEPARATOR).join(where)}: {message}" if where else message


def catalog_error_text(problems: Sequence[EntryProblem], source: Path | None, locale: str) -> str:
    """Why a catalog cannot be used, naming its file: a line, then one line per problem."""
    named = t(locale, Text.CATALOG_SHIPPED) if source is None else f"KPIBOT_CATALOG: {source}"
    key = Text.CATALOG_INVALID_ONE if len(problems) == 1 else Text.CATALOG_INVALID
    lines = [t(locale, key, source=named, count=f"{len(problems):,}")]
    lines += [f"  - {catalog_problem_text(problem, locale)}" for problem in problems]
    return "\n".join(lines)
