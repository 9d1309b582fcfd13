"""`POST /api/v1/events`: the `kpibot ingest` rules over HTTP.

The body is JSON Lines (`application/x-ndjson`, `application/jsonl`) or a JSON array of
objects (`application/json`); each object is one row, with a `type` field or the `type`
query parameter. Validation and the all-or-nothing rule are those of `kpibot ingest`:
200 with the counts, or 422 with every row error (`line` is the line of JSON Lines, or the
1-based position in the array). 401 without `Authorization: Bearer $KPIBOT_API_TOKEN`
(compared in constant time), 404 when KPIBOT_API_TOKEN is unset (the API is off), 413
above KPIBOT_API_MAX_BYTES, 415 for other content types.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum
from typing import IO, Any

from bot.errors import new_reference
from bot.http.request_body import TooLarge, read_limited
from bot.slack.services import Services
from kpi_engine.formulas import measured_kpis
from storage.db import DatabaseBusy, DatabaseError, DatabaseFull, DatabaseUnavailable
from storage.imports.ingest import ImportResult, import_rows
from storage.imports.prepare import RowProblem
from storage.imports.readers import BOM, FileProblem, RawRow, read_jsonl
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


def _problems(problems: list[RowProblem]) -> ApiResponse:
    errors = [
        {"line": problem.line or None, "column": problem.column, "message": problem.message}
        for problem in problems[:MAX_LISTED_ERRORS]
    ]
    return ApiResponse(
        422,
        {"errors": errors, "error_count": len(problems), "truncated": len(problems) > len(errors)},
    )


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


def _array_rows(body: bytes) -> Iterator[RawRow]:
    try:
        items = json.loads(body.removeprefix(BOM).decode("utf-8"))
    except UnicodeDecodeError:
        raise FileProblem("the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise FileProblem(
            f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise FileProblem("invalid JSON: nested too deeply") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise FileProblem(f"invalid JSON: {error}") from None
    if not isinstance(items, list):
        raise FileProblem("the body must be a JSON array of objects (or use JSON Lines)")
    for position, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield RawRow(position, {str(key).strip().lower(): cell for key, cell in item.items()})
        else:
            yield RawRow(position, {}, "each item must be a JSON object")


def ingest(
    services: Services,
    *,
    authorization: str | None,
    content_type: str | None,
    content_length: int | None,
    stream: IO[bytes],
    forced_type: str | None = None,
) -> ApiResponse:
    """Handle one ingestion request."""
    settings = services.settings
    if settings.api_token is None:
        return _error(404, "the ingestion API is off: set KPIBOT_API_TOKEN to turn it on")
    if not authorized(authorization, settings.api_token.get_secret_value()):
        return _error(401, "missing or wrong token: send Authorization: Bearer $KPIBOT_API_TOKEN")
    limit = settings.api_max_bytes
    if content_length is not None and content_length > limit:
        return _error(413, f"the body is larger than {limit:,} bytes (KPIBOT_API_MAX_BYTES)")
    kind = body_format(content_type)
    if kind is None:
        return _error(415, "send application/json (an array of objects) or application/x-ndjson")
    event_type: EventType | None = None
    if forced_type:
        try:
            event_type = EventType(forced_type.strip().lower())
        except ValueError:
            known = ", ".join(t.value for t in EventType)
            return _problems([RowProblem(0, "type", f"unknown type {forced_type!r} ({known})")])
    try:
        body = read_limited(stream, limit)
    except TooLarge:
        return _error(413, f"the body is larger than {limit:,} bytes (KPIBOT_API_MAX_BYTES)")
    rows = read_jsonl(io.BytesIO(body)) if kind is BodyFormat.JSON_LINES else _array_rows(body)
    try:
        result = import_rows(
            services.database,
            rows,
            author=Author(by=API_AUTHOR, at=services.now().astimezone(UTC)),
            known_kpis=measured_kpis(services.catalog),
            forced_type=event_type,
            wait=WRITE_WAIT_SECONDS,
        )
    except FileProblem as problem:
        return _problems([RowProblem(problem.line or 0, None, str(problem))])
    except DatabaseError as error:
        return database_failure(error)
    return _outcome(result)


def database_failure(error: DatabaseError) -> ApiResponse:
    """The answer when the database failed: nothing was stored, and whether sending it again
    can help depends on the failure."""
    log.warning("ingestion refused: %s", error)
    if isinstance(error, DatabaseBusy | DatabaseUnavailable):
        message = (
            "the database is busy with another import"
            if isinstance(error, DatabaseBusy)
            else "the database cannot be reached"
        )
        return ApiResponse(
            503,
            {"error": f"{message}; nothing was stored, send it again later", "retry": True},
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(error, DatabaseFull):
        return ApiResponse(507, {"error": "the database's disk is full", "retry": False})
    reference = new_reference()
    log.error("database failure (reference %s): %s", reference, error)
    return ApiResponse(
        500,
        {"error": "the database is damaged", "reference": reference, "retry": False},
    )


def _outcome(result: ImportResult) -> ApiResponse:
    if not result.stored:
        return _problems(result.problems)
    return ApiResponse(
        200,
        {"inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged},
    )
