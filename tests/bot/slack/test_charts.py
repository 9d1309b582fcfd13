"""KPI charts judge what the text judges, and are 800 x 400 PNGs whose Japanese text renders,
from any thread."""

from __future__ import annotations

import math
import struct
import subprocess
import sys
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import matplotlib
import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from bot.slack.charts import (
    LEVEL_COLOURS,
    UNJUDGED_COLOUR,
    Series,
    _tick,
    is_partial,
    kpi_figure,
    period_label,
    render_kpi_chart,
    y_limits,
)
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import KpiDefinition, Unit, load_catalog
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce
from kpi_engine.levels import Level
from kpi_engine.periods import PeriodKind, history
from kpi_engine.targets import judged_target, target_in_force

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CATALOG = load_catalog()
TODAY = date(2026, 11, 20)


def in_force(kpi: KpiDefinition, day: date) -> TargetInForce | None:
    """The target the engine gives a period ending on `day` (judged as a complete period)."""
    target = target_in_force(kpi, day)
    if target is None:
        return None
    return TargetInForce(target.value, target.due, target.phase, target.value, target.label)


def kpi_state(
    kpi_id: str = "nps",
    values: list[float | None] | None = None,
    level: Level = Level.YELLOW,
    kpi: KpiDefinition | None = None,
) -> KpiState:
    """A state as `evaluate` would build it, with the given history values, oldest first."""
    kpi = kpi or CATALOG.get(kpi_id)
    if values is None:
        values = [40, 52, None, 58, 61, 66, 70, -5, 64, 68, 71, 64]
    spans = history(kpi.period, TODAY, len(values))
    periods = [
        PeriodValue(s.start, s.last_day, v, 40, target=in_force(kpi, s.last_day))
        for s, v in zip(spans, values, strict=True)
    ]
    return KpiState(
        kpi=kpi,
        as_of=datetime(2026, 11, 20, 3, tzinfo=UTC),
        current=periods[-1],
        previous=periods[-2] if len(periods) > 1 else periods[-1],
        last_year=PeriodValue(date(2025, 11, 1), date(2025, 11, 30), None, None),
        history=periods,
        target=TargetInForce(75.0, date(2027, 6, 30), "phase3", 75.0),
        attainment=85.3,
        level=level,
        basis=Basis.CURRENT if values[-1] is not None else None,
        rule=None,
        projection=None,
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def render_strictly(state: KpiState, locale: str) -> bytes:
    """Render with every warning, "Glyph ... missing from font(s)" included, as an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return render_kpi_chart(state, locale)


@pytest.mark.parametrize("kpi_id", ["nps", "mrr", "completion_rate", "brand_search_rank"])
def test_a_japanese_chart_has_every_glyph_in_its_font(kpi_id: str) -> None:
    state = kpi_state(kpi_id)
    assert not state.kpi.name.ja.isascii()  # e.g. ネットプロモータースコア
    assert png_size(render_strictly(state, "ja")) == (800, 400)


def test_the_glyph_check_catches_a_font_without_japanese() -> None:
    # Shows the strict rendering above would fail if the Japanese font were not used.
    figure = Figure(figsize=(2, 1), dpi=100)
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, "目標", fontfamily="DejaVu Sans")
    with pytest.warns(UserWarning, match="missing from font"):
        figure.canvas.draw()


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_chart_is_an_800_by_400_png_in_either_locale(locale: str) -> None:
    assert png_size(render_strictly(kpi_state(), locale)) == (800, 400)


@pytest.mark.parametrize(
    "values",
    [[None] * 12, [None], [64.0], [None, None, 64.0, None], [None, 64.0]],
    ids=["all-none", "one-none", "one-value", "lone-value-between-gaps", "value-after-gap"],
)
def test_a_history_with_few_or_no_values_still_renders(values: list[float | None]) -> None:
    level = Level.NO_DATA if all(v is None for v in values) else Level.GREEN
    for locale in ("ja", "en"):
        assert png_size(render_strictly(kpi_state(values=values, level=level), locale)) == (
            800,
            400,
        )


def test_a_kpi_without_targets_renders_without_a_target_line() -> None:
    kpi = CATALOG.get("nps").model_copy(update={"targets": []})
    state = replace(kpi_state(kpi=kpi), target=None, attainment=None)
    assert png_size(render_strictly(state, "ja")) == (800, 400)


def test_the_target_line_is_drawn_from_the_periods_targets_not_the_catalog() -> None:
    state = kpi_state()
    untargeted = replace(state, history=[replace(p, target=None) for p in state.history])
    catalog_without = kpi_state(kpi=CATALOG.get("nps").model_copy(update={"targets": []}))
    assert render_kpi_chart(untargeted, "en") == render_kpi_chart(catalog_without, "en")
    assert render_kpi_chart(state, "en") != render_kpi_chart(untargeted, "en")


def test_eight_threads_rendering_at_once_all_get_valid_pngs() -> None:
    states = [kpi_state(kpi_id) for kpi_id in ("nps", "mrr", "cac", "uptime")] * 2
    start = threading.Barrier(len(states))

    def render(index: int) -> bytes:
        start.wait()
        return render_kpi_chart(states[index], "ja" if index % 2 else "en")

    with ThreadPoolExecutor(max_workers=len(states)) as pool:
        pngs = list(pool.map(render, range(len(states))))
    assert [png_size(png) for png in pngs] == [(800, 400)] * len(states)
    # The same chart rendered alone is the same image: no thread saw another's figure.
    assert pngs[0] == render_kpi_chart(states[0], "en")


def test_rendering_leaves_the_global_matplotlib_settings_alone() -> None:
    before = dict(matplotlib.rcParams)
    render_kpi_chart(kpi_state(), "ja")
    assert dict(matplotlib.rcParams) == before


def test_the_chart_module_imports_neither_pyplot_nor_japanize() -> None:
    # Importing matplotlib_fontja runs japanize(), which rewrites the global rcParams.
    code = (
        "import sys, bot.slack.charts; "
        "assert 'matplotlib.pyplot' not in sys.modules; "
        "assert 'matplotlib_fontja' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("kind", "start", "end", "label"),
    [
        (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), "2026-11"),
        (PeriodKind.WEEK, date(2026, 11, 16), date(2026, 11, 22), "11/16"),
        (PeriodKind.QUARTER, date(2026, 10, 1), date(2026, 12, 31), "2026Q4"),
        (PeriodKind.DAY, date(2026, 11, 20), date(2026, 11, 20), "11/20"),
        (PeriodKind.TRAILING_12M, date(2025, 12, 1), date(2026, 11, 30), "2026-11"),
        (PeriodKind.CUMULATIVE, date.min, date(2026, 10, 31), "2026-10"),
    ],
)
def test_periods_are_labelled_by_their_kind(
    kind: PeriodKind, start: date, end: date, label: str
) -> None:
    assert period_label(kind, PeriodValue(start, end, None, None)) == label


@pytest.mark.parametrize(
    ("value", "unit", "locale", "tick"),
    [
        (8_000_000, Unit.JPY, "ja", "800万円"),
        (12_500, Unit.JPY, "ja", "1.25万円"),
        (5_000, Unit.JPY, "ja", "¥5,000"),
        (8_000_000, Unit.JPY, "en", "¥8,000,000"),
        (85, Unit.PERCENT, "en", "85%"),
        (1_049, Unit.COUNT, "ja", "1,049"),
        (4.25, Unit.SCORE, "en", "4.25"),
        (-0.0, Unit.POINT, "en", "0"),
    ],
)
def test_y_ticks_are_in_the_kpi_unit(value: float, unit: Unit, locale: str, tick: str) -> None:
    assert _tick(value, unit, locale) == tick


# What is drawn: each chart below is built as a figure and its artists are read back.

TOKYO = ZoneInfo("Asia/Tokyo")
MID_NOVEMBER = datetime(2026, 11, 20, 15, tzinfo=TOKYO)  # November (and its week) still run
LAST_HOUR_OF_NOVEMBER = datetime(2026, 11, 30, 23, tzinfo=TOKYO)
AFTER_NOVEMBER = datetime(2026, 12, 1, tzinfo=TOKYO)  # the first moment after November


def judged_in_force(kpi: KpiDefinition, day: date) -> TargetInForce | None:
    """The target in force on `day` with the figure the engine judges the period known
    through `day` by (pro-rated to it; a stock's straight line, starting from 0)."""
    target = target_in_force(kpi, day)
    if target is None:
        return None
    figure = judged_target(kpi, target, history(kpi.period, day, 1)[0], day, None)
    return TargetInForce(target.value, target.due, target.phase, figure, target.label)


def evaluated(
    kpi_id: str,
    values: Sequence[float | None],
    *,
    as_of: datetime = MID_NOVEMBER,
    unjudged: dict[int, int] | None = None,
    kpi: KpiDefinition | None = None,
) -> KpiState:
    """A state as `evaluate` builds it at `as_of`: the current period known through as_of's
    day and judged against what is due by then; `unjudged` maps a period's index (negative
    from the end) to its sample size below the KPI's minimum."""
    kpi = kpi or CATALOG.get(kpi_id)
    as_of_day = (as_of - timedelta(microseconds=1)).astimezone(TOKYO).date()  # as evaluate
    unjudged = {i % len(values): n for i, n in (unjudged or {}).items()}
    periods = []
    for i, (span, value) in enumerate(
        zip(history(kpi.period, as_of_day, len(values)), values, strict=True)
    ):
        end = min(span.last_day, as_of_day)
        if value is None:
            n, level = None, Level.NO_DATA
        elif i in unjudged:
            n, level = unjudged[i], Level.INSUFFICIENT_DATA
        else:
            n, level = 100, Level.GREEN
        target = judged_in_force(kpi, end)
        periods.append(PeriodValue(span.start, end, value, n, level, target))
    return KpiState(
        kpi=kpi,
        as_of=as_of,
        current=periods[-1],
        previous=periods[-2] if len(periods) > 1 else periods[-1],
        last_year=PeriodValue(date(2025, 11, 1), date(2025, 11, 30), None, None),
        history=periods,
        target=periods[-1].target,
        attainment=None,
        level=Level.GREEN,
        basis=Basis.CURRENT,
        rule=None,
        projection=None,
    )


def drawn(figure: Figure, series: Series) -> list[Artist]:
    return [a for a in figure.axes[0].get_children() if a.get_gid() == series]


def line(figure: Figure, series: Series) -> tuple[list[float], list[float]]:
    """The x and y data of the one line drawn for `series`."""
    (artist,) = drawn(figure, series)
    assert isinstance(artist, Line2D)
    xs, ys = np.asarray(artist.get_xdata(), float), np.asarray(artist.get_ydata(), float)
    return xs.tolist(), ys.tolist()


def points(figure: Figure, series: Series) -> list[tuple[float, float]]:
    """The points of the one scatter drawn for `series`; none if it is not drawn."""
    artists = drawn(figure, series)
    if not artists:
        return []
    (artist,) = artists
    assert isinstance(artist, PathCollection)
    return [(float(x), float(y)) for x, y in artist.get_offsets()]


def drawn_segments(figure: Figure) -> list[list[tuple[float, float]]]:
    (artist,) = drawn(figure, Series.TARGET)
    assert isinstance(artist, LineCollection)
    return [[(float(x), float(y)) for x, y in segment] for segment in artist.get_segments()]


def legend(figure: Figure) -> list[str]:
    (box,) = figure.legends
    return [text.get_text() for text in box.get_texts()]


def same(actual: Sequence[float], expected: Sequence[float | None]) -> bool:
    """Equal element by element, NaN standing for None."""
    return len(actual) == len(expected) and all(
        math.isnan(a) if e is None else math.isclose(a, e)
        for a, e in zip(actual, expected, strict=True)
    )


@pytest.mark.parametrize(
    ("unit", "numbers", "low", "high"),
    [
        # Near the floor (closer to 0 than they spread): from 0, up to just above the target.
        (Unit.PERCENT, [0.5, 1.5, 3.5, 10.0], 0.0, 10.76),
        # Far from it: the axis fits, instead of flattening 99.8 vs 99.9 against 0-100.
        (Unit.PERCENT, [99.8, 99.9, 99.5], 99.468, 99.932),
        (Unit.POINT, [-20.0, 10.0, 75.0], -27.6, 82.6),  # NPS has no floor
        (Unit.RANK, [1.0, 5.0, 3.0], 0.5, 5.32),  # half a rank above first place
        (Unit.COUNT, [0.0, 0.0], 0.0, 0.08),  # all zero: still a range, from 0
        (Unit.SCORE, [4.2, 4.2], 3.7, 4.7),  # one value: a band around it
        (Unit.COUNT, [math.nan], 0.0, 1.0),  # nothing known
    ],
)
def test_the_y_axis_fits_the_values_and_targets_above_the_units_floor(
    unit: Unit, numbers: list[float], low: float, high: float
) -> None:
    assert y_limits(unit, numbers) == pytest.approx((low, high))


def test_a_small_market_share_is_drawn_on_an_axis_that_fits_it_not_on_0_to_100() -> None:
    shares = [None] * 4 + [0.5, 0.73, 1.1, 1.51, 1.92, 2.42, 2.94, 3.54]
    state = evaluated("market_share", shares)
    figure = kpi_figure(state, "ja")
    low, high = figure.axes[0].get_ylim()
    judged = [p.target.judged for p in state.history if p.target is not None]
    assert low == 0.0
    assert max([*judged, 3.54]) < high < 1.1 * max([*judged, 3.54]) < 10.0


def test_a_rate_near_100_percent_gets_an_axis_near_100() -> None:
    figure = kpi_figure(evaluated("uptime", [99.89, 99.79, 99.91, 99.81]), "en")
    low, high = figure.axes[0].get_ylim()
    assert 99.4 < low < 99.5 and 99.91 < high < 100.0  # the 99.5 % target included


def test_a_rank_axis_has_first_place_at_the_top() -> None:
    figure = kpi_figure(evaluated("brand_search_rank", [7.0, 6.0, 4.0, 5.0]), "en")
    bottom, top = figure.axes[0].get_ylim()
    assert top == 0.5 and bottom > 7.0


def test_periods_before_the_data_begins_are_not_drawn_but_a_later_gap_is() -> None:
    values = [None, None, None, 60.0, None, 62.0, 64.0]
    figure = kpi_figure(evaluated("nps", values, as_of=AFTER_NOVEMBER), "en")
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == [
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    xs, ys = line(figure, Series.ACTUAL)
    assert xs == [0, 1, 2, 3] and same(ys, [60.0, None, 62.0, 64.0])
    assert points(figure, Series.POINTS) == [(0, 60.0), (2, 62.0), (3, 64.0)]
    target_xs = [x for segment in drawn_segments(figure) for x, _ in segment]
    assert min(target_xs) == -0.5  # the target starts with the data too


def test_a_history_without_any_value_shows_every_period_its_target_and_says_no_data() -> None:
    figure = kpi_figure(evaluated("nps", [None] * 4), "ja")
    assert len(figure.axes[0].get_xticklabels()) == 4
    assert not drawn(figure, Series.ACTUAL)
    (note,) = drawn(figure, Series.NO_DATA)
    assert note.get_text() == "データなし"  # type: ignore[attr-defined]
    assert legend(figure) == ["目標"]


@pytest.mark.parametrize(
    ("kind", "start", "end", "as_of", "partial"),
    [
        (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 20), MID_NOVEMBER, True),
        # On its last day, a period still runs until midnight.
        (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), LAST_HOUR_OF_NOVEMBER, True),
        (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), AFTER_NOVEMBER, False),
        (PeriodKind.WEEK, date(2026, 11, 16), date(2026, 11, 20), MID_NOVEMBER, True),
        (PeriodKind.DAY, date(2026, 11, 30), date(2026, 11, 30), AFTER_NOVEMBER, False),
        # A cumulative or trailing period ends with as_of's day: complete at its midnight.
        (PeriodKind.CUMULATIVE, date.min, date(2026, 11, 20), MID_NOVEMBER, True),
        (PeriodKind.CUMULATIVE, date.min, date(2026, 11, 30), AFTER_NOVEMBER, False),
        (PeriodKind.TRAILING_12M, date(2025, 12, 1), date(2026, 11, 30), AFTER_NOVEMBER, False),
    ],
)  # fmt: skip
def test_the_current_period_is_partial_until_the_end_of_its_last_day(
    kind: PeriodKind, start: date, end: date, as_of: datetime, partial: bool
) -> None:
    kpi = CATALOG.get("nps").model_copy(update={"period": kind})
    current = PeriodValue(start, end, 1.0, 100, Level.GREEN)
    state = replace(kpi_state(kpi=kpi), as_of=as_of, current=current)
    assert is_partial(state) is partial


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_current_period_while_it_runs_is_a_hollow_point_on_a_dotted_segment(
    locale: str,
) -> None:
    # A month's revenue three days in: a drop the chart must not draw as a fall.
    values = [5_072_380.0, 5_521_880.0, 5_860_940.0, 605_460.0]
    as_of = datetime(2026, 11, 3, 12, tzinfo=TOKYO)
    figure = kpi_figure(evaluated("mrr", values, as_of=as_of), locale)
    xs, ys = line(figure, Series.ACTUAL)
    assert same(ys, [*values[:3], None])  # the solid line ends with the last complete month
    xs, ys = line(figure, Series.TENTATIVE)  # dotted from the last complete month
    assert same(xs, [2, 3, None]) and same(ys, [values[2], values[3], None])
    assert points(figure, Series.PARTIAL) == [(3, 605_460.0)]
    assert points(figure, Series.POINTS) == [(0, values[0]), (1, values[1]), (2, values[2])]
    (hollow,) = drawn(figure, Series.PARTIAL)
    assert isinstance(hollow, PathCollection)
    assert [tuple(c) for c in hollow.get_facecolors()] == [(1.0, 1.0, 1.0, 1.0)]
    assert t(locale, Text.CHART_PARTIAL) in legend(figure)


