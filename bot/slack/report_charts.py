"""The reports' charts: KPIs' attainment of target over their recent periods.

One chart holds several KPIs of different units (yen, %, people, a ratio), so each is drawn
as its attainment of target: every KPI on one scale, the 100 % line is the target, and the
document's level bands (90 / 80 / 70 %) are shaded behind, so a reader sees at a glance
which KPI is off target and which way it moves. Small multiples (one panel per KPI over its
own last 12 periods: weeks, months or quarters, as the KPI is measured) rather than one
crowded axes, because lines of different period lengths cannot share an x axis. An
attainment above 150 % (a CAC far below target is +inf) is drawn on the top edge as a
triangle, and one below 0 % (a growth KPI whose value shrank) on the bottom edge, so one
outlier does not flatten every other line.

The weekly summary's chart of the six main KPIs is small multiples (`attainment_figure`),
where the shape of each line matters. A tier chart of the monthly digest holds up to seven
KPIs for stakeholders, so it is a grid (`attainment_heatmap`): one row per KPI, its last 12
periods as cells (oldest left, the latest label beside the row), each showing the attainment
in whole percent, tinted by that period's own level. A reader finds the red cells and their
numbers at a glance, and one grid costs a fraction of seven panels to draw.

Like `bot.slack.charts`: a `Figure` on an Agg canvas, never pyplot, every text given the
Japanese font explicitly, and one process-wide lock around matplotlib.
"""

from __future__ import annotations

import io
import math
from enum import StrEnum

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.slack.charts import (
    ACTUAL_COLOUR,
    DPI,
    FONT_FAMILY,
    LEVEL_COLOURS,
    RENDER_LOCK,
    TARGET_COLOUR,
    UNJUDGED_COLOUR,
    chart_points,
    period_label,
)
from bot.slack.copy import level_label, t
from bot.slack.copy.keys import Text
from kpi_engine.evaluate import KpiState
from kpi_engine.levels import Level
from kpi_engine.reports import period_attainment

CEILING = 150.0  # percent: higher attainments are drawn on the top edge
BANDS = (
    (0.0, 70.0, Level.RED),
    (70.0, 80.0, Level.ORANGE),
    (80.0, 90.0, Level.YELLOW),
    (90.0, CEILING, Level.GREEN),
)
BAND_ALPHA = 0.15
PANEL_WIDTH = 3.0  # inches
PANEL_HEIGHT = 2.1
MAX_COLUMNS = 3


class ReportSeries(StrEnum):
    """What each drawn artist is (its gid), so tests and readers can tell them apart."""

    ATTAINMENT = "attainment"  # the line of a KPI's attainment per period
    POINTS = "points"  # its periods, one colour per level
    CLIPPED = "clipped"  # periods above the ceiling, drawn on it
    FULL = "full"  # the 100 % line
    BAND = "band"  # a level band behind the line
    NO_DATA = "no_data"  # the note in a panel without a single attainment
    HEATMAP = "heatmap"  # the tier chart's grid of cells, one per KPI and period
    CELL = "cell"  # a cell's attainment, as text
    LATEST = "latest"  # beside each row, the label of its latest period


def attainment_series(state: KpiState) -> tuple[list[str], list[float]]:
    """A KPI's periods to draw (from its first with a value) as x labels and attainments in
    percent, NaN where there is none."""
    points = chart_points(state)
    labels = [period_label(state.kpi.period, p.period) for p in points]
    values = [period_attainment(state.kpi, p.period) for p in points]
    return labels, [math.nan if v is None or math.isnan(v) else v for v in values]


# Margins in inches, laid out by hand: constrained layout would cost as much as the drawing.
_LEFT, _RIGHT, _TOP, _BOTTOM = 0.45, 0.15, 0.7, 0.75
_GAP_X, _GAP_Y = 0.45, 0.6  # between panels: tick labels, and the next panel's title


