"""The import record types, validated with pydantic.

Cells may be spelled as `storage.imports.spelling` accepts (ISO 8601 or `2026/11/02 10:15`,
`¥29,800`, `はい`, …); a time without an offset is local time in the zone passed as
validation context `{"tz": ZoneInfo}`. A refused value raises a problem code with its
parameters (`storage.imports.problems`), worded by the bot.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import (
    Annotated,
    Any,
    Literal,
    NotRequired,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from kpi_engine.catalog import ValueRule
from kpi_engine.problems import invalid
from storage.imports.problems import ProblemCode
from storage.imports.spelling import (
    spelled_amount,
    spelled_boolean,
    spelled_number,
    spelled_time,
)
from storage.schema import EventType

# Far enough from datetime's limits that converting to any local zone cannot overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def read_time(value: Any, zone: tzinfo) -> datetime:
    """A time cell as a UTC instant; without an offset it is local time in `zone`.

    Raises pydantic's error for the problem (`bad_time`, `ambiguous_date`,
    `time_out_of_range`).
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)  # the usual spelling, tried first
        except ValueError:
            parsed = spelled_time(value)
    else:
        raise invalid(ProblemCode.BAD_TIME, value=value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        moment = parsed.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise invalid(ProblemCode.TIME_OUT_OF_RANGE, value=value)
    return moment


def parse_local_datetime(value: Any, info: ValidationInfo) -> datetime:
    """`read_time` in the zone of the validation context (UTC without one)."""
    return read_time(value, (info.context or {}).get("tz", UTC))


Timestamp = Annotated[datetime, PlainValidator(parse_local_datetime)]


def _iso_times(texts: list[Any], zone: tzinfo) -> list[datetime] | None:
    """A column of times all written in ISO 8601, read as `read_time` reads each; None for
    any other column (a cell empty, spelled otherwise or out of range).

    The steps of `read_time`'s usual path, each over the whole column: a C call per value
    rather than a Python call, for the spelling nearly every file uses.
    """
    try:
        parsed = list(map(datetime.fromisoformat, texts))
        moments = [
            (moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)).astimezone(UTC)
            for moment in parsed
        ]
    # TypeError: a cell that is not text; OverflowError: a local time near year 1.
    except (TypeError, ValueError, OverflowError):
        return None
    if moments and not (min(moments) >= EARLIEST and max(moments) <= LATEST):
        return None
    return moments


def _times(values: list[Any], zone: tzinfo) -> list[datetime | None] | None:
    """A column of times, read as `Timestamp` reads each, without a pydantic call per
    value; None if any is wrong (the caller then lets pydantic word the errors)."""
    # `all` first: a truth test per value tells a column without empty cells cheaply.
    if all(values) or None not in values:
        filled = values
    else:
        filled = [value for value in values if value is not None]
    moments = _iso_times(filled, zone)
    if moments is None:
        try:
            return [None if value is None else read_time(value, zone) for value in values]
        except ValueError:  # pydantic's errors too: the caller lets pydantic word them
            return None
    if filled is values:
        return cast(list[datetime | None], moments)
    found = iter(moments)
    return [None if value is None else next(found) for value in values]


# Records of one type, field by field.
Columns = dict[str, list[Any]]

# PostgreSQL cannot store NUL in text; refusing it here keeps both backends alike.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
Yen = Annotated[int, BeforeValidator(spelled_amount), Field(ge=0, le=10**15)]
YesNo = Annotated[bool, BeforeValidator(spelled_boolean)]


# Records are plain data: TypedDicts, not models. An import validates them a column at a
# time from these same field types (`validate_column`), and row by row only to word errors.
_RECORD_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


@with_config(_RECORD_CONFIG)
class Record(TypedDict):
    """Fields every record has: a stable id (per type) and when it happened."""

    id: Text
    at: Timestamp


@with_config(_RECORD_CONFIG)
class CustomerRecord(Record):
    customer: Text


@with_config(_RECORD_CONFIG)
class EnrollmentRecord(CustomerRecord):
    channel: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, to_lower=True, min_length=1, max_length=100, pattern=NO_NUL
        ),
    ]


@with_config(_RECORD_CONFIG)
class CompletionRecord(CustomerRecord):
    pass