def test_a_complete_current_period_is_not_marked_partial() -> None:
    values = [70.0, 72.0, 74.0]
    figure = kpi_figure(evaluated("nps", values, as_of=AFTER_NOVEMBER), "ja")
    assert not drawn(figure, Series.PARTIAL) and not drawn(figure, Series.TENTATIVE)
    assert line(figure, Series.ACTUAL)[1] == values
    assert legend(figure) == ["実績", "目標"]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_periods_below_the_minimum_sample_are_grey_with_their_n_and_the_legend_says_why(
    locale: str,
) -> None:
    # A month of three answers in the middle, and a current month of two.
    values = [70.0, 71.0, 95.0, 72.0, 86.0]
    state = evaluated("nps", values, unjudged={2: 3, -1: 2})
    figure = kpi_figure(state, locale)
    assert points(figure, Series.INSUFFICIENT) == [(2, 95.0)]
    assert points(figure, Series.PARTIAL) == [(4, 86.0)]
    (hollow,) = drawn(figure, Series.PARTIAL)
    assert isinstance(hollow, PathCollection)
    assert matplotlib.colors.to_hex(hollow.get_edgecolors()[0]) == UNJUDGED_COLOUR
    notes = [a for a in drawn(figure, Series.SAMPLE) if isinstance(a, Annotation)]
    assert [(n.get_text(), n.xy) for n in notes] == [("n=3", (2, 95.0)), ("n=2", (4, 86.0))]
    assert same(line(figure, Series.ACTUAL)[1], [70.0, 71.0, None, 72.0, None])
    assert same(
        line(figure, Series.TENTATIVE)[1], [71.0, 95.0, None, 95.0, 72.0, None, 72.0, 86.0, None]
    )
    minimum = t(locale, Text.CHART_INSUFFICIENT, minimum="10")
    assert legend(figure) == [
        t(locale, Text.CHART_ACTUAL),
        t(locale, Text.CHART_TARGET),
        t(locale, Text.CHART_PARTIAL),
        minimum,
    ]


