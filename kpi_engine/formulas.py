"""KPI formulas (placeholder until the engine lands)."""
COMPUTED: frozenset[str] = frozenset()
def is_measured(kpi_id: str) -> bool:
    return kpi_id not in COMPUTED
