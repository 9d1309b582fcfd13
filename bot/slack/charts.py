"""A KPI's recent history as a PNG line chart, with the target in force per period.

Rendering uses `matplotlib.figure.Figure` on an Agg canvas, never pyplot, and changes no
rcParams: every text gets the Japanese font explicitly, so other figures in the process are
untouched. matplotlib's text layout and font caches are not thread-safe, hence one lock.
"""

from __future__ import annotations

import importlib.util
import io
import math
import threading
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.slack.copy import level_label, t, unit_label
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Unit
from kpi_engine.evaluate import KpiState, PeriodValue
from kpi_engine.levels import Level
from kpi_engine.periods import PeriodKind

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

_RENDER_LOCK = threading.Lock()


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


with _RENDER_LOCK:
    FONT_FAMILY = _register_font()


def render_kpi_chart(state: KpiState, locale: str) -> bytes:
    """Render the KPI's history and targets as an 800 x 400 PNG, texts in the locale."""
    with _RENDER_LOCK:
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        _draw(figure.add_subplot(), state, locale)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw(axes: Axes, state: KpiState, locale: str) -> None:
    kpi, history = state.kpi, state.history
    font = FontProperties(family=FONT_FAMILY)
    xs = list(range(len(history)))
    values = [math.nan if p.value is None else p.value for p in history]
    targets = [None if p.target is None else p.target.value for p in history]

    shown = [
        (x, v, colour)
        for x, v, colour in zip(xs, values, _colours(state), strict=True)
        if not math.isnan(v)
    ]
    if shown:
        # NaN breaks the line: a period without a value is a gap.
        axes.plot(
            xs,
            values,
            color=ACTUAL_COLOUR,
            linewidth=2,
            label=t(locale, Text.CHART_ACTUAL),
            zorder=2,
        )
        px, py, colours = zip(*shown, strict=True)
        axes.scatter(px, py, c=list(colours), s=45, zorder=3, edgecolors="white")
    segments = _target_segments(targets)
    if segments:
        axes.hlines(
            [value for _, _, value in segments],
            [first - 0.5 for first, _, _ in segments],
            [last + 0.5 for _, last, _ in segments],
            colors=TARGET_COLOUR,
            linestyles="dashed",
            linewidth=1.5,
            label=t(locale, Text.CHART_TARGET),
            zorder=1,
        )
    if not shown:
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
        )

    _y_axis(axes, kpi.unit, values, [t for t in targets if t is not None], locale)
    axes.set_xticks(xs, [_period_label(kpi.period, p) for p in history])
    axes.set_xlim(-0.6, max(len(history) - 0.4, 0.6))
    axes.tick_params(labelfontfamily=FONT_FAMILY, labelsize=9)
    name, level = kpi.name.in_locale(locale), level_label(state.level, locale)
    title = t(locale, Text.CHART_TITLE, name=name, level=level)
    axes.set_title(title, fontproperties=font, fontsize=13)
    axes.set_xlabel(t(locale, Text.CHART_PERIOD), fontproperties=font)
    axes.set_ylabel(unit_label(kpi.unit, locale), fontproperties=font)
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    if shown or segments:
        axes.figure.legend(prop=font, loc="outside upper right", ncols=2, frameon=False)


def _target_segments(targets: list[float | None]) -> list[tuple[int, int, float]]:
    """Runs of periods with the same target: (first index, last index, target)."""
    segments: list[tuple[int, int, float]] = []
    for x, target in enumerate(targets):
        if target is None:
            continue
        if segments and segments[-1][1] == x - 1 and segments[-1][2] == target:
            segments[-1] = (segments[-1][0], x, target)
        else:
            segments.append((x, x, target))
    return segments


def _colours(state: KpiState) -> list[str]:
    """One colour per history period: its level, or the line colour without one."""
    return [LEVEL_COLOURS.get(period.level, ACTUAL_COLOUR) for period in state.history]


def _period_label(kind: PeriodKind, period: PeriodValue) -> str:
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


def _y_axis(axes: Axes, unit: Unit, values: list[float], targets: list[float], locale: str) -> None:
    known = [v for v in values if not math.isnan(v)] + targets
    if unit is Unit.PERCENT:
        low = min([0.0, *known])
        high = max([100.0, *known])
        axes.set_ylim(low, high + (high - low) * 0.05)
    elif not known:
        axes.set_ylim(0, 1)
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
