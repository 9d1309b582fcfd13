"""The import record types: what a cell may hold and what time it means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from kpi_engine.catalog import CatalogError, CatalogProblem, EntryProblem, ValueRule, load_catalog
from kpi_engine.formulas import measured_kpis
from storage.imports.records import (
    PaymentRecord,
    SurveyRecord,
    Timestamp,
    fields_of,
    required_fields_of,
    validate_column,
    validate_record,
)
from storage.schema import EventType

TOKYO = ZoneInfo("Asia/Tokyo")


CELLS = {"id": "p1", "customer": "c1", "amount": "4380", "recurring": "true"}


def payment(at: Any, **changes: Any) -> PaymentRecord:
    cells = {**CELLS, "at": at}
    return validate_record(EventType.PAYMENT, {**cells, **changes}, zone=TOKYO)  # type: ignore[return-value]


def survey(**answers: Any) -> SurveyRecord:
    cells = {"id": "s1", "at": "2026-11-01", "customer": "c1", **answers}
    return validate_record(EventType.SURVEY, cells, zone=TOKYO)  # type: ignore[return-value]


def locations(error: pytest.ExceptionInfo[ValidationError]) -> list[tuple[Any, ...]]:
    return [item["loc"] for item in error.value.errors()]


def error_types(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [item["type"] for item in error.value.errors()]


def test_a_time_without_an_offset_is_local_time() -> None:
    assert payment("2026-11-01 00:30")["at"] == datetime(2026, 10, 31, 15, 30, tzinfo=UTC)


def test_a_time_with_an_offset_keeps_its_instant() -> None:
    assert payment("2026-10-31T15:30:00Z")["at"] == datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
    assert payment("2026-11-01T00:30:00+09:00")["at"] == datetime(2026, 10, 31, 15, 30, tzinfo=UTC)


def test_a_date_alone_means_local_midnight() -> None:
    assert payment("2026-11-01")["at"] == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)


def test_times_are_held_in_utc() -> None:
    assert payment("2026-11-01T12:00:00+09:00")["at"].utcoffset() == UTC.utcoffset(None)


def test_the_basic_iso_format_is_a_date() -> None:
    assert payment("20250105")["at"] == datetime(2025, 1, 4, 15, 0, tzinfo=UTC)


def test_without_a_zone_in_the_context_a_naive_time_is_utc() -> None:
    record = validate_record(
        EventType.PAYMENT,
        {"id": "p", "at": "2026-11-01 00:30", "customer": "c", "amount": 1, "recurring": True},
    )
    assert record["at"] == datetime(2026, 11, 1, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["1735689600", "2026.11.02", "yesterday", " ", "2026/2/30"])
def test_a_time_in_no_accepted_spelling_is_refused_naming_the_column(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        payment(text)
    assert error_types(error) == ["bad_time"]
    assert locations(error) == [("at",)]


def test_a_number_is_not_a_time() -> None:
    with pytest.raises(ValidationError) as error:
        payment(1735689600)
    assert error_types(error) == ["bad_time"]
    assert locations(error) == [("at",)]


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-01 08:59"])
def test_a_local_time_before_the_first_utc_instant_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        payment(text)
    assert error_types(error) == ["time_out_of_range"]
    assert locations(error) == [("at",)]


def test_cells_are_stripped_and_the_channel_lowercased() -> None:
    record: Any = validate_record(
        EventType.ENROLLMENT,
        {"id": " e1 ", "at": "2026-11-01", "customer": " c1 ", "channel": " Referral "},
        zone=TOKYO,
    )
    assert (record["id"], record["customer"], record["channel"]) == ("e1", "c1", "referral")


def test_a_column_of_another_type_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        payment("2026-11-01", channel="ads")
    assert [item["type"] for item in error.value.errors()] == ["extra_forbidden"]


@pytest.mark.parametrize("amount", ["abc", "-1", "1.5", str(10**15 + 1)])
def test_a_payment_amount_must_be_whole_yen_from_zero_to_a_quadrillion(amount: str) -> None:
    with pytest.raises(ValidationError) as error:
        payment("2026-11-01", amount=amount)
    assert locations(error) == [("amount",)]


@given(st.integers(min_value=0, max_value=10))
def test_any_nps_from_0_to_10_is_accepted(score: int) -> None:
    assert survey(nps=str(score))["nps"] == score


@given(st.integers().filter(lambda score: not 0 <= score <= 10))
def test_any_nps_outside_0_to_10_is_refused(score: int) -> None:
    with pytest.raises(ValidationError) as error:
        survey(nps=str(score))
    assert locations(error) == [("nps",)]


@pytest.mark.parametrize("score", ["0", "6"])
def test_a_csat_outside_1_to_5_is_refused(score: str) -> None:
    with pytest.raises(ValidationError) as error:
        survey(csat=score)
    assert locations(error) == [("csat",)]


def test_a_survey_must_answer_something() -> None:
    with pytest.raises(ValidationError) as error:
        survey()
    assert error_types(error) == ["survey_without_answer"]


def test_a_survey_may_answer_only_the_ai_question() -> None:
    assert survey(ai_adoption="yes")["ai_adoption"] is True


@pytest.mark.parametrize("until", ["2026-11-01T09:00", "2026-11-01T10:00"])
def test_a_downtime_must_end_after_it_starts(until: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_record(
            EventType.DOWNTIME, {"id": "d1", "at": "2026-11-01T10:00", "until": until}, zone=TOKYO
        )
    assert error_types(error) == ["until_not_after_at"]


def test_a_downtime_without_an_end_is_still_going_on() -> None:
    record = validate_record(EventType.DOWNTIME, {"id": "d1", "at": "2026-11-01"}, zone=TOKYO)
    assert "until" not in record


def test_a_ticket_cannot_be_answered_before_it_was_opened() -> None:
    with pytest.raises(ValidationError) as error:
        validate_record(
            EventType.TICKET,
            {"id": "t1", "at": "2026-11-01T10:00", "first_response_at": "2026-11-01T09:59"},
            zone=TOKYO,
        )
    assert error_types(error) == ["response_before_opening"]


def test_a_measurement_of_a_kpi_that_is_not_measured_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        validate_record(
            EventType.MEASUREMENT,
            {"id": "m1", "at": "2026-11-01", "kpi": "revenue", "value": "3"},
            zone=TOKYO,
            kpis={"brand_search_rank": ValueRule(minimum=1, whole=True)},
        )
    assert error_types(error) == ["unknown_kpi"]
    assert error.value.errors()[0]["ctx"] == {"value": "revenue", "known": ["brand_search_rank"]}


SHIPPED_RULES = measured_kpis(load_catalog())


def measurement(kpi: str, value: object, at: str = "2026-11-01") -> Any:
    return validate_record(
        EventType.MEASUREMENT,
        {"id": "m1", "at": at, "kpi": kpi, "value": value},
        zone=TOKYO,
        kpis=SHIPPED_RULES,
    )


@pytest.mark.parametrize(
    ("kpi", "value"),
    [
        ("brand_search_rank", 0),
        ("brand_search_rank", -3),
        ("brand_search_rank", 1.5),
        ("brand_search_rank", 1001),
        ("market_share", 150),
        ("market_share", -5),
        ("market_share", 1e16),
        ("team_productivity", 0),
        ("team_productivity", -1),
        ("team_productivity", 1e7),
    ],
)
def test_a_manual_value_its_kpi_cannot_take_is_refused_with_the_rule_it_breaks(
    kpi: str, value: float
) -> None:
    with pytest.raises(ValidationError) as error:
        measurement(kpi, value)
    assert error_types(error) == ["impossible_value"]
    assert error.value.errors()[0]["ctx"] == {
        "value": value,
        "kpi": kpi,
        "rule": SHIPPED_RULES[kpi],
    }


@pytest.mark.parametrize(
    ("kpi", "value"),
    [
        ("brand_search_rank", 1),
        ("brand_search_rank", 1000),
        ("brand_search_rank", "3.0"),
        ("market_share", 0),
        ("market_share", 100),
        ("team_productivity", 0.001),
        ("team_productivity", 1_000_000),
    ],
)
def test_manual_values_at_the_bounds_are_stored(kpi: str, value: object) -> None:
    assert measurement(kpi, value)["value"] == float(value)  # type: ignore[arg-type]


def test_a_measurement_dated_in_the_future_is_refused() -> None:
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    with pytest.raises(ValidationError) as error:
        measurement("market_share", 4.2, at=later)
    assert error_types(error) == ["measurement_in_future"]
    earlier = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    assert measurement("market_share", 4.2, at=earlier)["value"] == 4.2


def test_every_kpi_recorded_by_hand_declares_the_values_it_takes() -> None:
    catalog = load_catalog()
    assert set(SHIPPED_RULES) == {"brand_search_rank", "market_share", "team_productivity"}
    broken = catalog.model_copy(
        update={
            "kpis": [
                kpi.model_copy(update={"measured_value": None}) if kpi.id == "market_share" else kpi
                for kpi in catalog.kpis
            ]
        }
    )
    with pytest.raises(CatalogError) as caught:
        measured_kpis(broken)
    assert caught.value.problems == [
        EntryProblem(
            ("kpis", 1, "measured_value"),
            CatalogProblem.NO_MEASURED_VALUE,
            {"kpi": "market_share"},
        )
    ]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "three"])
def test_a_measurement_must_be_a_finite_number(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_record(
            EventType.MEASUREMENT,
            {"id": "m1", "at": "2026-11-01", "kpi": "brand_search_rank", "value": value},
            zone=TOKYO,
        )
    assert locations(error) == [("value",)]


def test_fields_of_a_type_are_its_import_columns_in_order() -> None:
    assert fields_of(EventType.PAYMENT) == ["id", "at", "customer", "amount", "recurring"]
    assert fields_of(EventType.SURVEY) == ["id", "at", "customer", "nps", "csat", "ai_adoption"]


def test_required_fields_leave_out_the_optional_ones() -> None:
    assert required_fields_of(EventType.SURVEY) == ["id", "at", "customer"]
    assert required_fields_of(EventType.DOWNTIME) == ["id", "at"]


TIME_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
]


def written(moment: datetime, form: str) -> str:
    text = moment.strftime(form)
    if form.endswith("%z") and moment.tzinfo is not None:
        text = text[:-2] + ":" + text[-2:]  # +0900 as +09:00, as ISO 8601 writes it
    return text.replace("+00:00", "Z") if moment.microsecond % 2 else text


@given(
    st.lists(
        st.tuples(
            st.datetimes(
                min_value=datetime(1900, 1, 2),
                max_value=datetime(8999, 12, 30),
                timezones=st.one_of(st.none(), st.timezones()),
            ),
            st.sampled_from(TIME_FORMATS),
        ),
        max_size=30,
    ),
    st.sampled_from([TOKYO, ZoneInfo("America/New_York"), UTC]),
)
def test_a_column_of_times_reads_as_each_time_alone(
    moments: list[tuple[datetime, str]], zone: ZoneInfo
) -> None:
    # Plain ISO 8601 columns take a faster path than single cells: same answers.
    texts: list[Any] = [written(moment, form) for moment, form in moments]
    one_by_one: list[Any] = []
    for text in texts:
        try:
            one_by_one.append(
                validate_record(EventType.PAYMENT, {**CELLS, "at": text}, zone=zone)["at"]
            )
        except ValidationError:
            one_by_one.append(ValidationError)
    try:
        column: list[Any] = validate_column(EventType.PAYMENT, "at", texts, {"tz": zone})
    except ValidationError:
        assert ValidationError in one_by_one
    else:
        assert column == one_by_one
        assert [moment.utcoffset() for moment in column] == [UTC.utcoffset(None)] * len(column)


TIMESTAMP: TypeAdapter[datetime] = TypeAdapter(Timestamp)
# Cells a column of times may hold besides plain ISO 8601: the other spellings, times out
# of range (a local year 1 that is no UTC instant; past the last one), refused ones.
OTHER_TIME_CELLS: list[Any] = [
    "2026/11/02 10:15",
    "２０２６－１１－０２",  # noqa: RUF001 (full-width digits are a spelling read)
    "2026年11月2日 10時15分",
    "0001-01-01",
    "0001-01-01T00:00:00+09:00",
    "9999-12-31T23:59:59",
    "11/02/2026",
    "soon",
    1735689600,
]


def read_alone(cell: Any, zone: ZoneInfo) -> Any:
    """A time cell as `Timestamp` reads it on its own, or the error it raises."""
    if cell is None:
        return None
    try:
        moment = TIMESTAMP.validate_python(cell, context={"tz": zone})
    except ValidationError:
        return ValidationError
    return moment, moment.tzinfo


def read_in_column(cells: list[Any], zone: ZoneInfo) -> list[Any] | type[ValidationError]:
    """The cells read together, as an import reads an optional column of times."""
    try:
        column = validate_column(EventType.TICKET, "first_response_at", cells, {"tz": zone})
    except ValidationError:
        return ValidationError
    return [moment if moment is None else (moment, moment.tzinfo) for moment in column]


@given(
    st.lists(
        st.none()
        | st.tuples(
            st.datetimes(
                min_value=datetime(1900, 1, 2),
                max_value=datetime(8999, 12, 30),
                timezones=st.one_of(st.none(), st.timezones()),
            ),
            st.sampled_from(TIME_FORMATS),
        ).map(lambda moment_and_form: written(*moment_and_form))
        | st.sampled_from(OTHER_TIME_CELLS),
        max_size=30,
    ),
    st.sampled_from([TOKYO, ZoneInfo("America/New_York"), UTC]),
)
def test_a_column_with_empty_cells_and_other_spellings_reads_as_each_cell_alone(
    cells: list[Any], zone: ZoneInfo
) -> None:
    # A column of ISO texts, empty cells aside, takes the fastest path; any other goes
    # cell by cell: same answers either way.
    alone = [read_alone(cell, zone) for cell in cells]
    column = read_in_column(cells, zone)
    if ValidationError in alone:
        assert column is ValidationError
    else:
        assert column == alone


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        # Clocks back: 01:30 happens twice (the first, daylight time, is meant).
        ("America/New_York", "2026-11-01T01:30:00"),
        # Clocks forward: 02:30 never happens (read with the offset before the change).
        ("America/New_York", "2026-03-08T02:30:00"),
        ("Europe/London", "2026-10-25 01:30"),
        # Japan kept daylight time from 1948 to 1951.
        ("Asia/Tokyo", "1950-05-07T00:30:00"),
        ("Asia/Tokyo", "1950-09-09T23:30:00"),
        ("Australia/Lord_Howe", "2026-04-05T01:45:00"),
    ],
)
def test_local_times_around_a_clock_change_read_in_a_column_as_alone(zone: str, local: str) -> None:
    cells = [local, "2026-11-02T10:15:00", local, None, "2026-11-01"]
    column = read_in_column(cells, ZoneInfo(zone))
    assert column == [read_alone(cell, ZoneInfo(zone)) for cell in cells]