@with_config(_RECORD_CONFIG)
class ChurnRecord(CustomerRecord):
    pass


@with_config(_RECORD_CONFIG)
class PaymentRecord(CustomerRecord):
    amount: Yen
    recurring: YesNo


@with_config(_RECORD_CONFIG)
class RefundRecord(CustomerRecord):
    """Money paid back; `payment` names the payment refunded (checked against the stored
    payments when the refund is written: `storage.imports.refunds`)."""

    amount: Yen
    payment: NotRequired[Text]


@with_config(_RECORD_CONFIG)
class CostRecord(Record):
    amount: Yen
    category: Literal["marketing", "variable", "fixed"]


@with_config(_RECORD_CONFIG)
class SurveyRecord(CustomerRecord):
    nps: NotRequired[Annotated[int, BeforeValidator(spelled_number), Field(ge=0, le=10)]]
    csat: NotRequired[Annotated[int, BeforeValidator(spelled_number), Field(ge=1, le=5)]]
    ai_adoption: NotRequired[YesNo]


def _answers_something(surveys: Columns, _context: dict[str, Any]) -> PydanticCustomError | None:
    if any(
        answers == (None, None, None)
        for answers in zip(surveys["nps"], surveys["csat"], surveys["ai_adoption"], strict=True)
    ):
        return invalid(ProblemCode.SURVEY_WITHOUT_ANSWER)
    return None


@with_config(_RECORD_CONFIG)
class TicketRecord(Record):
    first_response_at: NotRequired[Timestamp]


def _response_after_opening(
    tickets: Columns, _context: dict[str, Any]
) -> PydanticCustomError | None:
    if any(
        responded is not None and responded < opened
        for opened, responded in zip(tickets["at"], tickets["first_response_at"], strict=True)
    ):
        return invalid(ProblemCode.RESPONSE_BEFORE_OPENING)
    return None


@with_config(_RECORD_CONFIG)
class DowntimeRecord(Record):
    until: NotRequired[Timestamp]


def _ends_after_start(downtimes: Columns, _context: dict[str, Any]) -> PydanticCustomError | None:
    if any(
        until is not None and until <= start
        for start, until in zip(downtimes["at"], downtimes["until"], strict=True)
    ):
        return invalid(ProblemCode.UNTIL_NOT_AFTER_AT)
    return None


@with_config(_RECORD_CONFIG)
class ReleaseRecord(Record):
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NO_NUL)
    ]


@with_config(_RECORD_CONFIG)
class MeasurementRecord(Record):
    kpi: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
    ]
    value: Annotated[float, BeforeValidator(spelled_number), Field(allow_inf_nan=False)]


def _measured_value(measurements: Columns, context: dict[str, Any]) -> PydanticCustomError | None:
    # A measurement says what was measured: a KPI recorded by hand, a value that KPI can
    # take (a rank of 0 or a share of 150 % is a typo, not a figure), and not in the future.
    now = datetime.now(UTC)
    for at in measurements["at"]:
        if at is not None and at > now:
            return invalid(ProblemCode.MEASUREMENT_IN_FUTURE, at=at)
    rules: Mapping[str, ValueRule] | None = context.get("kpis")
    if rules is None:
        return None
    for kpi, value in zip(measurements["kpi"], measurements["value"], strict=True):
        rule = rules.get(kpi)
        if rule is None:
            return invalid(ProblemCode.UNKNOWN_KPI, value=kpi, known=list(rules))
        if value is not None and not rule.allows(value):
            return invalid(ProblemCode.IMPOSSIBLE_VALUE, value=value, kpi=kpi, rule=rule)
    return None


RECORD_TYPES: dict[EventType, type[Record]] = {
    EventType.ENROLLMENT: EnrollmentRecord,
    EventType.COMPLETION: CompletionRecord,
    EventType.CHURN: ChurnRecord,
    EventType.PAYMENT: PaymentRecord,
    EventType.REFUND: RefundRecord,
    EventType.COST: CostRecord,
    EventType.SURVEY: SurveyRecord,
    EventType.TICKET: TicketRecord,
    EventType.DOWNTIME: DowntimeRecord,
    EventType.RELEASE: ReleaseRecord,
    EventType.MEASUREMENT: MeasurementRecord,
}

