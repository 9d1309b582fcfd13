"""KPI charts are 800 x 400 PNGs whose Japanese text renders, from any thread."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.slack.charts import _period_label, _tick, render_kpi_chart
from kpi_engine.catalog import KpiDefinition, Unit, load_catalog
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce
from kpi_engine.levels import Level
from kpi_engine.periods import PeriodKind, history
from kpi_engine.targets import target_in_force

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
    assert _period_label(kind, PeriodValue(start, end, None, None)) == label


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
