"""What can be wrong with an import, as codes and parameters rather than sentences.

Storage says what is wrong (a `ProblemCode` and its parameters); the bot words it in the
reader's language. Codes are stable, machine-readable names: the ingestion API returns them
beside its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ProblemCode(StrEnum):
    """Why a row, a cell or a whole file was refused."""

    # A cell.
    REQUIRED = "required"  # params: type
    NUL_CHARACTER = "nul_character"
    NOT_A_COLUMN = "not_a_column"  # params: type, columns
    BAD_TIME = "bad_time"  # params: value
    AMBIGUOUS_DATE = "ambiguous_date"  # params: value
    TIME_OUT_OF_RANGE = "time_out_of_range"  # params: value
    BAD_NUMBER = "bad_number"  # params: value
    BAD_GROUPING = "bad_grouping"  # params: value
    NOT_WHOLE = "not_whole"  # params: value
    TOO_SMALL = "too_small"  # params: value, limit
    TOO_LARGE = "too_large"  # params: value, limit
    BAD_BOOLEAN = "bad_boolean"  # params: value
    NOT_ONE_OF = "not_one_of"  # params: value, expected
    TOO_LONG = "too_long"  # params: limit
    EMPTY_TEXT = "empty_text"
    NOT_TEXT = "not_text"  # params: value
    INVALID = "invalid"  # params: detail (a validation message without a code of its own)
    # A record's fields together.
    SURVEY_WITHOUT_ANSWER = "survey_without_answer"
    RESPONSE_BEFORE_OPENING = "response_before_opening"
    UNTIL_NOT_AFTER_AT = "until_not_after_at"
    MEASUREMENT_IN_FUTURE = "measurement_in_future"  # params: at
    UNKNOWN_KPI = "unknown_kpi"  # params: value, known
    IMPOSSIBLE_VALUE = "impossible_value"  # params: value, kpi, rule (a ValueRule)
    # A row.
    NO_TYPE = "no_type"
    UNKNOWN_TYPE = "unknown_type"  # params: value, known
    TYPE_CONFLICT = "type_conflict"  # params: row_type, forced
    CELL_COUNT = "cell_count"  # params: cells, columns
    INVALID_JSON = "invalid_json"  # params: detail, column
    JSON_NUMBER_TOO_LONG = "json_number_too_long"  # params: digits
    JSON_TOO_DEEP = "json_too_deep"
    NOT_AN_OBJECT = "not_an_object"
    REPEATED_ID = "repeated_id"  # params: id
    REFUSED_BY_MAPPING = "refused_by_mapping"  # params: column, value, allowed
    # A row against what is stored (refunds and the payments they refund).
    REFUND_PAYMENT_UNKNOWN = "refund_payment_unknown"  # params: payment
    REFUND_OTHER_CUSTOMER = "refund_other_customer"  # params: payment, payer, customer
    REFUNDS_EXCEED_PAYMENT = "refunds_exceed_payment"  # params: payment, total, paid
    REFUNDED_PAYMENT_CUSTOMER = "refunded_payment_customer"  # params: payment
    PAYMENT_BELOW_REFUNDS = "payment_below_refunds"  # params: payment, amount, refunded
    # A whole file.
    NOT_DECODABLE = "not_decodable"  # params: encoding (None: detected), byte, column
    EMPTY_FILE = "empty_file"
    EMPTY_HEADER_NAME = "empty_header_name"
    DUPLICATE_HEADER = "duplicate_header"  # params: names
    MALFORMED_CSV = "malformed_csv"  # params: detail
    NO_DATA_ROWS = "no_data_rows"
    NOT_AN_ARRAY = "not_an_array"
    MAPPING_COLUMNS_MISSING = "mapping_columns_missing"  # params: columns


@dataclass(frozen=True)
class RowProblem:
    """Why one row (at a line, in a column when known) was refused: a code and its
    parameters, worded by whoever shows it."""

    line: int
    column: str | None
    code: ProblemCode
    params: Mapping[str, Any] = field(default_factory=dict)


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, emptiness, mapping)."""

    def __init__(
        self,
        code: ProblemCode,
        line: int | None = None,
        column: int | None = None,
        **params: Any,
    ) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.line = line
        self.column = column
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        # A worker process sends it to the importing one: rebuilt from its fields.
        return (type(self), (self.code, self.line, self.column), {"params": self.params})
