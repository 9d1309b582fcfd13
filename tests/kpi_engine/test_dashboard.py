"""Which dashboard figures give away which KPIs."""

from __future__ import annotations

from kpi_engine.catalog import load_catalog
from kpi_engine.dashboard import REVEALS, SHOWS, Figure, hidden_figures


def test_every_kpi_a_figure_reveals_is_in_the_catalog() -> None:
    known = {kpi.id for kpi in load_catalog().kpis}
    for figure, kpis in REVEALS.items():
        assert set(kpis) <= known, figure
    assert set(SHOWS.values()) <= known


def test_every_figure_reveals_at_least_the_kpi_it_shows() -> None:
    assert set(REVEALS) == set(Figure)
    for figure, kpi in SHOWS.items():
        assert kpi in REVEALS[figure]


def test_restricting_a_revenue_kpi_hides_todays_revenue_and_nothing_else() -> None:
    for kpi in ("mrr", "annual_revenue", "gross_margin", "ltv"):
        assert hidden_figures({kpi}) >= {Figure.REVENUE}
    assert hidden_figures({"mrr"}) == {Figure.REVENUE}


def test_restricting_uptime_hides_the_system_figures_only() -> None:
    assert hidden_figures({"uptime"}) == {Figure.UPTIME}


def test_nothing_restricted_hides_nothing() -> None:
    assert hidden_figures(set()) == frozenset()
