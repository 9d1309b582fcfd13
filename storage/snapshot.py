"""KPI states, the dashboard and reports' inputs evaluated on one consistent snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kpi_engine.catalog import Catalog, KpiDefinition
from kpi_engine.dashboard import Dashboard, dashboard
from kpi_engine.evaluate import KpiState, PeriodValue, evaluate, evaluate_all
from kpi_engine.freshness import Freshness, freshness
from kpi_engine.reports import (
    ActionTally,
    ImprovementAction,
    ReportKind,
    ReportNote,
    ReportPeriod,
    judged_last_year,
)
from storage.db import Database
from storage.source import SourceMemo, SqlKpiSource

if TYPE_CHECKING:
    from storage.alerts import StoredAlert

# The alerts', notes' and actions' tables are read only by the functions that need them,
# which import their modules: `kpibot show` and `status` load none of them.


def state_at(
    database: Database, kpi: KpiDefinition, catalog: Catalog, moment: datetime, zone: ZoneInfo
) -> KpiState:
    """Evaluate one KPI at a moment on one snapshot."""
    with database.read() as connection:
        return evaluate(kpi, catalog, SqlKpiSource(connection), moment, zone)


def states_at(
    database: Database, catalog: Catalog, moment: datetime, zone: ZoneInfo
) -> list[KpiState]:
    """Evaluate every KPI of the catalog at a moment on one snapshot, in catalog order."""
    with database.read() as connection:
        return evaluate_all(catalog, SqlKpiSource(connection), moment, zone)


def board_at(
    database: Database, catalog: Catalog, moment: datetime, zone: ZoneInfo
) -> tuple[Dashboard, list[KpiState]]:
    """Compute the dashboard figures and every KPI's state at a moment on one snapshot."""
    with database.read() as connection:
        source = SqlKpiSource(connection)
        return (
            dashboard(catalog, source, moment, zone),
            evaluate_all(catalog, source, moment, zone),
        )


def alert_inputs_at(
    database: Database,
    catalog: Catalog,
    moment: datetime,
    zone: ZoneInfo,
    memo: SourceMemo | None = None,
) -> tuple[list[KpiState], list[Freshness]]:
    """Every KPI's state and freshness at a moment on one snapshot, in catalog order;
    with a memo, what an earlier evaluation read of the same data is not read again."""
    with database.read() as connection:
        source = SqlKpiSource(connection) if memo is None else memo.source(connection)
        return evaluate_all(catalog, source, moment, zone), freshness(catalog, source, moment)


def open_alerts_at(
    database: Database, catalog: Catalog, moment: datetime
) -> tuple[Sequence[StoredAlert], list[Freshness]]:
    """The open alerts, worst first, and every KPI's freshness at a moment, on one snapshot."""
    from storage.alerts import open_alerts

    with database.read() as connection:
        return open_alerts(connection), freshness(catalog, SqlKpiSource(connection), moment)


@dataclass(frozen=True)
class ReportInputs:
    """What a report is built from, all read on one snapshot."""

    states: list[KpiState]  # as of the period's end
    before: list[KpiState]  # as of the end of the period before
    last_year: dict[str, PeriodValue]  # each judged period a year earlier (monthly only)
    freshness: list[Freshness]  # at the period's end (weekly only)
    notes: list[ReportNote]  # written during the period (monthly only)
    actions: list[ImprovementAction]  # open at the period's end, with a due day (weekly only)
    action_tallies: list[ActionTally]  # opened and closed during the period (monthly only)


def report_inputs_at(
    database: Database, catalog: Catalog, period: ReportPeriod, zone: ZoneInfo
) -> ReportInputs:
    """Evaluate what a report of a period needs, on one read snapshot."""
    from storage.actions import actions_open_at, tally_actions
    from storage.notes import month_bounds, notes_in_month

    end, before_end = period.ends_at(zone), period.before().ends_at(zone)
    with database.read() as connection:
        source = SqlKpiSource(connection)
        states = evaluate_all(catalog, source, end, zone)
        before = evaluate_all(catalog, source, before_end, zone)
        last_year: dict[str, PeriodValue] = {}
        fresh: list[Freshness] = []
        notes: list[ReportNote] = []
        actions: list[ImprovementAction] = []
        tallies: list[ActionTally] = []
        if period.kind is ReportKind.WEEKLY:
            fresh = freshness(catalog, source, end)
            actions = actions_open_at(connection, end)
        if period.kind is ReportKind.MONTHLY:
            last_year = judged_last_year(catalog, source, states, zone)
            notes = notes_in_month(connection, period.span.start, zone)
            tallies = tally_actions(connection, *month_bounds(period.span.start, zone))
    return ReportInputs(states, before, last_year, fresh, notes, actions, tallies)
