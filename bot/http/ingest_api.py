"""`POST /api/v1/events`: the `kpibot ingest` rules over HTTP.

The body is JSON Lines (`application/x-ndjson`, `application/jsonl`) or a JSON array of
objects (`application/json`); each object is one row, with a `type` field or the `type`
query parameter, optionally renamed by a column mapping of KPIBOT_IMPORT_MAPPINGS_DIR
(`map` query parameter). Validation and the all-or-nothing rule are those of `kpibot
ingest`: 200 with the counts (an empty array too), or 422 with every row error (`line` is
the line of JSON Lines, or the 1-based position in the array; `code` names the problem,
`message` says it in the language of `Accept-Language`, ja or en, else KPIBOT_LOCALE).
401 without `Authorization: Bearer $KPIBOT_API_TOKEN` (compared in constant time), 404
when KPIBOT_API_TOKEN is unset (the API is off), 413 above KPIBOT_API_MAX_BYTES, 415 for
other content types.
"""

from __future__ import annotations

import hmac
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum
from typing import IO, Any

from bot.errors import new_reference
from bot.http.request_body import TooLarge, read_limited
from bot.import_problems import file_problem_text, mapping_error_text, problem_message
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.services import Services
from kpi_engine.formulas import measured_kpis
from storage.db import (
    DatabaseBusy,
    DatabaseError,
    DatabaseFull,
    DatabaseUnavailable,
    TimeZoneMismatch,
)
from storage.imports.ingest import ImportResult, import_rows
from storage.imports.mapping import ColumnMapping, MappingError, load_mapping, mapping_path
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import Encoding, read_json_array, read_jsonl
from storage.measurements import API_AUTHOR, Author
from storage.schema import EventType

JSON_LINES_TYPES = frozenset(
    {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/jsonlines",
        "application/json-lines",
    }
)
JSON_TYPE = "application/json"
log = logging.getLogger("kpibot.web")
# A 422 lists at most this many problems (and says how many there were): 100,000 bad rows
# must not make a 35 MB answer.
MAX_LISTED_ERRORS = 1_000
# How long a request waits for another import to finish writing before it gets a 503;
# well inside the web server's worker timeout.
WRITE_WAIT_SECONDS = 20.0
# The language of the lines this module logs: an operator's, whatever the clients speak.
LOG_LOCALE = "en"
# What a client is told to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


class BodyFormat(StrEnum):
    JSON_LINES = "jsonl"
    JSON_ARRAY = "json"


