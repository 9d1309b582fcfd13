"""The process-wide objects built from the settings: the database and the KPI catalog."""

from __future__ import annotations

from functools import cache

from bot.errors import EXIT_USAGE, CliError
from bot.settings import load_settings
from kpi_engine.catalog import Catalog, CatalogError, load_catalog
from kpi_engine.formulas import is_measured
from storage.db import Database, DatabaseError, open_database


@cache
def configured_database() -> Database:
    """Open (and migrate) the database the settings name, once per process."""
    settings = load_settings()
    try:
        return open_database(settings.database_url.get_secret_value(), settings.zone)
    except DatabaseError as error:
        raise CliError(str(error)) from None


@cache
def load_configured_catalog() -> Catalog:
    """Load the shipped catalog, or the one KPIBOT_CATALOG names, once per process."""
    settings = load_settings()
    try:
        return load_catalog(settings.catalog)
    except CatalogError as error:
        raise CliError(f"KPIBOT_CATALOG: {error}", EXIT_USAGE) from None


def measured_kpis(catalog: Catalog) -> list[str]:
    """The ids of the KPIs measured outside kpibot, which `record` and imports may set."""
    return [kpi.id for kpi in catalog.kpis if is_measured(kpi.id)]
