"""Import problems in words, in the reader's language, for `kpibot ingest` and the
ingestion API: a file's or a row's, and a column mapping's.

Storage reports a problem as a code and its parameters (`storage.imports.problems`,
`storage.imports.mapping`); this module words it. Values are quoted as the file wrote them,
cut after `SHOWN_CHARS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.slack.copy import t, value_rule_text
from bot.slack.copy.keys import Text
from kpi_engine.catalog import ValueRule, plain_number
from storage.imports.mapping import KeyProblem, MappingError, MappingProblem
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.worker import ImportWorkerError

# A cell may hold up to 100,000 characters: a message quotes only its start.
SHOWN_CHARS = 60

_TEXTS = {
    ProblemCode.REQUIRED: Text.IMPORT_REQUIRED,
    ProblemCode.NUL_CHARACTER: Text.IMPORT_NUL_CHARACTER,
    ProblemCode.NOT_A_COLUMN: Text.IMPORT_NOT_A_COLUMN,
    ProblemCode.BAD_TIME: Text.IMPORT_BAD_TIME,
    ProblemCode.AMBIGUOUS_DATE: Text.IMPORT_AMBIGUOUS_DATE,
    ProblemCode.TIME_OUT_OF_RANGE: Text.IMPORT_TIME_OUT_OF_RANGE,
    ProblemCode.BAD_NUMBER: Text.IMPORT_BAD_NUMBER,
    ProblemCode.BAD_GROUPING: Text.IMPORT_BAD_GROUPING,
    ProblemCode.NOT_WHOLE: Text.IMPORT_NOT_WHOLE,
    ProblemCode.TOO_SMALL: Text.IMPORT_TOO_SMALL,
    ProblemCode.TOO_LARGE: Text.IMPORT_TOO_LARGE,
    ProblemCode.BAD_BOOLEAN: Text.IMPORT_BAD_BOOLEAN,
    ProblemCode.NOT_ONE_OF: Text.IMPORT_NOT_ONE_OF,
    ProblemCode.TOO_LONG: Text.IMPORT_TOO_LONG,
    ProblemCode.EMPTY_TEXT: Text.IMPORT_EMPTY_TEXT,
    ProblemCode.NOT_TEXT: Text.IMPORT_NOT_TEXT,
    ProblemCode.INVALID: Text.IMPORT_INVALID,
    ProblemCode.SURVEY_WITHOUT_ANSWER: Text.IMPORT_SURVEY_WITHOUT_ANSWER,
    ProblemCode.RESPONSE_BEFORE_OPENING: Text.IMPORT_RESPONSE_BEFORE_OPENING,
    ProblemCode.UNTIL_NOT_AFTER_AT: Text.IMPORT_UNTIL_NOT_AFTER_AT,
    ProblemCode.MEASUREMENT_IN_FUTURE: Text.IMPORT_MEASUREMENT_IN_FUTURE,
    ProblemCode.UNKNOWN_KPI: Text.IMPORT_UNKNOWN_KPI,
    ProblemCode.IMPOSSIBLE_VALUE: Text.IMPORT_IMPOSSIBLE_VALUE,
    ProblemCode.NO_TYPE: Text.IMPORT_NO_TYPE,
    ProblemCode.UNKNOWN_TYPE: Text.IMPORT_UNKNOWN_TYPE,
    ProblemCode.TYPE_CONFLICT: Text.IMPORT_TYPE_CONFLICT,
    ProblemCode.CELL_COUNT: Text.IMPORT_CELL_COUNT,
    ProblemCode.INVALID_JSON: Text.IMPORT_INVALID_JSON,
    ProblemCode.JSON_NUMBER_TOO_LONG: Text.IMPORT_JSON_NUMBER_TOO_LONG,
    ProblemCode.JSON_TOO_DEEP: Text.IMPORT_JSON_TOO_DEEP,
    ProblemCode.NOT_AN_OBJECT: Text.IMPORT_NOT_AN_OBJECT,
    ProblemCode.REPEATED_ID: Text.IMPORT_REPEATED_ID,
    ProblemCode.REFUND_PAYMENT_UNKNOWN: Text.IMPORT_REFUND_PAYMENT_UNKNOWN,
    ProblemCode.REFUND_OTHER_CUSTOMER: Text.IMPORT_REFUND_OTHER_CUSTOMER,
    ProblemCode.REFUNDS_EXCEED_PAYMENT: Text.IMPORT_REFUNDS_EXCEED_PAYMENT,
    ProblemCode.REFUNDED_PAYMENT_CUSTOMER: Text.IMPORT_REFUNDED_PAYMENT_CUSTOMER,
    ProblemCode.PAYMENT_BELOW_REFUNDS: Text.IMPORT_PAYMENT_BELOW_REFUNDS,
    ProblemCode.NOT_DECODABLE: Text.IMPORT_NOT_DECODABLE,
    ProblemCode.EMPTY_FILE: Text.IMPORT_EMPTY_FILE,
    ProblemCode.EMPTY_HEADER_NAME: Text.IMPORT_EMPTY_HEADER_NAME,
    ProblemCode.DUPLICATE_HEADER: Text.IMPORT_DUPLICATE_HEADER,
    ProblemCode.MALFORMED_CSV: Text.IMPORT_MALFORMED_CSV,
    ProblemCode.NO_DATA_ROWS: Text.IMPORT_NO_DATA_ROWS,
    ProblemCode.NOT_AN_ARRAY: Text.IMPORT_NOT_AN_ARRAY,
    ProblemCode.MAPPING_COLUMNS_MISSING: Text.IMPORT_MAPPING_COLUMNS_MISSING,
}
# Parameters quoted as the file wrote them; the others are shown as they are.
_QUOTED = frozenset({"value", "id", "payment", "payer", "customer"})


def shown(value: Any, locale: str) -> str:
    """A value as a message quotes it: its repr, cut after SHOWN_CHARS characters."""
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return t(locale, Text.CLI_LONG_INPUT, start=text[:SHOWN_CHARS], length=f"{len(text):,}")


def _listed(values: Any) -> str:
    return ", ".join(str(value) for value in values)


def _words(name: str, value: Any, locale: str) -> str:
    if name in _QUOTED:
        return shown(value, locale)
    if isinstance(value, ValueRule):
        return value_rule_text(value, locale)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return _listed(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return plain_number(float(value))
    return "" if value is None else str(value)


def problem_message(code: ProblemCode, params: Mapping[str, Any], locale: str) -> str:
    """A problem in words, without where it is."""
    if code is ProblemCode.REFUSED_BY_MAPPING:
        key = (
            Text.IMPORT_REFUSED_EXCLUDED if params["excluded"] else Text.IMPORT_REFUSED_NOT_ALLOWED
        )
        return t(
            locale, key, value=shown(params["value"], locale), values=_listed(params["allowed"])
        )
    if code is ProblemCode.NOT_DECODABLE:
        byte = params.get("byte")
        fields = {
            "byte": "?" if byte is None else f"0x{byte:02x}",
            "column": params.get("column") or "?",
            "encoding": params.get("encoding"),
        }
        key = (
            Text.IMPORT_NOT_DECODABLE
            if fields["encoding"] is None
            else Text.IMPORT_NOT_DECODABLE_AS
        )
        return t(locale, key, **fields)
    if code is ProblemCode.IMPOSSIBLE_VALUE:
        return t(
            locale,
            Text.IMPORT_IMPOSSIBLE_VALUE,
            value=plain_number(float(params["value"])),
            kpi=params["kpi"],
            rule=value_rule_text(params["rule"], locale),
        )
    words = {name: _words(name, value, locale) for name, value in params.items()}
    return t(locale, _TEXTS[code], **words)


def row_problem_text(problem: RowProblem, locale: str) -> str:
    """A row's problem with its line and column: `3 行目、amount 列: …`."""
    message = problem_message(problem.code, problem.params, locale)
    if problem.column:
        return t(
            locale,
            Text.IMPORT_AT_LINE_COLUMN,
            line=problem.line,
            column=problem.column,
            message=message,
        )
    return t(locale, Text.IMPORT_AT_LINE, line=problem.line, message=message)