@dataclass(frozen=True)
class ApiResponse:
    """An HTTP status, its JSON body and any extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"error": message})


def _problems(problems: list[RowProblem], locale: str) -> ApiResponse:
    errors = [
        {
            "line": problem.line or None,
            "column": problem.column,
            "code": problem.code.value,
            "message": problem_message(problem.code, problem.params, locale),
        }
        for problem in problems[:MAX_LISTED_ERRORS]
    ]
    return ApiResponse(
        422,
        {"errors": errors, "error_count": len(problems), "truncated": len(problems) > len(errors)},
    )


def _file_problem(problem: FileProblem, locale: str) -> ApiResponse:
    error = {
        "line": problem.line or None,
        "column": None,
        "code": problem.code.value,
        "message": file_problem_text(problem, locale),
    }
    return ApiResponse(422, {"errors": [error], "error_count": 1, "truncated": False})


def response_locale(accept_language: str | None, default: str) -> str:
    """The language of the answer: the first of ja and en that Accept-Language prefers
    (by its q-values), else `default`."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")[:20]):
        tag, _, weight = item.strip().partition(";")
        quality = 1.0
        if weight.strip().startswith("q="):
            try:
                quality = float(weight.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-", 1)[0]
        if language in ("ja", "en") and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else default


def authorized(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries the bearer token (constant-time compare)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def body_format(content_type: str | None) -> BodyFormat | None:
    """The body format a Content-Type names, or None when it is neither JSON nor JSON Lines."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in JSON_LINES_TYPES:
        return BodyFormat.JSON_LINES
    if media == JSON_TYPE:
        return BodyFormat.JSON_ARRAY
    return None


def _mapping(services: Services, name: str, locale: str) -> ColumnMapping | ApiResponse:
    """The mapping `?map=` names, or the answer refusing it."""
    folder = services.settings.import_mappings_dir
    if folder is None:
        return _error(400, t(locale, Text.API_NO_MAPPINGS))
    try:
        path = mapping_path(folder, name)
    except MappingError as error:
        return _error(400, mapping_error_text(error, locale))
    if path is None:
        return _error(404, t(locale, Text.API_NO_SUCH_MAPPING, name=name))
    try:
        return load_mapping(path)
    except MappingError as error:
        # The operator's file is at fault, not the request: the details go to the log.
        reference = new_reference()
        log.error(
            "mapping %s refused (reference %s): %s",
            name,
            reference,
            mapping_error_text(error, LOG_LOCALE),
        )
        return _error(500, t(locale, Text.API_MAPPING_BROKEN, name=name, reference=reference))


def ingest(
    services: Services,
    *,
    authorization: str | None,
    content_type: str | None,
    content_length: int | None,
    stream: IO[bytes],
    forced_type: str | None = None,
    mapping_name: str | None = None,
    accept_language: str | None = None,
) -> ApiResponse:
    """Handle one ingestion request."""
    settings = services.settings
    locale = response_locale(accept_language, settings.locale)
    if settings.api_token is None:
        return _error(404, t(locale, Text.API_OFF))
    if not authorized(authorization, settings.api_token.get_secret_value()):
        return _error(401, t(locale, Text.API_BAD_TOKEN))
    limit = settings.api_max_bytes
    too_large = t(locale, Text.API_TOO_LARGE, limit=f"{limit:,}")
    if content_length is not None and content_length > limit:
        return _error(413, too_large)
    kind = body_format(content_type)
    if kind is None:
        return _error(415, t(locale, Text.API_BAD_CONTENT_TYPE))
    event_type: EventType | None = None
    if forced_type:
        try:
            event_type = EventType(forced_type.strip().lower())
        except ValueError:
            known = [kind.value for kind in EventType]
            params = {"value": forced_type, "known": known}
            return _problems([RowProblem(0, "type", ProblemCode.UNKNOWN_TYPE, params)], locale)
    mapping = None
    if mapping_name is not None:
        found = _mapping(services, mapping_name, locale)
        if isinstance(found, ApiResponse):
            return found
        mapping = found
    try:
        body = read_limited(stream, limit)
    except TooLarge:
        return _error(413, too_large)
    # JSON is UTF-8 (RFC 8259): a body is never taken for Shift_JIS.
    read = read_jsonl if kind is BodyFormat.JSON_LINES else read_json_array
    rows = read(io.BytesIO(body), encoding=Encoding.UTF8)
    try:
        result = import_rows(
            services.database,
            rows,
            author=Author(by=API_AUTHOR, at=services.now().astimezone(UTC)),
            known_kpis=measured_kpis(services.catalog),
            forced_type=event_type,
            mapping=mapping,
            wait=WRITE_WAIT_SECONDS,
        )
    except FileProblem as problem:
        if problem.code is ProblemCode.NO_DATA_ROWS and kind is BodyFormat.JSON_ARRAY:
            # An empty array is a batch of nothing: a client with no new events sends it.
            return _outcome(ImportResult(stored=True), locale, mapping is not None)
        return _file_problem(problem, locale)
    except DatabaseError as error:
        return database_failure(error, locale)
    return _outcome(result, locale, mapping is not None)


def database_failure(error: DatabaseError, locale: str) -> ApiResponse:
    """The answer when the database failed: nothing was stored, and whether sending it again
    can help depends on the failure."""
    log.warning("ingestion refused: %s", error)
    if isinstance(error, DatabaseBusy | DatabaseUnavailable):
        if isinstance(error, TimeZoneMismatch):
            key = Text.API_TIME_ZONE
        else:
            key = Text.API_BUSY if isinstance(error, DatabaseBusy) else Text.API_UNREACHABLE
        return ApiResponse(
            503,
            {"error": t(locale, key), "retry": True},
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(error, DatabaseFull):
        return ApiResponse(507, {"error": t(locale, Text.API_DISK_FULL), "retry": False})
    reference = new_reference()
    log.error("database failure (reference %s): %s", reference, error)
    return ApiResponse(
        500,
        {"error": t(locale, Text.API_DAMAGED), "reference": reference, "retry": False},
    )


def _outcome(result: ImportResult, locale: str, mapped: bool) -> ApiResponse:
    if not result.stored:
        return _problems(result.problems, locale)
    counts = {"inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged}
    if mapped:
        counts["skipped"] = result.skipped
    return ApiResponse(200, counts)