def test_a_stock_is_drawn_against_the_straight_line_it_is_judged_on() -> None:
    students = [302.0, 356.0, 413.0, 473.0, 533.0, 598.0, 664.0, 736.0, 812.0, 895.0, 981.0, 1040.0]
    state = evaluated("cumulative_students", students)
    figure = kpi_figure(state, "ja")
    xs, ys = line(figure, Series.TARGET)
    judged = [p.target.judged for p in state.history if p.target is not None]
    assert xs == list(range(12)) and ys == judged
    # Not the flat end targets (300, then 1,500 due 2027-06-30) the old chart drew.
    assert ys[-1] < 1_500 and ys[-1] != ys[-2]
    assert legend(figure)[1] == t("ja", Text.CHART_TARGET_LINE)


def test_the_current_flow_period_is_drawn_against_its_prorated_target() -> None:
    values = [5_072_380.0, 5_521_880.0, 5_860_940.0, 605_460.0]
    as_of = datetime(2026, 11, 3, 12, tzinfo=TOKYO)
    figure = kpi_figure(evaluated("mrr", values, as_of=as_of), "en")
    # Three full months at the ¥8 M target, then 3 of November's 30 days of it.
    assert drawn_segments(figure) == [[(-0.5, 8e6), (2.5, 8e6)], [(2.5, 8e5), (3.5, 8e5)]]
    assert legend(figure)[1] == "target (pro-rated in the current period)"


