"""`kpibot show` and `kpibot status`: KPI states as text or JSON."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, timedelta

from bot.errors import EXIT_USAGE, CliError
from bot.formatting import format_attainment, format_value, status_line
from bot.runtime import configured_database, load_configured_catalog
from bot.settings import Settings, load_settings
from kpi_engine.catalog import Catalog, KpiDefinition, UnknownKpi
from kpi_engine.evaluate import KpiState, evaluate, evaluate_all
from kpi_engine.export import state_as_dict
from storage.db import Database
from storage.source import SqlKpiSource

TIER_TITLES = {
    "ja": {
        "strategic": "戦略KPI",
        "business": "事業KPI",
        "operational": "運営KPI",
        "customer": "顧客KPI",
    },
    "en": {
        "strategic": "Strategic",
        "business": "Business",
        "operational": "Operational",
        "customer": "Customer",
    },
}


def as_of_moment(settings: Settings, day: date | None) -> datetime:
    """The moment to evaluate at: the end of a given local day, else now."""
    if day is None:
        return datetime.now(settings.zone)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=settings.zone)


def find_kpi(catalog: Catalog, query: str) -> KpiDefinition:
    """Look a KPI up by id, name or alias, or fail with the closest ids."""
    try:
        return catalog.find(query)
    except UnknownKpi as error:
        hint = f"; did you mean: {', '.join(error.suggestions)}?" if error.suggestions else ""
        raise CliError(f"unknown KPI {query!r}{hint}", EXIT_USAGE) from None


def evaluate_states(
    database: Database, catalog: Catalog, settings: Settings, moment: datetime
) -> list[KpiState]:
    """Evaluate every KPI on one consistent snapshot of the database."""
    with database.read() as connection:
        return evaluate_all(catalog, SqlKpiSource(connection), moment, settings.zone)


def status_text(states: list[KpiState], locale: str) -> str:
    """The status table: every KPI grouped by tier."""
    lines: list[str] = []
    for tier, title in TIER_TITLES[locale].items():
        lines.append(f"*{title}*" if lines else title)
        lines.extend(
            f"  {status_line(state, locale)}" for state in states if state.kpi.tier.value == tier
        )
    return "\n".join(line.strip("*") for line in lines)


def detail_text(state: KpiState, locale: str) -> str:
    """A KPI's detail: periods, target, attainment, level and the rule that fired."""
    kpi, unit = state.kpi, state.kpi.unit
    ja = locale == "ja"
    target = state.target
    lines = [
        f"{state.level.emoji} {kpi.name.in_locale(locale)} ({kpi.id}): {state.level.label(locale)}",
        f"  {'今期' if ja else 'current'} {state.current.start}〜{state.current.end}: "
        f"{format_value(state.current.value, unit, locale)} (n={state.current.n})",
        f"  {'前期' if ja else 'previous'} {state.previous.start}〜{state.previous.end}: "
        f"{format_value(state.previous.value, unit, locale)} (n={state.previous.n})",
        f"  {'前年同期' if ja else 'last year'} {state.last_year.start}〜{state.last_year.end}: "
        f"{format_value(state.last_year.value, unit, locale)}",
    ]
    if target is not None:
        due = target.due.isoformat() if target.due else ("期限なし" if ja else "no due date")
        lines.append(
            f"  {'目標' if ja else 'target'}: {format_value(target.value, unit, locale)} "
            f"({target.phase or ('長期目標' if ja else 'long-term goal')}, "
            f"{'期限' if ja else 'due'} {due}); "
            f"{'判定基準' if ja else 'judged against'} {format_value(target.judged, unit, locale)}"
        )
    lines.append(
        f"  {'達成率' if ja else 'attainment'}: {format_attainment(state.attainment)}"
        + (f" ({'判定' if ja else 'basis'}: {state.basis.value})" if state.basis else "")
    )
    if state.projection is not None:
        lines.append(
            f"  {'期末見込み' if ja else 'projected'}: "
            f"{format_value(state.projection, unit, locale)}"
        )
    if state.rule is not None:
        lines.append(f"  {'アラート' if ja else 'alert'}: {state.rule.message.in_locale(locale)}")
    lines.append(f"  {'測定方法' if ja else 'method'}: {kpi.method.in_locale(locale)}")
    return "\n".join(lines)


def show(args: argparse.Namespace) -> int:
    """Print one KPI's state."""
    settings = load_settings()
    catalog = load_configured_catalog()
    kpi = find_kpi(catalog, args.kpi)
    database = configured_database()
    with database.read() as connection:
        state = evaluate(
            kpi, catalog, SqlKpiSource(connection), as_of_moment(settings, args.at), settings.zone
        )
    if args.json:
        print(json.dumps(state_as_dict(state, settings.locale), ensure_ascii=False, indent=2))
    else:
        print(detail_text(state, settings.locale))
    return 0


def status(args: argparse.Namespace) -> int:
    """Print every KPI's state."""
    settings = load_settings()
    states = evaluate_states(
        configured_database(), load_configured_catalog(), settings, as_of_moment(settings, args.at)
    )
    if args.json:
        payload = [state_as_dict(state, settings.locale) for state in states]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(status_text(states, settings.locale))
    return 0
