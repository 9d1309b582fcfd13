"""The import record types, validated with pydantic.

Times accept ISO 8601 dates or datetimes (a space instead of `T` too); a value without an
offset is local time in the zone passed as validation context `{"tz": ZoneInfo}`.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    model_validator,
)


class EventType(StrEnum):
    ENROLLMENT = "enrollment"
    COMPLETION = "completion"
    CHURN = "churn"
    PAYMENT = "payment"
    COST = "cost"
    SURVEY = "survey"
    TICKET = "ticket"
    DOWNTIME = "downtime"
    RELEASE = "release"
    MEASUREMENT = "measurement"


# Far enough from datetime's limits that converting to any local zone cannot overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def parse_local_datetime(value: Any, info: ValidationInfo) -> datetime:
    """Parse an ISO 8601 date or datetime; read it in the context's zone when it has no offset."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date or datetime "
                "(write e.g. 2025-01-05, 2025-01-05 10:30 or 2025-01-05T10:30:00+09:00)"
            ) from None
    else:
        raise ValueError("must be an ISO 8601 date or datetime string")
    if parsed.tzinfo is None:
        zone: tzinfo = (info.context or {}).get("tz", UTC)
        parsed = parsed.replace(tzinfo=zone)
    try:
        moment = parsed.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise ValueError(f"{value!r} is out of the supported range of times")
    return moment


Timestamp = Annotated[datetime, PlainValidator(parse_local_datetime)]
# PostgreSQL cannot store NUL in text; refusing it here keeps both backends alike.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
Yen = Annotated[int, Field(ge=0, le=10**15)]


class Record(BaseModel):
    """Fields every record has: a stable id (per type) and when it happened."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Text
    at: Timestamp


class CustomerRecord(Record):
    customer: Text


class EnrollmentRecord(CustomerRecord):
    channel: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, to_lower=True, min_length=1, max_length=100, pattern=NO_NUL
        ),
    ]


class CompletionRecord(CustomerRecord):
    pass


class ChurnRecord(CustomerRecord):
    pass


class PaymentRecord(CustomerRecord):
    amount: Yen
    recurring: bool


class CostRecord(Record):
    amount: Yen
    category: Literal["marketing", "variable", "fixed"]


class SurveyRecord(CustomerRecord):
    nps: Annotated[int, Field(ge=0, le=10)] | None = None
    csat: Annotated[int, Field(ge=1, le=5)] | None = None
    ai_adoption: bool | None = None

    @model_validator(mode="after")
    def _answers_something(self) -> SurveyRecord:
        if self.nps is None and self.csat is None and self.ai_adoption is None:
            raise ValueError("a survey needs at least one of nps, csat, ai_adoption")
        return self


class TicketRecord(Record):
    first_response_at: Timestamp | None = None

    @model_validator(mode="after")
    def _response_after_opening(self) -> TicketRecord:
        if self.first_response_at is not None and self.first_response_at < self.at:
            raise ValueError("first_response_at is before at (the ticket was opened)")
        return self


class DowntimeRecord(Record):
    until: Timestamp | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> DowntimeRecord:
        if self.until is not None and self.until <= self.at:
            raise ValueError("until must be after at (the downtime's start)")
        return self


class ReleaseRecord(Record):
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NO_NUL)
    ]


class MeasurementRecord(Record):
    kpi: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
    ]
    value: Annotated[float, Field(allow_inf_nan=False)]

    @model_validator(mode="after")
    def _known_kpi(self, info: ValidationInfo) -> MeasurementRecord:
        known = (info.context or {}).get("kpis")
        if known is not None and self.kpi not in known:
            raise ValueError(f"unknown KPI {self.kpi!r}; measured KPIs are: {', '.join(known)}")
        return self


RECORD_TYPES: dict[EventType, type[Record]] = {
    EventType.ENROLLMENT: EnrollmentRecord,
    EventType.COMPLETION: CompletionRecord,
    EventType.CHURN: ChurnRecord,
    EventType.PAYMENT: PaymentRecord,
    EventType.COST: CostRecord,
    EventType.SURVEY: SurveyRecord,
    EventType.TICKET: TicketRecord,
    EventType.DOWNTIME: DowntimeRecord,
    EventType.RELEASE: ReleaseRecord,
    EventType.MEASUREMENT: MeasurementRecord,
}


def fields_of(event_type: EventType) -> list[str]:
    """The column names an import file uses for a type, in documentation order."""
    return list(RECORD_TYPES[event_type].model_fields)


def required_fields_of(event_type: EventType) -> list[str]:
    """The columns a row of this type must fill."""
    model = RECORD_TYPES[event_type]
    return [name for name, field in model.model_fields.items() if field.is_required()]
