"""The demo data: deterministic, valid, within today, and shaped like the reference company."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from storage.demo.company import DEMO_START
from storage.demo.customers import build_world
from storage.demo.rows import demo_rows, demo_types, write_demo_csv
from storage.imports.records import fields_of, validate_record
from storage.schema import EventType

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 23)
MEASURED = measured_kpis(load_catalog())
END_OF_TODAY = datetime(2026, 11, 24, tzinfo=TOKYO)

Rows = dict[EventType, list[dict[str, str]]]


@pytest.fixture(scope="module")
def rows() -> Rows:
    return {t: list(demo_rows(t, today=TODAY, tz=TOKYO)) for t in demo_types()}


def month_of(at: str, tz: ZoneInfo = TOKYO) -> str:
    return datetime.fromisoformat(at).astimezone(tz).strftime("%Y-%m")


def in_month(rows: Iterable[dict[str, str]], month: str) -> list[dict[str, str]]:
    return [row for row in rows if month_of(row["at"]) == month]


def validate(event_type: EventType, row: dict[str, str], tz: ZoneInfo) -> None:
    validate_record(
        event_type,
        {k: v for k, v in row.items() if v != ""},
        zone=tz,
        kpis=MEASURED,
    )


def test_demo_types_lists_all_ten_with_enrollment_first() -> None:
    types = demo_types()
    assert sorted(types) == sorted(EventType)
    assert types[0] == EventType.ENROLLMENT


def test_the_same_arguments_give_the_same_rows(rows: Rows) -> None:
    build_world.cache_clear()
    for event_type in (EventType.PAYMENT, EventType.SURVEY, EventType.COST, EventType.TICKET):
        assert list(demo_rows(event_type, today=TODAY, tz=TOKYO)) == rows[event_type]


def test_a_later_today_keeps_the_history_and_adds_to_it(rows: Rows) -> None:
    later = date(2026, 12, 5)
    for event_type in (EventType.ENROLLMENT, EventType.PAYMENT, EventType.SURVEY):
        more = list(demo_rows(event_type, today=later, tz=TOKYO))
        kept = [row for row in more if datetime.fromisoformat(row["at"]) < END_OF_TODAY]
        assert kept == rows[event_type]
        assert len(more) > len(kept)


def test_every_type_has_rows(rows: Rows) -> None:
    assert all(rows[t] for t in EventType)


def test_every_row_validates_against_its_record_type(rows: Rows) -> None:
    for event_type, typed in rows.items():
        for row in typed:
            assert list(row) == fields_of(event_type)
            assert all(isinstance(value, str) for value in row.values())
            validate(event_type, row, TOKYO)


def test_ids_are_unique_per_type(rows: Rows) -> None:
    for typed in rows.values():
        ids = [row["id"] for row in typed]
        assert len(ids) == len(set(ids))


def test_nothing_is_dated_after_the_end_of_today(rows: Rows) -> None:
    for typed in rows.values():
        for row in typed:
            for name in ("at", "until", "first_response_at"):
                if row.get(name):
                    assert datetime.fromisoformat(row[name]) < END_OF_TODAY
    assert any(row["first_response_at"] == "" for row in rows[EventType.TICKET])
    assert all(row["until"] for row in rows[EventType.DOWNTIME])


def test_times_carry_the_zones_own_offset_across_daylight_saving() -> None:
    new_york = ZoneInfo("America/New_York")
    for event_type in (EventType.ENROLLMENT, EventType.PAYMENT, EventType.TICKET):
        for row in demo_rows(event_type, today=date(2025, 12, 31), tz=new_york):
            validate(event_type, row, new_york)
            at = datetime.fromisoformat(row["at"])
            assert at.utcoffset() == at.astimezone(new_york).utcoffset()


def test_a_today_before_the_start_gives_nothing() -> None:
    before = DEMO_START - timedelta(days=1)
    assert list(demo_rows(EventType.ENROLLMENT, today=before, tz=TOKYO)) == []


def test_scale_two_gives_about_twice_the_enrollments(rows: Rows) -> None:
    doubled = list(demo_rows(EventType.ENROLLMENT, today=TODAY, tz=TOKYO, scale=2.0))
    assert 1.9 <= len(doubled) / len(rows[EventType.ENROLLMENT]) <= 2.1


def test_write_demo_csv_writes_one_file_per_type_with_a_type_column(tmp_path: Path) -> None:
    written = write_demo_csv(tmp_path / "out", today=date(2025, 9, 30), tz=TOKYO)
    assert set(written) == set(EventType)
    for event_type, (path, count) in written.items():
        assert path == tmp_path / "out" / f"{event_type.value}.csv"
        with path.open(encoding="utf-8", newline="") as file:
            lines = list(csv.reader(file))
        assert lines[0] == ["type", *fields_of(event_type)]
        assert len(lines) - 1 == count > 0
        assert {line[0] for line in lines[1:]} == {event_type.value}


def test_growth_follows_the_phase_targets(rows: Rows) -> None:
    enrolled = Counter(month_of(row["at"]) for row in rows[EventType.ENROLLMENT])

    def by(last: str) -> int:
        return sum(n for month, n in enrolled.items() if month <= last)

    assert 45 <= by("2025-06") <= 55
    assert 280 <= by("2025-12") <= 320
    assert 950 <= by("2026-11") <= 1_200


def test_october_2026_lands_each_kpi_in_its_intended_band(rows: Rows) -> None:
    month = "2026-10"
    new = in_month(rows[EventType.ENROLLMENT], month)
    assert 85 <= len(new) <= 95  # target 80: green
    referral = sum(row["channel"] == "referral" for row in new) / len(new)
    assert 0.17 <= referral <= 0.21  # target 30 %: red

    revenue = sum(int(row["amount"]) for row in in_month(rows[EventType.PAYMENT], month))
    assert 5_500_000 <= revenue <= 6_500_000  # target 8M: orange
    costs: dict[str, int] = defaultdict(int)
    for row in in_month(rows[EventType.COST], month):
        costs[row["category"]] += int(row["amount"])
    assert 26_500 <= costs["marketing"] / len(new) <= 28_500  # CAC, target 25,000: yellow
    assert 0.87 <= (revenue - costs["variable"]) / revenue <= 0.91  # target 85 %: green

    surveys = in_month(rows[EventType.SURVEY], month)
    scores = [int(row["nps"]) for row in surveys if row["nps"]]
    nps = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    assert len(scores) >= 40
    assert 71 <= nps <= 76  # target 75: green
    adoption = [row["ai_adoption"] == "true" for row in surveys if row["ai_adoption"]]
    assert 0.71 <= sum(adoption) / len(adoption) <= 0.77  # target 90 %: yellow

    seconds = 31 * 86_400
    down = sum(
        (datetime.fromisoformat(row["until"]) - datetime.fromisoformat(row["at"])).total_seconds()
        for row in in_month(rows[EventType.DOWNTIME], month)
    )
    assert 0.997 <= 1 - down / seconds <= 0.9995  # target 99.5 %: green
    assert 2 <= len(in_month(rows[EventType.RELEASE], month)) <= 3  # target 2: green

    tickets = in_month(rows[EventType.TICKET], month)
    within_day = [
        datetime.fromisoformat(row["first_response_at"]) - datetime.fromisoformat(row["at"])
        <= timedelta(hours=24)
        for row in tickets
    ]
    assert sum(within_day) / len(tickets) >= 0.93  # target 95 %: green


def test_every_week_of_october_2026_has_a_csat_near_four(rows: Rows) -> None:
    weeks: dict[date, list[int]] = defaultdict(list)
    for row in rows[EventType.SURVEY]:
        day = datetime.fromisoformat(row["at"]).astimezone(TOKYO).date()
        if row["csat"] and date(2026, 9, 28) <= day < date(2026, 11, 2):
            weeks[day - timedelta(days=day.weekday())].append(int(row["csat"]))
    assert len(weeks) == 5
    for answers in weeks.values():
        assert len(answers) >= 10
        assert 3.8 <= sum(answers) / len(answers) <= 4.04  # target 4.5: yellow


def test_history_has_one_long_outage_in_2025(rows: Rows) -> None:
    down: dict[str, float] = defaultdict(float)
    for row in rows[EventType.DOWNTIME]:
        span = datetime.fromisoformat(row["until"]) - datetime.fromisoformat(row["at"])
        down[month_of(row["at"])] += span.total_seconds()
    bad = [month for month, seconds in down.items() if seconds > 0.02 * 30 * 86_400]
    assert len(bad) == 1
    assert bad[0].startswith("2025")
