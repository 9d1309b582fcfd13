"""A KPI's recent history as a PNG line chart, judged as the text judges it.

Each period is drawn against the figure it was judged against (`TargetInForce.judged`: the
straight line for a stock, the pro-rated target for the current flow period); the periods
before the KPI's data begins are left out; the current period while it is still running and
any period below the minimum sample are marked, and the legend says what the marks mean.

Rendering uses `matplotlib.figure.Figure` on an Agg canvas, never pyplot, and changes no
rcParams: every text gets the Japanese font explicitly, so other figures in the process are
untouched. matplotlib's text layout and font caches are not thread-safe, hence one lock.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import math
import threading
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path

from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.slack.copy import level_label, t, unit_label
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Unit
from kpi_engine.evaluate import KpiState, PeriodValue
from kpi_engine.levels import Judge, Level
from kpi_engine.periods import ONE_DAY, PeriodKind, span_containing

WIDTH_INCHES = 8.0
HEIGHT_INCHES = 4.0
DPI = 100  # 800 x 400 pixels

FONT_FILE = ("fonts", "ipaexg.ttf")
LEVEL_COLOURS = {
    Level.GREEN: "#2e7d32",
    Level.YELLOW: "#f9a825",
    Level.ORANGE: "#ef6c00",
    Level.RED: "#c62828",
}
ACTUAL_COLOUR = "#1f5fa8"  # the line, and points whose level is unknown
TARGET_COLOUR = "#555555"
UNJUDGED_COLOUR = "#9e9e9e"  # points below the minimum sample: a value, but no judgement
POINT_SIZE = 45
# `/kpi … chart` draws a line: with fewer periods holding a value it says so instead.
MIN_CHART_POINTS = 2

# The lowest value a unit can take, where the axis stops when the values come near it.
FLOORS = {
    Unit.COUNT: 0.0,
    Unit.JPY: 0.0,
    Unit.PERCENT: 0.0,
    Unit.SCORE: 0.0,
    Unit.RATIO: 0.0,
    Unit.RANK: 0.5,  # half a rank above first place
}
MARGIN = 0.08  # of the plotted range, above and below it

RENDER_LOCK = threading.RLock()


class Series(StrEnum):
    """What each drawn artist is (its gid), so tests and readers can tell them apart."""

    ACTUAL = "actual"  # the solid line between complete, judged periods
    TENTATIVE = "tentative"  # the dotted line into and out of a marked period
    POINTS = "points"  # complete, judged periods, one colour per level
    PARTIAL = "partial"  # the current period while it runs: a hollow point
    INSUFFICIENT = "insufficient"  # complete periods below the minimum sample: grey
    SAMPLE = "sample"  # the `n=` note beside a period below the minimum sample
    TARGET = "target"  # the figure each period was judged against
    NO_DATA = "no_data"  # the note on a chart without a single value


def _japanese(locale: str) -> bool:
    return locale.lower().startswith("ja")


def _register_font() -> str:
    # Locate the package without importing it: its __init__ calls japanize(), which would
    # change the process-wide rcParams this module promises to leave alone.
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja is not installed; charts need its Japanese font")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*FONT_FILE)
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.get_font(str(path)).family_name)


with RENDER_LOCK:
    FONT_FAMILY = _register_font()


def render_kpi_chart(state: KpiState, locale: str) -> bytes:
    """Render the KPI's history and targets as an 800 x 400 PNG, texts in the locale."""
    with RENDER_LOCK:
        figure = kpi_figure(state, locale)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def kpi_figure(state: KpiState, locale: str) -> Figure:
    """Build the chart of the KPI's history and targets as a figure on an Agg canvas."""
    with RENDER_LOCK:
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        _draw(figure.add_subplot(), state, locale)
    return figure


@dataclass(frozen=True)
class Point:
    """A drawn period: its place on the x axis and how it is marked."""

    x: int
    period: PeriodValue
    partial: bool  # the current period, still running at `as_of`
    insufficient: bool  # a value below the KPI's minimum sample, so not judged

    @property
    def value(self) -> float:
        """Return the value, NaN for none (NaN breaks a line: a gap)."""
        return math.nan if self.period.value is None else self.period.value

    @property
    def judged(self) -> float:
        """Return the figure the value was judged against, NaN without a target."""
        return math.nan if self.period.target is None else self.period.target.judged

    @property
    def firm(self) -> bool:
        """Whether the value is complete and judged, so the solid line may run through it."""
        return self.period.value is not None and not (self.partial or self.insufficient)


def chart_points(state: KpiState) -> list[Point]:
    """The periods to draw, oldest first: from the first with a value (all if none has one)."""
    history = state.history
    first = next((i for i, p in enumerate(history) if p.value is not None), 0)
    last = len(history) - 1
    partial = is_partial(state)
    return [
        Point(
            x=i - first,
            period=period,
            partial=partial and i == last,
            insufficient=period.level is Level.INSUFFICIENT_DATA,
        )
        for i, period in enumerate(history[first:], start=first)
    ]