def attainment_figure(states: list[KpiState], title: str, locale: str) -> Figure:
    """Small multiples of each KPI's attainment over its recent periods, in state order."""
    with RENDER_LOCK:
        columns = max(1, min(MAX_COLUMNS, len(states)))
        rows = max(1, math.ceil(len(states) / columns))
        width = _LEFT + _RIGHT + PANEL_WIDTH * columns
        height = _TOP + _BOTTOM + PANEL_HEIGHT * rows
        figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(figure)
        panel_width = (width - _LEFT - _RIGHT - _GAP_X * (columns - 1)) / columns
        panel_height = (height - _TOP - _BOTTOM - _GAP_Y * (rows - 1)) / rows
        figure.subplots_adjust(
            left=_LEFT / width,
            right=1 - _RIGHT / width,
            top=1 - _TOP / height,
            bottom=_BOTTOM / height,
            wspace=_GAP_X / panel_width,
            hspace=_GAP_Y / panel_height,
        )
        font = FontProperties(family=FONT_FAMILY)
        # Only the panels drawn: an empty grid slot would still cost its axes and ticks.
        for index, state in enumerate(states):
            _panel(figure.add_subplot(rows, columns, index + 1), state, locale, font)
        figure.suptitle(title, fontproperties=font, fontsize=13, y=1 - 0.12 / height, va="top")
        attained = t(locale, Text.REPORT_CHART_ATTAINMENT)
        full = t(locale, Text.REPORT_CHART_FULL)
        handles = [
            Line2D([], [], color=ACTUAL_COLOUR, linewidth=1.8, marker="o", markersize=4),
            Line2D([], [], color=TARGET_COLOUR, linestyle="--"),
            Line2D([], [], linestyle="none"),
        ]
        handles[0].set_label(attained)
        handles[1].set_label(full)
        handles[2].set_label(t(locale, Text.REPORT_CHART_BANDS))
        figure.legend(
            handles=handles,
            prop=font,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=3,
            frameon=False,
        )
    return figure


def _panel(axes: Axes, state: KpiState, locale: str, font: FontProperties) -> None:
    labels, values = attainment_series(state)
    xs = list(range(len(labels)))
    for low, high, level in BANDS:
        axes.axhspan(low, high, color=LEVEL_COLOURS[level], alpha=BAND_ALPHA, linewidth=0,
                     gid=ReportSeries.BAND)  # fmt: skip
    axes.axhline(100.0, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, gid=ReportSeries.FULL)
    shown = [min(max(v, 0.0), CEILING) for v in values]
    if any(not math.isnan(v) for v in values):
        axes.plot(xs, shown, color=ACTUAL_COLOUR, linewidth=1.8, gid=ReportSeries.ATTAINMENT)
        points = chart_points(state)
        drawn = [(x, v, p) for x, v, p in zip(xs, shown, points, strict=True) if not math.isnan(v)]
        axes.scatter(
            [x for x, _, _ in drawn],
            [v for _, v, _ in drawn],
            c=[LEVEL_COLOURS.get(p.period.level, UNJUDGED_COLOUR) for _, _, p in drawn],
            s=18,
            zorder=3,
            clip_on=False,
            gid=ReportSeries.POINTS,
        )
        for marker, edge, beyond in (("^", CEILING, CEILING.__lt__), ("v", 0.0, (0.0).__gt__)):
            clipped = [x for x, v in zip(xs, values, strict=True) if beyond(v)]
            if clipped:
                axes.scatter(
                    clipped,
                    [edge] * len(clipped),
                    marker=marker,
                    s=40,
                    zorder=4,
                    color=ACTUAL_COLOUR,
                    clip_on=False,
                    gid=ReportSeries.CLIPPED,
                )
    else:
        axes.text(0.5, 0.5, t(locale, Text.LEVEL_NO_DATA), transform=axes.transAxes,
                  ha="center", va="center", fontproperties=font, color="#888888",
                  gid=ReportSeries.NO_DATA)  # fmt: skip
    axes.set_ylim(0, CEILING)
    axes.set_yticks([0, 50, 70, 100, 150], ["0", "50", "70", "100%", "150"])
    # First and last period only: twelve labels do not fit a small panel.
    ticks = [0, len(labels) - 1] if len(labels) > 1 else [0]
    axes.set_xticks(ticks, [labels[i] for i in ticks] if labels else [""])
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    axes.tick_params(labelsize=8, labelfontfamily=FONT_FAMILY)
    axes.set_title(state.kpi.name.in_locale(locale), fontproperties=font, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)


