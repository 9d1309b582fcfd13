"""The reports' charts: one panel per KPI of its attainment against the 100 % line, read from
the figure's artists; Japanese text renders with the Japanese font."""

from __future__ import annotations

import math
import warnings

import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

from bot.slack.charts import FONT_FAMILY, LEVEL_COLOURS
from bot.slack.report_charts import (
    CEILING,
    ReportSeries,
    attainment_figure,
    attainment_heatmap,
    attainment_series,
    cell_text,
    render_png,
)
from kpi_engine.levels import Level
from tests.bot.slack.test_charts import PNG_MAGIC, kpi_state, png_size


def by_gid(axes: Axes, gid: str) -> list[object]:
    return [artist for artist in axes.get_children() if artist.get_gid() == gid]


def visible_axes(figure: object) -> list[Axes]:
    return [axes for axes in figure.axes if axes.get_visible()]  # type: ignore[attr-defined]


def test_each_period_is_drawn_as_its_attainment_of_its_own_target() -> None:
    # NPS targets: 70 in force until 2026-06-30 (Phase 2), 75 from 2026-07-01 (Phase 3).
    values = [63.0, 70.0, 52.5, None, 75.0, 150.0]
    state = kpi_state("nps", values)
    labels, attained = attainment_series(state)
    assert labels == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    expected = [90.0, 70.0 / 75 * 100, 70.0, math.nan, 100.0, 200.0]
    assert [round(v, 6) for v in attained if not math.isnan(v)] == [
        round(v, 6) for v in expected if not math.isnan(v)
    ]
    assert math.isnan(attained[3])


def test_the_panel_draws_the_line_the_100_percent_target_and_clips_the_outlier() -> None:
    state = kpi_state("nps", [63.0, 70.0, 52.5, None, 75.0, 150.0])
    figure = attainment_figure([state], "タイトル", "ja")
    (axes,) = visible_axes(figure)
    (line,) = by_gid(axes, ReportSeries.ATTAINMENT)
    assert isinstance(line, Line2D)
    y = list(line.get_ydata())  # type: ignore[arg-type]
    assert y[0] == pytest.approx(90.0) and y[2] == pytest.approx(70.0)
    assert y[-1] == CEILING  # 200 % drawn on the top edge...
    (clipped,) = by_gid(axes, ReportSeries.CLIPPED)
    assert isinstance(clipped, PathCollection)
    assert clipped.get_offsets().tolist() == [[5.0, CEILING]]  # ...and marked there


def test_a_negative_attainment_is_drawn_on_the_bottom_edge() -> None:
    # Revenue growth of -10 % against a 20 % target: -50 % attainment.
    state = kpi_state("revenue_growth_yoy", [30.0, -10.0])
    (axes,) = visible_axes(attainment_figure([state], "t", "ja"))
    (line,) = by_gid(axes, ReportSeries.ATTAINMENT)
    assert list(line.get_ydata()) == [pytest.approx(150.0), 0.0]  # type: ignore[attr-defined]
    clipped = by_gid(axes, ReportSeries.CLIPPED)
    offsets = sorted(o for c in clipped for o in c.get_offsets().tolist())  # type: ignore[attr-defined]
    assert offsets == [[1.0, 0.0]]  # 150 % exactly is on the chart, not beyond it
    (full,) = by_gid(axes, ReportSeries.FULL)
    assert isinstance(full, Line2D) and list(full.get_ydata()) == [100.0, 100.0]  # type: ignore[arg-type]
    assert len(by_gid(axes, ReportSeries.BAND)) == 4
    assert axes.get_ylim() == (0.0, CEILING)


def test_one_panel_per_kpi_in_order_titled_with_its_japanese_name() -> None:
    states = [kpi_state(kpi_id) for kpi_id in ("nps", "mrr", "completion_rate", "csat")]
    figure = attainment_figure(states, "主要KPIの目標達成率の推移", "ja")
    panels = visible_axes(figure)
    assert [axes.get_title() for axes in panels] == [s.kpi.name.ja for s in states]
    assert all(axes.title.get_fontfamily() == [FONT_FAMILY] for axes in panels)
    assert figure._suptitle is not None  # type: ignore[attr-defined]
    assert figure._suptitle.get_text() == "主要KPIの目標達成率の推移"  # type: ignore[attr-defined]
    # Four panels in rows of three: the empty slots get no axes at all.
    assert len(figure.axes) == 4