def valued_periods(state: KpiState) -> int:
    """How many of the periods a chart would draw have a value."""
    return sum(1 for period in state.history if period.value is not None)


def is_partial(state: KpiState) -> bool:
    """Whether the current period is still running at `as_of` (local time is as_of's zone)."""
    last_day = _last_day(state.kpi.period, state.current)
    end = datetime.combine(last_day + ONE_DAY, time(), tzinfo=state.as_of.tzinfo)
    return state.as_of < end


def _last_day(kind: PeriodKind, period: PeriodValue) -> date:
    # A period's `end` is the last day known, so a running month ends on `as_of`'s day; the
    # calendar kinds end where their span does, trailing and cumulative ones with that day.
    if kind in (PeriodKind.TRAILING_12M, PeriodKind.CUMULATIVE):
        return period.end
    return span_containing(kind, period.start).last_day


def _draw(axes: Axes, state: KpiState, locale: str) -> None:
    kpi = state.kpi
    font = FontProperties(family=FONT_FAMILY)
    points = chart_points(state)
    xs = [p.x for p in points]
    handles: list[Artist] = []
    if any(p.period.value is not None for p in points):
        handles += _draw_values(axes, points, state, locale, font)
    else:
        axes.text(
            0.5,
            0.5,
            level_label(Level.NO_DATA, locale),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontproperties=font,
            color="#888888",
            fontsize=14,
            gid=Series.NO_DATA,
        )
    target = _draw_target(axes, points, state, locale)
    if target is not None:
        handles.insert(1 if handles else 0, target)

    _y_axis(axes, kpi.unit, [p.value for p in points] + [p.judged for p in points], locale)
    axes.set_xticks(xs, [period_label(kpi.period, p.period) for p in points])
    axes.set_xlim(-0.6, max(len(points) - 0.4, 0.6))
    axes.tick_params(labelfontfamily=FONT_FAMILY, labelsize=9)
    name, level = kpi.name.in_locale(locale), level_label(state.level, locale)
    title = t(locale, Text.CHART_TITLE, name=name, level=level)
    axes.set_title(title, fontproperties=font, fontsize=13)
    axes.set_xlabel(t(locale, Text.CHART_PERIOD), fontproperties=font)
    axes.set_ylabel(unit_label(kpi.unit, locale), fontproperties=font)
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    if handles:
        axes.figure.legend(
            handles=handles,
            prop=font,
            loc="outside lower center",
            ncols=len(handles) if len(handles) < 4 else 2,  # four in a row may not fit
            frameon=False,
        )


def _draw_values(
    axes: Axes, points: list[Point], state: KpiState, locale: str, font: FontProperties
) -> list[Artist]:
    """Draw the values and their marks; return the legend's entries for them."""
    axes.plot(
        [p.x for p in points],
        [p.value if p.firm else math.nan for p in points],
        color=ACTUAL_COLOUR,
        linewidth=2,
        zorder=2,
        gid=Series.ACTUAL,
    )
    # A segment touching a marked period is dotted: its value is not comparable yet.
    tentative_x: list[float] = []
    tentative_y: list[float] = []
    for left, right in itertools.pairwise(points):
        both = left.period.value is not None and right.period.value is not None
        if both and not (left.firm and right.firm):
            tentative_x += [left.x, right.x, math.nan]
            tentative_y += [left.value, right.value, math.nan]
    if tentative_x:
        axes.plot(
            tentative_x,
            tentative_y,
            color=ACTUAL_COLOUR,
            linewidth=1.5,
            linestyle=":",
            zorder=2,
            gid=Series.TENTATIVE,
        )
    firm = [p for p in points if p.firm]
    if firm:
        axes.scatter(
            [p.x for p in firm],
            [p.value for p in firm],
            c=[LEVEL_COLOURS.get(p.period.level, ACTUAL_COLOUR) for p in firm],
            s=POINT_SIZE,
            zorder=3,
            edgecolors="white",
            clip_on=False,  # a value on the axis floor (0 is 0) stays a whole point
            gid=Series.POINTS,
        )
    actual = Line2D([], [], color=ACTUAL_COLOUR, linewidth=2, marker="o", markersize=6)
    actual.set(markeredgecolor="white", label=t(locale, Text.CHART_ACTUAL))
    handles: list[Artist] = [actual]
    partial = [p for p in points if p.partial and p.period.value is not None]
    if partial:
        axes.scatter(
            [p.x for p in partial],
            [p.value for p in partial],
            s=POINT_SIZE,
            facecolors="white",
            edgecolors=[_colour(p) for p in partial],
            linewidths=2,
            zorder=4,
            clip_on=False,
            gid=Series.PARTIAL,
        )
        handles.append(_marker(t(locale, Text.CHART_PARTIAL), "white", TARGET_COLOUR))
    complete_unjudged = [p for p in points if p.insufficient and not p.partial]
    if complete_unjudged:
        axes.scatter(
            [p.x for p in complete_unjudged],
            [p.value for p in complete_unjudged],
            s=POINT_SIZE,
            c=UNJUDGED_COLOUR,
            edgecolors="white",
            zorder=3,
            clip_on=False,
            gid=Series.INSUFFICIENT,
        )
    unjudged = [p for p in points if p.insufficient]
    for p in unjudged:
        axes.annotate(
            t(locale, Text.SAMPLE, n="?" if p.period.n is None else f"{p.period.n:,}"),
            (p.x, p.value),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontproperties=font,
            fontsize=8,
            color="#616161",
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            annotation_clip=False,
            gid=Series.SAMPLE,
        )
    if unjudged:
        label = t(locale, Text.CHART_INSUFFICIENT, minimum=f"{state.kpi.min_sample:,}")
        handles.append(_marker(label, UNJUDGED_COLOUR, "white"))
    return handles