# The tier charts' grid, in inches.
_CELL_WIDTH, _ROW_HEIGHT = 0.6, 0.42
_NAME_WIDTH, _LATEST_WIDTH = 2.9, 0.9
_GRID_TOP, _GRID_BOTTOM = 0.75, 0.85
_NO_LEVEL = "#eeeeee"  # a period without an attainment or a judgement
_CELL_TINT = 0.45  # how much of the level's colour a cell takes; the rest is white


def _tint(colour: str) -> tuple[float, float, float]:
    red, green, blue = to_rgb(colour)
    return tuple(1 - _CELL_TINT * (1 - c) for c in (red, green, blue))  # type: ignore[return-value]


def cell_text(percent: float) -> str:
    """An attainment as a cell shows it: whole percent, `∞` for a perfect lower-is-better."""
    if math.isnan(percent):
        return "-"
    if math.isinf(percent):
        return "∞" if percent > 0 else "-∞"
    return f"{percent:.0f}"


def attainment_heatmap(states: list[KpiState], title: str, locale: str) -> Figure:
    """A grid of each KPI's attainment (rows, in state order) over its last 12 periods
    (columns, oldest left), each cell tinted by that period's own level."""
    with RENDER_LOCK:
        periods = max((len(state.history) for state in states), default=1)
        rows = max(len(states), 1)
        width = _NAME_WIDTH + _CELL_WIDTH * periods + _LATEST_WIDTH
        height = _GRID_TOP + _GRID_BOTTOM + _ROW_HEIGHT * rows
        figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_axes(
            (
                _NAME_WIDTH / width,
                _GRID_BOTTOM / height,
                _CELL_WIDTH * periods / width,
                _ROW_HEIGHT * rows / height,
            )
        )
        font = FontProperties(family=FONT_FAMILY)
        colours = []
        for row, state in enumerate(states):
            # Right-aligned: the latest period of every KPI in the last column.
            padding = [_NO_LEVEL] * (periods - len(state.history))
            cells = padding + [
                LEVEL_COLOURS.get(period.level, _NO_LEVEL) for period in state.history
            ]
            colours.append([_tint(c) if c != _NO_LEVEL else to_rgb(c) for c in cells])
            offset = periods - len(state.history)
            for column, period in enumerate(state.history, start=offset):
                attained = period_attainment(state.kpi, period)
                axes.text(column, row, cell_text(math.nan if attained is None else attained),
                          ha="center", va="center", fontsize=8, color="#212121",
                          fontproperties=font, gid=ReportSeries.CELL)  # fmt: skip
            if state.history:
                latest = period_label(state.kpi.period, state.history[-1])
                axes.text(periods - 0.35, row, latest, ha="left", va="center", fontsize=8,
                          color="#616161", fontproperties=font,
                          gid=ReportSeries.LATEST)  # fmt: skip
        axes.imshow(colours or [[to_rgb(_NO_LEVEL)]], aspect="auto", interpolation="nearest",
                    gid=ReportSeries.HEATMAP)  # fmt: skip
        axes.set_yticks(range(len(states)), [s.kpi.name.in_locale(locale) for s in states])
        axes.set_xticks([])
        axes.tick_params(length=0, labelsize=9, labelfontfamily=FONT_FAMILY)
        axes.set_xlabel(t(locale, Text.REPORT_CHART_COLUMNS), fontproperties=font, fontsize=8)
        for spine in axes.spines.values():
            spine.set_visible(False)
        figure.suptitle(title, fontproperties=font, fontsize=12, y=1 - 0.1 / height, va="top")
        legend = [
            Patch(facecolor=_tint(LEVEL_COLOURS[level]), label=level_label(level, locale))
            for level in (Level.GREEN, Level.YELLOW, Level.ORANGE, Level.RED)
        ]
        legend.append(Patch(facecolor=_NO_LEVEL, label=t(locale, Text.REPORT_CHART_UNJUDGED)))
        figure.legend(handles=legend, prop=font, loc="lower center", ncols=5, frameon=False,
                      bbox_to_anchor=(0.5, 0.0), fontsize=8)  # fmt: skip
    return figure


def render_png(figure: Figure) -> bytes:
    """Save a figure as PNG bytes."""
    with RENDER_LOCK:
        buffer = io.BytesIO()
        # The fastest zlib level: a report renders up to four charts, and the best level
        # costs twice as long to encode for files only some 15 % smaller.
        figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
