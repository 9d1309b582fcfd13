"""Pure KPI logic: catalog, periods, targets, formulas, attainment and levels."""
