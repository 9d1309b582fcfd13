"""What each report holds: which KPIs appear where, in which order, with which comparison."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from kpi_engine.catalog import Target
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce
from kpi_engine.freshness import Freshness
from kpi_engine.levels import Level
from kpi_engine.reports import (
    ActionTally,
    ImprovementAction,
    NoteKind,
    ReportKind,
    ReportNote,
    ReportPeriod,
    Response,
    is_main,
    monthly_digest,
    quarterly_review,
    targets_during,
    toward_target,
    weekly_summary,
)
from tests.kpi_engine.events import CATALOG, TOKYO

WEEK = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W47")  # 16-22 November 2026
MONTH = ReportPeriod.from_key(ReportKind.MONTHLY, "2026-11")
QUARTER = ReportPeriod.from_key(ReportKind.QUARTERLY, "2026-Q2")  # ends with Phase 2
WEEK_END = WEEK.ends_at(TOKYO)


def state(
    kpi_id: str,
    level: Level = Level.GREEN,
    attainment: float | None = 100.0,
    value: float | None = 1.0,
    *,
    previous: float | None = None,
    basis: Basis | None = Basis.CURRENT,
    target: float | None = None,
    as_of: datetime = WEEK_END,
) -> KpiState:
    """A hand-made state: `value` in the current period, `previous` in the one before."""
    kpi = CATALOG.get(kpi_id)
    in_force = None if target is None else TargetInForce(target, None, None, target)
    current = PeriodValue(date(2026, 11, 16), date(2026, 11, 22), value, None, level, in_force)
    before = replace(current, start=date(2026, 11, 9), end=date(2026, 11, 15), value=previous)
    return KpiState(
        kpi, as_of, current, before, before, [before, current], in_force, attainment, level,
        basis, None, None,
    )  # fmt: skip


def green(as_of: datetime = WEEK_END) -> list[KpiState]:
    return [state(kpi.id, as_of=as_of) for kpi in CATALOG.kpis]


def with_states(*changed: KpiState) -> list[KpiState]:
    """Every KPI green, except the given states."""
    by_id = {s.kpi.id: s for s in changed}
    return [by_id.get(s.kpi.id, s) for s in green()]


def fresh() -> list[Freshness]:
    return [Freshness(kpi, WEEK_END, WEEK_END, timedelta(days=1)) for kpi in CATALOG.kpis]


def test_the_main_kpis_are_those_of_the_documents_phase_tables() -> None:
    main = [kpi.id for kpi in CATALOG.kpis if is_main(kpi)]
    assert main == ["cumulative_students", "mrr", "cac", "ltv_cac", "completion_rate", "nps"]


def test_the_weekly_summary_follows_the_main_kpis_in_catalog_order_with_last_weeks_value() -> None:
    now = with_states(state("mrr", value=2_000_000.0))
    week_before = with_states(state("mrr", value=1_500_000.0))
    summary = weekly_summary(WEEK, now, week_before, fresh())
    assert [p.kpi.id for p in summary.progress] == [
        "cumulative_students", "mrr", "cac", "ltv_cac", "completion_rate", "nps",
    ]  # fmt: skip
    mrr = summary.progress[1]
    assert (mrr.value, mrr.value_before) == (2_000_000.0, 1_500_000.0)
    assert summary.as_of == WEEK_END
    assert summary.period == WEEK


def test_a_kpi_judged_on_its_previous_period_shows_that_periods_value() -> None:
    judged_before = state(
        "nps", Level.YELLOW, 85.0, value=90.0, previous=51.0, basis=Basis.PREVIOUS
    )
    summary = weekly_summary(WEEK, with_states(judged_before), [], fresh())
    nps = next(p for p in summary.progress if p.kpi.id == "nps")
    assert (nps.value, nps.attainment, nps.value_before) == (51.0, 85.0, None)


def test_problems_list_every_kpi_at_yellow_or_worse_worst_first_with_its_response() -> None:
    states = with_states(
        state("csat", Level.YELLOW, 85.0),
        state("uptime", Level.RED, 60.0),
        state("nps", Level.ORANGE, 75.0),
        state("mrr", Level.RED, 50.0),
        state("cac", Level.YELLOW, 81.0),
        state("gross_margin", Level.INSUFFICIENT_DATA, None),
        state("ltv", Level.NO_DATA, None),
    )
    summary = weekly_summary(WEEK, states, [], fresh())
    assert [(c.progress.kpi.id, c.response) for c in summary.concerns] == [
        ("mrr", Response.EMERGENCY),  # red, 50 %
        ("uptime", Response.EMERGENCY),  # red, 60 %
        ("nps", Response.ACT_NOW),
        ("cac", Response.CONSIDER),  # yellow, 81 % before 85 %
        ("csat", Response.CONSIDER),
    ]


def test_a_red_level_from_a_rule_without_attainment_sorts_after_other_reds() -> None:
    states = with_states(state("uptime", Level.RED, None), state("nps", Level.RED, 99.0))
    summary = weekly_summary(WEEK, states, [], fresh())
    assert [c.progress.kpi.id for c in summary.concerns] == ["nps", "uptime"]


def test_no_problems_when_every_kpi_is_green() -> None:
    assert weekly_summary(WEEK, green(), [], fresh()).concerns == []


def test_actions_due_in_the_coming_week_are_listed_by_due_day_and_none_by_default() -> None:
    assert weekly_summary(WEEK, green(), [], fresh()).actions == []
    actions = [
        ImprovementAction("nps", "survey follow-up", date(2026, 11, 29)),  # Sunday of next week
        ImprovementAction("mrr", "pricing", date(2026, 11, 23)),  # Monday of next week
        ImprovementAction("cac", "too early", date(2026, 11, 22)),  # this week
        ImprovementAction("cac", "too late", date(2026, 11, 30)),  # the week after
    ]
    summary = weekly_summary(WEEK, green(), [], fresh(), actions)
    assert [a.title for a in summary.actions] == ["pricing", "survey follow-up"]


def test_actions_due_before_the_coming_week_are_overdue_oldest_first_then_by_number() -> None:
    actions = [
        ImprovementAction("cac", "this week", date(2026, 11, 22), id=7),
        ImprovementAction("nps", "long ago", date(2026, 10, 1), id=9),
        ImprovementAction("mrr", "same day, lower number", date(2026, 11, 22), id=3),
        ImprovementAction("mrr", "next week", date(2026, 11, 23), id=1),
    ]
    summary = weekly_summary(WEEK, green(), [], fresh(), actions)
    assert [a.title for a in summary.overdue] == [
        "long ago",
        "same day, lower number",
        "this week",
    ]
    assert [a.title for a in summary.actions] == ["next week"]
    assert set(summary.action_kpis) == {"cac", "nps", "mrr"}


def test_stale_kpis_are_those_whose_freshness_says_so_in_catalog_order() -> None:
    old = WEEK_END - timedelta(days=40)
    freshness = [
        Freshness(kpi, WEEK_END, None if kpi.id == "csat" else old, timedelta(days=32))
        for kpi in CATALOG.kpis
    ]
    stale = weekly_summary(WEEK, green(), [], freshness).stale
    # Every KPI: 40 days is older than the 32 allowed, and csat has no data at all.
    assert [item.kpi.id for item in stale] == [kpi.id for kpi in CATALOG.kpis]
    assert weekly_summary(WEEK, green(), [], fresh()).stale == []


def test_a_report_refuses_a_period_of_the_wrong_kind_or_no_states() -> None:
    with pytest.raises(ValueError, match="covers a week"):
        weekly_summary(MONTH, green(), [], fresh())
    with pytest.raises(ValueError, match="states"):
        weekly_summary(WEEK, [], [], fresh())
    with pytest.raises(ValueError, match="covers a month"):
        monthly_digest(CATALOG, WEEK, green(), [], {}, [], TOKYO)
    with pytest.raises(ValueError, match="covers a quarter"):
        quarterly_review(CATALOG, MONTH, green(), [])


def note(kind: NoteKind, text: str, at: datetime) -> ReportNote:
    return ReportNote(kind, text, "U0AUTHOR", at)


def test_the_monthly_digest_groups_every_kpi_by_tier_with_month_and_year_comparisons() -> None:
    now = with_states(state("nps", value=72.0))
    month_before = with_states(state("nps", value=70.0))
    last_year = {"nps": PeriodValue(date(2025, 11, 1), date(2025, 11, 30), 61.0, 50)}
    digest = monthly_digest(CATALOG, MONTH, now, month_before, last_year, [], TOKYO)
    assert [len(tier.details) for tier in digest.tiers] == [4, 7, 6, 5]
    assert [d.progress.kpi.id for tier in digest.tiers for d in tier.details] == [
        kpi.id for tier in CATALOG.by_tier().values() for kpi in tier
    ]
    nps = next(d for d in digest.tiers[3].details if d.progress.kpi.id == "nps")
    assert (nps.progress.value, nps.progress.value_before, nps.value_last_year) == (
        72.0,
        70.0,
        61.0,
    )
    assert digest.phase is not None and digest.phase.id == "phase3"


def test_the_monthly_digest_keeps_the_notes_written_in_the_month_in_local_time() -> None:
    notes = [
        # 2026-11-01 00:00 JST is 2026-10-31 15:00 UTC: in November.
        note(NoteKind.STRATEGY, "first", datetime(2026, 10, 31, 15, 0, tzinfo=UTC)),
        note(NoteKind.MARKET, "too early", datetime(2026, 10, 31, 14, 59, 59, tzinfo=UTC)),
        note(NoteKind.MARKET, "late", datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC)),
        note(NoteKind.MARKET, "mid", datetime(2026, 11, 15, 3, 0, tzinfo=UTC)),
        note(NoteKind.MARKET, "too late", datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),
    ]
    digest = monthly_digest(CATALOG, MONTH, green(), [], {}, notes, TOKYO)
    assert [n.text for n in digest.market] == ["mid", "late"]
    assert [n.text for n in digest.strategy] == ["first"]


def test_progress_toward_a_target_uses_its_own_value_and_the_kpis_direction() -> None:
    students, cac = CATALOG.get("cumulative_students"), CATALOG.get("cac")
    goal = TargetInForce(1500, date(2027, 6, 30), "phase3", 1200.0)
    assert toward_target(1050.0, goal, students) == pytest.approx(70.0)
    assert toward_target(50_000.0, Target(value=25_000, start=date(2026, 7, 1)), cac) == 50.0
    assert toward_target(None, goal, students) is None
    assert toward_target(1.0, None, students) is None


def test_the_quarterly_review_shows_strategic_goals_phase_results_and_next_targets() -> None:
    end = QUARTER.ends_at(TOKYO)
    now = [state(kpi.id, value=750.0, as_of=end) for kpi in CATALOG.kpis]
    review = quarterly_review(CATALOG, QUARTER, now, [])
    assert [g.progress.kpi.id for g in review.strategic] == [
        "brand_search_rank", "market_share", "cumulative_students", "annual_revenue",
    ]  # fmt: skip
    students = review.strategic[2]
    assert students.goal is not None and students.goal.value == 10000
    assert students.toward_goal == pytest.approx(7.5)
    assert [d.progress.kpi.id for d in review.results] == [
        "cumulative_students", "mrr", "cac", "ltv_cac", "completion_rate", "nps",
    ]  # fmt: skip
    # Q2 2026 is the end of Phase 2; Q3 begins Phase 3 with new targets.
    assert review.phase is not None and review.phase.id == "phase2"
    assert review.next_phase is not None and review.next_phase.id == "phase3"
    assert review.phase_changes
    changed = {(n.kpi.id, n.target.value) for n in review.next_targets if n.changed}
    assert changed == {
        ("cumulative_students", 1500), ("mrr", 8_000_000), ("cac", 25_000), ("ltv_cac", 6.0),
        ("completion_rate", 85), ("nps", 75),
    }  # fmt: skip
    assert len(review.next_targets) == len(CATALOG.kpis)  # one target each in Q3 2026


def test_within_a_phase_the_next_quarters_targets_are_unchanged() -> None:
    q4 = ReportPeriod.from_key(ReportKind.QUARTERLY, "2026-Q4")
    review = quarterly_review(CATALOG, q4, green(q4.ends_at(TOKYO)), [])
    assert not review.phase_changes
    assert not any(n.changed for n in review.next_targets)


def test_targets_during_a_span_include_one_starting_inside_it() -> None:
    mrr = CATALOG.get("mrr")
    q3_2025 = ReportPeriod.from_key(ReportKind.QUARTERLY, "2025-Q2").span  # Apr-Jun 2025
    assert [t.value for t in targets_during(mrr, q3_2025)] == [1_500_000]
    whole_2025 = replace(q3_2025, start=date(2025, 1, 1), end=date(2026, 1, 1))
    assert [t.value for t in targets_during(mrr, whole_2025)] == [1_500_000, 5_000_000]


def test_the_monthly_digest_keeps_action_tallies_with_something_in_catalog_order() -> None:
    tallies = [
        ActionTally("nps", opened=2, closed=1),
        ActionTally("retired_kpi", opened=1, closed=0),
        ActionTally("mrr", opened=0, closed=0),
        ActionTally("cumulative_students", opened=0, closed=3),
    ]
    digest = monthly_digest(CATALOG, MONTH, green(), [], {}, [], TOKYO, tallies)
    # Catalog order, a KPI the catalog no longer has last, empty tallies left out.
    assert [t.kpi for t in digest.actions] == ["cumulative_students", "nps", "retired_kpi"]
