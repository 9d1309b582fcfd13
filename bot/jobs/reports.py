"""A report composed for delivery: its messages (the top one, then its thread) and charts.

`compose_report` is what the scheduler's report jobs, `kpibot report` and `kpibot demo`
call: it reads everything on one snapshot as of the period's end (and the period before, and
for the monthly digest a year before), asks the engine what the report holds, and renders
it. It sends nothing: the outbox does (`bot.jobs.delivery`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.slack.blocks.message import Message
from bot.slack.blocks.plain import plain_text
from bot.slack.blocks.reports import monthly_messages, quarterly_messages, weekly_messages
from bot.slack.copy import normalize_locale, t, tier_title
from bot.slack.copy.keys import Text
from bot.slack.report_charts import attainment_figure, attainment_heatmap, render_png
from kpi_engine.catalog import Tier
from kpi_engine.evaluate import KpiState
from kpi_engine.reports import (
    ReportKind,
    ReportPeriod,
    monthly_digest,
    quarterly_review,
    weekly_summary,
)
from storage.snapshot import report_inputs_at

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class ReportChart:
    """A chart to upload into a report's thread."""

    filename: str
    title: str
    png: bytes


@dataclass(frozen=True)
class ComposedReport:
    """A report ready to send: `messages[0]` is the top message, the others continue it in
    its thread in order; the charts follow them in the thread."""

    kind: ReportKind
    period: ReportPeriod
    messages: list[Message]
    charts: list[ReportChart]


def report_as_text(report: ComposedReport) -> str:
    """A report as a reader sees it in Slack, for a terminal or a file: the top message, then
    its thread, then the charts' file names and titles."""
    parts = [plain_text(message) for message in report.messages]
    parts += [f"[{chart.filename}] {chart.title}" for chart in report.charts]
    return "\n\n".join(parts) + "\n"


def _chart(states: list[KpiState], title: str, filename: str, locale: str) -> ReportChart:
    return ReportChart(filename, title, render_png(attainment_figure(states, title, locale)))


def _grid(states: list[KpiState], title: str, filename: str, locale: str) -> ReportChart:
    return ReportChart(filename, title, render_png(attainment_heatmap(states, title, locale)))


def weekly_charts(period: ReportPeriod, states: list[KpiState], locale: str) -> list[ReportChart]:
    """The weekly summary's chart: the main KPIs' attainment."""
    title = t(locale, Text.REPORT_CHART_WEEKLY_TITLE, period=period.key)
    return [_chart(states, title, f"weekly-{period.key}-main-kpis.png", locale)]


def tier_charts(
    period: ReportPeriod, states: list[KpiState], locale: str, tiers: tuple[Tier, ...] = tuple(Tier)
) -> list[ReportChart]:
    """One chart per tier: a grid of its KPIs' attainment over their last 12 periods."""
    charts = []
    for tier in tiers:
        of_tier = [state for state in states if state.kpi.tier is tier]
        if of_tier:
            title = t(
                locale,
                Text.REPORT_CHART_TIER_TITLE,
                tier=tier_title(tier, locale),
                period=period.key,
            )
            filename = f"{period.kind}-{period.key}-{tier}.png"
            charts.append(_grid(of_tier, title, filename, locale))
    return charts


def compose_report(
    runtime: Runtime, kind: ReportKind, period: ReportPeriod, *, late: bool = False
) -> ComposedReport:
    """Compose a report of a period as of its end, on one read snapshot; `late` adds a line
    (and a mark in the notification) saying the report comes later than scheduled."""
    if period.kind is not kind:
        raise ValueError(f"{period.key} is a {period.kind} period, not a {kind} one")
    settings, catalog = runtime.settings, runtime.catalog
    zone, locale = settings.zone, normalize_locale(settings.locale)
    inputs = report_inputs_at(runtime.database, catalog, period, zone)
    match kind:
        case ReportKind.WEEKLY:
            summary = weekly_summary(
                period, inputs.states, inputs.before, inputs.freshness, inputs.actions
            )
            charts = weekly_charts(period, [p.state for p in summary.progress], locale)
            messages = weekly_messages(summary, zone, locale, late=late, charts=len(charts))
        case ReportKind.MONTHLY:
            digest = monthly_digest(
                catalog,
                period,
                inputs.states,
                inputs.before,
                inputs.last_year,
                inputs.notes,
                zone,
                inputs.action_tallies,
            )
            charts = tier_charts(period, inputs.states, locale)
            messages = monthly_messages(digest, zone, locale, late=late, charts=len(charts))
        case ReportKind.QUARTERLY:
            review = quarterly_review(catalog, period, inputs.states, inputs.before)
            charts = tier_charts(period, inputs.states, locale, (Tier.STRATEGIC,))
            messages = quarterly_messages(review, zone, locale, late=late, charts=len(charts))
    return ComposedReport(kind, period, messages, charts)