def test_a_zero_is_a_whole_point_at_zero_not_a_gap() -> None:
    figure = kpi_figure(
        evaluated("content_updates", [3.0, 0.0, 2.0, 0.0], as_of=AFTER_NOVEMBER), "en"
    )
    assert line(figure, Series.ACTUAL)[1] == [3.0, 0.0, 2.0, 0.0]
    assert points(figure, Series.POINTS) == [(0, 3.0), (1, 0.0), (2, 2.0), (3, 0.0)]
    (dots,) = drawn(figure, Series.POINTS)
    assert not dots.get_clip_on()  # on the axis floor, yet not cut in half
    assert figure.axes[0].get_ylim()[0] == 0.0


def test_a_history_of_zeros_is_drawn_at_zero() -> None:
    kpi = CATALOG.get("content_updates").model_copy(update={"targets": []})
    figure = kpi_figure(evaluated("", [0.0, 0.0, 0.0], as_of=AFTER_NOVEMBER, kpi=kpi), "ja")
    assert line(figure, Series.ACTUAL)[1] == [0.0, 0.0, 0.0]
    low, high = figure.axes[0].get_ylim()
    assert low == 0.0 < high


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_longest_legend_fits_in_the_chart(locale: str) -> None:
    values = [5_072_380.0, 1_000.0, 5_860_940.0, 605_460.0]
    state = evaluated("mrr", values, as_of=datetime(2026, 11, 3, 12, tzinfo=TOKYO), unjudged={1: 1})
    figure = kpi_figure(state, locale)
    assert len(legend(figure)) == 4
    figure.canvas.draw()
    box = figure.legends[0].get_window_extent()
    assert box.x0 >= 0 and box.x1 <= 800 and box.y0 >= 0
    assert png_size(render_strictly(state, locale)) == (800, 400)


def test_the_level_colours_the_points() -> None:
    state = evaluated("nps", [70.0, 72.0], as_of=AFTER_NOVEMBER)
    state = replace(state, history=[replace(state.history[0], level=Level.RED), state.history[1]])
    (dots,) = drawn(kpi_figure(state, "en"), Series.POINTS)
    assert isinstance(dots, PathCollection)
    colours = [matplotlib.colors.to_hex(c) for c in dots.get_facecolors()]
    assert colours == [LEVEL_COLOURS[Level.RED], LEVEL_COLOURS[Level.GREEN]]