RecordCheck = Callable[[Columns, dict[str, Any]], PydanticCustomError | None]
# Checks across the fields of a record, run after its fields validated, with the
# validation context. They take records as columns (a field left out is None), so that an
# import checks a whole batch at once, and say what the first failing record got wrong.
RECORD_CHECKS: dict[EventType, RecordCheck] = {
    EventType.SURVEY: _answers_something,
    EventType.TICKET: _response_after_opening,
    EventType.DOWNTIME: _ends_after_start,
    EventType.MEASUREMENT: _measured_value,
}


def _validated_type(event_type: EventType) -> Any:
    record_type: Any = RECORD_TYPES[event_type]
    check = RECORD_CHECKS.get(event_type)
    if check is None:
        return record_type

    def validate(record: Record, info: ValidationInfo) -> Record:
        problem = check(
            {name: [record.get(name)] for name in fields_of(event_type)}, info.context or {}
        )
        if problem is not None:
            raise problem
        return record

    return Annotated[record_type, AfterValidator(validate)]


@cache
def record_adapter(event_type: EventType) -> TypeAdapter[Record]:
    """Validates one record of a type; pass the context `{"tz": zone, "kpis": {id: rule}}`."""
    return TypeAdapter(_validated_type(event_type))


def validate_record(
    event_type: EventType,
    cells: dict[str, Any],
    *,
    zone: tzinfo = UTC,
    kpis: Mapping[str, ValueRule] | None = None,
) -> Record:
    """One record from its cells, or pydantic's ValidationError saying what is wrong."""
    context = {"tz": zone, "kpis": kpis}
    return record_adapter(event_type).validate_python(cells, context=context)


@cache
def _field_type(event_type: EventType, name: str) -> Any:
    hint = get_type_hints(RECORD_TYPES[event_type], include_extras=True)[name]
    if get_origin(hint) is NotRequired:
        (hint,) = get_args(hint)
    return hint


@cache
def _column_adapter(event_type: EventType, name: str) -> TypeAdapter[list[Any]]:
    field_type = _field_type(event_type, name)
    return TypeAdapter(list[field_type | None], config=_RECORD_CONFIG)  # type: ignore[valid-type]


@cache
def _plain_column_adapter(event_type: EventType, name: str) -> TypeAdapter[list[Any]] | None:
    """The field's type without its spellings (`29800`, `true`, not `¥29,800`, `はい`), for
    columns that have some; None for the others.

    The spellings only rewrite cells the plain type refuses, so a column it accepts is
    validated alike, without a Python call per cell.
    """
    field_type = _field_type(event_type, name)
    if get_origin(field_type) is not Annotated:
        return None
    base, *metadata = get_args(field_type)
    plain = [item for item in metadata if not isinstance(item, BeforeValidator)]
    if len(plain) == len(metadata):
        return None
    plain_type: Any = Annotated.__class_getitem__((base, *plain)) if plain else base
    return TypeAdapter(list[plain_type | None], config=_RECORD_CONFIG)


def validate_column(
    event_type: EventType, name: str, values: list[Any], context: dict[str, Any]
) -> list[Any]:
    """A whole column of a type's field at once; None stands for an empty cell.

    The field's own type and the records' config, so a column validates exactly as the
    same cells would in their records (the checks across fields aside). Raises pydantic's
    ValidationError.
    """
    if _field_type(event_type, name) == Timestamp:
        moments = _times(values, context.get("tz", UTC))
        if moments is not None:
            return moments
    plain = _plain_column_adapter(event_type, name)
    if plain is not None:
        try:
            return plain.validate_python(values, context=context)
        except ValidationError:
            pass  # some cell is spelled otherwise: read every cell's spelling
    return _column_adapter(event_type, name).validate_python(values, context=context)


def fields_of(event_type: EventType) -> list[str]:
    """The column names an import file uses for a type, in documentation order."""
    return list(RECORD_TYPES[event_type].__annotations__)


def required_fields_of(event_type: EventType) -> list[str]:
    """The columns a row of this type must fill."""
    required: frozenset[str] = RECORD_TYPES[event_type].__required_keys__  # type: ignore[attr-defined]
    return [name for name in fields_of(event_type) if name in required]