def _colour(point: Point) -> str:
    if point.insufficient:
        return UNJUDGED_COLOUR
    return LEVEL_COLOURS.get(point.period.level, ACTUAL_COLOUR)


def _marker(label: str, face: str, edge: str) -> Line2D:
    """A legend entry that is a point alone."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=7,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=1.5,
        label=label,
    )


def _draw_target(axes: Axes, points: list[Point], state: KpiState, locale: str) -> Line2D | None:
    """Draw what each period was judged against; return the legend's entry, if drawn."""
    judged = [p.judged for p in points]
    if all(math.isnan(v) for v in judged):
        return None
    if state.kpi.judge is Judge.LINE:
        # The straight line moves every period: a line through each period's figure, with a
        # tick at each so a lone period's figure shows too.
        xs = [p.x for p in points]
        axes.plot(
            xs,
            judged,
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=1.5,
            marker="_",
            markersize=14,
            zorder=1,
            gid=Series.TARGET,
        )
        label = Text.CHART_TARGET_LINE
    else:
        segments = _target_segments(judged)
        axes.hlines(
            [value for _, _, value in segments],
            [first - 0.5 for first, _, _ in segments],
            [last + 0.5 for _, last, _ in segments],
            colors=TARGET_COLOUR,
            linestyles="dashed",
            linewidth=1.5,
            zorder=1,
            gid=Series.TARGET,
        )
        current = state.current.target
        prorated = current is not None and current.judged != current.value
        label = Text.CHART_TARGET_PRORATED if prorated else Text.CHART_TARGET
    return Line2D([], [], color=TARGET_COLOUR, linestyle="--", label=t(locale, label))


def _target_segments(targets: list[float]) -> list[tuple[int, int, float]]:
    """Runs of periods with the same target: (first index, last index, target)."""
    segments: list[tuple[int, int, float]] = []
    for x, target in enumerate(targets):
        if math.isnan(target):
            continue
        if segments and segments[-1][1] == x - 1 and segments[-1][2] == target:
            segments[-1] = (segments[-1][0], x, target)
        else:
            segments.append((x, x, target))
    return segments


def period_label(kind: PeriodKind, period: PeriodValue) -> str:
    """A period as an x-axis label: 2026-11, 2026Q4, 11/16."""
    match kind:
        case PeriodKind.MONTH:
            return f"{period.start:%Y-%m}"
        case PeriodKind.QUARTER:
            return f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"
        case PeriodKind.WEEK | PeriodKind.DAY:
            return f"{period.start.month}/{period.start.day}"
        case PeriodKind.TRAILING_12M | PeriodKind.CUMULATIVE:
            # These end month-end by month-end; a cumulative start is date.min.
            return f"{period.end:%Y-%m}"


def y_limits(unit: Unit, numbers: list[float]) -> tuple[float, float]:
    """Return the y range that fits the values and targets, from the unit's floor when near it.

    Args:
        unit: whose floor (0 for amounts and rates, just above first place for a rank) the
            axis starts at when the numbers come closer to it than they spread.
        numbers: the values and judged targets drawn; NaN for none.
    """
    known = [n for n in numbers if not math.isnan(n)]
    if not known:
        return 0.0, 1.0
    low, high = min(known), max(known)
    spread = high - low or max(abs(high) * 0.1, 1.0)  # one value: a band around it
    floor = FLOORS.get(unit)
    if floor is not None and low >= floor and low - floor <= spread:
        return floor, high + spread * MARGIN
    if high == low:
        return low - spread / 2, high + spread / 2
    return low - spread * MARGIN, high + spread * MARGIN


def _y_axis(axes: Axes, unit: Unit, numbers: list[float], locale: str) -> None:
    axes.set_ylim(*y_limits(unit, numbers))
    axes.yaxis.set_major_locator(
        MaxNLocator(nbins=6, integer=unit in (Unit.COUNT, Unit.RANK, Unit.JPY))
    )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick(v, unit, locale)))
    if unit is Unit.RANK:
        axes.invert_yaxis()  # rank 1 at the top


def _tick(value: float, unit: Unit, locale: str) -> str:
    number = _trimmed(value)
    match unit:
        case Unit.JPY if _japanese(locale) and abs(value) >= 10_000:
            return f"{_trimmed(value / 10_000)}万円"
        case Unit.JPY:
            return f"¥{number}"
        case Unit.PERCENT:
            return f"{number}%"
        case _:
            return number


def _trimmed(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
