"""`kpibot show` and `kpibot status`: KPI states as text or JSON."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import EXIT_USAGE, CliError
from bot.runtime import Runtime
from bot.slack.blocks.kpi import kpi_message, status_message
from bot.slack.blocks.plain import plain_text
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Catalog, KpiDefinition, UnknownKpi
from kpi_engine.export import state_as_dict
from kpi_engine.levels import Level
from storage.snapshot import state_at, states_at


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The moment a local day ends: the next midnight, which answers label "end of `day`"."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def as_of_moment(runtime: Runtime, day: date | None) -> datetime:
    """The moment to evaluate at: the end of a given local day, else the runtime's now, the
    clock `/kpi` in Slack reads too."""
    if day is None:
        return runtime.clock()
    return end_of_day(day, runtime.settings.zone)


def find_kpi(catalog: Catalog, query: str, locale: str) -> KpiDefinition:
    """Look a KPI up by id, name or alias, or fail with the closest ids."""
    try:
        return catalog.find(query)
    except UnknownKpi as error:
        if error.suggestions:
            names = ", ".join(error.suggestions)
            message = t(locale, Text.CLI_UNKNOWN_KPI_SUGGEST, query=repr(query), names=names)
        else:
            message = t(locale, Text.CLI_UNKNOWN_KPI, query=repr(query))
        raise CliError(message, EXIT_USAGE) from None


def show(args: argparse.Namespace, runtime: Runtime) -> int:
    """Print one KPI's state."""
    settings, catalog = runtime.settings, runtime.catalog
    kpi = find_kpi(catalog, args.kpi, settings.locale)
    moment = as_of_moment(runtime, args.at)
    state = state_at(runtime.database, kpi, catalog, moment, settings.zone)
    if args.json:
        print(json.dumps(state_as_dict(state, settings.locale), ensure_ascii=False, indent=2))
    else:
        print(plain_text(kpi_message(state, settings.locale)))
    return 0


def status(args: argparse.Namespace, runtime: Runtime) -> int:
    """Print every KPI's state."""
    settings, catalog = runtime.settings, runtime.catalog
    level = Level(args.level) if args.level else None
    states = states_at(
        runtime.database,
        catalog,
        as_of_moment(runtime, args.at),
        settings.zone,
    )
    if args.json:
        payload = [
            state_as_dict(state, settings.locale)
            for state in states
            if level is None or state.level is level
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(plain_text(status_message(states, settings.locale, level)))
    return 0
