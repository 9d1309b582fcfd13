"""What the monthly digest compares with a year earlier: each KPI's judged period, a year on."""

from __future__ import annotations

from datetime import date, datetime

from kpi_engine.evaluate import Basis, evaluate_all
from kpi_engine.reports import ReportKind, ReportPeriod, judged_last_year
from storage.db import Database
from storage.snapshot import report_inputs_at
from storage.source import SqlKpiSource
from tests.kpi_engine.events import CATALOG, TOKYO, Row, store, survey

END_OF_NOVEMBER = datetime(2026, 12, 1, tzinfo=TOKYO)


def answers(month: str, scores: list[int]) -> list[Row]:
    return [
        survey(f"{month}-{i}", f"{month}-{i + 1:02d}T12:00:00+09:00", nps=score)
        for i, score in enumerate(scores)
    ]


def test_a_kpi_judged_on_its_previous_period_is_compared_with_that_period_a_year_earlier(
    database: Database,
) -> None:
    store(
        database,
        # October 2025: 6 promoters, 2 passives, 2 detractors of 10: NPS 40.
        *answers("2025-10", [10] * 6 + [8, 8, 5, 5]),
        *answers("2025-11", [10] * 10),  # November 2025: 100
        *answers("2026-10", [10] * 8 + [0, 0]),  # October 2026: 60
        *answers("2026-11", [10, 10]),  # November 2026: 2 answers, fewer than the 10 needed
    )
    with database.read() as connection:
        source = SqlKpiSource(connection)
        states = evaluate_all(CATALOG, source, END_OF_NOVEMBER, TOKYO)
        last_year = judged_last_year(CATALOG, source, states, TOKYO)
    nps = next(state for state in states if state.kpi.id == "nps")
    assert nps.basis is Basis.PREVIOUS and nps.previous.value == 60.0
    assert last_year["nps"].start == date(2025, 10, 1)
    assert last_year["nps"].value == 40.0
    # A KPI judged on its current period keeps the state's own last year.
    judged_now = [state for state in states if state.basis is not Basis.PREVIOUS]
    assert judged_now
    assert all(last_year[state.kpi.id] is state.last_year for state in judged_now)


def test_the_digests_inputs_are_read_as_of_the_months_end(database: Database) -> None:
    store(database, *answers("2026-10", [10] * 10), *answers("2026-11", [10] * 7 + [0] * 3))
    november = ReportPeriod.from_key(ReportKind.MONTHLY, "2026-11")
    inputs = report_inputs_at(database, CATALOG, november, TOKYO)
    nps_now = next(s for s in inputs.states if s.kpi.id == "nps")
    nps_before = next(s for s in inputs.before if s.kpi.id == "nps")
    assert nps_now.as_of == END_OF_NOVEMBER and nps_now.current.value == 40.0
    assert nps_before.as_of == datetime(2026, 11, 1, tzinfo=TOKYO)
    assert nps_before.current.value == 100.0
    assert inputs.freshness == []  # only the weekly summary names stale data