def file_problem_text(problem: FileProblem, locale: str) -> str:
    """Why a whole file was refused, with its line when known."""
    params = dict(problem.params)
    if problem.column is not None:
        params["column"] = problem.column
    message = problem_message(problem.code, params, locale)
    if problem.line:
        return t(locale, Text.IMPORT_AT_LINE, line=problem.line, message=message)
    return message


_MAPPING_TEXTS = {
    MappingProblem.UNREADABLE: Text.MAPPING_UNREADABLE,
    MappingProblem.NOT_UTF8: Text.MAPPING_NOT_UTF8,
    MappingProblem.NOT_YAML: Text.MAPPING_NOT_YAML,
    MappingProblem.BAD_NAME: Text.API_BAD_MAPPING_NAME,
    MappingProblem.NOT_A_MAPPING: Text.MAPPING_NOT_A_MAPPING,
    MappingProblem.UNKNOWN_KEY: Text.MAPPING_UNKNOWN_KEY,
    MappingProblem.REQUIRED: Text.MAPPING_REQUIRED,
    MappingProblem.NOT_TEXT: Text.MAPPING_NOT_TEXT,
    MappingProblem.NOT_A_LIST: Text.MAPPING_NOT_A_LIST,
    MappingProblem.NOT_A_TYPE: Text.MAPPING_NOT_A_TYPE,
    MappingProblem.EMPTY: Text.MAPPING_EMPTY,
    MappingProblem.NOT_A_SCALAR: Text.MAPPING_NOT_A_SCALAR,
    MappingProblem.NOT_COLUMN_NAMES: Text.MAPPING_NOT_COLUMN_NAMES,
    MappingProblem.BLANK_FIELD: Text.MAPPING_BLANK_FIELD,
    MappingProblem.ONE_TEST: Text.MAPPING_ONE_TEST,
    MappingProblem.FILLED_TWICE: Text.MAPPING_FILLED_TWICE,
    MappingProblem.UNKNOWN_ZONE: Text.PROBLEM_UNKNOWN_ZONE,
    MappingProblem.INVALID: Text.PROBLEM_INVALID,
}


