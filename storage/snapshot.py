"""KPI states and the dashboard evaluated on one consistent snapshot of the database."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kpi_engine.catalog import Catalog, KpiDefinition
from kpi_engine.dashboard import Dashboard, dashboard
from kpi_engine.evaluate import KpiState, evaluate, evaluate_all
from storage.db import Database
from storage.source import SqlKpiSource


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