def test_points_are_coloured_by_their_periods_level() -> None:
    state = kpi_state("nps", [63.0, 70.0])
    history = [
        period.__class__(**{**period.__dict__, "level": level})
        for period, level in zip(state.history, (Level.GREEN, Level.RED), strict=True)
    ]
    state = state.__class__(**{**state.__dict__, "history": history})
    (axes,) = visible_axes(attainment_figure([state], "t", "en"))
    (points,) = by_gid(axes, ReportSeries.POINTS)
    assert isinstance(points, PathCollection)
    colours = [tuple(round(c, 3) for c in rgba[:3]) for rgba in points.get_facecolors()]
    expected = [LEVEL_COLOURS[Level.GREEN], LEVEL_COLOURS[Level.RED]]
    assert colours == [
        tuple(round(int(h[i : i + 2], 16) / 255, 3) for i in (1, 3, 5)) for h in expected
    ]


def test_a_kpi_without_any_attainment_says_no_data() -> None:
    (axes,) = visible_axes(attainment_figure([kpi_state("nps", [None, None])], "t", "ja"))
    assert by_gid(axes, ReportSeries.ATTAINMENT) == []
    (note,) = by_gid(axes, ReportSeries.NO_DATA)
    assert note.get_text() == "データなし"  # type: ignore[attr-defined]


def test_a_japanese_report_chart_renders_every_glyph_as_a_png() -> None:
    states = [kpi_state(kpi_id) for kpi_id in ("nps", "mrr", "completion_rate")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails the test
        png = render_png(attainment_figure(states, "主要KPIの目標達成率の推移", "ja"))
    assert png[:8] == PNG_MAGIC
    assert png_size(png) == (960, 355)  # three panels of 300 x 210 with margins


def test_a_tier_grid_shows_each_periods_attainment_tinted_by_its_level() -> None:
    nps = kpi_state("nps", [63.0, 70.0, 52.5, None, 75.0, 150.0])
    levels = [Level.GREEN, Level.GREEN, Level.RED, Level.NO_DATA, Level.GREEN, Level.YELLOW]
    history = [
        period.__class__(**{**period.__dict__, "level": level})
        for period, level in zip(nps.history, levels, strict=True)
    ]
    nps = nps.__class__(**{**nps.__dict__, "history": history})
    csat = kpi_state("csat", [4.5, 4.05])  # weekly, two periods: right-aligned
    figure = attainment_heatmap([nps, csat], "顧客KPIの目標達成率の推移", "ja")
    (axes,) = figure.axes
    cells = [
        (round(text.get_position()[1]), round(text.get_position()[0]), text.get_text())
        for text in by_gid(axes, ReportSeries.CELL)  # type: ignore[attr-defined]
    ]
    # NPS targets: 70 until June 2026, 75 from July. CSAT: 4.5.
    assert cells == [
        (0, 0, "90"), (0, 1, "93"), (0, 2, "70"), (0, 3, "-"), (0, 4, "100"), (0, 5, "200"),
        (1, 4, "100"), (1, 5, "90"),
    ]  # fmt: skip
    (image,) = by_gid(axes, ReportSeries.HEATMAP)
    colours = image.get_array()  # type: ignore[attr-defined]
    assert colours.shape[:2] == (2, 6)
    red = tuple(1 - 0.45 * (1 - c) for c in to_rgb(LEVEL_COLOURS[Level.RED]))
    assert tuple(colours[0][2]) == pytest.approx(red)
    assert tuple(colours[0][3]) == pytest.approx(to_rgb("#eeeeee"))  # no data
    assert tuple(colours[1][0]) == pytest.approx(to_rgb("#eeeeee"))  # before CSAT's first
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels == [nps.kpi.name.ja, csat.kpi.name.ja]
    latest = [text.get_text() for text in by_gid(axes, ReportSeries.LATEST)]  # type: ignore[attr-defined]
    assert latest == ["2026-11", "11/16"]


@pytest.mark.parametrize(
    ("percent", "text"),
    [(89.5, "90"), (-12.4, "-12"), (math.inf, "∞"), (math.nan, "-"), (1234.4, "1234")],
)
def test_a_cell_shows_whole_percent(percent: float, text: str) -> None:
    assert cell_text(percent) == text


def test_a_japanese_tier_grid_renders_every_glyph() -> None:
    states = [kpi_state(kpi_id) for kpi_id in ("nps", "csat", "retention_6m")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_png(attainment_heatmap(states, "顧客KPIの目標達成率の推移", "ja"))
    assert png[:8] == PNG_MAGIC