def worker_error_text(error: ImportWorkerError, locale: str) -> str:
    """Why the process preparing a large file failed: it stopped, or what it raised."""
    if error.failure is not None:
        return t(locale, Text.IMPORT_WORKER_FAILED, error=error.failure)
    return t(locale, Text.IMPORT_WORKER_STOPPED, code=error.exit_code)


def _key_problem_text(problem: KeyProblem, locale: str) -> str:
    params = dict(problem.params)
    if problem.code is MappingProblem.NOT_YAML and params.get("line") is not None:
        message = t(locale, Text.MAPPING_NOT_YAML_AT, **params)
    else:
        for name in ("value", "name"):
            if name in params:
                params[name] = shown(params[name], locale)
        if "known" in params:
            params["known"] = t(locale, Text.SEPARATOR).join(params["known"])
        message = t(locale, _MAPPING_TEXTS[problem.code], **params)
    return f"{problem.key}: {message}" if problem.key else message


def mapping_error_text(error: MappingError, locale: str) -> str:
    """Why a mapping cannot be used, naming its file and each key at fault, one line."""
    problems = t(locale, Text.PROBLEM_SEPARATOR).join(
        _key_problem_text(problem, locale) for problem in error.problems
    )
    return f"{error.source}: {problems}" if error.source else problems
